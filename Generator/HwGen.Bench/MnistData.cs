using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;
using HwGen.Onnx;

namespace HwGen.Bench;

/// <summary>The checked-in MNIST example (examples/mnist): the imported LeNet-300-100 and the digit splits.</summary>
internal sealed class MnistData
{
    /// <summary>Deep Compression's LeNet-300-100 densities.</summary>
    public static readonly double[] Densities = [0.08, 0.09, 0.26];

    private MnistData(OnnxImport import, Dataset train, Dataset test)
    {
        Import = import;
        Train = train;
        Test = test;
    }

    public OnnxImport Import { get; }

    public FloatNetwork Network => Import.Network;

    public Dataset Train { get; }

    public Dataset Test { get; }

    /// <summary>Loads the model and splits (options --dir, default examples/mnist; --model lenet300.onnx).</summary>
    public static MnistData Load(BenchOptions options)
    {
        string dir = options.Get("dir", Path.Combine("examples", "mnist"));
        var import = OnnxImporter.Import(Path.Combine(dir, options.Get("model", "lenet300.onnx")));
        var train = DatasetLoader.LoadNpz(Path.Combine(dir, "mnist-train.npz"));
        var test = DatasetLoader.LoadNpz(Path.Combine(dir, "mnist-test.npz"));
        return new MnistData(import, train, test);
    }

    /// <summary>A config for the network's layers at <paramref name="densities"/> (float weights, or precompressed codes).</summary>
    public static HwGenConfig Config(FloatNetwork network, IReadOnlyList<double> densities, int codebookBits, bool precompressed) => new()
    {
        Name = "lenet300",
        Input = new InputConfig { Size = network.InputSize },
        Layers = network.Layers.Select((l, i) => new LayerConfig
        {
            Name = l.Name,
            Outputs = l.Outputs,
            Activation = l.Activation == ActivationKind.Relu ? LayerActivation.Relu : LayerActivation.None,
            Weights = precompressed
                ? new WeightsConfig { Source = DataSource.Npz, CodesKey = "codes", CodebookKey = "codebook" }
                : new WeightsConfig { Source = DataSource.Npz, WeightsKey = "weights", Density = densities[i] },
        }).ToList(),
        Compression = new CompressionConfig { CodebookBits = codebookBits, IndexBits = 5 },
        Hardware = new HardwareConfig { Pes = 16 },
    };

    /// <summary>Top-1 of a float network on the test split.</summary>
    public double Top1(FloatNetwork network, int threads) =>
        Model.FloatEvaluator.Top1(Model.FloatEvaluator.For(network).Classify(Test, threads), Test.Labels!);

    /// <summary>Top-1 of a compressed network in fixed point (the fast evaluator, bit-exact with the golden model).</summary>
    public double Top1(CompressedNetwork network, int threads) =>
        Model.FloatEvaluator.Top1(new Model.FastEvaluator(network).Classify(Test, threads), Test.Labels!);
}
