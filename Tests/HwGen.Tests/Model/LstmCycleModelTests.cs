using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Model;
using Xunit.Abstractions;

namespace HwGen.Tests.Model;

/// <summary>
/// The cycle model on LSTM layers: which columns each step broadcasts, the event form against the
/// cycle-by-cycle reference step by step, and how a layer's steps add up.
/// </summary>
public class LstmCycleModelTests(ITestOutputHelper output)
{
    /// <summary>
    /// <see cref="LstmModelTests.RandomLstmConfig"/> with 1..7 PEs (non-powers of two included),
    /// 1..5 steps, a FIFO depth of 1..8, and sometimes a fully connected layer on a whole sequence
    /// (its columns then include the LSTM's padding outputs of every step).
    /// </summary>
    internal static HwGenConfig RandomConfig(int seed)
    {
        var random = new Random(seed ^ 0x5eed);
        var config = LstmModelTests.RandomLstmConfig(seed);
        var layers = config.Layers.ToList();
        if (layers.Count == 2 && layers[1].Kind == LayerKind.Fc && random.Next(2) == 0)
        {
            layers[0] = layers[0] with { Output = LstmOutput.Sequence };
        }

        return config with
        {
            Layers = layers,
            Input = config.Input with { Steps = 1 + random.Next(5) },
            Hardware = config.Hardware with { Pes = 1 + random.Next(7), FifoDepth = 1 + random.Next(8) },
        };
    }

    [Fact]
    public void Event_form_equals_the_stepped_reference_on_random_lstm_designs()
    {
        int cases = 0;
        for (var seed = 1; seed <= 120; seed++)
        {
            var design = Design.FromConfig(RandomConfig(seed));
            var network = design.Network;
            foreach (var vector in design.Vectors(3, seed))
            {
                var gold = GoldenModel.Run(network, GoldenModel.QuantizeInput(network, vector));
                var report = CycleModel.Run(network, gold);
                for (var l = 0; l < network.Layers.Count; l++)
                {
                    var layer = network.Layers[l];
                    var source = l == 0 ? gold.Input : gold.LayerOutputs[l - 1];
                    string where = $"seed {seed}, layer {layer.Name}, {network.Pes} PEs, FIFO depth {network.Spec.FifoDepth}";
                    LayerCycles stepped;
                    if (layer.Lstm is { } lstm)
                    {
                        stepped = CycleModel.RunLstmStepped(layer, network.Pes, network.Spec.FifoDepth, source, gold.HiddenStates[l]!);
                        stepped.Steps.ShouldBe(lstm.Steps, where);
                        int units = (lstm.Hidden + network.Pes - 1) / network.Pes;
                        // Only the last step's writeback adds cycles: the others run behind the next step.
                        stepped.WritebackCycles.ShouldBe((4 * units) + CycleModel.LstmWritebackLatency - 1, where);
                    }
                    else
                    {
                        var nonZero = layer.HwColToCol.Select(j => j >= 0 && source[j] != 0).ToArray();
                        stepped = CycleModel.RunLayerStepped(layer, network.Pes, network.Spec.FifoDepth, nonZero);
                        stepped.Steps.ShouldBe(1, where);
                    }

                    report.Layers[l].ShouldBe(stepped, where);
                    stepped.UsefulMacs.ShouldBe(gold.UsefulMacs[l], where);
                    cases++;
                }
            }
        }

        output.WriteLine($"{cases} layer runs agree");
    }

