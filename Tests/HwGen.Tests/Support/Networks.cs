using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;

namespace HwGen.Tests.Support;

/// <summary>Small networks built from arrays, for tests that need exact control.</summary>
internal static class Networks
{
    /// <summary>A config whose layers match <paramref name="layers"/> (ReLU on every layer unless given).</summary>
    public static HwGenConfig Config(
        IReadOnlyList<LayerData> layers,
        int pes,
        CompressionConfig? compression = null,
        QuantizationConfig? quantization = null,
        double density = 1.0,
        LayerActivation activation = LayerActivation.Relu) => new()
    {
        Name = "test",
        Input = new InputConfig { Size = layers[0].Cols },
        Layers = layers.Select(l => new LayerConfig
        {
            Name = l.Name,
            Outputs = l.Rows,
            Activation = activation,
            Weights = l.IsPrecompressed
                ? new WeightsConfig { Source = DataSource.Npz, CodesKey = "codes", CodebookKey = "codebook" }
                : new WeightsConfig { Source = DataSource.Npz, WeightsKey = "weights", Density = density },
        }).ToList(),
        Compression = compression ?? new CompressionConfig(),
        Quantization = quantization ?? new QuantizationConfig(),
        Hardware = new HardwareConfig { Pes = pes },
    };

    public static LayerData Precompressed(string name, int rows, int cols, byte[] codes, double[] codebook, double[]? bias = null) =>
        new() { Name = name, Rows = rows, Cols = cols, Codes = codes, Codebook = codebook, Bias = bias ?? new double[rows] };

    public static LayerData Float(string name, int rows, int cols, double[] weights, double[]? bias = null) =>
        new() { Name = name, Rows = rows, Cols = cols, Weights = weights, Bias = bias ?? new double[rows] };

    public static NetworkData Data(params LayerData[] layers) => new() { Layers = layers, Inputs = [] };

    /// <summary>Compresses one precompressed layer.</summary>
    public static CompressedNetwork CompressCodes(
        int rows, int cols, byte[] codes, double[] codebook, int pes, CompressionConfig? compression = null, double[]? bias = null)
    {
        var layer = Precompressed("fc", rows, cols, codes, codebook, bias);
        return Compressor.Compress(Config([layer], pes, compression), Data(layer));
    }

    /// <summary>Random codes: each weight non-zero with probability <paramref name="density"/>, codes 1..maxCode.</summary>
    public static byte[] RandomCodes(Random random, int rows, int cols, double density, int maxCode)
    {
        var codes = new byte[rows * cols];
        for (var i = 0; i < codes.Length; i++)
        {
            if (random.NextDouble() < density)
            {
                codes[i] = (byte)random.Next(1, maxCode + 1);
            }
        }

        return codes;
    }

    /// <summary>Standard normal samples (Box–Muller).</summary>
    public static double[] Normal(Random random, int count, double scale = 1.0)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            values[i] = scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        return values;
    }
}
