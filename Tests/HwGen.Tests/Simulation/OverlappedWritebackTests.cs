using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Simulation;
using Xunit.Abstractions;

namespace HwGen.Tests.Simulation;

/// <summary>
/// <c>hardware.overlap_writeback</c> in the RTL: a fully connected layer's writeback behind the next
/// layer's compute phase, bit-exact against the golden model (every layer's writebacks) and
/// cycle-exact against the cycle model, over the random suites with the option turned on.
/// </summary>
[Trait("Category", "Tools")]
public class OverlappedWritebackTests(ITestOutputHelper output)
{
    private static readonly int[] SeedList = [1, 2, 3, 4, 5, 6, 8, 9, 11, 12, 14, 16];

    public static TheoryData<int> Seeds() => [.. SeedList];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_design_with_overlapped_writeback_is_bit_exact_and_cycle_exact_in_verilator(int seed)
    {
        Check(Overlapped(RandomDesigns.Create(seed)), seed, SimulatorKind.Verilator, vectors: 4);
    }

    [Theory]
    [InlineData(101)]
    [InlineData(102)]
    public void Random_design_with_overlapped_writeback_is_bit_exact_and_cycle_exact_in_icarus(int seed)
    {
        Check(Overlapped(RandomDesigns.Create(seed)), seed, SimulatorKind.Iverilog, vectors: 2);
    }

    [Fact]
    public void Overlapped_writeback_with_weights_loaded_through_the_port_gives_the_same_results()
    {
        Check(Overlapped(RandomDesigns.Create(7)), 7, SimulatorKind.Verilator, vectors: 2, loadThroughPort: true);
    }

    [Theory]
    [InlineData(203)]
    [InlineData(205)]
    public void Overlapped_writeback_with_tanh_and_sigmoid_layers_is_bit_exact_and_cycle_exact(int seed)
    {
        Check(Overlapped(RandomDesigns.CreateWithTableActivations(seed)), seed, SimulatorKind.Verilator, vectors: 3);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(306)]
    public void Overlapped_writeback_with_linear_weights_is_bit_exact_and_cycle_exact(int seed)
    {
        Check(Overlapped(RandomDesigns.CreateWithLinearWeights(seed)), seed, SimulatorKind.Verilator, vectors: 3);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(406)]
    public void Overlapped_writeback_with_external_weights_is_bit_exact_and_cycle_exact(int seed)
    {
        Check(Overlapped(RandomDesigns.CreateWithExternalWeights(seed)), seed, SimulatorKind.Verilator, vectors: 3);
    }

    /// <summary>
    /// An LSTM layer, then two fully connected layers whose writeback overlaps: the LSTM steps' banks
    /// (step parity) and the layers' (layer parity) share the PEs' two accumulator banks.
    /// </summary>
    [Theory]
    [InlineData(502)]
    [InlineData(507)]
    [InlineData(513)]
    public void Overlapped_writeback_after_an_lstm_layer_is_bit_exact_and_cycle_exact(int seed)
    {
        var lstm = RandomDesigns.CreateLstm(seed);
        var config = lstm with
        {
            Layers = [.. lstm.Layers.Where(l => l.Kind == LayerKind.Lstm),
                new LayerConfig { Name = "fc1", Outputs = 3 + (seed % 9), Activation = LayerActivation.Relu, Weights = new WeightsConfig { Density = 0.7 } },
                new LayerConfig { Name = "fc2", Outputs = 2 + (seed % 5), Weights = new WeightsConfig { Density = 0.8 } }],
        };
        Check(Overlapped(config), seed, SimulatorKind.Verilator, vectors: 2);
    }

    /// <summary>
    /// Layers of 2, 3, 1 and 2 local rows on 4 PEs: with R = 2 the background writeback ends in the
    /// next layer's first cycle, with R = 3 in its second; with R = 1 the writeback ends in the
    /// cycle the hand-over would take, and the sequencer takes it as an ordinary end.
    /// </summary>
    [Theory]
    [InlineData(SimulatorKind.Verilator)]
    [InlineData(SimulatorKind.Iverilog)]
    public void Short_writebacks_hand_over_exactly(SimulatorKind simulator)
    {
        var config = new HwGenConfig
        {
            Name = "short_ov",
            Seed = 11,
            Input = new InputConfig { Size = 10, Density = 0.8, Signed = true },
            Layers =
            [
                new LayerConfig { Name = "fc1", Outputs = 8, Weights = new WeightsConfig { Density = 0.6 } },
                new LayerConfig { Name = "fc2", Outputs = 12, Activation = LayerActivation.None, Weights = new WeightsConfig { Density = 0.6 } },
                new LayerConfig { Name = "fc3", Outputs = 4, Weights = new WeightsConfig { Density = 0.7 } },
                new LayerConfig { Name = "fc4", Outputs = 6, Activation = LayerActivation.None, Weights = new WeightsConfig { Density = 0.7 } },
            ],
            Hardware = new HardwareConfig { Pes = 4, OverlapWriteback = true },
        };
        var network = Design.FromConfig(config).Network;
        network.Layers.Select(l => (l.HwRows + 3) / 4).ShouldBe([2, 3, 1, 2]);
        Enumerable.Range(0, 4).Select(network.OverlapsNext).ShouldBe([true, true, true, false]);

        Check(config, 11, simulator, vectors: simulator == SimulatorKind.Verilator ? 4 : 2);
    }

    [Fact]
    public void The_suite_has_layers_of_many_local_rows_and_of_one()
    {
        // Local rows > 1 take the overlapped path; one local row ends its writeback in the cycle the
        // next layer would start anyway, which the sequencer takes as an ordinary end.
        var designs = SeedList.Select(s => Design.FromConfig(Overlapped(RandomDesigns.Create(s))).Network).ToList();
        designs.ShouldContain(n => Enumerable.Range(0, n.Layers.Count).Any(l => n.OverlapsNext(l) && n.Layers[l].HwRows > 3 * n.Pes));
        designs.ShouldContain(n => Enumerable.Range(0, n.Layers.Count).Any(l => n.OverlapsNext(l) && n.Layers[l].HwRows <= n.Pes));
    }

    private static HwGenConfig Overlapped(HwGenConfig config) =>
        config with { Name = config.Name + "_ov", Hardware = config.Hardware with { OverlapWriteback = true } };

    private void Check(HwGenConfig config, int seed, SimulatorKind simulator, int vectors, bool loadThroughPort = false)
    {
        string description = $"{config.Hardware.Pes} PEs, FIFO {config.Hardware.FifoDepth}, layers "
            + string.Join(", ", config.Layers.Select(l => l.Kind == LayerKind.Lstm ? $"lstm {l.Hidden}" : $"fc {l.Outputs}"))
            + ", overlapped writeback";
        CoSimulationCheck.Run(output, config, description, seed, simulator, vectors, loadThroughPort);
    }
}
