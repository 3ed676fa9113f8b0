using HwGen.Configuration;
using HwGen.Sweep;

namespace HwGen.Tests.Configuration;

/// <summary>
/// The key tables of docs/config.md and docs/sweeps.md are the ones the schemas generate: every key,
/// type, unit, default, range and meaning. Each table follows a marker <c>&lt;!-- schema: PATH --&gt;</c>.
/// To rewrite the tables after changing a schema, run these tests with HWGEN_UPDATE_DOCS=1.
/// </summary>
public class ConfigDocsTests
{
    [Fact]
    public void The_key_tables_of_docs_config_md_are_generated_from_the_config_schema() =>
        CheckTables("config.md", ConfigSchema.Root, new HwGenConfig());

    [Fact]
    public void The_key_tables_of_docs_sweeps_md_are_generated_from_the_sweep_file_schema() =>
        CheckTables("sweeps.md", SweepLoader.Schema, SweepLoader.Defaults);

    [Fact]
    public void A_table_row_shows_the_keys_type_unit_default_range_and_meaning()
    {
        var rows = Table(ConfigSchema.Root.Keys.Single(k => k.Name == "hardware"), new HardwareConfig());

        rows.ShouldContain("| `hardware.clock_mhz` | real (MHz) | `100` | (0, 1000] | Target clock, for time estimates and constraints. |");
        rows.ShouldContain(r => r.StartsWith("| `hardware.spmat_memory` | enum | `auto` | `auto`, `inferred`, `ice40_spram` |", StringComparison.Ordinal));
    }

    /// <summary>
    /// The docs' key tables of a document: one per section (and list item), by the section's path
    /// (<c>""</c> for the top level), with defaults from <paramref name="defaults"/>.
    /// </summary>
    internal static IEnumerable<(string Path, IReadOnlyList<string> Rows)> Tables(ConfigKey document, object? defaults)
    {
        yield return (document.Path, Table(document, defaults));
        foreach (var key in document.Keys)
        {
            var (section, sectionDefaults) = key.Type == ConfigType.Section ? (key, defaults is null ? null : key.GetIn(defaults))
                : key.Item?.Type == ConfigType.Section ? (key.Item, key.Item.NewItem!(0))
                : (null, null);
            foreach (var table in section is null ? [] : Tables(section, sectionDefaults))
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
    internal static IReadOnlyList<string> Table(ConfigKey section, object? defaults)
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

    private static void CheckTables(string docName, ConfigKey schema, object? defaults)
    {
        string path = Path.Combine(TestData.RepoRoot, "docs", docName);
        var lines = File.ReadAllLines(path).ToList();
        var expected = Tables(schema, defaults).ToList();
        var markers = lines.Select((line, i) => (line, i)).Where(l => l.line.StartsWith("<!-- schema: ", StringComparison.Ordinal)).ToList();
        markers.Select(m => m.line).ShouldBe(expected.Select(t => Marker(t.Path)), $"{docName}: one marker per section of the schema, in its order");

        bool update = Environment.GetEnvironmentVariable("HWGEN_UPDATE_DOCS") == "1";
        foreach (var (section, rows) in expected.AsEnumerable().Reverse())
        {
            int start = lines.IndexOf(Marker(section)) + 1;
            int end = start;
            while (end < lines.Count && lines[end].StartsWith('|'))
            {
                end++;
            }

            if (update)
            {
                lines.RemoveRange(start, end - start);
                lines.InsertRange(start, rows);
            }
            else
            {
                lines.GetRange(start, end - start).ShouldBe(rows, $"{docName}, the table after {Marker(section)} (run with HWGEN_UPDATE_DOCS=1 to regenerate)");
            }
        }

        if (update)
        {
            File.WriteAllText(path, string.Join('\n', lines) + "\n");
        }
    }

    private static string Marker(string section) => $"<!-- schema: {(section.Length == 0 ? "top level" : section)} -->";
}
