using System.Globalization;
using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Emit;
using HwGen.Model;
using HwGen.Simulation;
using HwGen.Synthesis;
using HwGen.Tools;
using Xunit.Abstractions;

namespace HwGen.Tests.Boards;

/// <summary>
/// The gate-level check: the iCE40 netlist yosys makes of a small design (synth_ice40 -dsp, the
/// weights in the block RAMs' initial contents), simulated in Icarus with the cell models that
/// ship with yosys, gives the golden model's outputs bit for bit and the cycle model's cycles.
/// </summary>
public class GateLevelTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    [Fact]
    public void Ice40_netlist_of_a_small_design_matches_the_golden_model_bit_for_bit()
    {
        using var dir = new TempFolder("gate");
        var config = BoardDesigns.Mini(MemoryStyle.Inferred, name: "gate");
        var design = Design.FromConfig(config);
        var network = design.Network;
        DesignWriter.Write(dir.Path, new DesignRequest(network));
        string sources = string.Join(' ', DesignEmitter.RtlSources("gate"));
        ProcessRunner.RunChecked("yosys", ["-q", "-l", "yosys.log", "-p", $"read_verilog -sv {sources}; synth_ice40 -dsp -top gate_top; write_verilog -noattr netlist.v"], dir.Path, Timeout);

        // Random vectors, and one that saturates: large inputs of both signs.
        var inputs = design.Vectors(3, 11).ToList();
        inputs.Add([.. Enumerable.Range(0, config.Input.Size).Select(i => i % 2 == 0 ? 120.0 : -90.0)]);
        var quantized = inputs.Select(x => GoldenModel.QuantizeInput(network, x)).ToList();
        Simulator.WriteVectors(dir.File("vectors.hex"), network, quantized);
        ProcessRunner.RunChecked("iverilog",
        [
            "-g2012", "-DHWGEN_TOP=gate_top", "-DHWGEN_PKG=gate_pkg", "-DHWGEN_GATE_LEVEL", "-DNO_ICE40_DEFAULT_ASSIGNMENTS",
            "-s", "hwgen_tb", "-o", "gate.vvp", "rtl/gate_pkg.sv", "netlist.v", YosysData.Ice40CellModels(), "tb/hwgen_sim_top.sv", "tb/hwgen_tb.sv",
        ], dir.Path, Timeout);
        ProcessRunner.RunChecked("vvp", ["-n", "gate.vvp", "+vectors=vectors.hex", "+out=outputs.txt"], dir.Path, Timeout);

        var (cycles, outputs) = ReadOutputs(dir.File("outputs.txt"), network.Layers[^1].HwRowToRow);
        outputs.Count.ShouldBe(inputs.Count);
        for (int v = 0; v < inputs.Count; v++)
        {
            var golden = GoldenModel.Run(network, quantized[v]);
            long modelCycles = CycleModel.Run(network, quantized[v], golden.LayerOutputs).Cycles;
            output.WriteLine($"vector {v}: {string.Join(' ', outputs[v])}; {cycles[v]} cycles, model {modelCycles}");
            outputs[v].ShouldBe(golden.Output, $"vector {v}: gate-level netlist vs golden model");
            cycles[v].ShouldBe(modelCycles, $"vector {v}: gate-level cycles vs cycle model");
        }

        var saturating = GoldenModel.Run(network, quantized[^1]).LayerOutputs.SelectMany(o => o);
        saturating.ShouldContain(v => v == network.Format.ActivationMax || v == network.Format.ActivationMin, "the last vector saturates a layer output");
    }

    /// <summary>hwgen_tb's output: "vector k cycles n", then the outputs in hardware row order; last "clock cycles n".</summary>
    private static (List<long> Cycles, List<long[]> Outputs) ReadOutputs(string path, int[] hwRowToRow)
    {
        var cycles = new List<long>();
        var outputs = new List<long[]>();
        int h = 0;
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith("clock cycles ", StringComparison.Ordinal)))
        {
            if (line.StartsWith("vector ", StringComparison.Ordinal))
            {
                cycles.Add(long.Parse(line.Split(' ')[3], CultureInfo.InvariantCulture));
                outputs.Add(new long[hwRowToRow.Length]);
                h = 0;
            }
            else
            {
                outputs[^1][hwRowToRow[h++]] = long.Parse(line, CultureInfo.InvariantCulture);
            }
        }

        return (cycles, outputs);
    }
}
