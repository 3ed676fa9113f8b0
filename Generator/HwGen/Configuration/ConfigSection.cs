using System.Globalization;
using System.Text.RegularExpressions;

namespace HwGen.Configuration;

/// <summary>The YAML keys HwGen knows, per section (DESIGN §10).</summary>
internal static class ConfigKeys
{
    public static IReadOnlyList<string> Root { get; } = ["name", "seed", "input", "layers", "compression", "quantization", "hardware"];

    public static IReadOnlyList<string> Input { get; } = ["size", "source", "density", "signed", "path", "key"];

    public static IReadOnlyList<string> Layer { get; } = ["name", "outputs", "activation", "weights"];

    public static IReadOnlyList<string> Weights { get; } = ["source", "density", "path", "weights", "bias", "codes", "codebook"];

    public static IReadOnlyList<string> Compression { get; } = ["pruning", "codebook_bits", "index_bits", "row_assignment", "kmeans_iterations"];

    public static IReadOnlyList<string> Quantization { get; } = ["activation_bits", "activation_frac", "weight_bits"];

    public static IReadOnlyList<string> Hardware { get; } = ["pes", "fifo_depth", "spmat_line_entries", "clock_mhz", "spmat_memory", "act_memory"];

    /// <summary>Every section by its generic dotted path (list items as <c>layers[]</c>).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Sections { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [string.Empty] = Root,
        ["input"] = Input,
        ["layers[]"] = Layer,
        ["layers[].weights"] = Weights,
        ["compression"] = Compression,
        ["quantization"] = Quantization,
        ["hardware"] = Hardware,
    };

    /// <summary>Every full key, e.g. <c>layers[].weights.density</c>.</summary>
    public static IEnumerable<string> AllKeys =>
        Sections.SelectMany(section => section.Value.Select(key => section.Key.Length == 0 ? key : $"{section.Key}.{key}"));
}

/// <summary>What one load collects: errors, where keys were written, and which values were rejected.</summary>
internal sealed class ConfigReadContext(string file)
{
    public string File { get; } = file;

    public List<ConfigError> Errors { get; } = [];

    public Dictionary<string, ConfigLocation> Locations { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Keys whose written value was rejected (wrong type, unknown enum value). The record holds the
    /// default there, so rules that depend on such a key are skipped rather than misreport.
    /// </summary>
    public HashSet<string> Rejected { get; } = new(StringComparer.Ordinal);

    public void Error(YNode node, string key, string message) =>
        Errors.Add(new ConfigError(File, node.Line, node.Column, key, message));

    public void Error(ConfigLocation at, string key, string message) =>
        Errors.Add(new ConfigError(File, at.Line, at.Column, key, message));

    public void Reject(YNode node, string key, string message)
    {
        Rejected.Add(key);
        Error(node, key, message);
    }
}

/// <summary>
/// Reads one YAML mapping of the config with type checks. On construction it reports duplicate
/// and unknown keys (suggesting the closest known one); each getter reports a value of the wrong
/// type and then returns null, so the caller keeps the record's default and carries on.
/// Ranges are checked later, on the finished record, by <see cref="ConfigValidator"/>.
/// </summary>
internal sealed partial class ConfigSection
{
    private readonly ConfigReadContext _context;
    private readonly Dictionary<string, KeyValuePair<YScalar, YNode>> _entries = new(StringComparer.Ordinal);
    private readonly ConfigLocation _at;

    /// <param name="context">The load's error list and locations.</param>
    /// <param name="node">The section's value; null when the key is absent.</param>
    /// <param name="path">Dotted path of the section, <c>""</c> for the root.</param>
    /// <param name="genericPath">The path with list indices removed, e.g. <c>layers[].weights</c>.</param>
    /// <param name="at">Where to report keys missing from this section.</param>
    /// <param name="parentBroken">Whether the enclosing section was reported as not a mapping: then nothing is missing here either.</param>
    public ConfigSection(ConfigReadContext context, YNode? node, string path, string genericPath, ConfigLocation at, bool parentBroken = false)
    {
        _context = context;
        _at = at;
        Path = path;
        KnownKeys = ConfigKeys.Sections[genericPath];
        GenericPath = genericPath;

        switch (node)
        {
            case null:
                IsBroken = parentBroken;
                break;
            case YScalar { IsNull: true }:
                IsPresent = true;
                break;
            case YMapping mapping:
                IsPresent = true;
                Collect(mapping);
                break;
            default:
                IsPresent = true;
                IsBroken = true;
                string where = path.Length == 0 ? "the config file" : path;
                context.Reject(node, path, $"{where} must be a mapping of keys ({string.Join(", ", KnownKeys)}), got {node.Describe()}");
                break;
        }
    }

