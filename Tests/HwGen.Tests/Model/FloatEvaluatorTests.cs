using HwGen.Compression;
using HwGen.Data;
using HwGen.Model;
using HwGen.Onnx;
using HwGen.Tests.Rtl;

namespace HwGen.Tests.Model;

/// <summary>The fast float evaluator (dut) against the naive FloatReference and FloatNetwork (gold).</summary>
public class FloatEvaluatorTests
{
    private static Dataset AsDataset(IReadOnlyList<double[]> vectors) => new()
    {
        Origin = "vectors",
        Count = vectors.Count,
        Width = vectors[0].Length,
        Inputs = vectors.SelectMany(v => v).ToArray(),
    };

    [Fact]
    public void Equals_the_float_reference_at_every_stage_on_100_random_designs()
    {
        for (var seed = 1; seed <= 100; seed++)
        {
            var design = Design.FromConfig(RandomDesigns.Create(seed));
            var vectors = design.Vectors(19, seed);
            var data = AsDataset(vectors);
            foreach (var stage in new[] { WeightStage.Dense, WeightStage.Pruned, WeightStage.Shared })
            {
                var fast = FloatEvaluator.For(design.Network, stage).Run(data);
                for (var v = 0; v < vectors.Count; v++)
                {
                    fast[v].ShouldBe(FloatReference.Run(design.Network, vectors[v], stage).Output, $"seed {seed}, {stage}, vector {v}");
                }
            }
        }
    }

    [Fact]
    public void Equals_the_imported_network_on_mnist_digits_and_gives_pytorchs_top1()
    {
        var evaluator = FloatEvaluator.For(Mnist.Network);
        var outputs = evaluator.Run(Mnist.Test);

        for (var v = 0; v < 300; v++)
        {
            outputs[v].ShouldBe(Mnist.Network.Run(Mnist.Test.Input(v)), $"vector {v}");
        }

        // The imported network in double precision classifies the test digits as PyTorch did in float32.
        double top1 = FloatEvaluator.Top1(outputs.Select(o => OutputError.Argmax(o)).ToList(), Mnist.Test.Labels!);
        top1.ShouldBe(Mnist.PyTorchTop1);
    }

    [Theory]
    [InlineData("Tanh")]
    [InlineData("Sigmoid")]
    public void Equals_the_imported_network_with_tanh_and_sigmoid(string activation)
    {
        var import = OnnxImporter.Import(Onnx.OnnxModels.Bytes(Onnx.OnnxModels.Mlp(3, 30, 20, 4, activation, "n")), "mlp.onnx");
        var random = new Random(8);
        var data = new Dataset { Origin = "random", Count = 37, Width = 30, Inputs = Enumerable.Range(0, 37 * 30).Select(_ => random.NextDouble() - 0.5).ToArray() };

        var outputs = FloatEvaluator.For(import.Network).Run(data, maxThreads: 2);

        for (var v = 0; v < data.Count; v++)
        {
            outputs[v].ShouldBe(import.Network.Run(data.Input(v)));
        }
    }
}
