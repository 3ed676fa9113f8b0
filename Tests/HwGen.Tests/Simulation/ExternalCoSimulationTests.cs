using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Emit;
using HwGen.Simulation;
using Xunit.Abstractions;

namespace HwGen.Tests.Simulation;

/// <summary>
/// Designs with external weights (<c>hardware.weight_memory: external</c>) against the golden model
/// (bit for bit) and the cycle model (cycle for cycle), the DRAM simulated by hwgen_axi_mem with the
/// design's memory parameters.
/// </summary>
[Trait("Category", "Tools")]
public class ExternalCoSimulationTests(ITestOutputHelper output)
{
    /// <summary>Seeds of the randomized suite (seed mod 7 picks 1, 2, 3, 4, 5, 8 or 16 PEs).</summary>
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 401; seed <= 416; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_design_with_external_weights_is_bit_exact_and_cycle_exact_in_verilator(int seed)
    {
        RunAndCheck(seed, SimulatorKind.Verilator, vectors: 3);
    }

    [Theory]
    [InlineData(421)]
    [InlineData(422)]
    public void Random_design_with_external_weights_is_bit_exact_and_cycle_exact_in_icarus(int seed)
    {
        RunAndCheck(seed, SimulatorKind.Iverilog, vectors: 2);
    }

    /// <summary>
    /// The on-chip memories loaded through the memory-load port (as a board's host does): the
    /// per-PE pointer words through the pointer region, the biases and the codebook; the column-base
    /// ROM and the DRAM image come from their files.
    /// </summary>
    [Fact]
    public void Random_design_with_external_weights_loaded_through_the_port_is_bit_exact_and_cycle_exact()
    {
        RunAndCheck(423, SimulatorKind.Verilator, vectors: 2, loadThroughPort: true);
    }

    /// <summary>
    /// Random back-pressure (the simulated DRAM refuses 30 % of requests and withholds 30 % of the
    /// beats it could give): the outputs stay bit-exact, and the cycles lie between the model's
    /// bounds: no vector is faster than the exact memory's cycles, which the cycle model gives,
    /// and the run takes no more than those plus the stall cycles the memory inserted (each
    /// refused request or withheld beat delays the engine by at most a cycle).
    /// </summary>
    [Theory]
    [InlineData(403, 1)]
    [InlineData(406, 2)]
    [InlineData(409, 3)]
    [InlineData(422, 4)]
    public void Under_random_back_pressure_outputs_stay_bit_exact_and_cycles_between_the_models_bounds(int seed, int stallSeed)
    {
        var config = RandomDesigns.CreateWithExternalWeights(seed);
        var design = Design.FromConfig(config);
        using var dir = new TempFolder($"ext-stall-{seed}");
        var options = new SimulationOptions { DramStallPercent = 30, DramSeed = stallSeed };
        DesignWriter.Write(dir.Path, options.Design(design.Network));

        var result = Simulator.Run(design.Network, design.Vectors(3, 1), dir.Path, options);

        output.WriteLine($"seed {seed}, stall seed {stallSeed}: RTL cycles {string.Join(", ", result.Cycles)}; exact-memory model {string.Join(", ", result.ModelCycles)}");
        result.FirstMismatch.ShouldBeNull();
        for (int v = 0; v < result.Vectors; v++)
        {
            result.Cycles[v].ShouldBeGreaterThanOrEqualTo(result.ModelCycles[v], $"vector {v}");
        }

        result.Cycles.Sum().ShouldBeGreaterThan(result.ModelCycles.Sum(), "30 % back-pressure must cost some cycles");
        long stalls = result.DramStallCycles.ShouldNotBeNull();
        output.WriteLine($"stall cycles {stalls}: upper bound {result.ModelCycles.Sum() + stalls}");
        result.Cycles.Sum().ShouldBeLessThanOrEqualTo(result.ModelCycles.Sum() + stalls, "the exact model's cycles plus the memory's stall cycles bound the run");
    }

    [Fact]
    public void The_suite_covers_the_port_widths_latencies_and_pe_counts_the_issue_asks_for()
    {
        var configs = Enumerable.Range(401, 16).Select(RandomDesigns.CreateWithExternalWeights).ToList();
        configs.Select(c => c.Hardware.Dram.DataBits).Distinct().Count().ShouldBeGreaterThanOrEqualTo(4);
        configs.ShouldContain(c => c.Hardware.Dram.DataBits == 32);
        configs.ShouldContain(c => c.Hardware.Dram.DataBits == 512);
        configs.ShouldContain(c => c.Hardware.Dram.LatencyCycles == 1);
        configs.ShouldContain(c => c.Hardware.Dram.LatencyCycles == 100);
        configs.ShouldContain(c => c.Hardware.Pes == 1);
        configs.ShouldContain(c => c.Hardware.Pes == 16);
        configs.ShouldContain(c => c.Hardware.Dram.BytesPerCycle < c.Hardware.Dram.DataBits / 8);
        configs.ShouldContain(c => c.Compression.Weights == WeightEncoding.Linear);
    }

    private void RunAndCheck(int seed, SimulatorKind simulator, int vectors, bool loadThroughPort = false)
    {
        var config = RandomDesigns.CreateWithExternalWeights(seed);
        var dram = config.Hardware.Dram;
        string description = $"{config.Hardware.Pes} PEs, FIFO {config.Hardware.FifoDepth}, layers "
            + string.Join("-", new[] { config.Input.Size }.Concat(config.Layers.Select(l => l.Outputs)))
            + $", {ConfigNames.Snake(config.Compression.Weights)}, DRAM {dram.DataBits} bits, {dram.BytesPerCycle} B/cycle, latency {dram.LatencyCycles}, bursts ≤ {dram.MaxBurstBytes} B, {dram.Outstanding} outstanding";
        CoSimulationCheck.Run(output, config, description, seed, simulator, vectors, loadThroughPort);
    }
}
