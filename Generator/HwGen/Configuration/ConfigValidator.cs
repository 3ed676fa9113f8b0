using System.Numerics;
using System.Globalization;

namespace HwGen.Configuration;

/// <summary>
/// The rules a config must satisfy beyond types: each key's range, name rule and list length from
/// the schema (<see cref="ConfigSchema"/>), then the rules between keys: what each data source
/// needs, data files that exist, unique layer names, sizes, <c>activation_frac</c> below
/// <c>activation_bits</c>. It checks the finished record, so a config derived in code
/// (<c>config with { … }</c>) is checked by the same rules as one loaded from YAML; errors point
/// at the YAML line through <see cref="HwGenConfig.Locations"/>.
/// </summary>
public static class ConfigValidator
{
    /// <summary>Every problem of the config; empty when it is valid.</summary>
    public static IReadOnlyList<ConfigError> Validate(HwGenConfig config) =>
        Validate(config, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>Throws one <see cref="ConfigException"/> with every problem, if there is any.</summary>
    public static void ThrowIfInvalid(HwGenConfig config)
    {
        var errors = Validate(config);
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
    }

    /// <summary>Whether <paramref name="name"/> is a valid design or layer name (<see cref="ConfigNames.IsName"/>).</summary>
    public static bool IsValidName(string name) => ConfigNames.IsName(name);

    /// <summary>
    /// What is wrong with a data-file path from the config (empty, missing, a folder), or null when
    /// the file exists. The message names the path as written and as resolved.
    /// </summary>
    public static string? DataFileProblem(HwGenConfig config, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "is empty; give the data file's path, relative to the config file";
        }

        string full;
        try
        {
            full = config.ResolvePath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"'{path}' is not a valid path ({e.Message})";
        }

        if (File.Exists(full))
        {
            return null;
        }

        return Directory.Exists(full)
            ? $"{path} is a folder, not a data file"
            : $"data file not found: {path} (looked for {full}; relative paths start at the config file's folder)";
    }

    /// <param name="config">The config to check.</param>
    /// <param name="rejected">Keys whose written value the loader already rejected; rules that depend on them are skipped.</param>
    internal static List<ConfigError> Validate(HwGenConfig config, IReadOnlySet<string> rejected)
    {
        var check = new Checker(config.SourceFile, config.Locations, rejected);
        CheckKeys(ConfigSchema.Root, config, string.Empty, check);

        var quantization = config.Quantization;
        int bits = quantization.ActivationBits;
        int frac = quantization.ActivationFrac;
        if (frac > bits - 1 && ConfigSchema.Key("quantization.activation_bits").Range!.Contains(bits)
            && ConfigSchema.Key("quantization.activation_frac").Range!.Contains(frac)
            && check.Ok("quantization.activation_bits", "quantization.activation_frac"))
        {
            check.Error("quantization.activation_frac", $"must be in 0..{bits - 1} (activation_bits - 1, one bit is the sign), got {frac}");
        }

        CheckInput(check, config);
        CheckLayers(check, config);
        CheckDataset(check, config);
        return check.Errors;
    }

