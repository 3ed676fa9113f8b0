using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;
using HwGen.Model;

namespace HwGen.Tests.Model;

/// <summary>
/// LSTM layers in the model: the golden model (naive) is the reference the fast evaluator is
/// tested against, bit for bit; the float evaluator gives the float reference's numbers; the fixed
/// point follows the float reference; the element-wise unit's arithmetic as documented.
/// </summary>
public class LstmModelTests
{
    /// <summary>
    /// A random design with LSTM layers: one or two (the first then gives its sequence), hidden
    /// sizes from 1, sequences from 1 step, densities 0–1, codebook or linear weights, interleaved
    /// or balanced units, an optional fully connected head, signed random inputs.
    /// </summary>
    internal static HwGenConfig RandomLstmConfig(int seed)
    {
        var random = new Random(seed);
        bool stacked = random.Next(3) == 0;
        bool head = random.Next(4) != 0;
        bool linear = random.Next(2) == 0;
        double Density() => random.Next(6) switch { 0 => 0, 1 => 1, _ => random.NextDouble() };
        var layers = new List<LayerConfig>
        {
            new()
            {
                Name = "lstm1", Kind = LayerKind.Lstm, Hidden = 1 + random.Next(9),
                Output = stacked || (!head && random.Next(2) == 0) ? LstmOutput.Sequence : LstmOutput.Last,
                Weights = new WeightsConfig { Density = Density() },
            },
        };
        if (stacked)
        {
            layers.Add(new LayerConfig
            {
                Name = "lstm2", Kind = LayerKind.Lstm, Hidden = 1 + random.Next(6),
                Output = head ? LstmOutput.Last : LstmOutput.Sequence, Weights = new WeightsConfig { Density = Density() },
            });
        }

        if (head)
        {
            layers.Add(new LayerConfig { Name = "fc", Outputs = 1 + random.Next(7), Activation = LayerActivation.None, Weights = new WeightsConfig { Density = Density() } });
        }

        int fa = 4 + random.Next(9);
        return new HwGenConfig
        {
            Name = "lstm",
            Seed = seed,
            Input = new InputConfig { Size = 1 + random.Next(6), Steps = 1 + random.Next(7), Density = random.NextDouble(), Signed = true },
            Layers = layers,
            Compression = new CompressionConfig
            {
                Weights = linear ? WeightEncoding.Linear : WeightEncoding.Codebook, CodebookBits = 1 + random.Next(5), IndexBits = 1 + random.Next(4),
                RowAssignment = random.Next(3) == 0 ? RowAssignmentMethod.Balanced : RowAssignmentMethod.Interleaved,
            },
            Quantization = new QuantizationConfig { ActivationBits = fa + 2 + random.Next(6), ActivationFrac = fa, WeightBits = 4 + random.Next(10) },
            Hardware = new HardwareConfig { Pes = 1 + random.Next(5) },
        };
    }

    [Fact]
    public void Fast_evaluator_matches_the_golden_model_bit_for_bit_on_random_lstm_designs()
    {
        for (var seed = 1; seed <= 150; seed++)
        {
            var design = Design.FromConfig(RandomLstmConfig(seed));
            var network = design.Network;
            var inputs = design.Vectors(9, seed).Select(x => GoldenModel.QuantizeInput(network, x)).ToList();
            var fast = new FastEvaluator(network).Run(inputs, allLayers: true, countMacs: true, maxThreads: 2);

            for (var v = 0; v < inputs.Count; v++)
            {
                var gold = GoldenModel.Run(network, inputs[v]);
                for (var l = 0; l < network.Layers.Count; l++)
                {
                    fast.LayerOutputs[l][v].ShouldBe(gold.LayerOutputs[l], $"seed {seed}, vector {v}, layer {network.Layers[l].Name}");
                }

                fast.UsefulMacs![v].ShouldBe([.. gold.UsefulMacs], $"seed {seed}, vector {v}: useful MACs");
            }
        }
    }

    [Fact]
    public void Float_evaluator_gives_the_float_references_numbers_at_every_stage_on_random_lstm_designs()
    {
        for (var seed = 1; seed <= 60; seed++)
        {
            var design = Design.FromConfig(RandomLstmConfig(seed));
            var network = design.Network;
            var vectors = design.Vectors(5, seed);
            var data = Dataset.FromVectors("vectors", vectors, network.InputSize);
            foreach (var stage in new[] { WeightStage.Dense, WeightStage.Pruned, WeightStage.Shared })
            {
                var fast = FloatEvaluator.For(network, stage).Run(data, maxThreads: 2);
                for (var v = 0; v < vectors.Count; v++)
                {
                    fast[v].ShouldBe(FloatReference.Run(network, vectors[v], stage).Output, $"seed {seed}, vector {v}, {stage}");
                }
            }
        }
    }

