using System.Globalization;
using HwGen.Emit;
using HwGen.Reports;

namespace HwGen.Sweep;

/// <summary>
/// <c>report.html</c>: one self-contained page (inline CSS, SVG and a few lines of JavaScript, no
/// external resources) with the sweep's summary, its best designs, the plots that answer the usual
/// co-design questions (cycles vs PEs, load efficiency vs FIFO depth, accuracy vs density and
/// codebook bits, latency vs LUTs with the Pareto front) and a sortable table of every point.
/// Deterministic: the same results give the same bytes. The page is the template
/// <c>Templates/reports/sweep.html.hbs</c> (its table <c>sweep-table.html.hbs</c>, its style and
/// script <c>sweep.css</c> and <c>sweep.js</c>); this class computes what it shows.
/// </summary>
public static class SweepReport
{
    /// <summary>Most rows the table of all points shows (results.csv has them all).</summary>
    public const int MaxTableRows = 20_000;

    /// <summary>Most series a plot draws before it draws one per value of a single axis and holds the rest.</summary>
    private const int MaxSeries = 10;

    private static readonly string[] KeyMetrics =
        ["cycles", "latency_us", "load_efficiency", "luts", "ffs", "brams", "dsps", "memory_bits_total", "accuracy", "compression_ratio"];

    /// <summary>The page, rendered from <c>Templates/reports/sweep.html.hbs</c>.</summary>
    public static string Html(SweepResults results, TemplateRenderer? renderer = null)
    {
        var spec = results.Spec;
        var pareto = results.Pareto;
        var invalid = results.Rows.FirstOrDefault(r => !r.Record.IsOk);
        var keyMetrics = KeyMetrics.Select(m => results.Definition.Metrics.FirstOrDefault(d => d.Name == m)).OfType<MetricDefinition>()
            .Concat(results.Definition.Metrics.Where(m => m.NeedsSynth))
            .ToList();
        var allRows = results.Rows.Take(MaxTableRows).ToList();
        renderer ??= new TemplateRenderer();
        var plots = Plots(results, renderer);
        var model = new
        {
            version = HwGenInfo.Version,
            name = spec.Name,
            @base = spec.BasePath,
            sampling = SamplingText(results),
            summary = Summary(results),
            firstInvalid = invalid is null ? null : new { index = invalid.Record.Index.ToString(CultureInfo.InvariantCulture), error = invalid.Record.Error ?? string.Empty },
            best = pareto.Count == 0 ? null : new
            {
                count = Count(pareto.Count),
                objective = results.Objectives[0].Name,
                table = Table(results, [.. pareto.Take(50)], keyMetrics, "best"),
                more = pareto.Count > 50 ? Count(pareto.Count - 50) : null,
            },
            figures = plots.Where(p => p.Svg is not null).Select(p => new { svg = p.Svg, caption = p.Caption }).ToList(),
            notDrawn = plots.Where(p => p.Svg is null).Select(p => p.Caption).ToList(),
            all = new
            {
                table = Table(results, allRows, results.Definition.Columns, "all"),
                shown = results.Rows.Count > allRows.Count ? Count(allRows.Count) : null,
                total = Count(results.Rows.Count),
            },
            glossary = results.Definition.Columns.Select(m => new { name = m.Name, unit = m.Unit, description = m.Description }).ToList(),
        };
        return renderer.Render("reports/sweep.html.hbs", model);
    }

    /// <summary>A row of the summary table; <paramref name="Code"/> sets the value in code type.</summary>
    private sealed record SummaryRow(string Name, string Value, bool Code = false);

    private static List<object> Summary(SweepResults results)
    {
        var spec = results.Spec;
        int valid = results.Valid.Count();
        var rows = new List<SummaryRow>
        {
            new("points", $"{Count(results.Rows.Count)} ({Count(valid)} valid, {Count(results.Rows.Count - valid)} impossible designs)"),
            new("feasible", spec.Constraints.Count == 0 ? $"{Count(results.Feasible.Count())} (no constraints)" : $"{Count(results.Feasible.Count())} meet every constraint"),
            new("Pareto front", $"{Count(results.Pareto.Count)} non-dominated feasible point(s)"),
            new("input vectors", $"{spec.Vectors} per point (cycle model and accuracy)"),
        };
        rows.AddRange(spec.Axes.Select(axis => new SummaryRow($"axis {axis.Key}", string.Join(", ", axis.Values.Select(v => v.Text)), Code: true)));
        rows.AddRange(spec.Constraints.Select(constraint => new SummaryRow("constraint", constraint.Text, Code: true)));
        foreach (var objective in results.Objectives)
        {
            string goal = objective.Goal == ObjectiveGoal.Minimize ? "minimize" : "maximize";
            string text = spec.Objectives.Count == 0 ? $"{goal} {objective.Expression.Text} (default)" : $"{goal} {objective.Expression.Text}";
            rows.Add(new("objective", text, Code: true));
        }

        if (results.HasVerification)
        {
            var verified = results.Rows.Where(r => r.Record.Verified is not null).ToList();
            int passed = verified.Count(r => r.Record.Verified == SweepRecord.VerifyPassed);
            rows.Add(new("co-simulated", $"{passed} of {verified.Count} point(s) bit-exact and cycle-exact in Verilator"));
        }

        rows.Add(new("resources", results.Definition.Synth
            ? "luts/ffs/brams/dsps: the calibrated iCE40 estimate; synth_*: yosys synth_ice40 -dsp on every point"
            : "luts/ffs/brams/dsps: the analytic iCE40 estimate, calibrated against yosys synth_ice40 -dsp (docs/sweeps.md gives its error)"));
        return [.. rows.Select(r => (object)new { name = r.Name, value = r.Value, code = r.Code })];
    }

