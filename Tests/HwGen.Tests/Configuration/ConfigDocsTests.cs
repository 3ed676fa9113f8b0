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
        var rows = ConfigYaml.DocTable(ConfigSchema.Root.Keys.Single(k => k.Name == "hardware"), new HardwareConfig());

        rows.ShouldContain("| `hardware.clock_mhz` | real (MHz) | `100` | (0, 1000] | Target clock, for time estimates and constraints. |");
        rows.ShouldContain(r => r.StartsWith("| `hardware.spmat_memory` | enum | `auto` | `auto`, `inferred`, `ice40_spram` |", StringComparison.Ordinal));
    }

    private static void CheckTables(string docName, ConfigKey schema, object? defaults)
    {
        string path = Path.Combine(TestData.RepoRoot, "docs", docName);
        var lines = File.ReadAllLines(path).ToList();
        var expected = ConfigYaml.DocTables(schema, defaults).ToList();
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
