using System.Collections.Concurrent;
using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;
using HwGen.Hardware;
using HwGen.Model;

namespace HwGen.Sweep;

/// <summary>A point's compressed network and what its metrics were computed from.</summary>
/// <param name="Design">The design (config, loaded data, compressed network).</param>
/// <param name="Vectors">The input vectors, float.</param>
/// <param name="Cycles">The cycle model's report per vector.</param>
public sealed record EvaluatedPoint(Design Design, IReadOnlyList<double[]> Vectors, IReadOnlyList<CycleReport> Cycles);

/// <summary>
/// Computes a sweep point's metrics: compression statistics, the cycle model on the input vectors,
/// latency, load efficiency, memory, the resource estimate and accuracy against the float
/// reference. Thread-safe; work is shared between points through caches:
/// <list type="bullet">
/// <item>the loaded data (random or file weights and inputs) per config less the keys data do not depend on;</item>
/// <item>the compressed network, the golden model's outputs and the accuracy per <em>compression key</em>: the
/// config less the keys that only change the encoding (PEs, row assignment, index bits) or nothing at all
/// in the network (FIFO depth, line entries, clock). Points that differ only in those re-encode the shared
/// codes and codebook (no new pruning or k-means) or reuse them as they are;</item>
/// <item>the encoded network per compression key and encoding (PEs, row assignment, index bits), shared by
/// points that differ only in FIFO depth, line entries or clock.</item>
/// </list>
/// A cache entry is dropped when the last point that needs it has taken it.
/// </summary>
public sealed class SweepEvaluator
{
    private readonly int _vectors;
    private readonly UseCountedCache<LoadedData> _data;
    private readonly UseCountedCache<CompressedBase> _compressed;
    private readonly UseCountedCache<CompressedNetwork> _encoded;

    /// <param name="vectors">Input vectors per point.</param>
    /// <param name="points">The configs this evaluator will be asked for, each once (sizes the caches' lifetimes).</param>
    public SweepEvaluator(int vectors, IEnumerable<HwGenConfig> points)
    {
        _vectors = vectors;
        var configs = points.ToList();
        var compressionKeys = configs.Select(CompressionKey).ToList();
        _compressed = new UseCountedCache<CompressedBase>(compressionKeys);
        _encoded = new UseCountedCache<CompressedNetwork>(configs.Zip(compressionKeys).Select(p => EncodedKey(p.Second, p.First)));
        _data = new UseCountedCache<LoadedData>(configs.Zip(compressionKeys).DistinctBy(p => p.Second).Select(p => DataKey(p.First)));
    }

    /// <summary>Compresses (or re-encodes) the point's network and runs the cycle model on its vectors.</summary>
    /// <exception cref="ConfigException">The point cannot be built (an accumulator too wide, data that do not fit).</exception>
    public (EvaluatedPoint Point, CompressedBase Shared) Build(HwGenConfig config)
    {
        string compressionKey = CompressionKey(config);
        var shared = _compressed.Get(compressionKey, () => Compress(config));
        var encoded = _encoded.Get(EncodedKey(compressionKey, config), () => EncodingKey(config) == EncodingKey(shared.Config)
            ? shared.Network
            : Reencode(shared, config));

        // The encoding is shared; the name and the hardware it does not depend on (FIFO depth, line
        // entries, clock, memories) are the point's own.
        var network = encoded with { Name = config.Name, Spec = HardwareSpec.FromConfig(config) };
        var cycles = new List<CycleReport>(shared.Quantized.Count);
        for (var v = 0; v < shared.Quantized.Count; v++)
        {
            cycles.Add(CycleModel.Run(network, shared.Quantized[v], shared.Golden[v], shared.HiddenStates?[v]));
        }

        var design = new Design(config, shared.Data, network);
        return (new EvaluatedPoint(design, shared.Vectors, cycles), shared);
    }

    /// <summary>Every metric of a point (the yosys ones aside).</summary>
    /// <exception cref="ConfigException">The point cannot be built.</exception>
    public (EvaluatedPoint Point, Dictionary<string, double> Numbers, Dictionary<string, string> Texts) Evaluate(HwGenConfig config)
    {
        var (point, shared) = Build(config);
        var network = point.Design.Network;
        var layout = HardwareLayout.For(network);
        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);

