namespace HwGen.Configuration;

/// <summary>
/// Builds the schema entries (<see cref="ConfigKey"/>) of the keys that the record
/// <typeparamref name="T"/> holds, each with a typed getter and a typed <c>with</c> setter, e.g.
/// <c>KeysOf&lt;HardwareConfig&gt;.Int("pes", h =&gt; h.Pes, (h, v) =&gt; h with { Pes = v }, 1, 1024, "…")</c>.
/// <c>when</c> says on which records the key has an effect: elsewhere it is neither checked nor written.
/// </summary>
/// <typeparam name="T">The immutable record the keys belong to.</typeparam>
internal static class KeysOf<T>
    where T : class
{
    /// <summary>A whole YAML document read into <typeparamref name="T"/>.</summary>
    /// <param name="what">What the file is in messages, e.g. <c>config file</c>.</param>
    /// <param name="unknownHint">Extra advice for an unknown top-level key, or null.</param>
    /// <param name="keys">Its top-level keys.</param>
    internal static ConfigKey Document(string what, Func<string, string?>? unknownHint, params ConfigKey[] keys) =>
        ConfigKey.Adopt(new ConfigKey(string.Empty, ConfigType.Section, what) { Keys = keys, What = what, UnknownHint = unknownHint });

    public static ConfigKey Int(
        string name, Func<T, int> get, Func<T, int, T> set, int min, int max, string doc,
        string? unit = null, bool required = false, string? example = null, string? bound = null, Func<T, bool>? when = null,
        string? defaultText = null) =>
        new(name, ConfigType.Integer, doc)
        {
            GetIn = r => get((T)r), SetIn = (r, v) => set((T)r, (int)v!), When = Is(when),
            Range = new ConfigRange(min, max, IsInteger: true, BoundText: bound), Unit = unit, Required = required, Example = example,
            DefaultText = defaultText,
        };

    public static ConfigKey Real(
        string name, Func<T, double> get, Func<T, double, T> set, double min, double max, string doc,
        bool minExclusive = false, string? unit = null, Func<T, bool>? when = null) =>
        new(name, ConfigType.Real, doc)
        {
            GetIn = r => get((T)r), SetIn = (r, v) => set((T)r, (double)v!), When = Is(when),
            Range = new ConfigRange(min, max, IsInteger: false, minExclusive), Unit = unit,
        };

    public static ConfigKey Bool(string name, Func<T, bool> get, Func<T, bool, T> set, string doc, Func<T, bool>? when = null) =>
        new(name, ConfigType.Boolean, doc) { GetIn = r => get((T)r), SetIn = (r, v) => set((T)r, (bool)v!), When = Is(when) };

    public static ConfigKey Enum<TEnum>(string name, Func<T, TEnum> get, Func<T, TEnum, T> set, string doc, Func<T, bool>? when = null)
        where TEnum : struct, System.Enum =>
        new(name, ConfigType.Enum, doc)
        {
            GetIn = r => get((T)r), SetIn = (r, v) => set((T)r, (TEnum)v!), When = Is(when),
            EnumType = typeof(TEnum), Choices = [.. System.Enum.GetNames<TEnum>().Select(ConfigNames.Snake)],
        };

    /// <summary>A design or layer name: <c>[a-z][a-z0-9_]*</c>, at most <see cref="ConfigNames.MaxNameLength"/> characters, not a SystemVerilog keyword.</summary>
    public static ConfigKey Name(string name, Func<T, string> get, Func<T, string, T> set, string doc, string? allowed = null, string? defaultText = null) =>
        new(name, ConfigType.Name, doc)
        {
            GetIn = r => get((T)r), SetIn = (r, v) => set((T)r, (string)v!),
            Allowed = allowed ?? NameRule, DefaultText = defaultText,
        };

    /// <summary>Any text (or a file path, relative to the YAML file's folder); <paramref name="allowed"/> says what it should be (messages, docs).</summary>
    public static ConfigKey Text(
        string name, Func<T, string?> get, Func<T, string, T> set, string allowed, string doc,
        bool required = false, string? example = null, string? defaultText = null, Func<T, bool>? when = null, bool path = false) =>
        new(name, path ? ConfigType.Path : ConfigType.Text, doc)
        {
            GetIn = r => get((T)r), SetIn = (r, v) => set((T)r, (string)v!), When = Is(when),
            Allowed = allowed, Required = required, Example = example, DefaultText = defaultText,
        };

    /// <summary>A mapping of keys read into the record <typeparamref name="TSection"/> that <typeparamref name="T"/> holds.</summary>
    public static ConfigKey Section<TSection>(
        string name, Func<T, TSection> get, Func<T, TSection, T> set, string doc, params ConfigKey[] keys)
        where TSection : class =>
        ConfigKey.Adopt(new ConfigKey(name, ConfigType.Section, doc) { GetIn = r => get((T)r), SetIn = (r, v) => set((T)r, (TSection)v!), Keys = keys });

    /// <summary>A section that applies only when <paramref name="when"/> holds of the record that holds it.</summary>
    public static ConfigKey Section<TSection>(
        string name, Func<T, TSection> get, Func<T, TSection, T> set, string doc, Func<T, bool> when, params ConfigKey[] keys)
        where TSection : class =>
        ConfigKey.Adopt(new ConfigKey(name, ConfigType.Section, doc) { GetIn = r => get((T)r), SetIn = (r, v) => set((T)r, (TSection)v!), Keys = keys, When = Is(when) });

    /// <summary>A list; its items are <paramref name="item"/> (see <see cref="KeysOf{T}.Item"/>).</summary>
    public static ConfigKey List<TItem>(
        string name, Func<T, IReadOnlyList<TItem>?> get, Func<T, IReadOnlyList<TItem>, T> set, ConfigKey item, string doc,
        int min = 0, int max = int.MaxValue, string noun = "item", string? example = null, string? allowed = null,
        bool required = false, bool single = false, string? defaultText = null) =>
        ConfigKey.Adopt(new ConfigKey(name, ConfigType.List, doc)
        {
            GetIn = r => get((T)r), SetIn = (r, v) => set((T)r, (IReadOnlyList<TItem>)v!), Item = item,
            MakeList = items => items.Cast<TItem>().ToArray(),
            Range = new ConfigRange(min, max, IsInteger: true), Noun = noun, Example = example, Allowed = allowed,
            Required = required, SingleAllowed = single, DefaultText = defaultText,
        });

    /// <summary>
    /// A mapping whose keys are data: each entry is read by <paramref name="readEntry"/> (key, value,
    /// the entry's path) into an item of the list <typeparamref name="T"/> holds.
    /// </summary>
    internal static ConfigKey Map<TItem>(
        string name, Func<T, IReadOnlyList<TItem>?> get, Func<T, IReadOnlyList<TItem>, T> set, string doc,
        Func<SchemaReader, YScalar, YNode, string, TItem?> readEntry,
        int min = 0, int max = int.MaxValue, string noun = "entry", string? example = null, string? allowed = null, bool required = false)
        where TItem : class =>
        new(name, ConfigType.Map, doc)
        {
            GetIn = r => get((T)r), SetIn = (r, v) => set((T)r, (IReadOnlyList<TItem>)v!),
            MakeList = items => items.Cast<TItem>().ToArray(), ReadEntry = readEntry,
            Range = new ConfigRange(min, max, IsInteger: true), Noun = noun, Example = example, Allowed = allowed, Required = required,
        };

    /// <summary>The item of a list of sections: its keys and its default record at an index.</summary>
    public static ConfigKey Item(Func<int, T> newItem, params ConfigKey[] keys) =>
        ConfigKey.Adopt(new ConfigKey(string.Empty, ConfigType.Section, string.Empty) { NewItem = i => newItem(i), Keys = keys });

    /// <summary>A key (or the item of a list of scalars) whose value is read by <paramref name="read"/> (reader, node, path).</summary>
    internal static ConfigKey Custom(
        string name, ConfigType type, string allowed, string doc, Func<SchemaReader, YNode, string, object?> read,
        Func<T, object?>? get = null, Func<T, object, T>? set = null) =>
        new(name, type, doc)
        {
            GetIn = r => get?.Invoke((T)r), SetIn = (r, v) => set is null ? r : set((T)r, v!), Allowed = allowed, ReadValue = read,
        };

    private const string NameRule = "`[a-z][a-z0-9_]*`, at most 64 characters, not a SystemVerilog keyword";

    private static Func<object, bool>? Is(Func<T, bool>? when) => when is null ? null : r => when((T)r);
}
