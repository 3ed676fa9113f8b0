using HwGen.Configuration;
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

    private void RunAndCheck(int seed, SimulatorKind simulator, int vectors)
    {
        var config = RandomDesigns.CreateWithExternalWeights(seed);
        var dram = config.Hardware.Dram;
        string description = $"{config.Hardware.Pes} PEs, FIFO {config.Hardware.FifoDepth}, layers "
            + string.Join("-", new[] { config.Input.Size }.Concat(config.Layers.Select(l => l.Outputs)))
            + $", {ConfigNames.Snake(config.Compression.Weights)}, DRAM {dram.DataBits} bits, {dram.BytesPerCycle} B/cycle, latency {dram.LatencyCycles}, bursts ≤ {dram.MaxBurstBytes} B, {dram.Outstanding} outstanding";
        CoSimulationCheck.Run(output, config, description, seed, simulator, vectors, loadThroughPort: false);
    }
}