        var hw = network.Spec;
        numbers["pes"] = hw.Pes;
        numbers["fifo_depth"] = hw.FifoDepth;
        numbers["line_entries"] = hw.LineEntries;
        numbers["clock_mhz"] = hw.ClockMhz;
        numbers["dram_bytes_per_cycle"] = hw.External?.Dram.BytesPerCycle ?? 0;
        numbers["codebook_bits"] = hw.LinearWeights ? 0 : hw.CodeBits;
        numbers["index_bits"] = hw.IndexBits;
        numbers["activation_bits"] = network.Format.ActivationBits;
        numbers["weight_bits"] = network.Format.WeightBits;
        numbers["accumulator_bits"] = network.Format.AccumulatorBits;

        // How the point was compressed: the sweep's own choice, echoed from the config it built.
        texts["row_assignment"] = ConfigNames.Snake(config.Compression.RowAssignment);
        texts["pruning"] = ConfigNames.Snake(config.Compression.Pruning);
        texts["weight_encoding"] = ConfigNames.Snake(config.Compression.Weights);

        var s = network.Statistics;
        long weights = network.Layers.Sum(l => (long)l.Rows * l.Cols);
        numbers["weights"] = weights;
        numbers["nonzeros"] = s.NonZeros;
        numbers["density"] = weights == 0 ? 0 : (double)s.NonZeros / weights;
        numbers["padding"] = s.Padding;
        numbers["entries"] = s.Entries;
        numbers["bits_per_weight"] = s.NonZeros == 0 ? 0 : (double)s.Entries * (hw.CodeBits + hw.IndexBits) / s.NonZeros;
        numbers["compressed_bits"] = s.CompressedBits;
        numbers["huffman_bits"] = s.HuffmanCompressedBits;
        numbers["compression_ratio"] = s.CompressionRatio;
        numbers["huffman_ratio"] = s.HuffmanCompressionRatio;

        var cycles = point.Cycles;
        double meanCycles = cycles.Average(r => (double)r.Cycles);
        double usefulMacs = cycles.Average(r => (double)r.UsefulMacs);
        long totalCycles = cycles.Sum(r => r.Cycles);
        numbers["cycles"] = meanCycles;
        numbers["cycles_max"] = cycles.Max(r => r.Cycles);
        numbers["ideal_cycles"] = cycles.Average(r => (double)r.IdealCycles);
        numbers["latency_us"] = meanCycles / hw.ClockMhz;
        numbers["load_efficiency"] = totalCycles == 0 ? 0 : (double)cycles.Sum(r => r.IdealCycles) / totalCycles;
        numbers["stall_cycles"] = cycles.Average(r => (double)r.StallCycles);
        numbers["loss_padding"] = cycles.Average(r => r.PaddingLoss);
        numbers["loss_stalls"] = cycles.Average(r => r.StallLoss);
        numbers["loss_tails"] = cycles.Average(r => r.TailLoss);
        numbers["loss_memory"] = cycles.Average(r => r.MemoryLoss);
        numbers["dram_bytes"] = cycles.Average(r => (double)r.Layers.Sum(l => l.DramBytes));
        numbers["bandwidth_bound_cycles"] = cycles.Average(r => (double)r.Layers.Sum(l => l.BandwidthBoundCycles));
        numbers["loss_scan"] = cycles.Average(r => r.ScanLoss);
        numbers["switch_cycles"] = cycles.Average(r => (double)r.SwitchCycles);
        numbers["writeback_cycles"] = cycles.Average(r => (double)r.WritebackCycles);
        numbers["useful_macs"] = usefulMacs;
        numbers["gops"] = meanCycles == 0 ? 0 : 2 * usefulMacs * hw.ClockMhz / meanCycles / 1000;

