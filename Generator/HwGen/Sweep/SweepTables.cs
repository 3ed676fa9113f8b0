using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HwGen.Sweep;

/// <summary>
/// The machine-readable outputs of a sweep: <c>results.csv</c>, <c>pareto.csv</c> and <c>results.json</c>.
/// Deterministic text (rows by index, numbers in their shortest exact form, no timestamps), so a
/// sweep split into shards and merged gives the very same bytes as one run.
/// </summary>
public static class SweepTables
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The columns: index, one per axis, status, feasible, pareto, the objectives that are not a
    /// metric themselves, the kept metrics, verified (when any point was co-simulated), error.
    /// </summary>
    public static IReadOnlyList<string> Header(SweepResults results)
    {
        var header = new List<string> { "index" };
        header.AddRange(results.Spec.Axes.Select(a => a.Key));
        header.AddRange(["status", "feasible", "pareto"]);
        header.AddRange(results.Objectives.Where(o => !o.IsMetric).Select(o => o.Name));
        header.AddRange(results.Definition.Columns.Select(m => m.Name));
        if (results.HasVerification)
        {
            header.Add("verified");
        }

        header.Add("error");
        return header;
    }

    /// <summary>One row's cells, in <see cref="Header"/>'s order.</summary>
    public static IReadOnlyList<string> Cells(SweepResults results, SweepRow row)
    {
        var r = row.Record;
        var cells = new List<string> { r.Index.ToString(CultureInfo.InvariantCulture) };
        cells.AddRange(r.Values);
        cells.AddRange([r.Status, Bool(row.Feasible), Bool(row.Pareto)]);
        for (var o = 0; o < results.Objectives.Count; o++)
        {
            if (!results.Objectives[o].IsMetric)
            {
                cells.Add(r.IsOk ? SweepRecord.FormatNumber(row.Objectives[o]) : string.Empty);
            }
        }

        cells.AddRange(results.Definition.Columns.Select(r.Cell));
        if (results.HasVerification)
        {
            cells.Add(r.Verified ?? string.Empty);
        }

        cells.Add(r.Error ?? string.Empty);
        return cells;
    }

    /// <summary>results.csv: every point.</summary>
    public static string Csv(SweepResults results) => Csv(results, results.Rows);

    /// <summary>pareto.csv: the non-dominated feasible points, best first in the first objective.</summary>
    public static string ParetoCsv(SweepResults results) => Csv(results, results.Pareto);

    /// <summary>results.json: the sweep's description and every point.</summary>
    public static string Json(SweepResults results)
    {
        var spec = results.Spec;
        var rows = new JsonArray();
        foreach (var row in results.Rows)
        {
            var r = row.Record;
            var values = new JsonObject();
            for (var a = 0; a < spec.Axes.Count; a++)
            {
                values[spec.Axes[a].Key] = Value(spec.Axes[a], r.Values[a]);
            }

            var metrics = new JsonObject();
            foreach (var metric in results.Definition.Columns)
            {
                if (metric.Kind == MetricKind.Number && r.Numbers.TryGetValue(metric.Name, out double number))
                {
                    metrics[metric.Name] = number;
                }
                else if (metric.Kind == MetricKind.Text && r.Texts.TryGetValue(metric.Name, out string? text))
                {
                    metrics[metric.Name] = text;
                }
            }

            var objectives = new JsonObject();
            for (var o = 0; o < results.Objectives.Count; o++)
            {
                objectives[results.Objectives[o].Name] = r.IsOk && double.IsFinite(row.Objectives[o]) ? row.Objectives[o] : null;
            }

            rows.Add(new JsonObject
            {
                ["index"] = r.Index,
                ["values"] = values,
                ["status"] = r.Status,
                ["feasible"] = row.Feasible,
                ["pareto"] = row.Pareto,
                ["objectives"] = objectives,
                ["metrics"] = metrics,
                ["verified"] = r.Verified,
                ["error"] = r.Error,
            });
        }

        var root = new JsonObject
        {
            ["sweep"] = spec.Name,
            ["generator"] = $"HwGen {HwGenInfo.Version}",
            ["base"] = spec.BasePath,
            ["sampling"] = spec.Sampling == SweepSampling.Grid ? "grid" : "random",
            ["vectors"] = spec.Vectors,
            ["axes"] = new JsonArray([.. spec.Axes.Select(a => (JsonNode)new JsonObject
            {
                ["key"] = a.Key,
                ["values"] = new JsonArray([.. a.Values.Select(v => Value(a, v.Text))]),
            })]),
            ["constraints"] = new JsonArray([.. spec.Constraints.Select(c => (JsonNode)JsonValue.Create(c.Text))]),
            ["objectives"] = new JsonArray([.. results.Objectives.Select(o => (JsonNode)new JsonObject
            {
                ["name"] = o.Name,
                ["goal"] = o.Goal == ObjectiveGoal.Minimize ? "minimize" : "maximize",
                ["expression"] = o.Expression.Text,
            })]),
            ["metrics"] = new JsonArray([.. results.Definition.Columns.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = m.Name,
                ["unit"] = m.Unit,
                ["description"] = m.Description,
            })]),
            ["points"] = results.Rows.Count,
            ["valid"] = results.Valid.Count(),
            ["feasible"] = results.Feasible.Count(),
            ["pareto"] = new JsonArray([.. results.Pareto.Select(r => (JsonNode)r.Record.Index)]),
            ["rows"] = rows,
        };
        return root.ToJsonString(JsonOptions) + "\n";
    }

    /// <summary>Quotes a CSV cell when it holds a comma, a quote or a line break (RFC 4180).</summary>
    public static string Escape(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    /// <summary>Splits one CSV line (as <see cref="Escape"/> writes them; no line breaks in cells).</summary>
    public static IReadOnlyList<string> SplitCsvLine(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }

    private static string Csv(SweepResults results, IEnumerable<SweepRow> rows)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Header(results).Select(Escape))).Append('\n');
        foreach (var row in rows)
        {
            csv.Append(string.Join(',', Cells(results, row).Select(c => Escape(c.Replace('\n', ' '))))).Append('\n');
        }

        return csv.ToString();
    }

    private static JsonNode? Value(SweepAxis axis, string text)
    {
        var value = axis.Values.FirstOrDefault(v => v.Text == text);
        return value?.Value switch
        {
            int i => i,
            double d => d,
            bool b => b,
            _ => text,
        };
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
