using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;
using HwGen.IO;

namespace HwGen.Tests.Support;

/// <summary>The real AlexNet fc8 layer (../shared/data/eie-alex8), loaded once, as compressor input.</summary>
internal static class Alex8
{
    public const int Rows = 1000;
    public const int Cols = 4096;

    /// <summary>Non-zero weights, from the data's README.</summary>
    public const int NonZeros = 1_051_032;

    private static readonly Lazy<IReadOnlyDictionary<string, NpyArray>> Arrays = new(() => Npy.ReadNpz(TestData.Alex8Npz));

    public static byte[] Codes { get; } = Arrays.Value["codes"].ToBytes();

    public static double[] Codebook { get; } = Arrays.Value["codebook"].ToDoubles();

    public static double[] Weights { get; } = Arrays.Value["weights"].ToDoubles();

    public static double[] Bias { get; } = Arrays.Value["bias"].ToDoubles();

    public static double[] Input { get; } = Arrays.Value["input"].ToDoubles();

    /// <summary>The stored float output, <c>weights @ input + bias</c> in float32.</summary>
    public static double[] Output { get; } = Arrays.Value["output"].ToDoubles();

    /// <summary>A one-layer config for alex8 (fc8 has no ReLU: it produces logits).</summary>
    public static HwGenConfig Config(
        int pes, int indexBits = 4, RowAssignmentMethod assignment = RowAssignmentMethod.Interleaved, bool precompressed = true) => new()
    {
        Name = "alex8",
        Input = new InputConfig { Size = Cols },
        Layers =
        [
            new LayerConfig
            {
                Name = "fc8",
                Outputs = Rows,
                Activation = LayerActivation.None,
                Weights = precompressed
                    ? new WeightsConfig { Source = DataSource.Npz, CodesKey = "codes", CodebookKey = "codebook", BiasKey = "bias" }
                    : new WeightsConfig { Source = DataSource.Npz, WeightsKey = "weights", BiasKey = "bias", Density = NonZeros / (double)(Rows * Cols) },
            },
        ],
        Compression = new CompressionConfig { IndexBits = indexBits, RowAssignment = assignment },
        Hardware = new HardwareConfig { Pes = pes },
    };

    /// <summary>The layer as precompressed codes + codebook, or as float weights that HwGen prunes and shares.</summary>
    public static NetworkData Data(bool precompressed = true) => new()
    {
        Layers =
        [
            precompressed
                ? new LayerData { Name = "fc8", Rows = Rows, Cols = Cols, Codes = Codes, Codebook = Codebook, Bias = Bias }
                : new LayerData { Name = "fc8", Rows = Rows, Cols = Cols, Weights = Weights, Bias = Bias },
        ],
        Inputs = [Input],
    };

    public static CompressedNetwork Compress(
        int pes, int indexBits = 4, RowAssignmentMethod assignment = RowAssignmentMethod.Interleaved, bool precompressed = true) =>
        Compressor.Compress(Config(pes, indexBits, assignment, precompressed), Data(precompressed));
}
