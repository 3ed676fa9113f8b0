using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Model;
using Xunit.Abstractions;

namespace HwGen.Tests.Model;

/// <summary>The fast evaluator (dut) against the naive golden model (gold), every layer, every vector.</summary>
public class FastEvaluatorTests(ITestOutputHelper output)
{
    private static void ShouldMatchGolden(CompressedNetwork network, IReadOnlyList<long[]> inputs, string what, int maxThreads = 0)
    {
        var fast = new FastEvaluator(network).Run(inputs, allLayers: true, countMacs: true, maxThreads: maxThreads);
        for (var v = 0; v < inputs.Count; v++)
        {
            var gold = GoldenModel.Run(network, inputs[v]);
            for (var l = 0; l < network.Layers.Count; l++)
            {
                fast.LayerOutputs[l][v].ShouldBe(gold.LayerOutputs[l], $"{what}: vector {v}, layer {l} ('{network.Layers[l].Name}')");
            }

            fast.UsefulMacs![v].ShouldBe(gold.UsefulMacs.ToArray(), $"{what}: vector {v}, useful MACs");
        }
    }

    [Fact]
    public void Equals_the_golden_model_on_200_random_designs()
    {
        for (var seed = 1; seed <= 200; seed++)
        {
            var design = Design.FromConfig(RandomDesigns.Create(seed));
            var inputs = design.Vectors(21, seed).Select(x => GoldenModel.QuantizeInput(design.Network, x)).ToList();
            bool exact = new FastEvaluator(design.Network).ExactInDouble;
            ShouldMatchGolden(design.Network, inputs, $"seed {seed} ({(exact ? "double" : "long")} sums)");
        }
    }

    [Fact]
    public void Equals_the_golden_model_on_100_random_designs_with_linear_weights()
    {
        for (var seed = 1; seed <= 100; seed++)
        {
            var design = Design.FromConfig(RandomDesigns.CreateWithLinearWeights(seed));
            var inputs = design.Vectors(21, seed).Select(x => GoldenModel.QuantizeInput(design.Network, x)).ToList();
            ShouldMatchGolden(design.Network, inputs, $"seed {seed} (linear, W = {design.Network.Format.WeightBits})");
        }
    }

    [Fact]
    public void Equals_the_golden_model_on_50_random_designs_whose_layers_use_tanh_and_sigmoid()
    {
        LayerActivation[] kinds = [LayerActivation.Tanh, LayerActivation.Sigmoid, LayerActivation.Relu, LayerActivation.None];
        for (var seed = 1; seed <= 50; seed++)
        {
            var config = RandomDesigns.Create(seed);
            config = config with { Layers = [.. config.Layers.Select((l, i) => l with { Activation = kinds[(seed + i) % kinds.Length] })] };
            var design = Design.FromConfig(config);
            var inputs = design.Vectors(21, seed).Select(x => GoldenModel.QuantizeInput(design.Network, x)).ToList();
            ShouldMatchGolden(design.Network, inputs, $"seed {seed}, activations {string.Join(", ", config.Layers.Select(l => l.Activation))}");
        }
    }

    [Fact]
    public void The_golden_models_tanh_and_sigmoid_layers_apply_the_shared_fixed_point_function_to_the_saturated_sum()
    {
        var config = RandomDesigns.Create(7);
        var tanh = Design.FromConfig(config with { Layers = [.. config.Layers.Select(l => l with { Activation = LayerActivation.Tanh })] });
        var none = Design.FromConfig(config with { Layers = [.. config.Layers.Select(l => l with { Activation = LayerActivation.None })] });
        var format = tanh.Network.Format;
        var input = GoldenModel.QuantizeInput(format, tanh.Vectors(1, 7)[0]);

        // The first layer sees the same input in both: its tanh output is tanh of the identity's.
        long[] linear = GoldenModel.Run(none.Network, input).LayerOutputs[0];
        long[] squashed = GoldenModel.Run(tanh.Network, input).LayerOutputs[0];

        squashed.ShouldBe(linear.Select(y => FixedActivation.Apply(HwGen.Data.ActivationKind.Tanh, y, format.ActivationBits, format.ActivationFrac)).ToArray());
        squashed.ShouldAllBe(y => Math.Abs(y) <= 1L << format.ActivationFrac);
    }

    [Theory]
    [InlineData("demo.yaml")]
    [InlineData("tiny.yaml")]
    [InlineData("lenet300.yaml")]
    [InlineData("icebreaker-mlp.yaml")]
    [InlineData("lenet-up5k.yaml")]
    [InlineData("alex8.yaml")]
    [InlineData("alex8-float.yaml")]
    public void Equals_the_golden_model_on_the_examples(string example)
    {
        var design = Design.Load(Examples.Path(example));
        var inputs = design.Vectors(9, 3).Select(x => GoldenModel.QuantizeInput(design.Network, x)).ToList();

        ShouldMatchGolden(design.Network, inputs, example);
    }

    [Fact]
    public void Equals_the_golden_model_on_every_mnist_test_digit_through_the_pruned_imported_lenet()
    {
        var network = Mnist.Compress(Mnist.Network, Mnist.DeepCompressionDensities);
        var evaluator = new FastEvaluator(network);
        var inputs = evaluator.Quantize(Mnist.Test);

        evaluator.ExactInDouble.ShouldBeTrue();
        ShouldMatchGolden(network, inputs, "mnist");
    }

