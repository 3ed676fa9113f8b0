using HwGen.Configuration;
using HwGen.Data;

namespace HwGen.Compression;

/// <summary>
/// Compression (DESIGN §1, §3, §4): prune → share weights → fixed point → assign rows to PEs →
/// encode, for every layer, into the <see cref="CompressedNetwork"/> that everything downstream reads.
/// Deterministic: the same config and data give the same network, bit for bit.
/// </summary>
public static class Compressor
{
    /// <summary>Widest codes and relative indices: both are stored in bytes.</summary>
    public const int MaxCodeOrIndexBits = 8;

    /// <summary>
    /// Widest activations and shared weights: keeps products and the worst-case accumulator
    /// bound well inside exact 128-bit arithmetic.
    /// </summary>
    public const int MaxValueBits = 32;

    /// <summary>Compresses a loaded network for the hardware the config describes.</summary>
    /// <exception cref="ConfigException">
    /// A knob is out of the range compression supports, the data do not fit the config (codes
    /// beyond the codebook, non-finite weights, …), or the accumulator would need more than
    /// <see cref="FixedPoint.MaxAccumulatorBits"/> bits (key <c>quantization</c>).
    /// </exception>
    public static CompressedNetwork Compress(HwGenConfig config, NetworkData data)
    {
        Validate(config, data);
        var q = config.Quantization;
        var c = config.Compression;
        int pes = config.Hardware.Pes;

        // Prune, share, quantize every layer; the accumulator width is the maximum they need.
        var quantized = new List<QuantizedLayer>(data.Layers.Count);
        int accumulatorBits = 1;
        for (var l = 0; l < data.Layers.Count; l++)
        {
            var layer = Quantize(config, config.Layers[l], data.Layers[l]);
            quantized.Add(layer);
            accumulatorBits = Math.Max(accumulatorBits, layer.AccumulatorBits);
        }

        if (accumulatorBits > FixedPoint.MaxAccumulatorBits)
        {
            var widest = quantized.MaxBy(x => x.AccumulatorBits)!;
            throw new ConfigException(new ConfigError(
                config.SourceFile, 0, 0, "quantization",
                $"layer '{widest.Data.Name}' needs a {widest.AccumulatorBits}-bit accumulator (at most {FixedPoint.MaxAccumulatorBits} are supported): " +
                $"its weights quantize with Fw = {widest.WeightFrac} fractional bits and its worst-case row sums to {widest.WorstCase}; " +
                "use fewer activation_bits or weight_bits, or check the layer's biases"));
        }

        var format = new FixedPointFormat(q.ActivationBits, q.ActivationFrac, q.WeightBits, accumulatorBits);
        if (data.Layers.FirstOrDefault(l => l.Lstm is not null && FixedLstm.CellSumBits(l.Lstm.Steps, q.ActivationFrac) > FixedPoint.MaxAccumulatorBits) is { } longest)
        {
            throw new ConfigException(new ConfigError(
                config.SourceFile, 0, 0, "quantization.activation_frac",
                $"lstm layer '{longest.Name}': {longest.Lstm!.Steps} steps at {q.ActivationFrac} fractional bits need a {FixedLstm.CellSumBits(longest.Lstm.Steps, q.ActivationFrac)}-bit cell update " +
                $"(at most {FixedPoint.MaxAccumulatorBits} are supported): use fewer activation_frac bits or shorter sequences"));
        }

        // Assign rows and encode; a layer's hardware output order orders the next fully connected
        // layer's columns. An LSTM layer places its hidden units (RowAssignment.LstmUnits) and has
        // its own columns ([x_t ; h_(t−1)], each part padded to whole groups of N).
        var layers = new List<CompressedLayer>(quantized.Count);
        int[] hwColToCol = RowAssignment.Interleaved(data.Layers[0].Cols);
        foreach (var layer in quantized)
        {
            var d = layer.Data;
            int[]? unitOrder = null;
            if (d.Lstm is { } shape)
            {
                // Balanced: whole units move between PEs; the input follows the previous LSTM
                // layer's unit slots.
                unitOrder = c.RowAssignment == RowAssignmentMethod.Balanced ? RowAssignment.BalancedUnits(layer.Shared.Codes, shape.Hidden, d.Cols, pes) : null;
                int[]? featureOrder = layers.Count > 0 && layers[^1].Lstm is not null ? layers[^1].LstmSlotUnits : null;
                hwColToCol = RowAssignment.LstmColumns(shape.Features, shape.Hidden, pes, featureOrder, unitOrder);
            }

            int[] hwRowToRow = d.Lstm is { } lstm ? RowAssignment.LstmUnits(lstm.Hidden, pes, unitOrder)
                : c.RowAssignment == RowAssignmentMethod.Balanced ? RowAssignment.Balanced(layer.Shared.Codes, d.Rows, d.Cols, pes)
                : RowAssignment.Interleaved(d.Rows);
            var encodings = CscEncoder.Encode(layer.Shared.Codes, d.Rows, d.Cols, pes, c.IndexBits, hwRowToRow, hwColToCol, layer.LinearFixed);
            layers.Add(new CompressedLayer
            {
                Name = d.Name,
                Rows = d.Rows,
                Cols = d.Cols,
                Activation = layer.Config.Activation.ToKind(),
                Codes = layer.Shared.Codes,
                Codebook = layer.Shared.Codebook,
                Bias = d.Bias,
                DenseWeights = d.Weights,
                WeightFrac = layer.WeightFrac,
                CodebookFixed = layer.CodebookFixed,
                LinearFixed = layer.LinearFixed,
                BiasFixed = layer.BiasFixed,
                HwRowToRow = hwRowToRow,
                HwColToCol = hwColToCol,
                PeEncodings = encodings,
                Statistics = Statistics(d.Name, d.Rows, d.Cols, encodings, layer.LinearFixed is not null, c, q.WeightBits, accumulatorBits),
                KMeansIterations = layer.Shared.Iterations,
                KMeansConverged = layer.Shared.Converged,
                Lstm = d.Lstm,
                CellBits = d.Lstm is { } cell ? FixedLstm.CellBits(cell.Steps, q.ActivationFrac) : 0,
            });
            hwColToCol = layers[^1].HwOutToOut;
        }

        var network = new CompressedNetwork
        {
            Name = config.Name,
            Spec = HardwareSpec.FromConfig(config),
            Format = format,
            Layers = layers,
            Statistics = new NetworkStatistics { Layers = layers.Select(x => x.Statistics).ToList() },
        };
        if (c.RowAssignment == RowAssignmentMethod.Balanced && c.BalanceSearch.Evaluations > 0 && pes > 1)
        {
            var refine = Refine ?? throw new InvalidOperationException("the cycle-model search of compression.balance_search is not registered");
            network = refine(config, data, network);
        }

        return network;
    }