    /// <summary>The model of <c>Templates/reports/sweep-table.html.hbs</c>: a sortable table of points.</summary>
    private static object Table(SweepResults results, List<SweepRow> rows, IReadOnlyList<MetricDefinition> metrics, string id)
    {
        var objectives = results.Objectives.Select((o, i) => (o, i)).Where(x => !x.o.IsMetric).ToList();
        var headers = new List<object> { Header("index") };
        headers.AddRange(results.Spec.Axes.Select(axis => Header(axis.Key, css: "axis")));
        headers.Add(Header("feasible"));
        headers.AddRange(objectives.Select(x => Header(x.o.Name, title: x.o.Expression.Text)));
        headers.AddRange(metrics.Select(metric => Header(metric.Name, title: metric.Description)));
        if (results.HasVerification)
        {
            headers.Add(Header("verified"));
        }

        var body = new List<object>(rows.Count);
        foreach (var row in rows)
        {
            var r = row.Record;
            var cells = new List<object> { Cell(r.Index.ToString(CultureInfo.InvariantCulture)) };
            cells.AddRange(r.Values.Select(value => Cell(value)));
            cells.Add(Cell(!r.IsOk ? "invalid" : row.Feasible ? "yes" : "no"));
            cells.AddRange(objectives.Select(x => Number(r.IsOk ? row.Objectives[x.i] : double.NaN)));
            if (!r.IsOk)
            {
                cells.Add(Cell(r.Error ?? string.Empty, span: metrics.Count.ToString(CultureInfo.InvariantCulture)));
            }
            else
            {
                cells.AddRange(metrics.Select(metric => metric.Kind == MetricKind.Text
                    ? Cell(r.Texts.GetValueOrDefault(metric.Name, string.Empty))
                    : Number(r.Numbers.GetValueOrDefault(metric.Name, double.NaN))));
            }

            if (results.HasVerification)
            {
                cells.Add(Cell(r.Verified ?? string.Empty));
            }

            string? css = !r.IsOk ? "invalid" : row.Pareto ? "pareto" : row.Feasible ? null : "infeasible";
            body.Add(new { css, cells });
        }

        return new { id, headers, rows = body };
    }

    private static object Header(string text, string? css = null, string? title = null) => new { text, css, title };

    /// <summary>A table cell: its text, the exact number it sorts by (<c>data-v</c>), and the columns an error spans.</summary>
    private static object Cell(string text, string? v = null, string? span = null) => new { text, v, span };

    /// <summary>A plot, or (with a null SVG) why it is not drawn.</summary>
    private sealed record Plot(string? Svg, string Caption);

    private static List<Plot> Plots(SweepResults results, TemplateRenderer renderer)
    {
        var plots = new List<Plot>
        {
            LinePlot(renderer, results, "hardware.pes", "cycles", "Cycles vs PEs", "PEs", "cycles per inference (cycle model)"),
            LinePlot(renderer, results, "hardware.fifo_depth", "load_efficiency", "Load efficiency vs FIFO depth", "FIFO depth", "load efficiency (ideal / actual cycles)", yMin: 0, yMax: 1),
        };
        var density = results.Spec.Axes.FirstOrDefault(a => a.Path.Key.Path == "layers[].weights.density");
        plots.Add(LinePlot(renderer, results, density?.Key ?? "layers[*].weights.density", "accuracy", "Accuracy vs weight density", "weight density (kept by pruning)", "top-1 agreement with the float reference", yMin: 0, yMax: 1));
        plots.Add(LinePlot(renderer, results, "compression.codebook_bits", "sharing_accuracy", "Accuracy vs codebook bits", "codebook bits b", "top-1 agreement with the pruned float network", yMin: 0, yMax: 1));
        if (density is not null || results.Spec.Axes.Any(a => a.Key == "compression.codebook_bits"))
        {
            plots.Add(LinePlot(renderer, results, density?.Key ?? "compression.codebook_bits", "output_rel_error", "Output error vs " + (density is null ? "codebook bits" : "weight density"),
                density is null ? "codebook bits b" : "weight density", "mean |output error| / mean |reference output|", yMin: 0));
        }

        plots.Add(ParetoPlot(renderer, results));
        if (RooflinePlot(renderer, results) is { } roofline)
        {
            plots.Add(roofline);
        }

        return plots;
    }

