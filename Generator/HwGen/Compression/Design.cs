using HwGen.Configuration;
using HwGen.Data;
using HwGen.Onnx;

namespace HwGen.Compression;

/// <summary>The float stages of Deep Compression's pipeline, in order (DESIGN §1).</summary>
public enum CompressionStage
{
    /// <summary>The weights as loaded.</summary>
    Dense,

    /// <summary>Pruned to each layer's density, not yet retrained or shared.</summary>
    Pruned,

    /// <summary>Pruned, then retrained with the mask (<c>compression.retrain</c>).</summary>
    Retrained,

    /// <summary>Weight-shared (the codebook, unquantized).</summary>
    Shared,

    /// <summary>Weight-shared, then the centroids retrained.</summary>
    SharedRetrained,
}

/// <summary>The float network of one stage of the pipeline, for accuracy at that stage.</summary>
/// <param name="Stage">Which stage.</param>
/// <param name="Network">Its float network.</param>
public sealed record StageNetwork(CompressionStage Stage, FloatNetwork Network);

/// <summary>
/// A config with its loaded data and its compressed network: what every command starts from. The
/// config stays here for the command line (error locations) and for writing the effective config
/// and reproducers; the stages after compression read only <see cref="Network"/>.
/// </summary>
public sealed record Design(HwGenConfig Config, NetworkData Data, CompressedNetwork Network)
{
    /// <summary><c>dataset.test</c>, loaded and checked against the network; null when not given.</summary>
    public Dataset? Test { get; init; }

    /// <summary><c>dataset.train</c>, loaded and checked against the network; null when not given.</summary>
    public Dataset? Train { get; init; }

    /// <summary>
    /// With retraining, the float network after each stage that ran (dense, pruned, retrained,
    /// shared and, when the centroids were retrained, shared retrained); empty without retraining,
    /// when the compressed network itself holds the dense, pruned and shared weights.
    /// </summary>
    public IReadOnlyList<StageNetwork> Stages { get; init; } = [];

    /// <summary>Loads, validates and compresses the design a config file describes.</summary>
    /// <exception cref="ConfigException">Bad input: every problem found, with file, line and key.</exception>
    public static Design Load(string configPath)
    {
        var config = ConfigLoader.Load(configPath);
        return FromConfig(config);
    }

    /// <summary>
    /// Loads the data of an already validated config and its datasets, and compresses it —
    /// pruning, retraining with the mask, sharing and retraining the centroids when
    /// <c>compression.retrain</c> asks for it.
    /// </summary>
    /// <exception cref="ConfigException">Bad input, at the config key behind it.</exception>
    public static Design FromConfig(HwGenConfig config)
    {
        var data = NetworkLoader.Load(config, OnnxModelReader.Instance);
        int classes = (int)config.LayerShapes()[^1].OutputLength;
        var test = LoadDataset(config, "test", config.Dataset.Test, classes);
        var train = LoadDataset(config, "train", config.Dataset.Train, classes);
        if (!config.Compression.Retrain.Enabled)
        {
            return new Design(config, data, Compressor.Compress(config, data)) { Test = test, Train = train };
        }

        var retrain = config.Compression.Retrain;
        var dense = new FloatNetwork(data.Layers.Select((l, i) => new FloatLayer(
            l.Name, l.Rows, l.Cols, l.Weights!, l.Bias, config.Layers[i].Activation.ToKind())).ToList());
        var (pruned, masks) = RetrainingStages.Prune(
            dense, config.Layers.Select(l => l.Weights.Density).ToList(), config.Compression.Pruning == PruningMethod.LoadBalanced, config.Hardware.Pes);
        var options = new RetrainOptions { Epochs = retrain.Epochs, LearningRate = retrain.LearningRate, Batch = retrain.Batch, Seed = retrain.Seed };
        var retrained = Retraining.RetrainMasked(pruned, masks, train!, options).Result;

        // The retrained network keeps the mask's zeros, so the compressor's pruning at the same
        // densities keeps the same weights.
        var compressed = Compressor.Compress(config, retrained.ToNetworkData() with { Inputs = data.Inputs });
        if (config.Compression.Weights == WeightEncoding.Linear)
        {
            // Linear weights are not shared: no shared stage and no centroids to retrain.
            return new Design(config, data, compressed)
            {
                Test = test,
                Train = train,
                Stages = [new(CompressionStage.Dense, dense), new(CompressionStage.Pruned, pruned), new(CompressionStage.Retrained, retrained)],
            };
        }

        var activations = retrained.Layers.Select(l => l.Activation).ToList();
        var shared = RetrainingStages.Shared(compressed, activations);
        var stages = new List<StageNetwork>
        {
            new(CompressionStage.Dense, dense),
            new(CompressionStage.Pruned, pruned),
            new(CompressionStage.Retrained, retrained),
            new(CompressionStage.Shared, RetrainingStages.ToFloat(shared)),
        };
        if (retrain.CentroidEpochs > 0)
        {
            var tuned = Retraining.RetrainCentroids(
                shared, train!, options with { Epochs = retrain.CentroidEpochs, LearningRate = retrain.CentroidLearningRate }).Result;
            stages.Add(new StageNetwork(CompressionStage.SharedRetrained, RetrainingStages.ToFloat(tuned)));
            compressed = Compressor.Compress(config, RetrainingStages.Precompressed(tuned) with { Inputs = data.Inputs });
        }

        return new Design(config, data, compressed) { Test = test, Train = train, Stages = stages };
    }

