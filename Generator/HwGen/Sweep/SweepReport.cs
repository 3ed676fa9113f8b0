using System.Globalization;
using System.Net;
using System.Text;
using HwGen.Reports;

namespace HwGen.Sweep;

/// <summary>
/// <c>report.html</c>: one self-contained page (inline CSS, SVG and a few lines of JavaScript, no
/// external resources) with the sweep's summary, its best designs, the plots that answer the usual
/// co-design questions (cycles vs PEs, load efficiency vs FIFO depth, accuracy vs density and
/// codebook bits, latency vs LUTs with the Pareto front) and a sortable table of every point.
/// Deterministic: the same results give the same bytes.
/// </summary>
public static class SweepReport
{
    /// <summary>Most rows the table of all points shows (results.csv has them all).</summary>
    public const int MaxTableRows = 20_000;

    /// <summary>Most series a plot draws before it draws one per value of a single axis and holds the rest.</summary>
    private const int MaxSeries = 10;

    private static readonly string[] KeyMetrics =
        ["cycles", "latency_us", "load_efficiency", "luts", "ffs", "brams", "dsps", "memory_bits_total", "accuracy", "compression_ratio"];

    public static string Html(SweepResults results)
    {
        var spec = results.Spec;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"generator\" content=\"HwGen ").Append(Esc(HwGenInfo.Version)).Append("\">\n");
        html.Append("<title>").Append(Esc(spec.Name)).Append(" — HwGen sweep</title>\n");
        html.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(Esc(spec.Name)).Append("</h1>\n");
        html.Append("<p class=\"sub\">HwGen ").Append(Esc(HwGenInfo.Version)).Append(" sweep of <code>").Append(Esc(spec.BasePath))
            .Append("</code> — ").Append(Esc(SamplingText(results))).Append("</p>\n");

        Summary(html, results);
        Best(html, results);

        html.Append("<h2 id=\"plots\">Plots</h2>\n<div class=\"plots\">\n");
        var plots = Plots(results);
        foreach (var plot in plots.Where(p => p.Svg is not null))
        {
            html.Append("<figure>\n").Append(plot.Svg);
            html.Append("<figcaption>").Append(Esc(plot.Caption)).Append("</figcaption>\n</figure>\n");
        }

        html.Append("</div>\n");
        foreach (var plot in plots.Where(p => p.Svg is null))
        {
            html.Append("<p class=\"note\">").Append(Esc(plot.Caption)).Append("</p>\n");
        }

        AllPoints(html, results);
        Glossary(html, results);
        html.Append("<script>\n").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Summary(StringBuilder html, SweepResults results)
    {
        var spec = results.Spec;
        int valid = results.Valid.Count();
        html.Append("<h2 id=\"summary\">Summary</h2>\n<table class=\"summary\">\n");
        Row(html, "points", $"{Count(results.Rows.Count)} ({Count(valid)} valid, {Count(results.Rows.Count - valid)} impossible designs)");
        Row(html, "feasible", spec.Constraints.Count == 0 ? $"{Count(results.Feasible.Count())} (no constraints)" : $"{Count(results.Feasible.Count())} meet every constraint");
        Row(html, "Pareto front", $"{Count(results.Pareto.Count)} non-dominated feasible point(s)");
        Row(html, "input vectors", $"{spec.Vectors} per point (cycle model and accuracy)");
        foreach (var axis in spec.Axes)
        {
            Row(html, $"axis {axis.Key}", string.Join(", ", axis.Values.Select(v => v.Text)), code: true);
        }

        foreach (var constraint in spec.Constraints)
        {
            Row(html, "constraint", constraint.Text, code: true);
        }

        foreach (var objective in results.Objectives)
        {
            string goal = objective.Goal == ObjectiveGoal.Minimize ? "minimize" : "maximize";
            string text = spec.Objectives.Count == 0 ? $"{goal} {objective.Expression.Text} (default)" : $"{goal} {objective.Expression.Text}";
            Row(html, "objective", text, code: true);
        }

        if (results.HasVerification)
        {
            var verified = results.Rows.Where(r => r.Record.Verified is not null).ToList();
            int passed = verified.Count(r => r.Record.Verified == SweepRecord.VerifyPassed);
            Row(html, "co-simulated", $"{passed} of {verified.Count} point(s) bit-exact and cycle-exact in Verilator");
        }

        Row(html, "resources", results.Definition.Synth
            ? "luts/ffs/brams/dsps: the calibrated iCE40 estimate; synth_*: yosys synth_ice40 -dsp on every point"
            : "luts/ffs/brams/dsps: the analytic iCE40 estimate, calibrated against yosys synth_ice40 -dsp (docs/sweeps.md gives its error)");
        html.Append("</table>\n");
        var invalid = results.Rows.FirstOrDefault(r => !r.Record.IsOk);
        if (invalid is not null)
        {
            html.Append("<p class=\"note\">Impossible designs are listed in the table with their reason; the first: point ")
                .Append(invalid.Record.Index).Append(": ").Append(Esc(invalid.Record.Error ?? string.Empty)).Append("</p>\n");
        }
    }

