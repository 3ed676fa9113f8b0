using System.Globalization;
using HwGen.Configuration;

namespace HwGen.Sweep;

/// <summary>The type of a config key's value, which decides how a sweep's axis values are read.</summary>
public enum ConfigValueKind
{
    Integer,
    Real,
    Boolean,
    Enum,
    Text,
}

/// <summary>
/// One scalar config key that a sweep can set (DESIGN §10, docs/config.md): its generic path
/// (<c>layers[].weights.density</c>), its type and range, and how to read and set it on an
/// immutable <see cref="HwGenConfig"/> with <c>with</c>.
/// </summary>
/// <param name="Path">Generic dotted path; list items as <c>layers[]</c>.</param>
/// <param name="Kind">The value's type.</param>
/// <param name="Range">Allowed values of a number (the config's own table), or null.</param>
/// <param name="EnumType">The enum of an <see cref="ConfigValueKind.Enum"/> key.</param>
/// <param name="Set">Returns the config with the value set (layer index for <c>layers[]</c> keys).</param>
/// <param name="Get">Reads the value (layer index for <c>layers[]</c> keys).</param>
public sealed record ConfigKey(
    string Path,
    ConfigValueKind Kind,
    ConfigRange? Range,
    Type? EnumType,
    Func<HwGenConfig, int, object, HwGenConfig> Set,
    Func<HwGenConfig, int, object?> Get)
{
    /// <summary>Whether the key belongs to a layer (<c>layers[].…</c>).</summary>
    public bool IsLayerKey => Path.StartsWith("layers[]", StringComparison.Ordinal);

    /// <summary>The snake_case names of an enum key's values.</summary>
    public IReadOnlyList<string> EnumNames =>
        EnumType is null ? [] : [.. System.Enum.GetNames(EnumType).Select(ConfigSection.SnakeCase)];

    /// <summary>How a value of this key is written in a config, a CSV cell or a label.</summary>
    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        System.Enum e => ConfigSection.SnakeCase(e.ToString()),
        _ => value.ToString() ?? string.Empty,
    };
}

/// <summary>
/// A config key as a sweep names it: <c>hardware.pes</c>, <c>layers[0].weights.density</c>, or
/// <c>layers[*].weights.density</c> for every layer at once.
/// </summary>
/// <param name="Text">The path as written.</param>
/// <param name="Key">The key it names.</param>
/// <param name="Layer">The layer index; −1 for every layer (<c>[*]</c>) or a key outside <c>layers</c>.</param>
public sealed record ConfigKeyPath(string Text, ConfigKey Key, int Layer)
{
    /// <summary>Whether the path sets the key of every layer.</summary>
    public bool AllLayers => Key.IsLayerKey && Layer < 0;

    /// <summary>Sets the value on a config (on every layer for <c>[*]</c>).</summary>
    public HwGenConfig Apply(HwGenConfig config, object value)
    {
        if (!AllLayers)
        {
            return Key.Set(config, Layer, value);
        }

        for (var i = 0; i < config.Layers.Count; i++)
        {
            config = Key.Set(config, i, value);
        }

        return config;
    }

    /// <summary>The value in a config (the first layer's for <c>[*]</c>).</summary>
    public object? Read(HwGenConfig config) => Key.Get(config, Math.Max(0, Layer));

    /// <summary>
    /// Parses a path. Returns null and sets <paramref name="problem"/> when it names no settable key.
    /// </summary>
    public static ConfigKeyPath? Parse(string text, out string? problem)
    {
        problem = null;
        string generic = text;
        int layer = -1;
        int open = text.IndexOf('[', StringComparison.Ordinal);
        if (open >= 0)
        {
            int close = text.IndexOf(']', open);
            string head = text[..open];
            if (close < 0 || head != "layers")
            {
                problem = head == "layers"
                    ? $"'{text}' is not a key path; write layers[0].weights.density, or layers[*].weights.density for every layer"
                    : $"'{text}': only 'layers' is a list; write e.g. hardware.pes or layers[0].weights.density";
                return null;
            }

            string index = text[(open + 1)..close];
            if (index == "*")
            {
                layer = -1;
            }
            else if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out layer))
            {
                problem = $"'{text}': a layer is chosen by its index (layers[0]) or all at once (layers[*]), not '{index}'";
                return null;
            }