    /// <summary>
    /// The vectors a run uses: the config's own input vector(s) first, then random vectors drawn
    /// with the config's input settings from <paramref name="seed"/>, <paramref name="count"/> in all.
    /// With a test set, its first <paramref name="count"/> vectors (never random ones).
    /// </summary>
    /// <exception cref="ConfigException">More vectors than the test set holds.</exception>
    public IReadOnlyList<double[]> Vectors(int count, int seed)
    {
        if (Test is { } test)
        {
            return TestVectors(count).Select(v => test.Input(v).ToArray()).ToList();
        }

        var vectors = Data.Inputs.Take(count).ToList();
        if (vectors.Count < count)
        {
            vectors.AddRange(NetworkLoader.RandomInputs(Config, count - vectors.Count, seed));
        }

        return vectors;
    }

    /// <summary>The first <paramref name="count"/> vectors of the test set (with their labels).</summary>
    /// <exception cref="ConfigException">There is no test set, or it holds fewer vectors.</exception>
    public Dataset TestSet(int count)
    {
        if (Test is null)
        {
            throw new ConfigException(new ConfigError(Config.SourceFile, 0, 0, "dataset.test.path", "no test set is given"));
        }

        TestVectors(count);
        return Test.Take(count);
    }

    /// <summary>A spec error as bad input at the config key behind it (file, line and key).</summary>
    public ConfigException Locate(HardwareSpecException error)
    {
        var at = Config.Locations.Find(error.Key);
        return new ConfigException(new ConfigError(Config.SourceFile, at.Line, at.Column, error.Key, error.Message));
    }

    private IEnumerable<int> TestVectors(int count)
    {
        if (count > Test!.Count)
        {
            throw new ConfigException(new ConfigError("command line", 0, 0, "--vectors",
                $"{count} vectors were asked for but the test set {Config.Dataset.Test.Path} holds {Test.Count}; use --vectors {Test.Count} or fewer"));
        }

        return Enumerable.Range(0, count);
    }

    /// <summary><c>dataset.test</c> of a config, loaded and checked against its network; null when not given.</summary>
    /// <exception cref="ConfigException">The file cannot be read, or does not fit the network.</exception>
    public static Dataset? LoadTestSet(HwGenConfig config) => LoadDataset(config, "test", config.Dataset.Test, (int)config.LayerShapes()[^1].OutputLength);

    /// <summary>Loads one split of <c>dataset</c> and checks it against the network (width, labels).</summary>
    private static Dataset? LoadDataset(HwGenConfig config, string name, DatasetSplitConfig split, int classes)
    {
        if (!split.IsGiven)
        {
            return null;
        }

        string key = $"dataset.{name}.path";
        try
        {
            var data = split.IsNpy
                ? DatasetLoader.LoadNpy(config.ResolvePath(split.Path!), split.LabelsPath is null ? null : config.ResolvePath(split.LabelsPath), split.Path, split.LabelsPath)
                : DatasetLoader.LoadNpz(config.ResolvePath(split.Path!), split.Inputs, split.Labels, split.Path);
            data.CheckAgainst((int)config.InputLength, classes);
            return data;
        }
        catch (DatasetException e)
        {
            string at = e.Array == split.Labels && !split.IsNpy ? $"dataset.{name}.labels"
                : e.Array == split.Inputs && !split.IsNpy ? $"dataset.{name}.inputs"
                : e.File == split.LabelsPath ? $"dataset.{name}.labels_path"
                : key;
            var location = config.Locations.Find(at);
            throw new ConfigException(new ConfigError(config.SourceFile, location.Line, location.Column, at, e.Message));
        }
    }
}