    [Fact]
    public void Fixed_point_lstm_follows_the_float_reference_within_a_few_activation_steps()
    {
        // 16-bit activations with 10 fraction bits, 16-bit weights; the shared float weights as reference.
        for (var seed = 1; seed <= 40; seed++)
        {
            var config = RandomLstmConfig(seed) with { Quantization = new QuantizationConfig { ActivationBits = 16, ActivationFrac = 10, WeightBits = 16 } };
            config = config with { Compression = config.Compression with { CodebookBits = 4 } };
            var design = Design.FromConfig(config);
            var network = design.Network;
            foreach (var vector in design.Vectors(4, seed))
            {
                var gold = GoldenModel.Run(network, GoldenModel.QuantizeInput(network, vector));
                var reference = FloatReference.Run(network, vector, network.Spec.LinearWeights ? WeightStage.Pruned : WeightStage.Shared);
                int lstmLayers = network.Layers.Count(l => l.Lstm is not null);
                for (var l = 0; l < lstmLayers; l++)
                {
                    var fixedPoint = gold.LayerOutputs[l].Select(h => Math.ScaleB(h, -10)).ToArray();
                    for (var i = 0; i < fixedPoint.Length; i++)
                    {
                        // Each step adds a few LSBs of rounding (weights, gates, cell, tanh); |h| ≤ 1.
                        Math.Abs(fixedPoint[i] - reference.LayerOutputs[l][i]).ShouldBeLessThan(0.03, $"seed {seed}, layer {l}, output {i}");
                    }
                }
            }
        }
    }

    [Fact]
    public void The_element_wise_unit_computes_c_and_h_as_documented()
    {
        // A = 16, Fa = 8: saturated gate inputs give i = o = sigma(max) = 1.0 (256), f = sigma(min) = 0, g = tanh(max) = 1.0.
        const int a = 16;
        const int fa = 8;
        long max = FixedPoint.SignedMax(a);
        long min = FixedPoint.SignedMin(a);
        FixedActivation.Apply(ActivationKind.Sigmoid, max, a, fa).ShouldBe(256);
        FixedActivation.Apply(ActivationKind.Sigmoid, min, a, fa).ShouldBe(0);
        FixedActivation.Apply(ActivationKind.Tanh, max, a, fa).ShouldBe(256);

        // c = (0 · c + 256 · 256 + 128) >> 8 = 256; h = (256 · tanh(1.0) + 128) >> 8 = tanh(1.0) = round(0.7616 · 256) = 195.
        var (c, h) = FixedLstm.Step(max, min, max, max, 1000, a, fa);
        c.ShouldBe(256);
        h.ShouldBe(FixedActivation.Apply(ActivationKind.Tanh, 256, a, fa));
        h.ShouldBe(195);

        // All gates at 0: i = f = o = 0.5 (128), g = 0: c = (128 · 300 + 0 + 128) >> 8 = 150 (150.5 rounds half up... 38528 >> 8 = 150);
        // h = (128 · tanh(150 / 256) + 128) >> 8.
        (c, h) = FixedLstm.Step(0, 0, 0, 0, 300, a, fa);
        c.ShouldBe(150);
        h.ShouldBe(((128 * FixedActivation.Apply(ActivationKind.Tanh, 150, a, fa)) + 128) >> 8);

        // Negative cell: arithmetic shift rounds half up, towards +inf: (128 · −3 + 128) >> 8 = −256 >> 8 = −1.
        (c, _) = FixedLstm.Step(0, 0, 0, 0, -3, a, fa);
        c.ShouldBe(-1);

        // Fa = 0: no rounding term.
        (c, _) = FixedLstm.Step(0, 0, 0, 0, 5, 8, 0);
        c.ShouldBe(FixedActivation.Apply(ActivationKind.Sigmoid, 0, 8, 0) * 5);
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(28, 8)]
    [InlineData(100, 12)]
    [InlineData(1000, 0)]
    public void The_cell_state_reaches_its_bound_of_steps_times_one_and_fits_the_derived_width(int steps, int fa)
    {
        // f = i = g = 1.0 every step: c grows by 2^Fa per step, the largest growth the bound allows.
        int a = fa + 8;
        long max = FixedPoint.SignedMax(a);
        long min = FixedPoint.SignedMin(a);
        int bits = FixedLstm.CellBits(steps, fa);
        long c = 0;
        long negative = 0;
        for (var t = 1; t <= steps; t++)
        {
            (c, _) = FixedLstm.Step(max, max, max, max, c, a, fa);
            (negative, _) = FixedLstm.Step(max, max, min, max, negative, a, fa);
            c.ShouldBe((long)t << fa, $"step {t}");
            negative.ShouldBe(-((long)t << fa), $"step {t}");
        }

        c.ShouldBeLessThanOrEqualTo(FixedPoint.SignedMax(bits));
        negative.ShouldBeGreaterThanOrEqualTo(FixedPoint.SignedMin(bits));
        FixedPoint.SignedMax(bits - 1).ShouldBeLessThan((long)steps << fa, "the width is the smallest that holds the bound");
        FixedLstm.CellSumBits(steps, fa).ShouldBeGreaterThanOrEqualTo(bits + fa);
    }