    /// <summary>
    /// The cycle-model search that refines a balanced assignment (<c>compression.balance_search</c>):
    /// the Model layer's <c>AssignmentSearch</c> sets it when the library loads, since Compression may not
    /// use Model (docs/architecture.md). It returns the network re-encoded through <see cref="Reassign"/>.
    /// </summary>
    internal static Func<HwGenConfig, NetworkData, CompressedNetwork, CompressedNetwork>? Refine { get; set; }

    /// <summary>
    /// <paramref name="network"/> with other row assignments (one per layer, hardware row → original
    /// row), re-encoded: each fully connected layer's columns follow the previous layer's new
    /// hardware outputs. An LSTM layer keeps its unit placement and its columns. A fully connected
    /// first layer reads its inputs in <paramref name="inputOrder"/> when given (hardware column →
    /// input), else in the order it had.
    /// </summary>
    internal static CompressedNetwork Reassign(HwGenConfig config, CompressedNetwork network, IReadOnlyList<int[]> hwRowToRow, int[]? inputOrder = null)
    {
        var c = config.Compression;
        int pes = network.Pes;
        var layers = new List<CompressedLayer>(network.Layers.Count);
        int[] hwColToCol = inputOrder ?? network.Layers[0].HwColToCol;
        for (var l = 0; l < network.Layers.Count; l++)
        {
            var old = network.Layers[l];
            if (old.Lstm is not null)
            {
                hwColToCol = old.HwColToCol;
            }

            var encodings = CscEncoder.Encode(old.Codes, old.Rows, old.Cols, pes, c.IndexBits, hwRowToRow[l], hwColToCol, old.LinearFixed);
            layers.Add(old with
            {
                HwRowToRow = hwRowToRow[l],
                HwColToCol = hwColToCol,
                PeEncodings = encodings,
                Statistics = Statistics(
                    old.Name, old.Rows, old.Cols, encodings, old.LinearFixed is not null, c, network.Format.WeightBits, network.Format.AccumulatorBits),
            });
            hwColToCol = layers[^1].HwOutToOut;
        }

        return network with
        {
            Layers = layers,
            Statistics = new NetworkStatistics { Layers = layers.Select(x => x.Statistics).ToList() },
        };
    }