    [Fact]
    public void Each_step_broadcasts_the_non_zero_features_of_x_t_and_units_of_h_t_minus_1_and_no_padding()
    {
        for (var seed = 1; seed <= 80; seed++)
        {
            var design = Design.FromConfig(RandomConfig(seed));
            var network = design.Network;
            var gold = GoldenModel.Run(network, GoldenModel.QuantizeInput(network, design.Vectors(1, seed)[0]));
            for (var l = 0; l < network.Layers.Count; l++)
            {
                if (network.Layers[l].Lstm is not { } lstm)
                {
                    continue;
                }

                var layer = network.Layers[l];
                var source = l == 0 ? gold.Input : gold.LayerOutputs[l - 1];
                var states = gold.HiddenStates[l]!;
                var steps = CycleModel.LstmStepColumns(layer, source, states);
                steps.Length.ShouldBe(lstm.Steps);
                for (var t = 0; t < lstm.Steps; t++)
                {
                    // Counted from the original columns: each appears once; the rest are padding.
                    var expected = 0;
                    for (var j = 0; j < layer.Cols; j++)
                    {
                        bool live = j < lstm.Features ? source[(t * lstm.Features) + j] != 0 : t > 0 && states[t - 1][j - lstm.Features] != 0;
                        expected += live ? 1 : 0;
                        steps[t][Array.IndexOf(layer.HwColToCol, j)].ShouldBe(live, $"seed {seed}, step {t}, column {j}");
                    }

                    steps[t].Count(b => b).ShouldBe(expected, $"seed {seed}, step {t}: padding columns are never broadcast");
                }

                // The golden model's states are the layer's outputs where it gives its sequence.
                if (lstm.ReturnSequence)
                {
                    states.SelectMany(h => h).ShouldBe(gold.LayerOutputs[l], $"seed {seed}");
                }
                else
                {
                    states[^1].ShouldBe(gold.LayerOutputs[l], $"seed {seed}");
                }
            }
        }
    }

    [Fact]
    public void Steps_without_broadcasts_cost_the_scan_of_their_groups_behind_the_previous_writeback()
    {
        // H = 5, F = 4 on N = 3: Gx = 2, U = 2, so a step with nothing to broadcast scans 4 groups:
        // compute = groups + 2 = 6 cycles. The writeback, W = 4·U + latency − 1 = 16, runs behind
        // the next step, whose scanner reads its first state group (2) at cycle W = 16, the last
        // (3) at 17, and is done at 19: 20 cycles. Only the last writeback adds its own cycles.
        var design = Design.FromConfig(new HwGenConfig
        {
            Name = "quiet",
            Input = new InputConfig { Size = 4, Steps = 3 },
            Layers = [new LayerConfig { Name = "lstm", Kind = LayerKind.Lstm, Hidden = 5, Weights = new WeightsConfig { Density = 0 } }],
            Hardware = new HardwareConfig { Pes = 3 },
        });
        var layer = design.Network.Layers[0];
        var zeros = new long[5];

        var cycles = CycleModel.RunLstm(layer, 3, 4, new long[12], [zeros, zeros, zeros]);

        cycles.Steps.ShouldBe(3);
        CycleModel.LstmWritebackLatency.ShouldBe(9);
        cycles.ComputeCycles.ShouldBe(6 + 20 + 20);
        cycles.WritebackCycles.ShouldBe(16);
        cycles.CyclesPerStep.ShouldBe(62 / 3.0);
        cycles.Broadcasts.ShouldBe(0);
    }

    [Fact]
    public void An_lstm_layer_giving_only_its_last_state_needs_the_hidden_states_of_every_step()
    {
        var design = Design.FromConfig(new HwGenConfig
        {
            Name = "last",
            Input = new InputConfig { Size = 2, Steps = 3 },
            Layers = [new LayerConfig { Name = "lstm", Kind = LayerKind.Lstm, Hidden = 2, Weights = new WeightsConfig { Density = 1 } }],
            Hardware = new HardwareConfig { Pes = 2 },
        });
        var network = design.Network;
        var gold = GoldenModel.Run(network, GoldenModel.QuantizeInput(network, design.Vectors(1, 1)[0]));

        var error = Should.Throw<ArgumentException>(() => CycleModel.Run(network, gold.Input, gold.LayerOutputs));

        error.Message.ShouldContain("lstm layer 'lstm' gives its last state only");
        CycleModel.Run(network, gold.Input, gold.LayerOutputs, gold.HiddenStates).Layers.ShouldBe(CycleModel.Run(network, gold).Layers);
    }
}