    private static void Best(StringBuilder html, SweepResults results)
    {
        var pareto = results.Pareto;
        html.Append("<h2 id=\"best\">Best designs</h2>\n");
        if (pareto.Count == 0)
        {
            html.Append("<p>No feasible point.</p>\n");
            return;
        }

        html.Append("<p>The feasible points no other feasible point beats in every objective (").Append(Count(pareto.Count))
            .Append("), best first in <code>").Append(Esc(results.Objectives[0].Name)).Append("</code>; pareto.csv has them with every metric.</p>\n");
        var metrics = KeyMetrics.Select(m => results.Definition.Metrics.FirstOrDefault(d => d.Name == m)).OfType<MetricDefinition>()
            .Concat(results.Definition.Metrics.Where(m => m.NeedsSynth))
            .ToList();
        Table(html, results, pareto.Take(50).ToList(), metrics, "best", sortable: true);
        if (pareto.Count > 50)
        {
            html.Append("<p class=\"note\">").Append(Count(pareto.Count - 50)).Append(" more in pareto.csv.</p>\n");
        }
    }

    private static void AllPoints(StringBuilder html, SweepResults results)
    {
        html.Append("<h2 id=\"points\">All points</h2>\n<p>Click a column to sort. <span class=\"tag pareto\">Pareto</span> rows are on the front; ")
            .Append("<span class=\"tag infeasible\">grey</span> rows miss a constraint; <span class=\"tag invalid\">red</span> rows are impossible designs.</p>\n");
        var rows = results.Rows.Take(MaxTableRows).ToList();
        Table(html, results, rows, results.Definition.Columns, "all", sortable: true);
        if (results.Rows.Count > rows.Count)
        {
            html.Append("<p class=\"note\">The first ").Append(Count(rows.Count)).Append(" of ").Append(Count(results.Rows.Count))
                .Append(" points; results.csv has them all.</p>\n");
        }
    }

