using System.Globalization;
using System.Text.RegularExpressions;

namespace HwGen.Configuration;

/// <summary>
/// The rules a config must satisfy beyond types: ranges (<see cref="ConfigRanges"/>), names,
/// what each data source needs, data files that exist, and rules between keys. It checks the
/// finished record, so a config derived in code (<c>config with { … }</c>) is checked by the same
/// rules as one loaded from YAML; errors point at the YAML line through <see cref="HwGenConfig.Locations"/>.
/// </summary>
public static partial class ConfigValidator
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

    /// <summary>Whether <paramref name="name"/> is a valid design or layer name (<c>[a-z][a-z0-9_]*</c>).</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

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
        var check = new Checker(config, rejected);

        check.Name("name", config.Name, "design_");
        check.Range("seed", config.Seed, ConfigRanges.Seed);
        CheckInput(check, config);
        CheckLayers(check, config);

        var compression = config.Compression;
        check.Range("compression.codebook_bits", compression.CodebookBits, ConfigRanges.CodebookBits);
        check.Range("compression.index_bits", compression.IndexBits, ConfigRanges.IndexBits);
        check.Range("compression.kmeans_iterations", compression.KMeansIterations, ConfigRanges.KMeansIterations);

        var quantization = config.Quantization;
        check.Range("quantization.activation_bits", quantization.ActivationBits, ConfigRanges.ActivationBits);
        check.Range("quantization.weight_bits", quantization.WeightBits, ConfigRanges.WeightBits);
        int bits = quantization.ActivationBits;
        int frac = quantization.ActivationFrac;
        if (ConfigRanges.ActivationBits.Contains(bits) && check.Ok("quantization.activation_bits", "quantization.activation_frac"))
        {
            if (frac < 0 || frac > bits - 1)
            {
                check.Error(
                    "quantization.activation_frac",
                    $"must be in 0..{bits - 1} (activation_bits - 1, one bit is the sign), got {frac}");
            }
        }
        else
        {
            check.Range("quantization.activation_frac", frac, ConfigRanges.ActivationFrac);
        }

        var hardware = config.Hardware;
        check.Range("hardware.pes", hardware.Pes, ConfigRanges.Pes);
        check.Range("hardware.fifo_depth", hardware.FifoDepth, ConfigRanges.FifoDepth);
        check.Range("hardware.spmat_line_entries", hardware.SpmatLineEntries, ConfigRanges.SpmatLineEntries);
        check.Range("hardware.clock_mhz", hardware.ClockMhz, ConfigRanges.ClockMhz);

        return check.Errors;
    }

    private static void CheckInput(Checker check, HwGenConfig config)
    {
        var input = config.Input;
        check.Range("input.size", input.Size, ConfigRanges.InputSize);
        if (!check.Ok("input.source"))
        {
            return;
        }

        if (input.Source == DataSource.Random)
        {
            check.Range("input.density", input.Density, ConfigRanges.InputDensity);
            if (input.Path is not null)
            {
                check.Error("input.path", "is only used with source: npy or npz, but input.source is random; set input.source or remove path");
            }

            return;
        }

        check.DataPath("input.path", input.Path, input.Source);
        if (input.Source == DataSource.Npz && string.IsNullOrWhiteSpace(input.Key))
        {
            check.Error("input.key", "must name an array of the .npz archive");
        }
    }

    private static void CheckLayers(Checker check, HwGenConfig config)
    {
        if (config.Layers.Count == 0 && check.Ok("layers"))
        {
            check.Error("layers", "needs at least one layer, e.g. layers: [{name: fc1, outputs: 10}]");
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        long inputs = config.Input.Size;
        for (var i = 0; i < config.Layers.Count; i++)
        {
            var layer = config.Layers[i];
            string prefix = $"layers[{i}]";
            string nameKey = $"{prefix}.name";
            if (check.Name(nameKey, layer.Name, "layer_") && check.Ok(nameKey))
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

            check.Range($"{prefix}.outputs", layer.Outputs, ConfigRanges.LayerOutputs);
            long weightCount = layer.Outputs * inputs;
            if (weightCount > Array.MaxLength && check.Ok($"{prefix}.outputs"))
            {
                check.Error(
                    $"{prefix}.outputs",
                    $"gives the layer {weightCount} weights ({layer.Outputs} outputs × {inputs} inputs); HwGen holds at most {Array.MaxLength} weights per layer");
            }

            inputs = layer.Outputs;
            CheckWeights(check, layer.Weights, $"{prefix}.weights");
        }
    }

    private static void CheckWeights(Checker check, WeightsConfig weights, string prefix)
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
                check.Range($"{prefix}.density", weights.Density, ConfigRanges.WeightsDensity);
                if (weights.Path is not null)
                {
                    check.Error($"{prefix}.path", $"is only used with source: npy or npz, but this layer's weights are random; set {prefix}.source or remove path");
                }

                foreach (var (key, value) in arrayKeys.Where(k => k.Value is not null))
                {
                    check.Error($"{prefix}.{key}", $"is only used with source: npz, but this layer's weights are random; set {prefix}.source or remove {key}");
                }

                return;

            case DataSource.Npy:
                check.Range($"{prefix}.density", weights.Density, ConfigRanges.WeightsDensity);
                check.DataPath($"{prefix}.path", weights.Path, DataSource.Npy);
                foreach (var (key, value) in arrayKeys.Where(k => k.Value is not null))
                {
                    check.Error($"{prefix}.{key}", "is only used with source: npz (a .npy file holds one array: the float weights)");
                }

                return;

            default:
                check.DataPath($"{prefix}.path", weights.Path, DataSource.Npz);
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

                // Density is meaningless for a precompressed layer: its codes are already pruned.
                if (!weights.IsPrecompressed)
                {
                    check.Range($"{prefix}.density", weights.Density, ConfigRanges.WeightsDensity);
                }

                return;
        }
    }

    /// <summary>Suggests a valid name for an invalid one: lowercase, other characters as '_'.</summary>
    private static string? SuggestName(string name, string prefix)
    {
        string fixedName = InvalidNameCharacter().Replace(name.ToLowerInvariant(), "_");
        if (fixedName.Length > 0 && !char.IsAsciiLetterLower(fixedName[0]))
        {
            fixedName = prefix + fixedName.TrimStart('_');
        }

        return IsValidName(fixedName) && fixedName != name ? fixedName : null;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("[^a-z0-9_]")]
    private static partial Regex InvalidNameCharacter();

    private sealed class Checker(HwGenConfig config, IReadOnlySet<string> rejected)
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

            var at = config.Locations.Find(key);
            Errors.Add(new ConfigError(config.SourceFile, at.Line, at.Column, key, message));
        }

        public void Range(string key, double value, ConfigRange range)
        {
            if (!Ok(key))
            {
                return;
            }

            bool integral = !range.IsInteger || value == Math.Floor(value);
            if (!range.Contains(value) || !integral)
            {
                Error(key, $"must be in {range.Text}, got {value.ToString("R", CultureInfo.InvariantCulture)}");
            }
        }

        /// <summary>Checks a name; true when it is valid.</summary>
        public bool Name(string key, string name, string prefix)
        {
            if (!Ok(key))
            {
                return true;
            }

            if (IsValidName(name))
            {
                if (!SystemVerilogKeywords.Contains(name))
                {
                    return true;
                }

                Error(key, $"'{name}' is a SystemVerilog keyword; names become Verilog identifiers, so choose another, e.g. '{name}1'");
                return false;
            }

            if (name.Length == 0)
            {
                Error(key, "must not be empty; use a lowercase letter followed by lowercase letters, digits or '_'");
                return false;
            }

            string hint = SuggestName(name, prefix) is { } suggestion ? $", e.g. '{suggestion}'" : string.Empty;
            Error(key, $"'{name}' is not a valid name: use a lowercase letter followed by lowercase letters, digits or '_' (names become Verilog identifiers and file names){hint}");
            return false;
        }

        public void DataPath(string key, string? path, DataSource source)
        {
            string kind = source == DataSource.Npy ? ".npy file" : ".npz archive";
            if (path is null)
            {
                Error(key, $"is required with source: {ConfigSection.SnakeCase(source.ToString())}: give the {kind}, relative to the config file");
                return;
            }

            if (DataFileProblem(config, path) is { } problem)
            {
                Error(key, problem);
            }
        }
    }
}
