using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;
using HwGen.Onnx;

namespace HwGen.Tests;

/// <summary>The checked-in MNIST example: the PyTorch LeNet-300-100 and the digit splits, loaded once.</summary>
internal static class Mnist
{
    private static readonly Lazy<OnnxImport> LazyImport = new(() => OnnxImporter.Import(Onnx.OnnxModels.LeNetGemm, "lenet300.onnx"));
    private static readonly Lazy<Dataset> LazyTest = new(() => DatasetLoader.LoadNpz(Onnx.OnnxModels.MnistTest, displayName: "mnist-test.npz"));
    private static readonly Lazy<Dataset> LazyTrain = new(() => DatasetLoader.LoadNpz(Onnx.OnnxModels.MnistTrain, displayName: "mnist-train.npz"));

    /// <summary>Deep Compression's LeNet-300-100 densities.</summary>
    public static readonly double[] DeepCompressionDensities = [0.08, 0.09, 0.26];

    public static OnnxImport Import => LazyImport.Value;

    public static FloatNetwork Network => Import.Network;

    public static Dataset Test => LazyTest.Value;

    public static Dataset Train => LazyTrain.Value;

    /// <summary>PyTorch's own top-1 on the test split, as the training script recorded it.</summary>
    public static double PyTorchTop1 =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Onnx.OnnxModels.MnistDir, "lenet300.json")))
            .RootElement.GetProperty("pytorch_test_top1").GetDouble();

    /// <summary>A config for a float network's layers at the given densities (no file behind it).</summary>
    public static HwGenConfig Config(FloatNetwork network, IReadOnlyList<double> densities, int codebookBits = 6, int indexBits = 5, int pes = 16) => new()
    {
        Name = "lenet300",
        Input = new InputConfig { Size = network.InputSize },
        Layers = network.Layers.Select((l, i) => new LayerConfig
        {
            Name = l.Name,
            Outputs = l.Outputs,
            Activation = l.Activation == ActivationKind.Relu ? LayerActivation.Relu : LayerActivation.None,
            Weights = new WeightsConfig { Source = DataSource.Npz, WeightsKey = "weights", Density = densities[i] },
        }).ToList(),
        Compression = new CompressionConfig { CodebookBits = codebookBits, IndexBits = indexBits },
        Hardware = new HardwareConfig { Pes = pes },
    };

    /// <summary>Prunes, shares and quantizes a float network as HwGen's compressor does.</summary>
    public static CompressedNetwork Compress(FloatNetwork network, IReadOnlyList<double> densities, int codebookBits = 6) =>
        Compressor.Compress(Config(network, densities, codebookBits), network.ToNetworkData());
}