    /// <summary>A layer's statistics: a linear layer's entries hold W-bit weights instead of b-bit codes.</summary>
    private static LayerStatistics Statistics(
        string name, int rows, int cols, IReadOnlyList<PeEncoding> encodings, bool linear, CompressionConfig c, int weightBits, int accumulatorBits) =>
        linear
            ? StatisticsCalculator.ForLayer(name, rows, cols, encodings, weightBits, c.IndexBits, weightBits, accumulatorBits, linear: true)
            : StatisticsCalculator.ForLayer(name, rows, cols, encodings, c.CodebookBits, c.IndexBits, weightBits, accumulatorBits);

    /// <summary>
    /// One layer after pruning, sharing (or, with <paramref name="LinearFixed"/>, linear quantization)
    /// and fixed point, before row assignment and encoding.
    /// </summary>
    private sealed record QuantizedLayer(
        LayerConfig Config, LayerData Data, SharedWeights Shared, int WeightFrac, long[] CodebookFixed, long[] BiasFixed, Int128 WorstCase, long[]? LinearFixed = null)
    {
        public int AccumulatorBits => FixedPoint.SignedBitsFor(WorstCase);
    }

    private static QuantizedLayer Quantize(HwGenConfig config, LayerConfig layerConfig, LayerData data)
    {
        var c = config.Compression;
        var q = config.Quantization;
        if (c.Weights == WeightEncoding.Linear)
        {
            return QuantizeLinear(config, layerConfig, data);
        }

        SharedWeights shared;
        if (data.IsPrecompressed)
        {
            shared = new SharedWeights(data.Codes!, WeightSharing.PadCodebook(data.Codebook!, c.CodebookBits), 0, true);
        }
        else
        {
            double density = layerConfig.Weights.Density;
            int[] kept = c.Pruning == PruningMethod.LoadBalanced
                ? Pruning.LoadBalanced(data.Weights!, data.Rows, data.Cols, density, config.Hardware.Pes, Placement(data.Lstm, config.Hardware.Pes))
                : Pruning.Magnitude(data.Weights!, density);
            shared = WeightSharing.Share(data.Weights!, kept, c.CodebookBits, c.KMeansIterations);
        }

        int weightFrac = FixedPoint.ChooseWeightFrac(shared.Codebook, q.WeightBits);
        long[] codebookFixed = shared.Codebook.Select(x => FixedPoint.Quantize(x, weightFrac, q.WeightBits)).ToArray();

        // Biases start the accumulation at scale 2^(Fa+Fw); saturating at 63 bits lets the
        // accumulator check below report a bias too large for any supported accumulator.
        long[] biasFixed = data.Bias.Select(x => FixedPoint.Quantize(x, q.ActivationFrac + weightFrac, 63)).ToArray();
        var worst = FixedPoint.WorstCaseAccumulator(shared.Codes, data.Rows, data.Cols, codebookFixed, biasFixed, q.ActivationBits, weightFrac);
        return new QuantizedLayer(layerConfig, data, shared, weightFrac, codebookFixed, biasFixed, worst);
    }

