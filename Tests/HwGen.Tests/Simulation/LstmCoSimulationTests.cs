using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Simulation;
using Xunit.Abstractions;

namespace HwGen.Tests.Simulation;

/// <summary>
/// Designs with LSTM layers in the generated RTL against the golden model (h_t of every step of
/// every LSTM layer, padding units included, and every other layer's outputs, bit for bit) and the
/// cycle model (cycles, number for number).
/// </summary>
[Trait("Category", "Tools")]
public class LstmCoSimulationTests(ITestOutputHelper output)
{
    /// <summary>Seeds of the randomized LSTM suite (<see cref="RandomDesigns.CreateLstm"/>).</summary>
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 501; seed <= 516; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_lstm_design_is_bit_exact_and_cycle_exact_in_verilator(int seed)
    {
        RunAndCheck(RandomDesigns.CreateLstm(seed), seed, SimulatorKind.Verilator, vectors: 3);
    }

    /// <summary>The suite's designs cover what the issue asks for (the co-simulation itself runs above).</summary>
    [Fact]
    public void The_random_lstm_suite_covers_one_pe_odd_pe_counts_one_step_codebook_linear_stacking_and_moved_units()
    {
        var configs = Enumerable.Range(501, 16).Select(RandomDesigns.CreateLstm).ToList();
        var networks = configs.Select(c => Design.FromConfig(c).Network).ToList();

        configs.ShouldContain(c => c.Hardware.Pes == 1);
        configs.ShouldContain(c => c.Hardware.Pes == 3 || c.Hardware.Pes == 5 || c.Hardware.Pes == 7);
        configs.ShouldContain(c => c.Input.Steps == 1);
        configs.ShouldContain(c => c.Input.Steps > 1);
        configs.ShouldContain(c => c.Layers.Any(l => l.Kind == LayerKind.Lstm && l.Hidden == 1));
        configs.ShouldContain(c => c.Compression.Weights == WeightEncoding.Linear);
        configs.ShouldContain(c => c.Compression.Weights == WeightEncoding.Codebook);
        configs.ShouldContain(c => c.Layers.Count(l => l.Kind == LayerKind.Lstm) == 2);
        networks.Count(n => n.Layers.Any(l => l.Lstm != null && !l.LstmSlotUnits.Take(l.Lstm.Hidden).SequenceEqual(Enumerable.Range(0, l.Lstm.Hidden))))
            .ShouldBeGreaterThan(0, "balanced units that moved");
    }

    [Fact]
    public void Random_lstm_design_is_bit_exact_and_cycle_exact_in_icarus()
    {
        RunAndCheck(RandomDesigns.CreateLstm(521), 521, SimulatorKind.Iverilog, vectors: 2);
    }

    [Fact]
    public void Lstm_weights_loaded_through_the_memory_load_port_give_the_same_results()
    {
        RunAndCheck(RandomDesigns.CreateLstm(522), 522, SimulatorKind.Verilator, vectors: 2, loadThroughPort: true);
    }

    private void RunAndCheck(HwGenConfig config, int seed, SimulatorKind simulator, int vectors, bool loadThroughPort = false)
    {
        string description = $"{config.Hardware.Pes} PEs, FIFO {config.Hardware.FifoDepth}, input {config.Input.Steps} x {config.Input.Size}, layers "
            + string.Join(", ", config.Layers.Select(l => l.Kind == LayerKind.Lstm ? $"lstm {l.Hidden} ({ConfigNames.Snake(l.Output)})" : $"fc {l.Outputs}"))
            + $", A {config.Quantization.ActivationBits} Fa {config.Quantization.ActivationFrac} W {config.Quantization.WeightBits} {ConfigNames.Snake(config.Compression.Weights)}"
            + $", {ConfigNames.Snake(config.Compression.RowAssignment)} units";
        CoSimulationCheck.Run(output, config, description, seed, simulator, vectors, loadThroughPort);
    }
}