    public string Path { get; }

    public string GenericPath { get; }

    public IReadOnlyList<string> KnownKeys { get; }

    /// <summary>Whether the section was written (even empty).</summary>
    public bool IsPresent { get; }

    /// <summary>Whether it (or a section enclosing it) was written as something other than a mapping (already reported).</summary>
    public bool IsBroken { get; }

    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public bool Has(string key) => _entries.ContainsKey(key);

    public YNode? Node(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>Reports a missing required key at the section (or the nearest written parent).</summary>
    public void Missing(string key, string message)
    {
        if (!IsBroken)
        {
            _context.Error(_at, KeyPath(key), message);
        }
    }

    /// <summary>A nested section; absent or null gives an empty one.</summary>
    public ConfigSection Section(string key, string genericKey)
    {
        var node = Node(key);
        var at = node is null ? _at : Location(key);
        return new ConfigSection(_context, node, KeyPath(key), genericKey, at, IsBroken);
    }

    /// <summary>A list; null when absent. Anything else than a list or null is reported.</summary>
    public IReadOnlyList<YNode>? List(string key, string what)
    {
        switch (Node(key))
        {
            case null:
                return null;
            case YSequence sequence:
                return sequence.Items;
            case YScalar { IsNull: true }:
                return [];
            case var other:
                _context.Reject(other, KeyPath(key), $"expected a list of {what}, got {other.Describe()}");
                return null;
        }
    }

    public int? Int(string key, ConfigRange range)
    {
        if (Scalar(key, $"an integer in {range.Text}") is not { } scalar)
        {
            return null;
        }

        string text = scalar.Value;
        if (!scalar.IsPlain)
        {
            _context.Reject(scalar, KeyPath(key), $"expected an integer in {range.Text}, got {scalar.Describe()}; write it without quotes");
            return null;
        }

        if (IntegerPattern().IsMatch(text))
        {
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            {
                return value;
            }

            _context.Reject(scalar, KeyPath(key), $"must be in {range.Text}, got {text}");
            return null;
        }

        string what = RealPattern().IsMatch(text) || IsSpecialReal(text) ? $"the number {text}" : scalar.Describe();
        _context.Reject(scalar, KeyPath(key), $"expected an integer in {range.Text}, got {what}");
        return null;
    }

    public double? Double(string key, ConfigRange range)
    {
        if (Scalar(key, $"a number in {range.Text}") is not { } scalar)
        {
            return null;
        }

        string text = scalar.Value;
        if (!scalar.IsPlain)
        {
            _context.Reject(scalar, KeyPath(key), $"expected a number in {range.Text}, got {scalar.Describe()}; write it without quotes");
            return null;
        }

        if (RealPattern().IsMatch(text))
        {
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        string message = IsSpecialReal(text)
            ? $"must be a finite number in {range.Text}, got {text}"
            : $"expected a number in {range.Text}, got {scalar.Describe()}";
        _context.Reject(scalar, KeyPath(key), message);
        return null;
    }

    public bool? Bool(string key)
    {
        if (Scalar(key, "true or false") is not { } scalar)
        {
            return null;
        }

        switch (scalar.IsPlain ? scalar.Value : null)
        {
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
            default:
                _context.Reject(scalar, KeyPath(key), $"expected true or false, got {scalar.Describe()}");
                return null;
        }
    }

    /// <summary>Any scalar as text (numbers too: a name or path may look like one).</summary>
    public string? String(string key, string what) => Scalar(key, what)?.Value;

    /// <summary>A snake_case enum value such as <c>load_balanced</c>.</summary>
    public TEnum? Enum<TEnum>(string key)
        where TEnum : struct, Enum
    {
        var values = System.Enum.GetValues<TEnum>();
        var names = values.Select(v => SnakeCase(v.ToString())).ToArray();
        string allowed = string.Join(", ", names);
        if (Scalar(key, $"one of: {allowed}") is not { } scalar)
        {
            return null;
        }

        int index = Array.IndexOf(names, scalar.Value);
        if (index >= 0)
        {
            return values[index];
        }

        string hint = Closest(scalar.Value, names) is { } near ? $"; did you mean '{near}'?" : string.Empty;
        _context.Reject(scalar, KeyPath(key), $"'{scalar.Value}' is not allowed; use one of: {allowed}{hint}");
        return null;
    }

    /// <summary>Where the key's value was written (its key, for sections and lists).</summary>
    public ConfigLocation Location(string key) =>
        _context.Locations.TryGetValue(KeyPath(key), out var location) ? location : _at;

    /// <summary><c>LoadBalanced</c> → <c>load_balanced</c>.</summary>
    public static string SnakeCase(string name) => UpperPattern().Replace(name, "_$0").TrimStart('_').ToLowerInvariant();

    /// <summary>The candidate nearest to <paramref name="text"/> when it is near enough to be a likely typo.</summary>
    public static string? Closest(string text, IEnumerable<string> candidates)
    {
        string lower = text.ToLowerInvariant();
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Levenshtein(lower, candidate);
            bool near = distance <= Math.Max(2, candidate.Length / 3)
                || (lower.Length >= 3 && (candidate.StartsWith(lower, StringComparison.Ordinal) || lower.StartsWith(candidate, StringComparison.Ordinal)));
            if (near && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static bool IsSpecialReal(string text) =>
        text.TrimStart('+', '-') is ".inf" or ".Inf" or ".INF" || text is ".nan" or ".NaN" or ".NAN";

    private void Collect(YMapping mapping)
    {
        foreach (var entry in mapping.Entries)
        {
            string key = entry.Key.Value;
            if (_entries.TryGetValue(key, out var first))
            {
                _context.Error(entry.Key, KeyPath(key), $"duplicate key '{key}' (first given on line {first.Key.Line}); remove one of them");
                continue;
            }

            if (!KnownKeys.Contains(key))
            {
                _context.Error(entry.Key, KeyPath(key), UnknownKeyMessage(key));
                continue;
            }

            _entries.Add(key, entry);
            var node = entry.Value is YScalar ? entry.Value : entry.Key;
            _context.Locations[KeyPath(key)] = new ConfigLocation(node.Line, node.Column);
        }
    }

    private string UnknownKeyMessage(string key)
    {
        string where = Path.Length == 0 ? "at the top level" : $"in {Path}";
        string known = $"known keys here: {string.Join(", ", KnownKeys)}";
        if (Closest(key, KnownKeys) is { } near)
        {
            return $"unknown key '{key}' {where}; did you mean '{near}'? ({known})";
        }

        var elsewhere = ConfigKeys.Sections
            .Where(section => section.Key != GenericPath && section.Value.Contains(key))
            .Select(section => section.Key)
            .FirstOrDefault();
        if (elsewhere is not null)
        {
            string home = elsewhere.Length == 0 ? "the top level" : $"'{elsewhere}'";
            return $"unknown key '{key}' {where}; '{key}' belongs under {home} ({known})";
        }

        return $"unknown key '{key}' {where} ({known})";
    }

    /// <summary>The key's scalar value; null (and reported) when it is a list, a mapping or empty.</summary>
    private YScalar? Scalar(string key, string expected)
    {
        switch (Node(key))
        {
            case null:
                return null;
            case YScalar { IsNull: false } scalar:
                return scalar;
            case var other:
                _context.Reject(other, KeyPath(key), $"expected {expected}, got {other.Describe()}");
                return null;
        }
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex RealPattern();

    [GeneratedRegex("[A-Z]")]
    private static partial Regex UpperPattern();
}