    /// <summary>
    /// The per-key rules of a schema on a finished record: numbers in their range, names, list
    /// lengths; keys that have no effect on their record (<c>when</c>) are skipped.
    /// </summary>
    internal static void CheckKeys(ConfigKey section, object record, string path, Checker check)
    {
        foreach (var key in section.Keys)
        {
            string keyPath = path.Length == 0 ? key.Name : $"{path}.{key.Name}";
            if (key.When?.Invoke(record) == false || !check.Ok(keyPath) || key.GetIn(record) is not { } value)
            {
                continue;
            }

            switch (key.Type)
            {
                case ConfigType.Integer or ConfigType.Real when key.Range is { } range:
                    double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (!range.Contains(number))
                    {
                        check.Error(keyPath, $"must be in {range.Text}, got {number.ToString("R", CultureInfo.InvariantCulture)}");
                    }

                    break;

                case ConfigType.Name:
                    check.Name(keyPath, (string)value, (key.Parent?.Parent?.Noun is { } noun && noun != "item" ? noun : "design") + "_");
                    break;

                case ConfigType.Section:
                    CheckKeys(key, value, keyPath, check);
                    break;

                case ConfigType.List:
                    var items = ((System.Collections.IEnumerable)value).Cast<object>().ToList();
                    if (SchemaReader.CountProblem(key, items.Count) is { } problem)
                    {
                        check.Error(keyPath, problem);
                    }

                    for (var i = 0; i < items.Count && key.Item!.Type == ConfigType.Section; i++)
                    {
                        CheckKeys(key.Item, items[i], $"{keyPath}[{i}]", check);
                    }

                    break;
            }
        }
    }

    private static void CheckInput(Checker check, HwGenConfig config)
    {
        var input = config.Input;
        if (!check.Ok("input.source"))
        {
            return;
        }

        if (input.Source == DataSource.Onnx)
        {
            check.Error("input.source", "onnx holds weights, not input vectors: use random, npy or npz (or give dataset.test)");
            return;
        }

        if (input.Source == DataSource.Random)
        {
            if (input.Path is not null)
            {
                check.Error("input.path", "is only used with source: npy or npz, but input.source is random; set input.source or remove path");
            }

            return;
        }

        check.DataPath(config, "input.path", input.Path, input.Source);
        if (input.Source == DataSource.Npz && string.IsNullOrWhiteSpace(input.Key))
        {
            check.Error("input.key", "must name an array of the .npz archive");
        }
    }

