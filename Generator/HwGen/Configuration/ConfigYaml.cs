using System.Text;

namespace HwGen.Configuration;

/// <summary>
/// Writes records back as YAML by their schema, and the schema as the key tables of the docs.
/// The effective config of a generated design (and a reproducer) has every key that has an effect
/// written out, in the table's order; <see cref="ConfigLoader"/> reads it back to an equal config.
/// </summary>
public static class ConfigYaml
{
    /// <summary>The config as YAML, every key explicit. Data paths are written as given unless <paramref name="resolvePaths"/>.</summary>
    /// <param name="config">The config.</param>
    /// <param name="resolvePaths">Write data paths resolved against the config's folder (for a file written elsewhere).</param>
    /// <param name="header">Comment lines to put first, or null.</param>
    public static string Write(HwGenConfig config, bool resolvePaths = false, string? header = null)
    {
        var y = new StringBuilder();
        foreach (string line in header?.Split('\n') ?? [])
        {
            y.Append("# ").Append(line).Append('\n');
        }

        WriteKeys(y, ConfigSchema.Root, config, string.Empty, string.Empty, path => resolvePaths ? config.ResolvePath(path) : path);
        return y.ToString();
    }

    /// <summary>
    /// The docs' key tables of a document: one per section (and list item), by the section's path
    /// (<c>""</c> for the top level), with defaults from <paramref name="defaults"/>.
    /// </summary>
    public static IEnumerable<(string Path, IReadOnlyList<string> Rows)> DocTables(ConfigKey document, object? defaults)
    {
        yield return (document.Path, DocTable(document, defaults));
        foreach (var key in document.Keys)
        {
            var (section, sectionDefaults) = key.Type == ConfigType.Section ? (key, defaults is null ? null : key.GetIn(defaults))
                : key.Item?.Type == ConfigType.Section ? (key.Item, key.Item.NewItem!(0))
                : (null, null);
            foreach (var table in section is null ? [] : DocTables(section, sectionDefaults))
            {
                yield return table;
            }
        }
    }

    /// <summary>
    /// The docs' table of a section's keys (<c>| key | type | default | allowed | meaning |</c>),
    /// one row per key, from the schema and the defaults of <paramref name="defaults"/>.
    /// </summary>
    /// <param name="section">A section (or a list's item).</param>
    /// <param name="defaults">The section's default record.</param>
    public static IReadOnlyList<string> DocTable(ConfigKey section, object? defaults)
    {
        var rows = new List<string> { "| key | type | default | allowed | meaning |", "|---|---|---|---|---|" };
        foreach (var key in section.Keys)
        {
            object? value = defaults is null ? null : key.GetIn(defaults);
            string type = key.Type switch
            {
                ConfigType.Integer => "int",
                ConfigType.Boolean => "bool",
                ConfigType.Name or ConfigType.Text => "string",
                ConfigType.Section or ConfigType.Map => "mapping",
                _ => ConfigNames.Snake(key.Type.ToString()),
            };
            string shown = key.DefaultText
                ?? (key.Required ? "required"
                : key.Type is ConfigType.Section or ConfigType.List or ConfigType.Map || value is null ? string.Empty
                : $"`{ConfigKey.Format(value)}`");
            string allowed = key.Type switch
            {
                ConfigType.Integer or ConfigType.Real => key.Range!.Text,
                ConfigType.Boolean => "`true`, `false`",
                ConfigType.Enum => string.Join(", ", key.Choices.Select(c => $"`{c}`")),
                ConfigType.List or ConfigType.Map => key.Range!.Max < int.MaxValue ? $"{key.Range.Text} {key.Noun}s"
                    : key.Range.Min > 0 ? $"at least one {key.Noun}" : string.Empty,
                _ => key.Allowed ?? string.Empty,
            };
            string[] cells = [$"`{key.Path}`", key.Unit is null ? type : $"{type} ({key.Unit})", shown, allowed, key.Doc];
            rows.Add("|" + string.Concat(cells.Select(c => c.Length == 0 ? " |" : $" {c} |")));
        }

        return rows;
    }

    /// <summary>Writes a section's keys; <paramref name="first"/> replaces the indent of its first line (<c>"  - "</c> in a list).</summary>
    private static void WriteKeys(StringBuilder y, ConfigKey section, object record, string indent, string first, Func<string, string> path)
    {
        bool any = false;
        foreach (var key in section.Keys)
        {
            if (key.When?.Invoke(record) == false || key.Type == ConfigType.Map || key.GetIn(record) is not { } value)
            {
                continue;
            }

            y.Append(any ? indent : first).Append(key.Name).Append(':');
            any = true;
            if (key.Type == ConfigType.Section)
            {
                var keys = new StringBuilder();
                WriteKeys(keys, key, value, indent + "  ", indent + "  ", path);
                y.Append(keys.Length == 0 ? " {}\n" : "\n").Append(keys);
            }
            else if (key.Type == ConfigType.List)
            {
                var items = ((System.Collections.IEnumerable)value).Cast<object>().ToList();
                y.Append(items.Count == 0 ? " []\n" : "\n");
                foreach (object item in items)
                {
                    int before = y.Length;
                    if (key.Item!.Type == ConfigType.Section)
                    {
                        WriteKeys(y, key.Item, item, indent + "    ", indent + "  - ", path);
                    }

                    if (y.Length == before)
                    {
                        y.Append(indent).Append("  - ").Append(key.Item.Type == ConfigType.Section ? "{}" : Scalar(key.Item, item, path)).Append('\n');
                    }
                }
            }
            else
            {
                y.Append(' ').Append(Scalar(key, value, path)).Append('\n');
            }
        }
    }

    private static string Scalar(ConfigKey key, object value, Func<string, string> path) => key.Type switch
    {
        ConfigType.Name when value is string name && ConfigNames.IsName(name) && name != "null" => name,
        ConfigType.Name or ConfigType.Text => Quote((string)value),
        ConfigType.Path => Quote(path((string)value)),
        _ => ConfigKey.Format(value),
    };

    /// <summary>Single quotes, or double quotes with escapes when the text holds control characters (which single quotes would fold).</summary>
    private static string Quote(string value) => value.Any(char.IsControl)
        ? "\"" + string.Concat(value.Select(c => c switch
        {
            '"' or '\\' => $"\\{c}",
            _ when char.IsControl(c) => $"\\u{(int)c:X4}",
            _ => c.ToString(),
        })) + "\""
        : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