        numbers["memory_bits_per_pe"] = layout.MemoryBitsPerPe;
        numbers["memory_bits_total"] = layout.MemoryBitsTotal;
        numbers["spmat_lines"] = layout.SpmatDepth;
        numbers["entries_max_pe"] = layout.EntriesPerPe.Max();

        var resources = ResourceModel.Estimate(layout);
        numbers["luts"] = resources.Luts;
        numbers["ffs"] = resources.Ffs;
        numbers["brams"] = resources.Brams;
        numbers["dsps"] = resources.Dsps;
        numbers["sprams"] = resources.Sprams;

        if (shared.Top1 is { } top1)
        {
            numbers["top1"] = top1;
        }

        numbers["accuracy"] = shared.Accuracy;
        numbers["accuracy_drop"] = 1 - shared.Accuracy;
        numbers["sharing_accuracy"] = shared.SharingAccuracy;
        numbers["output_error_max"] = shared.ErrorMax;
        numbers["output_error_mean"] = shared.ErrorMean;
        numbers["output_rel_error"] = shared.RelativeError;
        texts["reference"] = shared.Reference;
        return (point, numbers, texts);
    }

    /// <summary>The config less the keys that change nothing in the loaded data.</summary>
    internal static string DataKey(HwGenConfig config)
    {
        var normal = config with
        {
            Name = "data",
            Layers = [.. config.Layers.Select(l => l with { Weights = l.Weights with { Density = 0 } })],
            Compression = new CompressionConfig { CodebookBits = config.Compression.CodebookBits },
            Hardware = new HardwareConfig(),
        };
        return ConfigYaml.Write(normal, resolvePaths: true);
    }

    /// <summary>
    /// The config less the keys that only change how the compressed weights are encoded or run:
    /// points with the same compression key share pruning, k-means, fixed point, golden outputs and accuracy.
    /// </summary>
    internal static string CompressionKey(HwGenConfig config)
    {
        var c = config.Compression;
        var normal = config with
        {
            Name = "compressed",
            Compression = c with { RowAssignment = RowAssignmentMethod.Interleaved, IndexBits = 1 },

            // Load-balance-aware pruning prunes each PE's rows to the same density: it depends on N.
            Hardware = new HardwareConfig { Pes = c.Pruning == PruningMethod.LoadBalanced ? config.Hardware.Pes : 1 },
        };
        return ConfigYaml.Write(normal, resolvePaths: true);
    }

    /// <summary>Points with the same compressed weights and the same encoding share one encoded network (they differ in FIFO depth, line entries or clock).</summary>
    private static string EncodedKey(string compressionKey, HwGenConfig config) => $"{compressionKey}\n{EncodingKey(config)}";

    /// <summary>
    /// What the row assignment and the encoding depend on: with balanced rows also the FIFO depth,
    /// the budget of the cycle-model search (compression.balance_search) and whether it searches
    /// for column pairs (which also orders the first layer's columns).
    /// </summary>
    private static (int Pes, RowAssignmentMethod Assignment, int IndexBits, int FifoDepth, BalanceSearchConfig? Search, bool Pairs) EncodingKey(HwGenConfig config)
    {
        var c = config.Compression;
        bool searched = c.RowAssignment == RowAssignmentMethod.Balanced && c.BalanceSearch.Evaluations > 0;
        return (config.Hardware.Pes, c.RowAssignment, c.IndexBits, searched ? config.Hardware.FifoDepth : 0, searched ? c.BalanceSearch : null,
            searched && config.Hardware.ColumnPairs);
    }

    private CompressedBase Compress(HwGenConfig config)
    {
        var loaded = _data.Get(DataKey(config), () => Load(config));
        var network = Compressor.Compress(config, loaded.Data);
        var format = network.Format;
        var quantized = loaded.Vectors.Select(v => GoldenModel.QuantizeInput(format, v)).ToList();
        // The fast evaluator (bit-exact with the golden model, tested so) on one thread: the sweep runs
        // its points in parallel already. With LSTM layers, the golden model itself: the cycle model
        // needs every step's hidden state (which units of h_(t−1) each step broadcasts), which only
        // it keeps.
        List<IReadOnlyList<long[]>> golden;
        IReadOnlyList<IReadOnlyList<long[][]?>>? hiddenStates = null;
        if (network.FirstLstm is null)
        {
            var evaluation = new FastEvaluator(network).Run(quantized, allLayers: true, maxThreads: 1);
            golden = Enumerable.Range(0, quantized.Count)
                .Select(v => (IReadOnlyList<long[]>)[.. evaluation.LayerOutputs.Select(layer => layer[v])])
                .ToList();
        }
        else
        {
            var results = quantized.Select(q => GoldenModel.Run(network, q)).ToList();
            golden = [.. results.Select(r => r.LayerOutputs)];
            hiddenStates = [.. results.Select(r => r.HiddenStates)];
        }

        var dataset = Dataset.FromVectors("sweep vectors", loaded.Vectors, network.InputSize);

        // Accuracy of the fixed-point network against the float reference: the dense network where its
        // weights exist, else (precompressed layers) the shared weights in float.
        var report = AccuracyReport.Compute(network, dataset, [], maxThreads: 1);
        bool dense = report.For(AccuracyStage.Dense).Available;
        var error = report.For(AccuracyStage.FixedPoint).VersusDense;

        // Against the pruned float network: the loss of weight sharing and fixed point alone.
        double scale = Math.ScaleB(1.0, -format.ActivationFrac);
        var fixedOutputs = golden.Select(g => g[^1].Select(y => y * scale).ToArray()).ToList();
        var prunedOutputs = FloatEvaluator.For(network, WeightStage.Pruned).Run(dataset, maxThreads: 1);
        var sharing = OutputError.Compare(fixedOutputs, prunedOutputs);
        double referenceMagnitude = 0;
        long outputs = 0;
        foreach (double[] output in FloatEvaluator.For(network, dense ? WeightStage.Dense : WeightStage.Shared).Run(dataset, maxThreads: 1))
        {
            foreach (double y in output)
            {
                referenceMagnitude += Math.Abs(y);
                outputs++;
            }
        }

        referenceMagnitude = outputs == 0 ? 0 : referenceMagnitude / outputs;

        // Codes and codebook as a precompressed network: re-encoding for other PEs skips pruning and k-means.
        // Linear weights have no codes to keep: re-encoding prunes and quantizes the loaded weights again
        // (cheap without k-means, and the same weights, as the compression key holds what pruning depends on).
        var precompressed = network.Spec.LinearWeights ? loaded.Data : new NetworkData
        {
            Layers = [.. network.Layers.Select(l => new LayerData { Name = l.Name, Rows = l.Rows, Cols = l.Cols, Codes = l.Codes, Codebook = l.Codebook, Bias = l.Bias, Lstm = l.Lstm })],
            Inputs = loaded.Data.Inputs,
        };
        return new CompressedBase(
            config, loaded.Data, network, precompressed, loaded.Vectors, quantized, golden,
            Accuracy: error.ArgmaxAgreement,
            SharingAccuracy: sharing.ArgmaxAgreement,
            ErrorMax: error.MaxAbsError,
            ErrorMean: error.MeanAbsError,
            RelativeError: referenceMagnitude == 0 ? 0 : error.MeanAbsError / referenceMagnitude,
            Reference: dense ? "dense" : "shared")
        {
            HiddenStates = hiddenStates,
            Top1 = loaded.Labels is { } labels
                ? (double)golden.Where((g, v) => FastEvaluator.Argmax(g[^1]) == labels[v]).Count() / golden.Count
                : null,
        };
    }

    private LoadedData Load(HwGenConfig config)
    {
        var data = NetworkLoader.Load(config, HwGen.Onnx.OnnxModelReader.Instance);
        if (Design.LoadTestSet(config) is { } test)
        {
            // The test set's first vectors, with their labels: top-1 against them is a metric.
            var first = test.Take(_vectors);
            return new LoadedData(data, [.. Enumerable.Range(0, first.Count).Select(v => first.Input(v).ToArray())], first.Labels);
        }

        return new LoadedData(data, Vectors(config, data, _vectors), null);
    }

    /// <summary>
    /// The vectors of a point: a random input's vectors 0 … count−1 of the config's seed (vector 0 is
    /// the config's own input); a file's vectors first, then random ones drawn with the config's input settings.
    /// </summary>
    public static IReadOnlyList<double[]> Vectors(HwGenConfig config, NetworkData data, int count)
    {
        if (config.Input.Source == DataSource.Random)
        {
            return NetworkLoader.RandomInputs(config, count, config.Seed);
        }

        var vectors = data.Inputs.Take(count).ToList();
        if (vectors.Count < count)
        {
            vectors.AddRange(NetworkLoader.RandomInputs(config, count - vectors.Count, config.Seed));
        }

        return vectors;
    }

    /// <summary>The same codes and codebook assigned and encoded for the point's PEs, row assignment and index bits.</summary>
    private static CompressedNetwork Reencode(CompressedBase shared, HwGenConfig config)
    {
        var network = Compressor.Compress(config, shared.Precompressed);
        var layers = network.Layers.Select((layer, l) => layer with
        {
            DenseWeights = shared.Network.Layers[l].DenseWeights,
            KMeansIterations = shared.Network.Layers[l].KMeansIterations,
            KMeansConverged = shared.Network.Layers[l].KMeansConverged,
        }).ToList();
        return network with { Layers = layers };
    }

    private sealed record LoadedData(NetworkData Data, IReadOnlyList<double[]> Vectors, int[]? Labels);
}

