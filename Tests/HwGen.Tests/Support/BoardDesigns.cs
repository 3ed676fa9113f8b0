using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Emit;
using HwGen.Hardware;

namespace HwGen.Tests.Support;

/// <summary>Small multi-layer designs for the board tests, and their builds written to a folder.</summary>
internal static class BoardDesigns
{
    /// <summary>
    /// 40 signed inputs, three layers (24, 12, 5; the last without ReLU) on 3 PEs, two entries
    /// per sparse-matrix line, 24 MHz; the sparse matrices in SPRAM unless told otherwise.
    /// </summary>
    public static HwGenConfig Mini(MemoryStyle spmat = MemoryStyle.Ice40Spram, string name = "mini") => new()
    {
        Name = name,
        Seed = 3,
        Input = new InputConfig { Size = 40, Density = 0.5, Signed = true },
        Layers =
        [
            new LayerConfig { Name = "fc1", Outputs = 24, Weights = new WeightsConfig { Density = 0.3 } },
            new LayerConfig { Name = "fc2", Outputs = 12, Weights = new WeightsConfig { Density = 0.4 } },
            new LayerConfig { Name = "fc3", Outputs = 5, Activation = LayerActivation.None, Weights = new WeightsConfig { Density = 0.6 } },
        ],
        Hardware = new HardwareConfig
        {
            Pes = 3,
            SpmatLineEntries = 2,
            ClockMhz = 24,
            SpmatMemory = spmat,
            ActMemory = MemoryStyle.Inferred,
        },
    };

    /// <summary>
    /// <see cref="Mini"/> with its weights in external DRAM behind a 128-bit port (8 bytes a
    /// cycle, latency 20, 256-byte bursts, 4 in flight), at 100 MHz, for the Xilinx boards.
    /// </summary>
    public static HwGenConfig MiniExternal(string name = "mini") => Mini(MemoryStyle.Inferred, name) with
    {
        Hardware = Mini(MemoryStyle.Inferred).Hardware with
        {
            ClockMhz = 100,
            WeightMemory = WeightMemory.External,
            Dram = new DramConfig { DataBits = 128, BytesPerCycle = 8, LatencyCycles = 20, MaxBurstBytes = 256, Outstanding = 4 },
        },
    };

    /// <summary>Writes the build of <paramref name="config"/> for <paramref name="board"/> into <paramref name="directory"/>.</summary>
    public static BoardBuild Write(HwGenConfig config, string board, string directory)
    {
        var design = Design.FromConfig(config);
        var build = BoardBuild.Prepare(design.Network, BoardCatalog.Load(board));
        DesignWriter.Write(directory, DesignRequest.For(build));
        return build;
    }
}