    /// <summary>
    /// A metric against a numeric axis, one line per combination of the other axes when there are
    /// few; else one line per value of the other axis with fewest values, the remaining axes held at
    /// the base config's values (or, where the base value is not swept, the best over them).
    /// </summary>
    private static Plot LinePlot(TemplateRenderer renderer, SweepResults results, string axisKey, string metricName, string title, string xLabel, string yLabel, double? yMin = null, double? yMax = null)
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
        return new Plot(chart.Render(renderer), $"{title} ({metric.Description}).{aggregate}");
    }

    /// <summary>Latency against LUTs for every valid point; the latency–LUT front as a line; the objectives' front as rings.</summary>
    private static Plot ParetoPlot(TemplateRenderer renderer, SweepResults results)
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
        return new Plot(chart.Render(renderer), $"Latency vs LUTs of every valid point. The blue line joins the feasible points no other beats in both latency and LUTs; red rings mark the Pareto front of the objectives ({objectives}).");
    }

    /// <summary>
    /// The roofline of the points with external weights (none drawn without them): useful MACs per
    /// cycle against useful MACs per DRAM byte, and per PE count and bandwidth the roof
    /// min(N, bytes_per_cycle × intensity): a point under the sloped part is limited by the DRAM,
    /// under the flat part by the PEs.
    /// </summary>
    private static Plot? RooflinePlot(TemplateRenderer renderer, SweepResults results)
    {
        double Get(SweepRow r, string name) => r.Record.Numbers.GetValueOrDefault(name, 0);
        var rows = results.Valid.Where(r => Get(r, "dram_bytes") > 0 && Get(r, "cycles") > 0 && Get(r, "useful_macs") > 0).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        (double X, double Y) At(SweepRow r) => (Get(r, "useful_macs") / Get(r, "dram_bytes"), Get(r, "useful_macs") / Get(r, "cycles"));
        string Label(SweepRow r) => $"point {r.Record.Index}: {SweepDefinition.Describe(results.Spec, r.Record.Values)}; {Display(At(r).X)} MACs/byte, {Display(At(r).Y)} MACs/cycle";
        var xs = rows.Select(r => At(r).X).ToList();
        double lo = xs.Min() / 2, hi = xs.Max() * 2;
        var series = new List<ChartSeries>();
        var roofs = rows.GroupBy(r => (Pes: Get(r, "pes"), Bandwidth: Get(r, "dram_bytes_per_cycle"))).OrderBy(g => g.Key.Pes).ThenBy(g => g.Key.Bandwidth).ToList();
        for (int i = 0; i < roofs.Count; i++)
        {
            var (pes, bandwidth) = roofs[i].Key;
            string name = $"N={Display(pes)}, {Display(bandwidth)} B/cycle";
            string color = SvgChart.Palette[i % SvgChart.Palette.Count];
            double knee = pes / bandwidth;
            var roof = new List<(double X, double Y)> { (lo, Math.Min(pes, bandwidth * lo)) };
            if (knee > lo && knee < hi)
            {
                roof.Add((knee, pes));
            }

            roof.Add((hi, Math.Min(pes, bandwidth * hi)));
            if (roofs.Count <= MaxSeries)
            {
                series.Add(new ChartSeries($"roof {name}", roof, Markers: false, Color: color));
            }

            series.Add(new ChartSeries(name, [.. roofs[i].Select(At)], Line: false, Labels: [.. roofs[i].Select(Label)], Color: color, Radius: 4));
        }

        var chart = new SvgChart("Roofline (external weights)", "useful MACs per DRAM byte", "useful MACs per cycle", series)
        {
            LogX = true,
            LogY = true,
            Width = 640,
            Height = 400,
        };
        return new Plot(chart.Render(renderer),
            "Roofline of the points with their weights in DRAM: each point's useful MACs per cycle against its useful MACs per byte read; the lines are the roofs min(N, bytes_per_cycle × MACs/byte) of each PE count and bandwidth. "
            + "A point near the sloped part is limited by the DRAM, near the flat part by the PEs; the gap below its roof is what the memory system and the load balance lose.");
    }

    /// <summary>A number cell: empty when not finite, else shown for people and sorted by its exact value.</summary>
    private static object Number(double value) =>
        double.IsFinite(value) ? Cell(Display(value), v: SweepRecord.FormatNumber(value)) : Cell(string.Empty);

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

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