    /// <summary>
    /// Linear weights (ESE): after pruning, every kept weight becomes a signed W-bit value at the
    /// layer's Fw, chosen from the kept weights as a codebook's is from its centroids (the
    /// largest-magnitude kept weight fits W bits without saturating). No k-means; a kept weight that
    /// rounds to 0 stays a stored entry that adds 0. The codes are the pruning mask (1 = kept).
    /// </summary>
    private static QuantizedLayer QuantizeLinear(HwGenConfig config, LayerConfig layerConfig, LayerData data)
    {
        var q = config.Quantization;
        double[] weights = data.Weights!;
        int[] kept = config.Compression.Pruning == PruningMethod.LoadBalanced
            ? Pruning.LoadBalanced(weights, data.Rows, data.Cols, layerConfig.Weights.Density, config.Hardware.Pes, Placement(data.Lstm, config.Hardware.Pes))
            : Pruning.Magnitude(weights, layerConfig.Weights.Density);
        var keptValues = new double[kept.Length];
        for (var k = 0; k < kept.Length; k++)
        {
            keptValues[k] = weights[kept[k]];
        }

        int weightFrac = FixedPoint.ChooseWeightFrac(keptValues, q.WeightBits);
        var codes = new byte[weights.Length];
        var linear = new long[weights.Length];
        for (var k = 0; k < kept.Length; k++)
        {
            codes[kept[k]] = 1;
            linear[kept[k]] = FixedPoint.Quantize(keptValues[k], weightFrac, q.WeightBits);
        }

        long[] biasFixed = data.Bias.Select(x => FixedPoint.Quantize(x, q.ActivationFrac + weightFrac, 63)).ToArray();
        var worst = FixedPoint.WorstCaseAccumulator(linear, data.Rows, data.Cols, biasFixed, q.ActivationBits, weightFrac);
        var shared = new SharedWeights(codes, [0.0, 0.0], 0, true);
        return new QuantizedLayer(layerConfig, data, shared, weightFrac, [0, 0], biasFixed, worst, linear);
    }

    /// <summary>
    /// The rows load-balance-aware pruning balances over: an LSTM layer's unit placement
    /// (<see cref="RowAssignment.LstmUnits"/>), or null (interleaving) for a fully connected layer.
    /// </summary>
    public static int[]? Placement(LstmShape? lstm, int pes) => lstm is null ? null : RowAssignment.LstmUnits(lstm.Hidden, pes);

