using System.Globalization;
using System.Text.RegularExpressions;

namespace HwGen.Configuration;

/// <summary>
/// Reads a positioned YAML tree into immutable records by a schema (<see cref="ConfigKey"/>):
/// unknown keys (with the closest known one, or the section a misplaced key belongs to), duplicate
/// keys, merge keys, values of the wrong type, list lengths and missing required keys. A value
/// that cannot be read is reported and the record keeps its default, so one read finds every
/// problem. Ranges and names are checked afterwards on the finished record (<see cref="ConfigValidator"/>).
/// </summary>
/// <param name="file">The file as the user named it (for messages).</param>
/// <param name="document">The document's schema.</param>
internal sealed partial class SchemaReader(string file, ConfigKey document)
{
    public List<ConfigError> Errors { get; } = [];

    /// <summary>Where each key was written, by dotted path (<c>layers[0].outputs</c>).</summary>
    public Dictionary<string, ConfigLocation> Locations { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Keys whose written value was rejected (wrong type, unknown enum value, missing). The record
    /// holds the default there, so rules that depend on such a key are skipped rather than misreport.
    /// </summary>
    public HashSet<string> Rejected { get; } = new(StringComparer.Ordinal);

    /// <summary>Known keys that an unknown key was taken for (a typo): they are not reported missing as well.</summary>
    private HashSet<string> Suggested { get; } = new(StringComparer.Ordinal);

    public static ConfigLocation At(YNode node) => new(node.Line, node.Column);

    public void Error(YNode node, string key, string message) => Error(At(node), key, message);

    public void Error(ConfigLocation at, string key, string message) => Errors.Add(new ConfigError(file, at.Line, at.Column, key, message));

    /// <summary>Reports a value that cannot be used; null, so that readers can return it.</summary>
    public object? Reject(YNode node, string key, string message)
    {
        Rejected.Add(key);
        Error(node, key, message);
        return null;
    }

    /// <summary>Reads the whole document into <paramref name="record"/> (the defaults).</summary>
    public object Read(YNode? root, object record)
    {
        var at = root is null ? new ConfigLocation(1, 1) : At(root);
        Locations[string.Empty] = at;
        return ReadSection(document, root, record, string.Empty, at);
    }

    /// <summary>Reads a mapping into a section's record; a node that is not a mapping is reported and the record kept.</summary>
    /// <param name="section">The section's schema.</param>
    /// <param name="node">The mapping; null when the section is absent.</param>
    /// <param name="record">The section's record (its defaults).</param>
    /// <param name="path">The section's dotted path.</param>
    /// <param name="at">Where to report the section's missing keys (the section, or its nearest written parent).</param>
    /// <param name="parentBroken">Whether an enclosing section was not a mapping (already reported): then nothing is missing here either.</param>
    public object ReadSection(ConfigKey section, YNode? node, object record, string path, ConfigLocation at, bool parentBroken = false)
    {
        var entries = new Dictionary<string, KeyValuePair<YScalar, YNode>>(StringComparer.Ordinal);
        bool broken = parentBroken;
        switch (node)
        {
            case null or YScalar { IsNull: true }:
                break;
            case YMapping mapping:
                Collect(section, mapping, path, entries);
                break;
            default:
                broken = true;
                Reject(node, path, $"{(path.Length == 0 ? $"the {document.What}" : path)} must be a mapping of keys ({Names(section)}), got {node.Describe()}");
                break;
        }

        // A key required only in some cases (`When`) is judged once the whole section is read, and
        // not reported missing when a key of the section was rejected: its condition may rest on it
        // (an lstm key asked for after `kind: gru` was refused, say).
        var conditional = new List<(ConfigKey Key, string Path)>();
        foreach (var key in section.Keys)
        {
            string keyPath = Join(path, key.Name);
            if (entries.TryGetValue(key.Name, out var entry))
            {
                if (ReadKey(key, entry.Value, record, keyPath, broken) is { } value)
                {
                    record = key.SetIn(record, value);
                }
            }
            else if (key.Required && key.When is not null)
            {
                conditional.Add((key, keyPath));
            }
            else if (key.Required)
            {
                Missing(key, keyPath, at, broken);
            }
            else if (key.Type == ConfigType.Section)
            {
                // An absent section still reports its own required keys.
                ReadSection(key, null, key.GetIn(record)!, keyPath, at, broken);
            }
        }

        bool siblingRejected = section.Keys.Any(k => Rejected.Contains(Join(path, k.Name)));
        foreach (var (key, keyPath) in conditional)
        {
            if (key.When!(record))
            {
                Missing(key, keyPath, at, broken || siblingRejected);
            }
        }

        return record;
    }

    /// <summary>A required key that is not there: reported unless the section was not a mapping or a typo was taken for it (already reported).</summary>
    private void Missing(ConfigKey key, string keyPath, ConfigLocation at, bool quiet)
    {
        if (!quiet && !Suggested.Contains(keyPath))
        {
            Error(at, keyPath, $"missing: give {(key.Type is ConfigType.List or ConfigType.Map ? $"at least one {key.Noun}" : Expected(key))}{Example(key)}");
        }

        Rejected.Add(keyPath);
    }

    /// <summary>A scalar read as its key's type (or by the key's own reader); null after reporting a problem.</summary>
    public object? ReadScalar(ConfigKey key, YNode node, string path)
    {
        if (key.ReadValue is { } read)
        {
            return read(this, node, path);
        }

        if (node is not YScalar { IsNull: false } scalar)
        {
            return Reject(node, path, $"expected {Expected(key)}, got {node.Describe()}");
        }

        string text = scalar.Value;
        switch (key.Type)
        {
            case ConfigType.Integer or ConfigType.Real when !scalar.IsPlain:
                return Reject(node, path, $"expected {Expected(key)}, got {scalar.Describe()}; write it without quotes");

            case ConfigType.Integer when IntegerPattern().IsMatch(text):
                return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int integer)
                    ? integer
                    : Reject(node, path, $"must be in {key.Range!.Text}, got {text}");

            case ConfigType.Integer:
                return Reject(node, path, $"expected {Expected(key)}, got {(RealPattern().IsMatch(text) || IsSpecialReal(text) ? $"the number {text}" : scalar.Describe())}");

            case ConfigType.Real when RealPattern().IsMatch(text):
                double real = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
                return double.IsFinite(real) ? real : Reject(node, path, $"must be a finite number in {key.Range!.Text}, got {text}");

            case ConfigType.Real:
                return Reject(node, path, IsSpecialReal(text)
                    ? $"must be a finite number in {key.Range!.Text}, got {text}"
                    : $"expected {Expected(key)}, got {scalar.Describe()}");

            case ConfigType.Boolean:
                return (scalar.IsPlain ? text : null) switch
                {
                    "true" or "True" or "TRUE" => true,
                    "false" or "False" or "FALSE" => false,
                    _ => Reject(node, path, $"expected true or false, got {scalar.Describe()}"),
                };

            case ConfigType.Enum:
                int index = key.Choices.ToList().IndexOf(text);
                if (index >= 0)
                {
                    return System.Enum.GetValues(key.EnumType!).GetValue(index);
                }

                string hint = ConfigNames.Closest(text, key.Choices) is { } near ? $"; did you mean '{near}'?" : string.Empty;
                return Reject(node, path, $"'{text}' is not allowed; use one of: {string.Join(", ", key.Choices)}{hint}");

            default:
                return text;
        }
    }

