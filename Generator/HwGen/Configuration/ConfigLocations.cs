namespace HwGen.Configuration;

/// <summary>A 1-based line and column in a config file; (0, 0) when unknown.</summary>
public readonly record struct ConfigLocation(int Line, int Column)
{
    public static ConfigLocation Unknown => default;
}

/// <summary>
/// Where each key of a loaded config was written, by dotted key (<c>layers[0].weights.path</c>),
/// so that problems found later (in the data files a key names, say) can point at the config line.
/// Scalars map to their value, sections and list items to where they start; the root is <c>""</c>.
/// Two instances are equal when they hold the same locations.
/// </summary>
public sealed class ConfigLocations : IEquatable<ConfigLocations>
{
    private readonly Dictionary<string, ConfigLocation> _byKey;

    public ConfigLocations(IReadOnlyDictionary<string, ConfigLocation> byKey)
    {
        _byKey = new Dictionary<string, ConfigLocation>(byKey, StringComparer.Ordinal);
    }

    /// <summary>No locations: a config built in code.</summary>
    public static ConfigLocations None { get; } = new(new Dictionary<string, ConfigLocation>());

    public int Count => _byKey.Count;

    /// <summary>Whether the key was written in the file.</summary>
    public bool Contains(string key) => _byKey.ContainsKey(key);

    /// <summary>
    /// Where <paramref name="key"/> was written, or else where its nearest written parent was
    /// (<c>layers[0].weights.path</c> → <c>layers[0].weights</c> → <c>layers[0]</c> → <c>layers</c> → root),
    /// or <see cref="ConfigLocation.Unknown"/>.
    /// </summary>
    public ConfigLocation Find(string key)
    {
        string? current = key;
        while (current is not null)
        {
            if (_byKey.TryGetValue(current, out var location))
            {
                return location;
            }

            current = Parent(current);
        }

        return ConfigLocation.Unknown;
    }

    /// <summary><c>a.b[2].c</c> → <c>a.b[2]</c> → <c>a.b</c> → <c>a</c> → <c>""</c> → null.</summary>
    public static string? Parent(string key)
    {
        if (key.Length == 0)
        {
            return null;
        }

        int cut = Math.Max(key.LastIndexOf('.'), key.LastIndexOf('['));
        return cut < 0 ? string.Empty : key[..cut];
    }

    public bool Equals(ConfigLocations? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (_byKey.Count == other._byKey.Count &&
             _byKey.All(pair => other._byKey.TryGetValue(pair.Key, out var location) && location == pair.Value)));

    public override bool Equals(object? obj) => Equals(obj as ConfigLocations);

    public override int GetHashCode() => _byKey.Count;
}