    /// <summary>Checks what compression relies on; reports every problem at once.</summary>
    private static void Validate(HwGenConfig config, NetworkData data)
    {
        if (config.Layers.Count != data.Layers.Count)
        {
            throw new ArgumentException($"the config has {config.Layers.Count} layers but the data {data.Layers.Count}", nameof(data));
        }

        var errors = new List<ConfigError>();
        void Error(string key, string message, string? file = null) => errors.Add(new ConfigError(file ?? config.SourceFile, 0, 0, key, message));

        var q = config.Quantization;
        var c = config.Compression;
        if (q.ActivationBits is < 2 or > MaxValueBits)
        {
            Error("quantization.activation_bits", $"{q.ActivationBits} is out of range 2..{MaxValueBits}");
        }

        if (q.WeightBits is < 2 or > MaxValueBits)
        {
            Error("quantization.weight_bits", $"{q.WeightBits} is out of range 2..{MaxValueBits}");
        }

        if (q.ActivationFrac is < 0 or > FixedPoint.MaxAccumulatorBits)
        {
            Error("quantization.activation_frac", $"{q.ActivationFrac} is out of range 0..{FixedPoint.MaxAccumulatorBits}");
        }

        if (c.CodebookBits is < 1 or > MaxCodeOrIndexBits)
        {
            Error("compression.codebook_bits", $"{c.CodebookBits} is out of range 1..{MaxCodeOrIndexBits}");
        }

        if (c.IndexBits is < 1 or > MaxCodeOrIndexBits)
        {
            Error("compression.index_bits", $"{c.IndexBits} is out of range 1..{MaxCodeOrIndexBits}");
        }

        if (c.KMeansIterations < 0)
        {
            Error("compression.kmeans_iterations", $"{c.KMeansIterations} is negative");
        }

        if (config.Hardware.Pes < 1)
        {
            Error("hardware.pes", $"{config.Hardware.Pes} is not a positive number of PEs");
        }

        if (data.Layers.Count == 0)
        {
            Error("layers", "the network has no layers");
        }

        for (var l = 0; l < data.Layers.Count; l++)
        {
            ValidateLayer(config, l, data.Layers[l], l == 0 ? null : data.Layers[l - 1], Error);
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
    }

    private static void ValidateLayer(HwGenConfig config, int l, LayerData layer, LayerData? previous, Action<string, string, string?> error)
    {
        string key = $"layers[{l}]";
        string file = config.Layers[l].Weights.Path ?? config.SourceFile;
        long size = (long)layer.Rows * layer.Cols;
        if (layer.Rows < 1 || layer.Cols < 1 || size > Array.MaxLength)
        {
            error(key, $"a {layer.Rows} × {layer.Cols} layer is not supported", null);
            return;
        }

        if (layer.Lstm is { } lstm && (lstm.Rows != layer.Rows || lstm.Cols != layer.Cols || lstm.Steps < 1))
        {
            error(key, $"an lstm layer of hidden {lstm.Hidden} and {lstm.Features} features over {lstm.Steps} steps cannot have a {layer.Rows} × {layer.Cols} gate matrix", null);
        }

        if (previous is not null && previous.OutputLength != layer.InputLength)
        {
            error(key, $"takes {layer.InputLength} inputs but the previous layer has {previous.OutputLength} outputs", null);
        }

        if (layer.Bias.Length != layer.Rows || !layer.Bias.All(double.IsFinite))
        {
            error($"{key}.weights.bias", $"expected {layer.Rows} finite biases", file);
        }

        if (layer.IsPrecompressed && config.Compression.Weights == WeightEncoding.Linear)
        {
            error($"{key}.weights.codes", "a precompressed layer (codes and codebook) cannot be stored as linear weights: give float weights, or set compression.weights: codebook", null);
        }
        else if (layer.IsPrecompressed)
        {
            int entries = 1 << Math.Clamp(config.Compression.CodebookBits, 1, MaxCodeOrIndexBits);
            var codebook = layer.Codebook ?? [];
            if (codebook.Length == 0 || codebook.Length > entries || codebook[0] != 0 || !codebook.All(double.IsFinite))
            {
                error($"{key}.weights.codebook", $"expected 1..{entries} finite entries, the first 0.0 (found {codebook.Length})", file);
            }

            if (layer.Codes!.Length != size)
            {
                error($"{key}.weights.codes", $"expected {layer.Rows} × {layer.Cols} codes, found {layer.Codes!.Length}", file);
            }
            else if (codebook.Length is > 0 and <= byte.MaxValue && layer.Codes.AsSpan().IndexOfAnyInRange((byte)codebook.Length, byte.MaxValue) is var at && at >= 0)
            {
                error(
                    $"{key}.weights.codes",
                    $"code {layer.Codes[at]} at row {at / layer.Cols}, column {at % layer.Cols} is beyond the {codebook.Length}-entry codebook",
                    file);
            }
        }
        else
        {
            double density = config.Layers[l].Weights.Density;
            if (!(density >= 0 && density <= 1))
            {
                error($"{key}.weights.density", $"{density} is out of range 0..1", null);
            }

            if (layer.Weights is null || layer.Weights.Length != size)
            {
                error($"{key}.weights", $"expected {layer.Rows} × {layer.Cols} weights", file);
            }
            else if (FirstNonFinite(layer.Weights) is var at && at >= 0)
            {
                error($"{key}.weights", $"weight at row {at / layer.Cols}, column {at % layer.Cols} is {layer.Weights[at]}; weights must be finite", file);
            }
        }
    }

    private static int FirstNonFinite(double[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