    /// <summary>What a key's value must be, for messages: <c>an integer in 1..1024</c>.</summary>
    public static string Expected(ConfigKey key) => key.Type switch
    {
        ConfigType.Integer => $"an integer in {key.Range!.Text}",
        ConfigType.Real => $"a number in {key.Range!.Text}",
        ConfigType.Boolean => "true or false",
        ConfigType.Enum => $"one of: {string.Join(", ", key.Choices)}",
        ConfigType.Name => "a name such as 'fc1'",
        ConfigType.Path => "a file path",
        _ => key.Allowed ?? "a value",
    };

    private object? ReadKey(ConfigKey key, YNode node, object record, string path, bool broken) => key.Type switch
    {
        ConfigType.Section => ReadSection(key, node, key.GetIn(record)!, path, Locations[path], broken),
        ConfigType.List => ReadList(key, node, path),
        ConfigType.Map => ReadMap(key, node, path),
        _ => ReadScalar(key, node, path),
    };

    private object? ReadList(ConfigKey key, YNode node, string path)
    {
        var item = key.Item!;
        bool single = false;
        IReadOnlyList<YNode> items;
        switch (node)
        {
            case YSequence sequence:
                items = sequence.Items;
                break;
            case YScalar { IsNull: true }:
                items = [];
                break;
            case YMapping when key.SingleAllowed && item.Type == ConfigType.Section:
            case YScalar when key.SingleAllowed && item.Type != ConfigType.Section:
                items = [node];
                single = true;
                break;
            default:
                return Reject(node, path, $"expected {key.Allowed ?? $"a list of {key.Noun}s"}, got {node.Describe()}");
        }

        // Lengths are checked before anything is made: a few aliases can stand for a huge list.
        if (!CountFits(key, node, path, items.Count))
        {
            return null;
        }

        var values = new List<object>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            string itemPath = single ? path : $"{path}[{i}]";
            Locations[itemPath] = At(items[i]);
            object? value = item.Type == ConfigType.Section
                ? ReadSection(item, items[i], item.NewItem!(i), itemPath, At(items[i]))
                : ReadScalar(item, items[i], itemPath);
            if (value is not null)
            {
                values.Add(value);
            }
            else
            {
                Rejected.Add(path);
            }
        }

