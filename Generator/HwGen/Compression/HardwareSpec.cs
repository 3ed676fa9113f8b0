using HwGen.Configuration;

namespace HwGen.Compression;

/// <summary>
/// The hardware a compressed network is built for, resolved from the config once by compression:
/// every stage after compression (layout, models, emitters, simulation, synthesis, sweeps) reads
/// this instead of the config (DESIGN §1).
/// </summary>
/// <param name="Pes">N, the processing elements.</param>
/// <param name="FifoDepth">Activation queue depth per PE, in entries.</param>
/// <param name="LineEntries">Sparse-matrix entries per memory line.</param>
/// <param name="ClockMhz">The clock the design is meant for (<c>hardware.clock_mhz</c>); a board may give a nearby one.</param>
/// <param name="CodeBits">
/// Bits of an entry's weight field: b, the codebook index (2^b entries per layer), or W with
/// <see cref="LinearWeights"/> (the weight itself).
/// </param>
/// <param name="IndexBits">Z: bits of a relative row index.</param>
/// <param name="Requested">The memory styles as the config asks for them (<c>auto</c> allowed): what a board's planner may decide.</param>
/// <param name="Memory">Where the memories live: the request with <c>auto</c> resolved (inferred without a board; a board build resolves it with its planner).</param>
public sealed record HardwareSpec(
    int Pes, int FifoDepth, int LineEntries, double ClockMhz, int CodeBits, int IndexBits, MemoryPlan Requested, MemoryPlan Memory)
{
    /// <summary>
    /// <c>compression.weights: linear</c>: an entry's weight field holds the weight as a signed
    /// W-bit value (<see cref="CodeBits"/> = W) and the core has no codebook.
    /// </summary>
    public bool LinearWeights { get; init; }

    /// <summary>
    /// <c>hardware.weight_memory: external</c>: the memory system that reads the entries from DRAM
    /// (its queues sized here, from the DRAM's latency and bandwidth); null with on-chip weights.
    /// </summary>
    public ExternalMemorySystem? External { get; init; }

    /// <summary>
    /// <c>hardware.overlap_writeback</c>: a fully connected layer's writeback runs behind the next
    /// fully connected layer's compute phase (<see cref="CompressedNetwork.OverlapsNext"/>).
    /// </summary>
    public bool OverlapWriteback { get; init; }

    /// <summary>
    /// <c>hardware.column_pairs</c>: the scanner broadcasts hardware columns 2k and 2k + 1 together,
    /// and each PE queues and issues the pair as one column (its entries of the non-zero ones).
    /// </summary>
    public bool ColumnPairs { get; init; }

    /// <summary>The spec of the hardware a config describes.</summary>
    public static HardwareSpec FromConfig(HwGenConfig config)
    {
        var hw = config.Hardware;
        var requested = new MemoryPlan(hw.SpmatMemory, hw.ActMemory);
        bool linear = config.Compression.Weights == WeightEncoding.Linear;
        return new HardwareSpec(
            hw.Pes, hw.FifoDepth, hw.SpmatLineEntries, hw.ClockMhz, linear ? config.Quantization.WeightBits : config.Compression.CodebookBits,
            config.Compression.IndexBits, requested, requested.WithoutAuto())
        {
            LinearWeights = linear,
            External = hw.WeightMemory == WeightMemory.External ? ExternalMemorySystem.Size(hw.Dram) : null,
            OverlapWriteback = hw.OverlapWriteback,
            ColumnPairs = hw.ColumnPairs,
        };
    }
}

/// <summary>
/// Which RAM holds each PE's sparse-matrix and activation memory. A resolved plan (every
/// <see cref="HardwareSpec.Memory"/>) never holds <see cref="MemoryStyle.Auto"/>; the core's timing
/// is the same for every plan, only the RAM cells differ.
/// </summary>
/// <param name="Spmat">The sparse-matrix memory.</param>
/// <param name="Act">The activation memory.</param>
public sealed record MemoryPlan(MemoryStyle Spmat, MemoryStyle Act)
{
    /// <summary>Every memory inferred: what every design gets unless a config or a board asks otherwise.</summary>
    public static MemoryPlan Inferred { get; } = new(MemoryStyle.Inferred, MemoryStyle.Inferred);

    /// <summary>Whether any memory is an iCE40 SPRAM (the design then needs hwgen_ram_ice40_spram and the iCE40 cell models).</summary>
    public bool UsesSpram => Spmat == MemoryStyle.Ice40Spram || Act == MemoryStyle.Ice40Spram;

    /// <summary>Whether the weights cannot be in the bitstream and must be loaded through the memory-load port.</summary>
    public bool NeedsRuntimeLoad => Spmat == MemoryStyle.Ice40Spram;

    /// <summary>The value of a memory-style parameter of hwgen_pe: 0 inferred, 1 iCE40 SPRAM.</summary>
    public static int RtlStyle(MemoryStyle style) => style == MemoryStyle.Ice40Spram ? 1 : 0;

    /// <summary>This plan with <c>auto</c> as inferred: what it means when no board decides.</summary>
    public MemoryPlan WithoutAuto() => new(Resolve(Spmat), Resolve(Act));

    private static MemoryStyle Resolve(MemoryStyle style) => style == MemoryStyle.Auto ? MemoryStyle.Inferred : style;
}

/// <summary>
/// The spec asks for something the target cannot give (a clock a board's PLL cannot make, a memory
/// style a board lacks). <see cref="Key"/> names the config key behind it, so the caller, which
/// still has the config's locations, can report it with file and line (exit 2).
/// </summary>
public sealed class HardwareSpecException(string key, string message) : Exception(message)
{
    /// <summary>The config key that asks for it, e.g. <c>hardware.clock_mhz</c>.</summary>
    public string Key { get; } = key;
}
