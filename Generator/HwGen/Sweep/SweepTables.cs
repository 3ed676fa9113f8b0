using System.Globalization;
using HwGen.IO;

namespace HwGen.Sweep;

/// <summary>
/// The machine-readable outputs of a sweep: <c>results.csv</c>, <c>pareto.csv</c> and <c>results.json</c>.
/// Deterministic text (rows by index, numbers in their shortest exact form, no timestamps), so a
/// sweep split into shards and merged gives the very same bytes as one run.
/// </summary>
public static class SweepTables
{
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
        var rows = results.Rows.Select(row =>
        {
            var r = row.Record;
            var metrics = SweepSummaryJson.Map(results.Definition.Columns
                .Select(m => (m.Name, Value: m.Kind == MetricKind.Number
                    ? (r.Numbers.TryGetValue(m.Name, out double number) ? number : null)
                    : (object?)r.Texts.GetValueOrDefault(m.Name)))
                .Where(m => m.Value is not null)
                .Select(m => (m.Name, m.Value!)));
            return new PointJson(
                r.Index,
                SweepSummaryJson.Map(spec.Axes.Select((a, i) => (a.Key, Value(a, r.Values[i])))),
                r.Status,
                row.Feasible,
                row.Pareto,
                SweepSummaryJson.Map(results.Objectives.Select((o, i) => (o.Name, r.IsOk && double.IsFinite(row.Objectives[i]) ? row.Objectives[i] : (double?)null))),
                metrics,
                r.Verified,
                r.Error);
        }).ToList();
        var json = new SweepResultsJson(
            spec.Name,
            $"HwGen {HwGenInfo.Version}",
            spec.BasePath,
            spec.Sampling == SweepSampling.Grid ? "grid" : "random",
            spec.Vectors,
            [.. spec.Axes.Select(a => new AxisJson(a.Key, [.. a.Values.Select(v => Value(a, v.Text))]))],
            [.. spec.Constraints.Select(c => c.Text)],
            [.. results.Objectives.Select(o => new ObjectiveJson(o.Name, o.Goal == ObjectiveGoal.Minimize ? "minimize" : "maximize", o.Expression.Text))],
            [.. results.Definition.Columns.Select(m => new MetricJson(m.Name, m.Unit, m.Description))],
            results.Rows.Count,
            results.Valid.Count(),
            results.Feasible.Count(),
            [.. results.Pareto.Select(r => r.Record.Index)],
            rows);
        return HwGenJson.Write(json) + "\n";
    }

    /// <summary>A table of the rows (cells on one line each: a line break in a cell becomes a space).</summary>
    private static string Csv(SweepResults results, IEnumerable<SweepRow> rows) =>
        new CsvTable(Header(results), [.. rows.Select(row => (IReadOnlyList<string>)[.. Cells(results, row).Select(c => c.Replace('\n', ' '))])]).Write();

    /// <summary>An axis value for JSON: numbers and booleans as such, the rest as written.</summary>
    private static object Value(SweepAxis axis, string text) =>
        axis.Values.FirstOrDefault(v => v.Text == text)?.Value is { } value and (int or double or bool) ? value : text;

    private static string Bool(bool value) => value ? "true" : "false";
}