        return key.MakeList!(values);
    }

    private object? ReadMap(ConfigKey key, YNode node, string path)
    {
        IReadOnlyList<KeyValuePair<YScalar, YNode>> entries;
        switch (node)
        {
            case YMapping mapping:
                entries = mapping.Entries;
                break;
            case YScalar { IsNull: true }:
                entries = [];
                break;
            default:
                return Reject(node, path, $"expected {key.Allowed ?? "a mapping"}, got {node.Describe()}");
        }

        if (!CountFits(key, node, path, entries.Count))
        {
            return null;
        }

        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var values = new List<object>(entries.Count);
        foreach (var (keyNode, value) in entries)
        {
            string entryPath = $"{path}.{keyNode.Value}";
            Locations[entryPath] = At(keyNode);
            if (IsMergeKey(keyNode, entryPath))
            {
                // Reported; the map is incomplete.
            }
            else if (!lines.TryAdd(keyNode.Value, keyNode.Line))
            {
                Error(keyNode, entryPath, $"duplicate {key.Noun} '{keyNode.Value}' (first given on line {lines[keyNode.Value]}); remove one of them");
            }
            else if (key.ReadEntry!(this, keyNode, value, entryPath) is { } read)
            {
                values.Add(read);
                continue;
            }

            Rejected.Add(path);
        }

        return key.MakeList!(values);
    }

    /// <summary>What is wrong with a list or map of <paramref name="count"/> items, or null when its length is allowed.</summary>
    public static string? CountProblem(ConfigKey key, int count)
    {
        var range = key.Range!;
        return count < range.Min ? $"needs at least {(range.Min == 1 ? "one" : $"{range.Min:0}")} {key.Noun}{Example(key)}"
            : count > range.Max ? $"has {count} {key.Noun}s; at most {range.Max:0} are allowed"
            : null;
    }

    private bool CountFits(ConfigKey key, YNode node, string path, int count)
    {
        if (CountProblem(key, count) is { } problem)
        {
            Reject(node, path, problem);
            return false;
        }

        return true;
    }

    /// <summary>Takes a mapping's entries; reports duplicate, merge and unknown keys and records where each key was written.</summary>
    private void Collect(ConfigKey section, YMapping mapping, string path, Dictionary<string, KeyValuePair<YScalar, YNode>> entries)
    {
        foreach (var entry in mapping.Entries)
        {
            var keyNode = entry.Key;
            string name = keyNode.Value;
            string full = Join(path, name);
            if (entries.TryGetValue(name, out var first))
            {
                Error(keyNode, full, $"duplicate key '{name}' (first given on line {first.Key.Line}); remove one of them");
            }
            else if (IsMergeKey(keyNode, full))
            {
                continue;
            }
            else if (!section.Keys.Any(k => k.Name == name))
            {
                Error(keyNode, full, Unknown(section, path, name));
            }
            else
            {
                entries.Add(name, entry);
                Locations[full] = At(entry.Value is YScalar ? entry.Value : keyNode);
            }
        }
    }

    /// <summary>Reports a YAML merge key (<c>&lt;&lt;: *anchor</c>), which HwGen does not expand.</summary>
    private bool IsMergeKey(YScalar keyNode, string path)
    {
        if (keyNode.IsPlain && keyNode.Value == "<<")
        {
            Reject(keyNode, path, "'<<' (a YAML merge key) is not supported: write the keys out, or alias the whole mapping, e.g. weights: *shared");
            return true;
        }

        return false;
    }

    private string Unknown(ConfigKey section, string path, string name)
    {
        string where = path.Length == 0 ? $"at the top level of a {document.What}" : $"in {path}";
        string shown = name.Length > 60 ? name[..60] + "…" : name;
        string known = $"known keys here: {Names(section)}";
        if (ConfigNames.Closest(name, section.Keys.Select(k => k.Name)) is { } near)
        {
            Suggested.Add(Join(path, near));
            return $"unknown key '{shown}' {where}; did you mean '{near}'? ({known})";
        }

        var home = document.Descendants().FirstOrDefault(k => k.Type == ConfigType.Section && k != section && k.Keys.Any(c => c.Name == name));
        if (home is not null)
        {
            string under = home.Path.Length == 0 ? "the top level" : $"'{home.Path}'";
            return $"unknown key '{shown}' {where}; '{name}' belongs under {under} ({known})";
        }

        string hint = path.Length == 0 && document.UnknownHint?.Invoke(name) is { } advice ? $"; {advice}" : string.Empty;
        return $"unknown key '{shown}' {where}{hint} ({known})";
    }

    private static string Names(ConfigKey section) => string.Join(", ", section.Keys.Select(k => k.Name));

    private static string Example(ConfigKey key) => key.Example is null ? string.Empty : $", e.g. {key.Example}";

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static bool IsSpecialReal(string text) =>
        text.TrimStart('+', '-') is ".inf" or ".Inf" or ".INF" || text is ".nan" or ".NaN" or ".NAN";

    [GeneratedRegex(@"^[-+]?[0-9]+\z")]
    internal static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z")]
    internal static partial Regex RealPattern();
}
