using System.Text;

namespace HwGen.Configuration;

/// <summary>
/// Writes a config back as YAML by its schema (<see cref="ConfigSchema"/>): the effective config of
/// a generated design (and a reproducer) has every key that has an effect written out, in the
/// table's order; <see cref="ConfigLoader"/> reads it back to an equal config.
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