    [Fact]
    public void Accumulators_wider_than_53_bits_use_integer_sums_and_still_match()
    {
        // 24-bit activations and weights (the most a config allows) on 300 dense inputs: the
        // accumulator needs more than 53 bits.
        var random = new Random(11);
        var config = RandomDesigns.Create(4) with
        {
            Quantization = new QuantizationConfig { ActivationBits = 24, ActivationFrac = 12, WeightBits = 24 },
            Input = new InputConfig { Size = 300, Density = 0.6, Signed = true },
            Layers = [new LayerConfig { Name = "a", Outputs = 30, Weights = new WeightsConfig { Density = 1.0 } },
                      new LayerConfig { Name = "b", Outputs = 7, Activation = LayerActivation.None, Weights = new WeightsConfig { Density = 0.7 } }],
        };
        var design = Design.FromConfig(config);
        var inputs = Enumerable.Range(0, 12).Select(_ => Enumerable.Range(0, 300)
            .Select(_ => random.Next(3) == 0 ? 0L : random.NextInt64(-(1L << 23), 1L << 23)).ToArray()).ToList();

        new FastEvaluator(design.Network).ExactInDouble.ShouldBeFalse();
        output.WriteLine($"accumulator bits: {design.Network.Format.AccumulatorBits}");
        ShouldMatchGolden(design.Network, inputs, "wide");
    }

    [Fact]
    public void Saturated_outputs_and_clipped_inputs_are_counted()
    {
        // Count per layer the outputs whose exact rounded value lies beyond A bits, naively from
        // the accumulators, and compare.
        // Codebook values up to 2 on 6-bit activations (Fa = 2, so at most 7.75): sums overflow often.
        var random = new Random(21);
        var quantization = new QuantizationConfig { ActivationBits = 6, ActivationFrac = 2, WeightBits = 8 };
        var first = Networks.Precompressed("a", 12, 20, Networks.RandomCodes(random, 12, 20, 0.5, 3), [0, 1.5, -2.0, 0.75]);
        var second = Networks.Precompressed("b", 5, 12, Networks.RandomCodes(random, 5, 12, 0.7, 3), [0, 0.5, -1.25, 2.0]);
        var network = Compressor.Compress(
            Networks.Config([first, second], pes: 3, compression: new CompressionConfig { CodebookBits = 2 }, quantization: quantization),
            Networks.Data(first, second));
        var format = network.Format;
        var inputs = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 20).Select(_ => (long)random.Next(-32, 32)).ToArray()).ToList();

        var fast = new FastEvaluator(network).Run(inputs, countMacs: true);

        long total = 0;
        for (var v = 0; v < inputs.Count; v++)
        {
            long[] x = inputs[v];
            for (var l = 0; l < network.Layers.Count; l++)
            {
                var layer = network.Layers[l];
                long expected = 0;
                for (var i = 0; i < layer.Rows; i++)
                {
                    long acc = layer.BiasFixed[i];
                    for (var j = 0; j < layer.Cols; j++)
                    {
                        acc += x[j] * layer.CodebookFixed[layer.Codes[(i * layer.Cols) + j]];
                    }

                    double exact = Math.Floor((acc + (layer.WeightFrac > 0 ? Math.ScaleB(1.0, layer.WeightFrac - 1) : 0)) / Math.ScaleB(1.0, layer.WeightFrac));
                    if (exact > format.ActivationMax || exact < format.ActivationMin)
                    {
                        expected++;
                    }
                }

                fast.SaturatedOutputs![v][l].ShouldBe(expected, $"vector {v}, layer {l}");
                total += expected;
                x = GoldenModel.Run(network, inputs[v]).LayerOutputs[l];
            }
        }

        output.WriteLine($"{total} saturated outputs");
        total.ShouldBeGreaterThan(0);
        var pixels = new HwGen.Data.Dataset { Origin = "pixels", Count = 1, Width = 4, Inputs = [0, 1, 7.9, 255] };
        FastEvaluator.CountClippedInputs(format, pixels).ShouldBe(2); // 6 bits, Fa = 2: up to 31; 7.9 · 4 → 32 and 255 · 4 clip
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        var design = Design.Load(Examples.Path("demo.yaml"));
        var inputs = design.Vectors(100, 5).Select(x => GoldenModel.QuantizeInput(design.Network, x)).ToList();
        var evaluator = new FastEvaluator(design.Network);

        var one = evaluator.Run(inputs, allLayers: true, maxThreads: 1);
        var two = evaluator.Run(inputs, allLayers: true, maxThreads: 2);

        for (var l = 0; l < one.LayerOutputs.Count; l++)
        {
            for (var v = 0; v < inputs.Count; v++)
            {
                two.LayerOutputs[l][v].ShouldBe(one.LayerOutputs[l][v]);
            }
        }
    }

    [Fact]
    public void An_input_out_of_range_is_rejected()
    {
        var design = Design.Load(Examples.Path("tiny.yaml"));
        var input = new long[design.Network.InputSize];
        input[0] = design.Network.Format.ActivationMax + 1;

        Should.Throw<ArgumentException>(() => new FastEvaluator(design.Network).Run([input]));
    }
}
