using System.Globalization;
using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;

namespace HwGen.Bench;

/// <summary>
/// Compression of an EIE Alex-6-sized layer (9216 inputs × 4096 outputs, 9 % density, 64 PEs):
/// pruning, k-means, fixed point, row assignment, encoding and statistics, on weights drawn from
/// a standard normal distribution with a fixed seed. Options: <c>--rows</c>, <c>--cols</c>,
/// <c>--density</c>, <c>--pes</c>, <c>--assignment interleaved|balanced</c>,
/// <c>--pruning magnitude|load_balanced</c>, <c>--seed</c>, <c>--evaluations</c> (the cycle-model
/// search's budget with balanced rows; 0 = the weight-only swaps alone).
/// </summary>
internal sealed class CompressBenchmark : IBenchmark
{
    private HwGenConfig? _config;
    private NetworkData? _data;
    private string _description = "compress + encode one layer";

    public string Name => "compress";

    public string Description => _description;

    public void Prepare(BenchOptions options)
    {
        int rows = int.Parse(options.Get("rows", "4096"), CultureInfo.InvariantCulture);
        int cols = int.Parse(options.Get("cols", "9216"), CultureInfo.InvariantCulture);
        double density = double.Parse(options.Get("density", "0.09"), CultureInfo.InvariantCulture);
        int pes = int.Parse(options.Get("pes", "64"), CultureInfo.InvariantCulture);
        int seed = int.Parse(options.Get("seed", "1"), CultureInfo.InvariantCulture);
        var assignment = options.Get("assignment", "interleaved") == "balanced" ? RowAssignmentMethod.Balanced : RowAssignmentMethod.Interleaved;
        var pruning = options.Get("pruning", "magnitude") == "load_balanced" ? PruningMethod.LoadBalanced : PruningMethod.Magnitude;
        int evaluations = int.Parse(options.Get("evaluations", new BalanceSearchConfig().Evaluations.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        _description = $"compress + encode a {cols} × {rows} layer (inputs × outputs), density {density}, {pes} PEs, " +
            $"{pruning} pruning, {assignment} rows{(assignment == RowAssignmentMethod.Balanced ? $" ({evaluations} search evaluations)" : "")}, normal weights (seed {seed})";
        _config = new HwGenConfig
        {
            Name = "bench",
            Seed = seed,
            Input = new InputConfig { Size = cols },
            Layers = [new LayerConfig { Name = "fc6", Outputs = rows, Activation = LayerActivation.Relu, Weights = new WeightsConfig { Density = density } }],
            Compression = new CompressionConfig
            {
                Pruning = pruning,
                RowAssignment = assignment,
                BalanceSearch = new BalanceSearchConfig { Evaluations = evaluations },
            },
            Hardware = new HardwareConfig { Pes = pes },
        };
        _data = new NetworkData
        {
            Layers = [new LayerData { Name = "fc6", Rows = rows, Cols = cols, Weights = NormalWeights((long)rows * cols, seed), Bias = new double[rows] }],
            Inputs = [],
        };
    }

    public string Measure()
    {
        var network = Compressor.Compress(_config!, _data!);
        var s = network.Statistics;
        return $"{s.NonZeros:N0} non-zeros, {s.Padding:N0} padding, {s.CompressionRatio:F1}× ({s.HuffmanCompressionRatio:F1}× with Huffman)";
    }

    /// <summary>Standard normal samples (Box–Muller) from a seeded generator.</summary>
    private static double[] NormalWeights(long count, int seed)
    {
        var random = new Random(seed);
        var weights = new double[count];
        for (long i = 0; i < count; i += 2)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            weights[i] = radius * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < count)
            {
                weights[i + 1] = radius * Math.Sin(2 * Math.PI * u2);
            }
        }

        return weights;
    }
}