    private static void Table(StringBuilder html, SweepResults results, IReadOnlyList<SweepRow> rows, IReadOnlyList<MetricDefinition> metrics, string id, bool sortable)
    {
        var spec = results.Spec;
        var objectives = results.Objectives.Select((o, i) => (o, i)).Where(x => !x.o.IsMetric).ToList();
        html.Append("<div class=\"scroll\"><table id=\"").Append(id).Append("\" class=\"points").Append(sortable ? " sortable" : string.Empty).Append("\">\n<thead><tr>");
        html.Append("<th>index</th>");
        foreach (var axis in spec.Axes)
        {
            html.Append("<th class=\"axis\">").Append(Esc(axis.Key)).Append("</th>");
        }

        html.Append("<th>feasible</th>");
        foreach (var (objective, _) in objectives)
        {
            html.Append("<th title=\"").Append(Esc(objective.Expression.Text)).Append("\">").Append(Esc(objective.Name)).Append("</th>");
        }

        foreach (var metric in metrics)
        {
            html.Append("<th title=\"").Append(Esc(metric.Description)).Append("\">").Append(Esc(metric.Name)).Append("</th>");
        }

        if (results.HasVerification)
        {
            html.Append("<th>verified</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            var r = row.Record;
            string css = !r.IsOk ? "invalid" : row.Pareto ? "pareto" : row.Feasible ? string.Empty : "infeasible";
            html.Append(css.Length > 0 ? $"<tr class=\"{css}\">" : "<tr>");
            html.Append("<td>").Append(r.Index).Append("</td>");
            foreach (string value in r.Values)
            {
                html.Append("<td>").Append(Esc(value)).Append("</td>");
            }

            html.Append("<td>").Append(!r.IsOk ? "invalid" : row.Feasible ? "yes" : "no").Append("</td>");
            foreach (var (_, o) in objectives)
            {
                Number(html, r.IsOk ? row.Objectives[o] : double.NaN);
            }

            if (!r.IsOk)
            {
                html.Append("<td colspan=\"").Append(metrics.Count).Append("\" class=\"error\">").Append(Esc(r.Error ?? string.Empty)).Append("</td>");
            }
            else
            {
                foreach (var metric in metrics)
                {
                    if (metric.Kind == MetricKind.Text)
                    {
                        html.Append("<td>").Append(Esc(r.Texts.GetValueOrDefault(metric.Name, string.Empty))).Append("</td>");
                    }
                    else
                    {
                        Number(html, r.Numbers.GetValueOrDefault(metric.Name, double.NaN));
                    }
                }
            }

            if (results.HasVerification)
            {
                html.Append("<td>").Append(Esc(r.Verified ?? string.Empty)).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n");
    }

    private static void Glossary(StringBuilder html, SweepResults results)
    {
        html.Append("<h2 id=\"metrics\">Metrics</h2>\n<dl class=\"glossary\">\n");
        foreach (var metric in results.Definition.Columns)
        {
            html.Append("<dt>").Append(Esc(metric.Name)).Append(metric.Unit.Length > 0 ? $" <span class=\"unit\">[{Esc(metric.Unit)}]</span>" : string.Empty)
                .Append("</dt><dd>").Append(Esc(metric.Description)).Append("</dd>\n");
        }

        html.Append("</dl>\n");
    }

    /// <summary>A plot, or (with a null SVG) why it is not drawn.</summary>
    private sealed record Plot(string? Svg, string Caption);

    private static List<Plot> Plots(SweepResults results)
    {
        var plots = new List<Plot>
        {
            LinePlot(results, "hardware.pes", "cycles", "Cycles vs PEs", "PEs", "cycles per inference (cycle model)"),
            LinePlot(results, "hardware.fifo_depth", "load_efficiency", "Load efficiency vs FIFO depth", "FIFO depth", "load efficiency (ideal / actual cycles)", yMin: 0, yMax: 1),
        };
        var density = results.Spec.Axes.FirstOrDefault(a => a.Path.Key.Path == "layers[].weights.density");
        plots.Add(LinePlot(results, density?.Key ?? "layers[*].weights.density", "accuracy", "Accuracy vs weight density", "weight density (kept by pruning)", "top-1 agreement with the float reference", yMin: 0, yMax: 1));
        plots.Add(LinePlot(results, "compression.codebook_bits", "sharing_accuracy", "Accuracy vs codebook bits", "codebook bits b", "top-1 agreement with the pruned float network", yMin: 0, yMax: 1));
        if (density is not null || results.Spec.Axes.Any(a => a.Key == "compression.codebook_bits"))
        {
            plots.Add(LinePlot(results, density?.Key ?? "compression.codebook_bits", "output_rel_error", "Output error vs " + (density is null ? "codebook bits" : "weight density"),
                density is null ? "codebook bits b" : "weight density", "mean |output error| / mean |reference output|", yMin: 0));
        }

        plots.Add(ParetoPlot(results));
        return plots;
    }

    /// <summary>
    /// A metric against a numeric axis, one line per combination of the other axes when there are
    /// few; else one line per value of the other axis with fewest values, the remaining axes held at
    /// the base config's values (or, where the base value is not swept, the best over them).
    /// </summary>
    private static Plot LinePlot(SweepResults results, string axisKey, string metricName, string title, string xLabel, string yLabel, double? yMin = null, double? yMax = null)
    {
        var spec = results.Spec;
        int x = spec.Axes.ToList().FindIndex(a => a.Key == axisKey);
        if (x < 0 || !spec.Axes[x].IsNumeric)
        {
            return new Plot(null, $"{title}: not drawn, {axisKey} is not a numeric axis of this sweep.");
        }

        var metric = SweepMetrics.ByName[metricName];
        var rows = results.Valid.Where(r => r.Record.Numbers.TryGetValue(metricName, out double v) && double.IsFinite(v)).ToList();
        if (rows.Count == 0)
        {
            return new Plot(null, $"{title}: no valid point.");
        }

        var axis = spec.Axes[x];
        // An axis the metric does not depend on (equal whatever its value, the other axes held) gets no lines of its own.
        bool Matters(int a) => rows
            .GroupBy(r => string.Join("\u0001", Enumerable.Range(0, spec.Axes.Count).Where(b => b != a).Select(b => r.Record.Values[b])))
            .Any(g => g.Select(r => r.Record.Numbers[metricName]).Distinct().Count() > 1);
        var others = Enumerable.Range(0, spec.Axes.Count).Where(a => a != x && spec.Axes[a].Values.Count > 1 && Matters(a)).ToList();
        int Combinations(IEnumerable<int> axes) => rows.Select(r => string.Join("\u0001", axes.Select(a => r.Record.Values[a]))).Distinct().Count();
        List<int> seriesAxes;
        string aggregate = string.Empty;
        if (Combinations(others) <= MaxSeries)
        {
            seriesAxes = others;
        }
        else
        {
            var few = others.Where(a => spec.Axes[a].Values.Count <= MaxSeries).OrderBy(a => spec.Axes[a].Values.Count).ThenBy(a => a).Take(1).ToList();
            seriesAxes = few;
            var rest = others.Except(few).ToList();
            var held = rest.Where(a => results.Definition.BaseValues[a] is { } v && spec.Axes[a].Values.Any(x => x.Text == v)).ToList();
            if (held.Count > 0)
            {
                rows = [.. rows.Where(r => held.All(a => r.Record.Values[a] == results.Definition.BaseValues[a]))];
                aggregate = $" Other axes at the base config's values: {string.Join(", ", held.Select(a => $"{spec.Axes[a].Key}={results.Definition.BaseValues[a]}"))}.";
            }

            var free = rest.Except(held).Select(a => spec.Axes[a].Key).ToList();
            if (free.Count > 0)
            {
                string how = metric.Goal switch { MetricGoal.Lower => "lowest", MetricGoal.Higher => "highest", _ => "mean" };
                aggregate += $" Each point is the {how} {metricName} over {string.Join(", ", free)}.";
            }
        }

        var series = new List<ChartSeries>();
        foreach (var group in rows.GroupBy(r => string.Join(", ", seriesAxes.Select(a => $"{Short(spec.Axes[a].Key)}={r.Record.Values[a]}")))
            .OrderBy(g => g.Min(r => r.Record.Index)))
        {
            var points = new List<(double X, double Y)>();
            var labels = new List<string>();
            foreach (var atX in group.GroupBy(r => r.Record.Values[x]).OrderBy(g => axis.Values.First(v => v.Text == g.Key).Number))
            {
                var values = atX.Select(r => (Row: r, Y: r.Record.Numbers[metricName])).ToList();
                var best = metric.Goal == MetricGoal.Higher ? values.MaxBy(v => v.Y) : values.MinBy(v => v.Y);
                double y = metric.Goal == MetricGoal.None ? values.Average(v => v.Y) : best.Y;
                points.Add((axis.Values.First(v => v.Text == atX.Key).Number!.Value, y));
                labels.Add($"{Short(axis.Key)}={atX.Key}: {metricName} {Display(y)} (point {best.Row.Record.Index}: {SweepDefinition.Describe(spec, best.Row.Record.Values)})");
            }

            series.Add(new ChartSeries(group.Key.Length == 0 ? metricName : group.Key, points, Labels: labels));
        }

        // A log x axis for values that grow geometrically (PEs 1, 2, 4, …; FIFO depths), a linear one otherwise.
        var xs = axis.Values.Select(v => v.Number!.Value).Order().ToList();
        bool logX = xs[0] > 0 && xs[^1] / xs[0] >= 8 && xs.Zip(xs.Skip(1)).All(p => p.Second / p.First >= 1.5);
        var ys = rows.Select(r => r.Record.Numbers[metricName]).ToList();
        bool logY = yMin is null && yMax is null && ys.Min() > 0 && ys.Max() / ys.Min() >= 32;
        var chart = new SvgChart(title, xLabel, yLabel, series) { LogX = logX, LogY = logY, YMin = logY ? null : yMin ?? (ys.Min() >= 0 ? 0 : null), YMax = yMax, Width = 640, Height = 400 };
        return new Plot(chart.Render(), $"{title} ({metric.Description}).{aggregate}");
    }

    /// <summary>Latency against LUTs for every valid point; the latency–LUT front as a line; the objectives' front as rings.</summary>
    private static Plot ParetoPlot(SweepResults results)
    {
        string lutMetric = results.Definition.Synth ? "synth_luts" : "luts";
        var rows = results.Valid.Where(r => r.Record.Numbers.ContainsKey(lutMetric) && r.Record.Numbers.ContainsKey("latency_us")).ToList();
        if (rows.Count == 0)
        {
            return new Plot(null, "Latency vs LUTs: no valid point.");
        }

        (double X, double Y) At(SweepRow r) => (r.Record.Numbers[lutMetric], r.Record.Numbers["latency_us"]);
        string Label(SweepRow r) => $"point {r.Record.Index}: {SweepDefinition.Describe(results.Spec, r.Record.Values)}; {Display(At(r).X)} LUTs, {Display(At(r).Y)} µs";
        var feasible = rows.Where(r => r.Feasible).ToList();
        var infeasible = rows.Where(r => !r.Feasible).ToList();

        // The latency–LUT front of the feasible points: fewer LUTs, then lower latency.
        var front = new List<SweepRow>();
        foreach (var r in feasible.OrderBy(r => At(r).X).ThenBy(r => At(r).Y).ThenBy(r => r.Record.Index))
        {
            if (front.Count == 0 || At(r).Y < At(front[^1]).Y)
            {
                front.Add(r);
            }
        }

        var series = new List<ChartSeries>();
        if (infeasible.Count > 0)
        {
            series.Add(new ChartSeries("misses a constraint", [.. infeasible.Select(At)], Line: false, Labels: [.. infeasible.Select(Label)], Color: "#e8a0a0"));
        }

        series.Add(new ChartSeries("feasible", [.. feasible.Select(At)], Line: false, Labels: [.. feasible.Select(Label)], Color: "#8a8a8a"));
        series.Add(new ChartSeries("latency–LUT front", [.. front.Select(At)], Labels: [.. front.Select(Label)], Color: "#1f77b4", Radius: 4));
        var pareto = results.Pareto;
        if (pareto.Count > 0)
        {
            series.Add(new ChartSeries("Pareto front (objectives)", [.. pareto.Select(At)], Line: false, Labels: [.. pareto.Select(Label)], Color: "#d62728", Radius: 7, Ring: true));
        }

        var xs = rows.Select(r => At(r).X).ToList();
        var ys = rows.Select(r => At(r).Y).ToList();
        var chart = new SvgChart("Latency vs LUTs", results.Definition.Synth ? "LUT4 (yosys)" : "LUT4 (estimate)", "latency (µs)", series)
        {
            LogX = xs.Min() > 0 && xs.Max() / xs.Min() >= 8,
            LogY = ys.Min() > 0 && ys.Max() / ys.Min() >= 8,
            Width = 640,
            Height = 400,
        };
        string objectives = string.Join(", ", results.Objectives.Select(o => $"{(o.Goal == ObjectiveGoal.Minimize ? "minimize" : "maximize")} {o.Expression.Text}"));
        return new Plot(chart.Render(), $"Latency vs LUTs of every valid point. The blue line joins the feasible points no other beats in both latency and LUTs; red rings mark the Pareto front of the objectives ({objectives}).");
    }

    private static void Number(StringBuilder html, double value)
    {
        if (!double.IsFinite(value))
        {
            html.Append("<td></td>");
            return;
        }

        html.Append("<td data-v=\"").Append(SweepRecord.FormatNumber(value)).Append("\">").Append(Display(value)).Append("</td>");
    }

    /// <summary>A number for people: integers grouped, others to four significant digits.</summary>
    private static string Display(double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            return value.ToString("N0", CultureInfo.InvariantCulture);
        }

        return Math.Abs(value) >= 1000 ? value.ToString("N1", CultureInfo.InvariantCulture) : value.ToString("G4", CultureInfo.InvariantCulture);
    }

    private static string SamplingText(SweepResults results)
    {
        var spec = results.Spec;
        long grid = SweepPlan.GridSize(spec);
        return spec.Sampling == SweepSampling.Grid
            ? $"grid of {Count(grid)} points over {spec.Axes.Count} axes"
            : $"{Count(results.Rows.Count)} points drawn at random (seed {spec.Seed}) from a grid of {Count(grid)}";
    }

    /// <summary><c>hardware.pes</c> → <c>pes</c>; <c>layers[*].weights.density</c> → <c>density</c>.</summary>
    private static string Short(string key) => key[(key.LastIndexOf('.') + 1)..];

    private static void Row(StringBuilder html, string name, string value, bool code = false) =>
        html.Append("<tr><th>").Append(Esc(name)).Append("</th><td>").Append(code ? $"<code>{Esc(value)}</code>" : Esc(value)).Append("</td></tr>\n");

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Esc(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body { font-family: system-ui, sans-serif; margin: 24px 32px; color: #222; max-width: 1400px; }
        h1 { margin-bottom: 0; }
        h2 { margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        .sub, .note { color: #666; }
        code { background: #f4f4f4; padding: 1px 4px; border-radius: 3px; }
        table.summary th { text-align: left; padding-right: 16px; font-weight: 600; vertical-align: top; }
        .plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(640px, 1fr)); gap: 16px; }
        figure { margin: 0; border: 1px solid #e5e5e5; padding: 8px; background: white; }
        figcaption { font-size: 13px; color: #555; margin-top: 4px; }
        .scroll { overflow-x: auto; max-height: 640px; overflow-y: auto; border: 1px solid #e5e5e5; }
        table.points { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
        table.points th { position: sticky; top: 0; background: #f0f3f7; cursor: pointer; white-space: nowrap; padding: 4px 8px; border-bottom: 1px solid #ccc; }
        table.points th.axis { background: #e4ecf6; }
        table.points th[data-order=asc]::after { content: " \25B2"; }
        table.points th[data-order=desc]::after { content: " \25BC"; }
        table.points td { padding: 2px 8px; text-align: right; white-space: nowrap; border-bottom: 1px solid #f0f0f0; }
        tr.pareto td { background: #eaf6ea; font-weight: 600; }
        tr.infeasible td { color: #999; }
        tr.invalid td { color: #b33; }
        td.error { text-align: left; white-space: normal; }
        .tag { padding: 0 4px; border-radius: 3px; }
        .tag.pareto { background: #eaf6ea; font-weight: 600; }
        .tag.infeasible { color: #999; }
        .tag.invalid { color: #b33; }
        dl.glossary dt { font-weight: 600; margin-top: 6px; }
        dl.glossary dd { margin-left: 16px; color: #444; }
        .unit { color: #888; font-weight: normal; }

        """;

    private const string Script = """
        // Sortable tables: click a header to sort by it (numbers by value), again to reverse.
        document.querySelectorAll('table.sortable').forEach(function (table) {
          table.querySelectorAll('th').forEach(function (th, column) {
            th.addEventListener('click', function () {
              var body = table.tBodies[0];
              var ascending = th.dataset.order !== 'asc';
              table.querySelectorAll('th').forEach(function (h) { delete h.dataset.order; });
              th.dataset.order = ascending ? 'asc' : 'desc';
              var key = function (row) {
                var cell = row.cells[column];
                if (!cell) { return ''; }
                var v = cell.dataset.v;
                if (v !== undefined) { return parseFloat(v); }
                var t = cell.textContent.trim();
                return /^-?[0-9.]+$/.test(t) ? parseFloat(t) : t;
              };
              var rows = Array.prototype.slice.call(body.rows);
              rows.sort(function (a, b) {
                var x = key(a), y = key(b), c;
                if (typeof x === 'number' && typeof y === 'number') { c = x - y; }
                else { c = String(x).localeCompare(String(y)); }
                return ascending ? c : -c;
              });
              rows.forEach(function (row) { body.appendChild(row); });
            });
          });
        });

        """;
}
