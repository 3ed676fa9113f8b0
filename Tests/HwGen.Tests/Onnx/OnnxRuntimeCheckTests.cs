using HwGen.Data;
using HwGen.Onnx;
using Xunit.Abstractions;
using static HwGen.Tests.Onnx.OnnxModels;

namespace HwGen.Tests.Onnx;

public class OnnxRuntimeCheckTests
{
    private readonly ITestOutputHelper _output;

    public OnnxRuntimeCheckTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("lenet300.onnx")]
    [InlineData("lenet300-matmul.onnx")]
    public void The_imported_mnist_model_agrees_with_onnx_runtime_on_every_test_digit(string file)
    {
        string path = Path.Combine(MnistDir, file);
        var import = OnnxImporter.Import(path, file);
        var data = DatasetLoader.LoadNpz(MnistTest);

        var result = OnnxRuntimeCheck.Run(import, path, data);

        foreach (var layer in result.Layers)
        {
            _output.WriteLine($"{layer.Layer}: max |Δ| {layer.MaxAbsDifference:G3}");
        }

        _output.WriteLine($"end to end: max |Δ| {result.MaxAbsOutputDifference:G3}, top-1 agreement {result.ArgmaxAgreements}/{result.Vectors}");
        result.FirstMismatch.ShouldBeNull();
        result.Vectors.ShouldBe(2000);
        result.ArgmaxAgreements.ShouldBe(2000);
        result.MaxAbsOutputDifference.ShouldBeLessThan(1e-4);
    }

    [Fact]
    public void A_mutated_weight_fails_the_check_naming_the_layer_and_the_first_vector()
    {
        string path = LeNetGemm;
        var import = OnnxImporter.Import(path, "lenet300.onnx");
        var data = DatasetLoader.LoadNpz(MnistTest).Take(50);
        var fc2 = import.Network.Layers[1];

        // fc2 row 7, input 3: a weight scaled by 1.01 (a small error; vectors with input 3 active see it).
        double[] weights = (double[])fc2.Weights.Clone();
        weights[(7 * fc2.Inputs) + 3] *= 1.01;
        var layers = import.Network.Layers.ToList();
        layers[1] = fc2 with { Weights = weights };
        var wrong = import with { Network = new FloatNetwork(layers) };

        var result = OnnxRuntimeCheck.Run(wrong, path, data);

        var m = result.FirstMismatch.ShouldNotBeNull();
        _output.WriteLine(m.ToString());
        m.Layer.ShouldBe("fc2");
        m.LayerIndex.ShouldBe(1);
        m.Output.ShouldBe(7);
        m.EndToEnd.ShouldBeFalse();

        // It is the first: the vectors before it agree, and it differs on its own too.
        OnnxRuntimeCheck.Run(wrong, path, data.Take(m.Vector)).FirstMismatch.ShouldBeNull();
        var alone = new Dataset { Origin = "one", Count = 1, Width = data.Width, Inputs = data.Input(m.Vector).ToArray() };
        OnnxRuntimeCheck.Run(wrong, path, alone).FirstMismatch.ShouldNotBeNull().Layer.ShouldBe("fc2");
        Should.Throw<OnnxMismatchException>(() => OnnxRuntimeCheck.Ensure(wrong, path, data)).Message.ShouldContain("layer 'fc2'");
    }

    [Theory]
    [InlineData("Tanh", 3)]
    [InlineData("Sigmoid", 4)]
    [InlineData("Relu", 5)]
    public void Random_models_with_each_activation_agree_with_onnx_runtime(string activation, int seed)
    {
        var model = Mlp(seed, 20, 16, 5, activation, "n");
        byte[] bytes = Bytes(model);
        var import = OnnxImporter.Import(bytes, "mlp.onnx");
        var random = new Random(seed);
        var inputs = OnnxModels.Random(random, 40 * 20, 1.5).Select(f => (double)f).ToArray();
        var data = new Dataset { Origin = "random", Count = 40, Width = 20, Inputs = inputs };

        var result = OnnxRuntimeCheck.Run(import, bytes, data);

        result.FirstMismatch.ShouldBeNull();
        import.Network.Layers[0].Activation.ToString().ShouldBe(activation);
    }

    [Fact]
    public void A_wrong_activation_fails_the_check_at_that_layer()
    {
        byte[] bytes = Bytes(Mlp(7, 12, 8, 3, "Tanh", "n"));
        var import = OnnxImporter.Import(bytes, "mlp.onnx");
        var layers = import.Network.Layers.ToList();
        layers[0] = layers[0] with { Activation = ActivationKind.Sigmoid };
        var data = new Dataset { Origin = "random", Count = 5, Width = 12, Inputs = OnnxModels.Random(new Random(1), 60, 1).Select(f => (double)f).ToArray() };

        var result = OnnxRuntimeCheck.Run(import with { Network = new FloatNetwork(layers) }, bytes, data);

        result.FirstMismatch.ShouldNotBeNull().LayerIndex.ShouldBe(0);
        result.FirstMismatch!.Vector.ShouldBe(0);
    }

    [Fact]
    public void A_model_with_a_fixed_batch_of_one_runs_vector_by_vector()
    {
        byte[] bytes = Bytes(Mlp(9, 6, 4, 2, "Relu", 1));
        var import = OnnxImporter.Import(bytes, "one.onnx");
        var data = new Dataset { Origin = "random", Count = 3, Width = 6, Inputs = OnnxModels.Random(new Random(2), 18, 1).Select(f => (double)f).ToArray() };

        import.FixedBatch.ShouldBe(1);
        OnnxRuntimeCheck.Run(import, bytes, data).FirstMismatch.ShouldBeNull();
    }
}