    private static void CheckLayers(Checker check, HwGenConfig config)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var shapes = config.LayerShapes();
        long total = 0;
        bool totalReported = false;
        for (var i = 0; i < config.Layers.Count; i++)
        {
            var layer = config.Layers[i];
            string prefix = $"layers[{i}]";
            string nameKey = $"{prefix}.name";
            if (IsValidName(layer.Name) && check.Ok(nameKey))
            {
                if (names.TryGetValue(layer.Name, out int first))
                {
                    var line = config.Locations.Find($"layers[{first}].name").Line;
                    string where = line > 0 ? $" (line {line})" : string.Empty;
                    check.Error(nameKey, $"'{layer.Name}' is already the name of layers[{first}]{where}; layer names must be unique");
                }
                else
                {
                    names.Add(layer.Name, i);
                }
            }

            bool lstm = layer.Kind == LayerKind.Lstm;
            string sizeKey = lstm ? $"{prefix}.hidden" : $"{prefix}.outputs";
            var shape = shapes[i];
            long weightCount = shape.Rows * shape.Cols;
            total += weightCount;
            string what = lstm
                ? $"{shape.Rows} gate rows (4 × {layer.Hidden} hidden) × {shape.Cols} columns ({shape.Features} features + {layer.Hidden} hidden)"
                : $"{layer.Outputs} outputs × {shape.Cols} inputs";
            if (weightCount > Array.MaxLength && check.Ok(sizeKey, $"{prefix}.kind"))
            {
                totalReported = true;
                check.Error(sizeKey, $"gives the layer {weightCount} weights ({what}); HwGen holds at most {Array.MaxLength} weights per layer");
            }
            else if (total > Array.MaxLength && !totalReported && check.Ok(sizeKey, $"{prefix}.kind"))
            {
                totalReported = true;
                check.Error(sizeKey, $"brings the network to {total} weights; HwGen holds at most {Array.MaxLength} weights in all layers together");
            }
            else if (shape.OutputLength > Array.MaxLength && check.Ok(sizeKey, $"{prefix}.kind"))
            {
                check.Error($"{prefix}.output", $"gives {shape.OutputLength} values ({shape.Steps} steps × {layer.Hidden} hidden); at most {Array.MaxLength} are supported");
            }

            CheckLayerKind(check, config, i);
            CheckWeights(check, config, layer.Weights, $"{prefix}.weights");
        }
    }

    /// <summary>
    /// Keys that belong to the other kind of layer, and where an LSTM layer may stand: first (on the
    /// input sequence) or after an LSTM layer that gives its whole sequence.
    /// </summary>
    private static void CheckLayerKind(Checker check, HwGenConfig config, int i)
    {
        var layer = config.Layers[i];
        string prefix = $"layers[{i}]";
        if (!check.Ok($"{prefix}.kind"))
        {
            return;
        }

        string kind = ConfigNames.Snake(layer.Kind);
        foreach (var (key, kinds) in new[] { ("outputs", LayerKind.Fc), ("activation", LayerKind.Fc), ("hidden", LayerKind.Lstm), ("output", LayerKind.Lstm) })
        {
            if (layer.Kind != kinds && config.Locations.Contains($"{prefix}.{key}"))
            {
                string advice = layer.Kind == LayerKind.Lstm
                    ? key == "outputs" ? "an lstm layer's size is 'hidden'" : "an lstm layer's gates use sigmoid and tanh, its output is the hidden state"
                    : "it belongs to kind: lstm";
                check.Error($"{prefix}.{key}", $"is not used by a layer of kind: {kind} ({advice}); remove it");
            }
        }

        if (layer.Kind != LayerKind.Lstm || i == 0)
        {
            return;
        }

        var previous = config.Layers[i - 1];
        if (previous.Kind != LayerKind.Lstm)
        {
            check.Error(
                $"{prefix}.kind",
                $"an lstm layer takes a sequence: it must be the first layer (on the input sequence, input.steps) or follow an lstm layer with output: sequence, but layers[{i - 1}] ('{previous.Name}') is fully connected");
        }
        else if (previous.Output != LstmOutput.Sequence && check.Ok($"layers[{i - 1}].output"))
        {
            check.Error(
                $"layers[{i - 1}].output",
                $"is last, but the next layer '{layer.Name}' is an lstm layer, which takes the whole sequence: set output: sequence");
        }
    }

    private static void CheckWeights(Checker check, HwGenConfig config, WeightsConfig weights, string prefix)
    {
        if (!check.Ok($"{prefix}.source"))
        {
            return;
        }

        (string Key, string? Value)[] arrayKeys =
        [
            ("weights", weights.WeightsKey), ("bias", weights.BiasKey), ("codes", weights.CodesKey), ("codebook", weights.CodebookKey),
        ];

        switch (weights.Source)
        {
            case DataSource.Random:
                if (weights.Path is not null)
                {
                    check.Error($"{prefix}.path", $"is only used with source: npy or npz, but this layer's weights are random; set {prefix}.source or remove path");
                }

                foreach (var (key, value) in arrayKeys.Where(k => k.Value is not null))
                {
                    check.Error($"{prefix}.{key}", $"is only used with source: npz, but this layer's weights are random; set {prefix}.source or remove {key}");
                }

                return;

            case DataSource.Onnx:
                check.DataPath(config, $"{prefix}.path", weights.Path, DataSource.Onnx);
                foreach (var (key, value) in arrayKeys.Where(k => k.Value is not null))
                {
                    check.Error($"{prefix}.{key}", "is only used with source: npz; an onnx layer is named by 'layer'");
                }

                if (string.IsNullOrWhiteSpace(weights.Layer) && check.Ok($"{prefix}.layer"))
                {
                    check.Error($"{prefix}.layer", "is required with source: onnx: name the model's layer (hwgen import writes it)");
                }

                return;

            case DataSource.Npy:
                check.DataPath(config, $"{prefix}.path", weights.Path, DataSource.Npy);
                foreach (var (key, value) in arrayKeys.Where(k => k.Value is not null))
                {
                    check.Error($"{prefix}.{key}", "is only used with source: npz (a .npy file holds one array: the float weights)");
                }

                return;

            default:
                check.DataPath(config, $"{prefix}.path", weights.Path, DataSource.Npz);
                foreach (var (key, value) in arrayKeys.Where(k => k.Value is not null && string.IsNullOrWhiteSpace(k.Value)))
                {
                    check.Error($"{prefix}.{key}", "must name an array of the .npz archive");
                }

                if (weights.CodesKey is null && weights.WeightsKey is null && check.Ok($"{prefix}.weights", $"{prefix}.codes"))
                {
                    check.Error(prefix, "source: npz needs the arrays to use: 'weights: NAME' (float weights), or 'codes: NAME' with 'codebook: NAME' (a precompressed layer)");
                }
                else if (weights.CodesKey is not null && weights.WeightsKey is not null)
                {
                    check.Error($"{prefix}.codes", "give either weights (float, pruned and shared by HwGen) or codes (precompressed), not both");
                }

                if (weights.CodesKey is not null && weights.CodebookKey is null)
                {
                    check.Error($"{prefix}.codebook", "is required with codes: name the .npz array that holds the codebook");
                }
                else if (weights.CodesKey is null && weights.CodebookKey is not null && check.Ok($"{prefix}.codes"))
                {
                    check.Error($"{prefix}.codebook", "is only used with codes (a precompressed layer)");
                }

                return;
        }
    }

    private static void CheckColumnPairs(Checker check, HwGenConfig config, int firstLstm)
    {
        var hw = config.Hardware;
        if (!hw.ColumnPairs || !check.Ok("hardware.column_pairs"))
        {
            return;
        }

        if (hw.Pes % 2 != 0 && check.Ok("hardware.pes"))
        {
            check.Error(
                "hardware.column_pairs",
                $"a pair of columns is the words of two neighbouring PEs (2m and 2m + 1), so it needs an even number of PEs, not pes: {hw.Pes}: use {(hw.Pes == 1 ? "2" : $"{hw.Pes + 1} or {hw.Pes - 1}")}, or column_pairs: false");
        }
        else if (firstLstm >= 0)
        {
            check.Error(
                "hardware.column_pairs",
                $"column pairs are built for fully connected layers, and layer '{config.Layers[firstLstm].Name}' is an lstm layer: use column_pairs: false");
        }
        else if (hw.WeightMemory == WeightMemory.External && check.Ok("hardware.weight_memory"))
        {
            check.Error(
                "hardware.column_pairs",
                "column pairs are built for on-chip weights, and weight_memory is external: use on_chip, or column_pairs: false");
        }
    }

    private static void CheckDram(Checker check, HwGenConfig config, int firstLstm)
    {
        var hw = config.Hardware;
        if (hw.WeightMemory != WeightMemory.External)
        {
            return;
        }

        var dram = hw.Dram;
        if (firstLstm >= 0 && check.Ok("hardware.weight_memory"))
        {
            check.Error(
                "hardware.weight_memory",
                $"external weights are built for fully connected layers, and layer '{config.Layers[firstLstm].Name}' is an lstm layer: use on_chip");
        }

        if (hw.SpmatMemory == MemoryStyle.Ice40Spram && check.Ok("hardware.spmat_memory"))
        {
            check.Error("hardware.spmat_memory", "with weight_memory: external there is no sparse-matrix memory to place: leave spmat_memory out (or auto)");
        }

        if (!BitOperations.IsPow2(dram.DataBits) && check.Ok("hardware.dram.data_bits"))
        {
            check.Error("hardware.dram.data_bits", $"{dram.DataBits} is not a power of two: use 32, 64, 128, 256 or 512");
        }
        else if (dram.BytesPerCycle > dram.DataBits / 8 && check.Ok("hardware.dram.bytes_per_cycle"))
        {
            check.Error("hardware.dram.bytes_per_cycle", $"{dram.BytesPerCycle} bytes a cycle is more than a beat of data_bits {dram.DataBits} ({dram.DataBits / 8} bytes) can carry");
        }

        if (!BitOperations.IsPow2(dram.MaxBurstBytes) && check.Ok("hardware.dram.max_burst_bytes"))
        {
            check.Error("hardware.dram.max_burst_bytes", $"{dram.MaxBurstBytes} is not a power of two");
        }
        else if (BitOperations.IsPow2(dram.DataBits) && dram.MaxBurstBytes < dram.DataBits / 8 && check.Ok("hardware.dram.max_burst_bytes"))
        {
            check.Error("hardware.dram.max_burst_bytes", $"{dram.MaxBurstBytes} bytes is less than one beat of data_bits {dram.DataBits}");
        }
    }

    private static void CheckDataset(Checker check, HwGenConfig config)
    {
        foreach (var (name, split) in new[] { ("test", config.Dataset.Test), ("train", config.Dataset.Train) })
        {
            string prefix = $"dataset.{name}";
            if (!split.IsGiven)
            {
                if (split.LabelsPath is not null)
                {
                    check.Error($"{prefix}.labels_path", $"is only used with {prefix}.path (an .npy of inputs)");
                }

                continue;
            }

            if (DataFileProblem(config, split.Path!) is { } problem)
            {
                check.Error($"{prefix}.path", problem);
            }

            if (split.IsNpy)
            {
                if (split.LabelsPath is not null && DataFileProblem(config, split.LabelsPath) is { } labelsProblem)
                {
                    check.Error($"{prefix}.labels_path", labelsProblem);
                }
            }
            else
            {
                if (split.LabelsPath is not null)
                {
                    check.Error($"{prefix}.labels_path", "is only used with an .npy of inputs; in an .npz, 'labels' names the labels array");
                }

                foreach (var (key, value) in new[] { ("inputs", split.Inputs), ("labels", split.Labels) })
                {
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        check.Error($"{prefix}.{key}", "must name an array of the .npz archive");
                    }
                }
            }
        }

        if (config.Compression.Weights == WeightEncoding.Linear && check.Ok("compression.weights"))
        {
            for (var i = 0; i < config.Layers.Count; i++)
            {
                if (config.Layers[i].Weights.IsPrecompressed)
                {
                    check.Error(
                        $"layers[{i}].weights.codes",
                        "a precompressed layer (codes and codebook) cannot be stored as linear weights: give float weights, or set compression.weights: codebook");
                }
            }
        }

        var retrain = config.Compression.Retrain;
        int firstLstm = config.Layers.ToList().FindIndex(l => l.Kind == LayerKind.Lstm);
        CheckDram(check, config, firstLstm);
        CheckColumnPairs(check, config, firstLstm);
        if (firstLstm >= 0 && config.Hardware.ActMemory == MemoryStyle.Ice40Spram && check.Ok("hardware.act_memory"))
        {
            check.Error(
                "hardware.act_memory",
                $"ice40_spram has one port, but layer '{config.Layers[firstLstm].Name}' is an lstm layer, whose next step reads x_(t+1) while the element-wise unit writes h_t: use auto or inferred");
        }

        if (config.Hardware.OverlapWriteback && config.Hardware.ActMemory == MemoryStyle.Ice40Spram
            && config.Layers.Zip(config.Layers.Skip(1)).Any(p => p.First.Kind != LayerKind.Lstm && p.Second.Kind != LayerKind.Lstm)
            && check.Ok("hardware.act_memory"))
        {
            check.Error(
                "hardware.act_memory",
                "ice40_spram has one port, but with hardware.overlap_writeback the next layer's scanner reads the activations while the writeback writes them: use auto or inferred, or overlap_writeback: false");
        }

        if (firstLstm >= 0 && retrain.Enabled && check.Ok("compression.retrain.epochs"))
        {
            check.Error(
                "compression.retrain.epochs",
                $"HwGen retrains fully connected layers only, and layer '{config.Layers[firstLstm].Name}' is an lstm layer: prune and retrain it in PyTorch " +
                "(examples/mnist-lstm/train_mnist_lstm.py) and import it, or set epochs: 0");
        }
        else if (retrain.Enabled && check.Ok("compression.retrain.epochs"))
        {
            if (!config.Dataset.Train.IsGiven)
            {
                check.Error("compression.retrain.epochs", "retraining needs a labelled training set: give dataset.train.path (or set epochs: 0)");
            }
            else if (config.Dataset.Train.IsNpy && config.Dataset.Train.LabelsPath is null)
            {
                check.Error("dataset.train.labels_path", "retraining needs labels: give the labels .npy");
            }

            for (var i = 0; i < config.Layers.Count; i++)
            {
                if (config.Layers[i].Weights.IsPrecompressed)
                {
                    check.Error($"layers[{i}].weights.codes", "a precompressed layer has no float weights to retrain; set compression.retrain.epochs: 0 or give float weights");
                    break;
                }
            }
        }
    }

    /// <summary>Suggests a valid name for an invalid one: lowercase, other characters as '_'.</summary>
    private static string? SuggestName(string name, string prefix)
    {
        string fixedName = new([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '_')]);
        if (fixedName.Length > 0 && !char.IsAsciiLetterLower(fixedName[0]))
        {
            fixedName = prefix + fixedName.TrimStart('_');
        }

        return IsValidName(fixedName) && fixedName != name ? fixedName : null;
    }

    /// <summary>Collects the errors of one validation, each located through the record's <see cref="ConfigLocations"/>.</summary>
    internal sealed class Checker(string file, ConfigLocations locations, IReadOnlySet<string> rejected)
    {
        public List<ConfigError> Errors { get; } = [];

        public bool Ok(params string[] keys) => !keys.Any(rejected.Contains);

        /// <summary>Reports a problem, unless the loader already rejected the key's value (its record value is only a stand-in).</summary>
        public void Error(string key, string message)
        {
            if (rejected.Contains(key))
            {
                return;
            }

            var at = locations.Find(key);
            Errors.Add(new ConfigError(file, at.Line, at.Column, key, message));
        }

        /// <summary>Checks a design or layer name.</summary>
        public void Name(string key, string name, string prefix)
        {
            if (name.Length == 0)
            {
                Error(key, "must not be empty; use a lowercase letter followed by lowercase letters, digits or '_'");
            }
            else if (name.Length > ConfigNames.MaxNameLength)
            {
                Error(key, $"is {name.Length} characters long; names become module and file names, so at most {ConfigNames.MaxNameLength} are allowed");
            }
            else if (!IsValidName(name))
            {
                string shown = name.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
                string hint = SuggestName(name, prefix) is { } suggestion ? $", e.g. '{suggestion}'" : string.Empty;
                Error(key, $"'{shown}' is not a valid name: use a lowercase letter followed by lowercase letters, digits or '_' (names become Verilog identifiers and file names){hint}");
            }
            else if (SystemVerilogKeywords.Contains(name))
            {
                Error(key, $"'{name}' is a SystemVerilog keyword; names become Verilog identifiers, so choose another, e.g. '{name}1'");
            }
        }
    }

    private static void DataPath(this Checker check, HwGenConfig config, string key, string? path, DataSource source)
    {
        string kind = source switch { DataSource.Npy => ".npy file", DataSource.Onnx => ".onnx model", _ => ".npz archive" };
        if (path is null)
        {
            check.Error(key, $"is required with source: {ConfigNames.Snake(source)}: give the {kind}, relative to the config file");
        }
        else if (DataFileProblem(config, path) is { } problem)
        {
            check.Error(key, problem);
        }
    }
}
