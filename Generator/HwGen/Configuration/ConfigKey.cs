using System.Globalization;

namespace HwGen.Configuration;

/// <summary>What a key of a YAML schema holds.</summary>
public enum ConfigType
{
    /// <summary>A 32-bit integer, in a <see cref="ConfigKey.Range"/>.</summary>
    Integer,

    /// <summary>A finite real number, in a <see cref="ConfigKey.Range"/>.</summary>
    Real,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>One of <see cref="ConfigKey.Choices"/>, the snake_case names of an enum's values.</summary>
    Enum,

    /// <summary>A design or layer name (<see cref="ConfigNames.IsName"/>, not a SystemVerilog keyword).</summary>
    Name,

    /// <summary>Any text (an array name, a title, an expression).</summary>
    Text,

    /// <summary>A file path, relative to the YAML file's folder.</summary>
    Path,

    /// <summary>A mapping with the fixed keys <see cref="ConfigKey.Keys"/>, read into a record.</summary>
    Section,

    /// <summary>A list of <see cref="ConfigKey.Item"/>; its length is in <see cref="ConfigKey.Range"/>.</summary>
    List,

    /// <summary>A mapping whose keys are data (a sweep's axes), each entry read by the key's own reader.</summary>
    Map,
}

/// <summary>
/// The allowed values of a number, or the allowed length of a list. Integer ranges are inclusive
/// (<c>1..1024</c>); real ranges are closed (<c>[0, 1]</c>) unless <see cref="MinExclusive"/>
/// (<c>(0, 1000]</c>).
/// </summary>
/// <param name="Min">The least allowed value (excluded when <paramref name="MinExclusive"/>).</param>
/// <param name="Max">The greatest allowed value.</param>
/// <param name="IsInteger">Whether it is written as an integer range.</param>
/// <param name="MinExclusive">Whether <paramref name="Min"/> itself is excluded.</param>
/// <param name="BoundText">Replaces <see cref="Text"/> when the bound depends on another key (checked by the validator).</param>
public sealed record ConfigRange(double Min, double Max, bool IsInteger, bool MinExclusive = false, string? BoundText = null)
{
    /// <summary>The range as messages and the docs write it, e.g. <c>1..1024</c> or <c>(0, 1000]</c>.</summary>
    public string Text => BoundText ?? (IsInteger
        ? $"{Format(Min)}..{Format(Max)}"
        : $"{(MinExclusive ? "(" : "[")}{Format(Min)}, {Format(Max)}]");

    public bool Contains(double value) => (MinExclusive ? value > Min : value >= Min) && value <= Max;

    private static string Format(double value) => value.ToString("0.########", CultureInfo.InvariantCulture);
}

/// <summary>
/// One entry of a YAML schema: a key's name and generic path (<c>layers[].weights.density</c>),
/// its type, range or choices, default, unit and one-line doc, and how to read and set it on the
/// immutable record that holds it. A schema is a tree of these (sections hold keys, lists hold an
/// item); <see cref="ConfigSchema"/> is HwGen's config and the sweep loader declares sweep files the
/// same way. One tree drives the reader, the validator's per-key checks, the YAML writer, the
/// keys a sweep may set and the key tables of the docs. Build entries with <c>KeysOf&lt;T&gt;</c>.
/// </summary>
public sealed class ConfigKey
{
    internal ConfigKey(string name, ConfigType type, string doc)
    {
        Name = name;
        Path = name;
        Type = type;
        Doc = doc;
    }

    /// <summary>The key as written in its section; empty for a document and for list items.</summary>
    public string Name { get; }

    /// <summary>Generic dotted path from the document: <c>hardware.pes</c>, <c>layers[]</c>, <c>layers[].weights.density</c>.</summary>
    public string Path { get; private set; }

    public ConfigType Type { get; }

    /// <summary>What the key means, one sentence or two (the docs' "meaning" column).</summary>
    public string Doc { get; }

    /// <summary>The enclosing section or list; null for a document.</summary>
    public ConfigKey? Parent { get; private set; }

    /// <summary>The unit of a number (<c>MHz</c>, <c>bits</c>, <c>entries</c>), or null.</summary>
    public string? Unit { get; internal init; }

    /// <summary>Allowed values of a number, or allowed item count of a list or map.</summary>
    public ConfigRange? Range { get; internal init; }

    /// <summary>The enum of an <see cref="ConfigType.Enum"/> key.</summary>
    public Type? EnumType { get; internal init; }

    /// <summary>The snake_case values an <see cref="ConfigType.Enum"/> key allows.</summary>
    public IReadOnlyList<string> Choices { get; internal init; } = [];

    /// <summary>Whether the key must be written.</summary>
    public bool Required { get; internal init; }

    /// <summary>A YAML snippet shown in messages, e.g. <c>layers: [{name: fc1, outputs: 10}]</c>.</summary>
    public string? Example { get; internal init; }

    /// <summary>What a list item or a map entry is called in messages (<c>layer</c>, <c>axis</c>).</summary>
    public string Noun { get; internal init; } = "item";

    /// <summary>What a text key allows (messages and the docs' "allowed" column); derived for other types.</summary>
    public string? Allowed { get; internal init; }

    /// <summary>The docs' "default" column when it is not the record's default value.</summary>
    public string? DefaultText { get; internal init; }

    /// <summary>The keys of a section, in the order they are written.</summary>
    public IReadOnlyList<ConfigKey> Keys { get; internal init; } = [];

    /// <summary>The item of a list (a section or a scalar), whose path ends in <c>[]</c>.</summary>
    public ConfigKey? Item { get; internal init; }

    /// <summary>Whether the key sits under a list (<c>layers[].…</c>), so reading or setting it needs an index.</summary>
    public bool IsLayerKey => Path.Contains("[]", StringComparison.Ordinal);

    /// <summary>For a document: what it is in messages (<c>config file</c>).</summary>
    internal string What { get; init; } = "the file";

    /// <summary>Whether the key has an effect on its section's record (unused keys are neither checked nor written); null: always.</summary>
    internal Func<object, bool>? When { get; init; }

    /// <summary>Reads the key's value from its section's record.</summary>
    internal Func<object, object?> GetIn { get; init; } = _ => null;

    /// <summary>Returns the section's record with the key's value replaced.</summary>
    internal Func<object, object?, object> SetIn { get; init; } = (record, _) => record;

    /// <summary>A list's default item at an index (a section's defaults come from its parent's record).</summary>
    internal Func<int, object>? NewItem { get; init; }

    /// <summary>Makes the list's typed value from its items.</summary>
    internal Func<IEnumerable<object>, object>? MakeList { get; init; }

    /// <summary>A list: a lone item may stand for a list of one.</summary>
    internal bool SingleAllowed { get; init; }

    /// <summary>Reads a value its own way (sweep expressions, metric names); returns null after reporting a problem.</summary>
    internal Func<SchemaReader, YNode, string, object?>? ReadValue { get; init; }

    /// <summary>Reads one entry of a <see cref="ConfigType.Map"/>; returns null after reporting a problem.</summary>
    internal Func<SchemaReader, YScalar, YNode, string, object?>? ReadEntry { get; init; }

    /// <summary>A document: extra advice for an unknown top-level key, or null.</summary>
    internal Func<string, string?>? UnknownHint { get; init; }

    /// <summary>Every key below this one (this one first), depth first in written order.</summary>
    public IEnumerable<ConfigKey> Descendants()
    {
        yield return this;
        foreach (var child in Keys.Concat(Item is null ? [] : [Item]))
        {
            foreach (var key in child.Descendants())
            {
                yield return key;
            }
        }
    }

    /// <summary>The key's value in a document record; <paramref name="index"/> chooses the item of the list above it.</summary>
    public object? Get(object document, int index = 0)
    {
        object? value = document;
        foreach (var key in Chain())
        {
            value = !key.IsItem ? key.GetIn(value!)
                : value is System.Collections.IList list && index < list.Count ? list[index] : null;
            if (value is null)
            {
                break;
            }
        }

        return value;
    }

    /// <summary>The document record with this key's value replaced (in item <paramref name="index"/> of the list above it).</summary>
    public object Set(object document, int index, object? value) => SetBelow(Chain(), 0, document, index, value);

    /// <summary>How a value is written in a config, a CSV cell or a label.</summary>
    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        System.Enum e => ConfigNames.Snake(e.ToString()),
        _ => value.ToString() ?? string.Empty,
    };

    public override string ToString() => Path;

    /// <summary>Makes this key the parent of its keys and item, and fixes their paths below it.</summary>
    internal static ConfigKey Adopt(ConfigKey key)
    {
        foreach (var child in key.Keys)
        {
            child.Parent = key;
        }

        if (key.Item is not null)
        {
            key.Item.Parent = key;
        }

        key.FixPaths();
        return key;
    }

    private void FixPaths()
    {
        Path = Parent is null ? Name
            : Parent.Type == ConfigType.List ? $"{Parent.Path}[]"
            : Parent.Path.Length == 0 ? Name : $"{Parent.Path}.{Name}";
        foreach (var child in Keys.Concat(Item is null ? [] : [Item]))
        {
            child.FixPaths();
        }
    }

    /// <summary>The item of a list.</summary>
    private bool IsItem => Parent?.Type == ConfigType.List;

    /// <summary>The keys from the document's first key down to this one.</summary>
    private List<ConfigKey> Chain()
    {
        var chain = new List<ConfigKey>();
        for (var key = this; key.Parent is not null; key = key.Parent)
        {
            chain.Add(key);
        }

        chain.Reverse();
        return chain;
    }

    private static object SetBelow(List<ConfigKey> chain, int depth, object record, int index, object? value)
    {
        var key = chain[depth];
        if (depth == chain.Count - 1)
        {
            return key.SetIn(record, value);
        }

        if (key.Type != ConfigType.List)
        {
            return key.SetIn(record, SetBelow(chain, depth + 1, key.GetIn(record)!, index, value));
        }

        // chain[depth + 1] is the list's item: replace item `index`, then go on below it.
        var items = ((System.Collections.IEnumerable)key.GetIn(record)!).Cast<object>().ToList();
        items[index] = depth + 2 < chain.Count ? SetBelow(chain, depth + 2, items[index], index, value) : value!;
        return key.SetIn(record, key.MakeList!(items));
    }
}