            generic = $"layers[]{text[(close + 1)..]}";
        }

        if (ConfigKeyTable.ByPath.TryGetValue(generic, out var key))
        {
            return new ConfigKeyPath(text, key, layer);
        }

        problem = Describe(text, generic);
        return null;
    }

    private static string Describe(string text, string generic)
    {
        if (generic == "layers" || generic == "layers[]")
        {
            return $"'{text}' is the list of layers; sweep one key of a layer, e.g. layers[0].weights.density or layers[*].weights.density";
        }

        if (ConfigKeys.Sections.TryGetValue(generic, out var keys))
        {
            string prefix = generic.Length == 0 ? string.Empty : generic.Replace("[]", "[0]", StringComparison.Ordinal) + ".";
            return $"'{text}' is a section, not a value; sweep one of its keys: {string.Join(", ", keys.Where(k => ConfigKeyTable.ByPath.ContainsKey(Join(generic, k))).Select(k => prefix + k))}";
        }

        string hint = ConfigSection.Closest(generic, ConfigKeyTable.ByPath.Keys) is { } near
            ? $"; did you mean '{near.Replace("[]", "[0]", StringComparison.Ordinal)}'?"
            : string.Empty;
        if (generic.StartsWith("weights.", StringComparison.Ordinal) || generic is "outputs" or "activation")
        {
            hint = $"; a layer's keys need the layer: layers[0].{generic} or layers[*].{generic}";
        }

        return $"unknown config key '{text}'{hint} (docs/config.md lists every key)";
    }

    private static string Join(string section, string key) => section.Length == 0 ? key : $"{section}.{key}";
}

/// <summary>Every scalar config key a sweep can set, by generic path.</summary>
internal static class ConfigKeyTable
{
    public static IReadOnlyDictionary<string, ConfigKey> ByPath { get; } = Build().ToDictionary(k => k.Path, StringComparer.Ordinal);

    private static IEnumerable<ConfigKey> Build()
    {
        // Top level.
        yield return Text("name", (c, _, v) => c with { Name = v }, (c, _) => c.Name);
        yield return Int("seed", ConfigRanges.Seed, (c, _, v) => c with { Seed = v }, (c, _) => c.Seed);

        // input.
        yield return Int("input.size", ConfigRanges.InputSize, (c, _, v) => c with { Input = c.Input with { Size = v } }, (c, _) => c.Input.Size);
        yield return Enum<DataSource>("input.source", (c, _, v) => c with { Input = c.Input with { Source = v } }, (c, _) => c.Input.Source);
        yield return Real("input.density", ConfigRanges.InputDensity, (c, _, v) => c with { Input = c.Input with { Density = v } }, (c, _) => c.Input.Density);
        yield return Bool("input.signed", (c, _, v) => c with { Input = c.Input with { Signed = v } }, (c, _) => c.Input.Signed);
        yield return Text("input.path", (c, _, v) => c with { Input = c.Input with { Path = v } }, (c, _) => c.Input.Path);
        yield return Text("input.key", (c, _, v) => c with { Input = c.Input with { Key = v } }, (c, _) => c.Input.Key);

        // layers[].
        yield return Text("layers[].name", (c, i, v) => Layer(c, i, l => l with { Name = v }), (c, i) => c.Layers[i].Name);
        yield return Int("layers[].outputs", ConfigRanges.LayerOutputs, (c, i, v) => Layer(c, i, l => l with { Outputs = v }), (c, i) => c.Layers[i].Outputs);
        yield return Enum<LayerActivation>("layers[].activation", (c, i, v) => Layer(c, i, l => l with { Activation = v }), (c, i) => c.Layers[i].Activation);
        yield return Enum<DataSource>("layers[].weights.source", (c, i, v) => Weights(c, i, w => w with { Source = v }), (c, i) => c.Layers[i].Weights.Source);
        yield return Real("layers[].weights.density", ConfigRanges.WeightsDensity, (c, i, v) => Weights(c, i, w => w with { Density = v }), (c, i) => c.Layers[i].Weights.Density);
        yield return Text("layers[].weights.path", (c, i, v) => Weights(c, i, w => w with { Path = v }), (c, i) => c.Layers[i].Weights.Path);
        yield return Text("layers[].weights.weights", (c, i, v) => Weights(c, i, w => w with { WeightsKey = v }), (c, i) => c.Layers[i].Weights.WeightsKey);
        yield return Text("layers[].weights.bias", (c, i, v) => Weights(c, i, w => w with { BiasKey = v }), (c, i) => c.Layers[i].Weights.BiasKey);
        yield return Text("layers[].weights.codes", (c, i, v) => Weights(c, i, w => w with { CodesKey = v }), (c, i) => c.Layers[i].Weights.CodesKey);
        yield return Text("layers[].weights.codebook", (c, i, v) => Weights(c, i, w => w with { CodebookKey = v }), (c, i) => c.Layers[i].Weights.CodebookKey);

        // compression.
        yield return Enum<PruningMethod>("compression.pruning", (c, _, v) => c with { Compression = c.Compression with { Pruning = v } }, (c, _) => c.Compression.Pruning);
        yield return Int("compression.codebook_bits", ConfigRanges.CodebookBits, (c, _, v) => c with { Compression = c.Compression with { CodebookBits = v } }, (c, _) => c.Compression.CodebookBits);
        yield return Int("compression.index_bits", ConfigRanges.IndexBits, (c, _, v) => c with { Compression = c.Compression with { IndexBits = v } }, (c, _) => c.Compression.IndexBits);
        yield return Enum<RowAssignmentMethod>("compression.row_assignment", (c, _, v) => c with { Compression = c.Compression with { RowAssignment = v } }, (c, _) => c.Compression.RowAssignment);
        yield return Int("compression.kmeans_iterations", ConfigRanges.KMeansIterations, (c, _, v) => c with { Compression = c.Compression with { KMeansIterations = v } }, (c, _) => c.Compression.KMeansIterations);

        // quantization.
        yield return Int("quantization.activation_bits", ConfigRanges.ActivationBits, (c, _, v) => c with { Quantization = c.Quantization with { ActivationBits = v } }, (c, _) => c.Quantization.ActivationBits);
        yield return Int("quantization.activation_frac", ConfigRanges.ActivationFrac, (c, _, v) => c with { Quantization = c.Quantization with { ActivationFrac = v } }, (c, _) => c.Quantization.ActivationFrac);
        yield return Int("quantization.weight_bits", ConfigRanges.WeightBits, (c, _, v) => c with { Quantization = c.Quantization with { WeightBits = v } }, (c, _) => c.Quantization.WeightBits);

        // hardware.
        yield return Int("hardware.pes", ConfigRanges.Pes, (c, _, v) => c with { Hardware = c.Hardware with { Pes = v } }, (c, _) => c.Hardware.Pes);
        yield return Int("hardware.fifo_depth", ConfigRanges.FifoDepth, (c, _, v) => c with { Hardware = c.Hardware with { FifoDepth = v } }, (c, _) => c.Hardware.FifoDepth);
        yield return Int("hardware.spmat_line_entries", ConfigRanges.SpmatLineEntries, (c, _, v) => c with { Hardware = c.Hardware with { SpmatLineEntries = v } }, (c, _) => c.Hardware.SpmatLineEntries);
        yield return Real("hardware.clock_mhz", ConfigRanges.ClockMhz, (c, _, v) => c with { Hardware = c.Hardware with { ClockMhz = v } }, (c, _) => c.Hardware.ClockMhz);
        yield return Enum<MemoryStyle>("hardware.spmat_memory", (c, _, v) => c with { Hardware = c.Hardware with { SpmatMemory = v } }, (c, _) => c.Hardware.SpmatMemory);
        yield return Enum<MemoryStyle>("hardware.act_memory", (c, _, v) => c with { Hardware = c.Hardware with { ActMemory = v } }, (c, _) => c.Hardware.ActMemory);
    }