    [Fact]
    public void An_lstm_layer_with_no_weights_runs_on_its_biases_and_counts_no_macs()
    {
        var config = new HwGenConfig
        {
            Input = new InputConfig { Size = 3, Steps = 4, Density = 1 },
            Layers = [new LayerConfig { Name = "l", Kind = LayerKind.Lstm, Hidden = 2, Weights = new WeightsConfig { Density = 0 } }],
        };
        var design = Design.FromConfig(config);
        var network = design.Network;
        network.InputSize.ShouldBe(12);
        network.OutputSize.ShouldBe(2);
        network.Layers[0].Rows.ShouldBe(8);
        network.Layers[0].Cols.ShouldBe(5);
        network.Layers[0].CellBits.ShouldBe(FixedLstm.CellBits(4, 8));

        var gold = GoldenModel.Run(network, GoldenModel.QuantizeInput(network, design.Vectors(1, 1)[0]));
        gold.UsefulMacs.ShouldBe([0]);

        // The same recurrence by hand from the fixed biases.
        var layer = network.Layers[0];
        long[] s = [.. layer.BiasFixed.Select(b => GoldenModel.OutputStage(b, layer.WeightFrac, 16, relu: false))];
        var c = new long[2];
        var h = new long[2];
        for (var t = 0; t < 4; t++)
        {
            for (var k = 0; k < 2; k++)
            {
                (c[k], h[k]) = FixedLstm.Step(s[k], s[2 + k], s[4 + k], s[6 + k], c[k], 16, 8);
            }
        }

        gold.Output.ShouldBe(h);
    }

    [Fact]
    public void A_sequence_output_holds_every_steps_hidden_state_and_its_last_step_is_the_last_output()
    {
        var last = RandomLstmConfig(7) with
        {
            Input = new InputConfig { Size = 3, Steps = 5, Density = 0.8, Signed = true },
            Layers = [new LayerConfig { Name = "l", Kind = LayerKind.Lstm, Hidden = 4, Weights = new WeightsConfig { Density = 0.6 } }],
        };
        var sequence = last with { Layers = [last.Layers[0] with { Output = LstmOutput.Sequence }] };
        var a = Design.FromConfig(last);
        var b = Design.FromConfig(sequence);
        var input = GoldenModel.QuantizeInput(a.Network, a.Vectors(1, 1)[0]);

        var lastOut = GoldenModel.Run(a.Network, input).Output;
        var seqOut = GoldenModel.Run(b.Network, input).Output;

        seqOut.Length.ShouldBe(20);
        seqOut[16..].ShouldBe(lastOut);
        FloatReference.Run(b.Network, a.Vectors(1, 1)[0], WeightStage.Dense).Output[16..]
            .ShouldBe(FloatReference.Run(a.Network, a.Vectors(1, 1)[0], WeightStage.Dense).Output);
    }
}

/// <summary>The library's own guard: the RTL generator refuses LSTM layers, naming them; the cycle model and estimate run them.</summary>
public class LstmEngineTests
{
    [Fact]
    public void An_lstm_layer_gets_rtl_with_the_element_wise_unit_cycles_and_an_estimate()
    {
        var design = Design.FromConfig(LstmModelTests.RandomLstmConfig(4) with { Layers = [new LayerConfig { Name = "seq", Kind = LayerKind.Lstm, Hidden = 3 }] });
        var network = design.Network;
        var input = GoldenModel.QuantizeInput(network, design.Vectors(1, 1)[0]);
        var golden = GoldenModel.Run(network, input);

        CycleModel.Run(network, golden).Layers.Single().Steps.ShouldBe(network.Layers[0].Lstm!.Steps);
        var files = HwGen.Emit.DesignWriter.Files(new HwGen.Emit.DesignRequest(network));
        string package = System.Text.Encoding.UTF8.GetString(files.Single(f => f.RelativePath == $"rtl/{network.Name}_pkg.sv").Content);
        package.ShouldContain("parameter bit HasLstm = 1'b1;");
        package.ShouldContain($"parameter int CellBits = {network.Layers[0].CellBits};");
        package.ShouldContain("parameter ActTableFile = \"mem/");
        var report = EstimateReport.Build(network, design.Vectors(2, 1));
        report.HasLstm.ShouldBeTrue();
        report.Cycles.Count.ShouldBe(2);
    }
}
