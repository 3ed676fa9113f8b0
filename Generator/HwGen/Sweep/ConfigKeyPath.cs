using System.Globalization;
using HwGen.Configuration;

namespace HwGen.Sweep;

/// <summary>
/// A config key as a sweep names it: <c>hardware.pes</c>, <c>layers[0].weights.density</c>, or
/// <c>layers[*].weights.density</c> for every layer at once. Any key of <see cref="ConfigSchema"/>
/// that holds one value can be swept.
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
        int first = Math.Max(0, Layer);
        int end = AllLayers ? config.Layers.Count : first + 1;
        for (int i = first; i < end; i++)
        {
            config = (HwGenConfig)Key.Set(config, i, value);
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
            bool isList = ConfigSchema.ByPath.TryGetValue(head, out var list) && list.Type == ConfigType.List;
            if (close < 0 || !isList)
            {
                problem = isList
                    ? $"'{text}' is not a key path; write {head}[0].weights.density, or {head}[*].weights.density for every layer"
                    : $"'{text}': only 'layers' is a list; write e.g. hardware.pes or layers[0].weights.density";
                return null;
            }

            string index = text[(open + 1)..close];
            if (index != "*" && !int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out layer))
            {
                problem = $"'{text}': a layer is chosen by its index ({head}[0]) or all at once ({head}[*]), not '{index}'";
                return null;
            }

            generic = $"{head}[]{text[(close + 1)..]}";
        }

        if (ConfigSchema.ByPath.TryGetValue(generic, out var key) && ConfigSchema.Values.Contains(key))
        {
            return new ConfigKeyPath(text, key, layer);
        }

        problem = Describe(text, generic, key);
        return null;
    }

    private static string Describe(string text, string generic, ConfigKey? key)
    {
        if (key?.Type == ConfigType.List || generic.EndsWith("[]", StringComparison.Ordinal))
        {
            return $"'{text}' is the list of layers; sweep one key of a layer, e.g. layers[0].weights.density or layers[*].weights.density";
        }

        if (key is not null)
        {
            string prefix = generic.Replace("[]", "[0]", StringComparison.Ordinal) + ".";
            var values = key.Keys.Where(ConfigSchema.Values.Contains).Select(k => prefix + k.Name);
            return $"'{text}' is a section, not a value; sweep one of its keys: {string.Join(", ", values)}";
        }

        string hint = ConfigNames.Closest(generic, ConfigSchema.Values.Select(k => k.Path)) is { } near
            ? $"; did you mean '{near.Replace("[]", "[0]", StringComparison.Ordinal)}'?"
            : string.Empty;
        var layerKey = ConfigSchema.Values.FirstOrDefault(k => k.Path.EndsWith($"[].{generic}", StringComparison.Ordinal));
        if (layerKey is not null)
        {
            string list = layerKey.Path[..layerKey.Path.IndexOf('[', StringComparison.Ordinal)];
            hint = $"; a layer's keys need the layer: {list}[0].{generic} or {list}[*].{generic}";
        }

        return $"unknown config key '{text}'{hint} (docs/config.md lists every key)";
    }
}