    private static HwGenConfig Layer(HwGenConfig config, int index, Func<LayerConfig, LayerConfig> change)
    {
        var layers = config.Layers.ToArray();
        layers[index] = change(layers[index]);
        return config with { Layers = layers };
    }

    private static HwGenConfig Weights(HwGenConfig config, int index, Func<WeightsConfig, WeightsConfig> change) =>
        Layer(config, index, l => l with { Weights = change(l.Weights) });

    private static ConfigKey Int(string path, ConfigRange range, Func<HwGenConfig, int, int, HwGenConfig> set, Func<HwGenConfig, int, int> get) =>
        new(path, ConfigValueKind.Integer, range, null, (c, i, v) => set(c, i, (int)v), (c, i) => get(c, i));

    private static ConfigKey Real(string path, ConfigRange range, Func<HwGenConfig, int, double, HwGenConfig> set, Func<HwGenConfig, int, double> get) =>
        new(path, ConfigValueKind.Real, range, null, (c, i, v) => set(c, i, (double)v), (c, i) => get(c, i));

    private static ConfigKey Bool(string path, Func<HwGenConfig, int, bool, HwGenConfig> set, Func<HwGenConfig, int, bool> get) =>
        new(path, ConfigValueKind.Boolean, null, null, (c, i, v) => set(c, i, (bool)v), (c, i) => get(c, i));

    private static ConfigKey Text(string path, Func<HwGenConfig, int, string, HwGenConfig> set, Func<HwGenConfig, int, string?> get) =>
        new(path, ConfigValueKind.Text, null, null, (c, i, v) => set(c, i, (string)v), (c, i) => get(c, i));

    private static ConfigKey Enum<TEnum>(string path, Func<HwGenConfig, int, TEnum, HwGenConfig> set, Func<HwGenConfig, int, TEnum> get)
        where TEnum : struct, System.Enum =>
        new(path, ConfigValueKind.Enum, null, typeof(TEnum), (c, i, v) => set(c, i, (TEnum)v), (c, i) => get(c, i));
}