/// <summary>What points with one compression key share.</summary>
/// <param name="Config">The config of the first such point, which <paramref name="Network"/> was compressed for.</param>
/// <param name="Data">The loaded data.</param>
/// <param name="Network">The network compressed for the first such point.</param>
/// <param name="Precompressed">Its codes and codebook as precompressed data, for re-encoding.</param>
/// <param name="Vectors">The float input vectors.</param>
/// <param name="Quantized">The vectors quantized to activations.</param>
/// <param name="Golden">Per vector, every layer's golden output (original order).</param>
/// <param name="Accuracy">Top-1 agreement with the float reference.</param>
/// <param name="SharingAccuracy">Top-1 agreement with the pruned float network.</param>
/// <param name="ErrorMax">Largest absolute output error.</param>
/// <param name="ErrorMean">Mean absolute output error.</param>
/// <param name="RelativeError">Mean absolute error / mean |reference output|.</param>
/// <param name="Reference">"dense" or "shared".</param>
public sealed record CompressedBase(
    HwGenConfig Config,
    NetworkData Data,
    CompressedNetwork Network,
    NetworkData Precompressed,
    IReadOnlyList<double[]> Vectors,
    IReadOnlyList<long[]> Quantized,
    IReadOnlyList<IReadOnlyList<long[]>> Golden,
    double Accuracy,
    double SharingAccuracy,
    double ErrorMax,
    double ErrorMean,
    double RelativeError,
    string Reference)
{
    /// <summary>Top-1 of the fixed-point network against the test set's labels; null without a labelled test set.</summary>
    public double? Top1 { get; init; }

    /// <summary>
    /// Per vector, per layer, an LSTM layer's hidden states h_1 … h_T (<see cref="GoldenResult.HiddenStates"/>)
    /// for the cycle model; null when the network has no LSTM layer.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<long[][]?>>? HiddenStates { get; init; }
}

/// <summary>
/// Values computed once per key and shared between threads; an entry is dropped after its
/// expected number of uses, so a long sweep holds only the networks still needed.
/// </summary>
internal sealed class UseCountedCache<T>
    where T : class
{
    private readonly ConcurrentDictionary<string, Lazy<T>> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _remaining = new(StringComparer.Ordinal);

    /// <param name="uses">One key per expected use.</param>
    public UseCountedCache(IEnumerable<string> uses)
    {
        foreach (string key in uses)
        {
            _remaining.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
    }

    public T Get(string key, Func<T> factory)
    {
        var lazy = _entries.GetOrAdd(key, _ => new Lazy<T>(factory, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        finally
        {
            if (_remaining.AddOrUpdate(key, 0, (_, n) => n - 1) <= 0)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}
