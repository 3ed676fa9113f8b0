using System.Globalization;
using HwGen.Emit;

namespace HwGen.Reports;

/// <summary>One named series of (x, y) points.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Points">The points; a line joins them in x order.</param>
/// <param name="Markers">Draw a marker at each point.</param>
/// <param name="Line">Join the points.</param>
/// <param name="Labels">A tooltip per point (same order as <paramref name="Points"/>), or null for "name: (x, y)".</param>
/// <param name="Color">A CSS colour, or null for the palette's next.</param>
/// <param name="Radius">Marker radius in pixels.</param>
/// <param name="Ring">Draw markers as rings (stroke only), to highlight points drawn under them.</param>
public sealed record ChartSeries(
    string Name,
    IReadOnlyList<(double X, double Y)> Points,
    bool Markers = true,
    bool Line = true,
    IReadOnlyList<string>? Labels = null,
    string? Color = null,
    double Radius = 3,
    bool Ring = false);

/// <summary>
/// A small SVG chart (lines and scatter, linear or log2 axes) for the reports: this record
/// computes the geometry, <c>Templates/reports/chart.svg.hbs</c> draws it; the output is
/// deterministic text, so reports can be snapshot-tested.
/// </summary>
/// <remarks>No reachable NuGet package renders SVG charts without a native graphics stack, hence this.</remarks>
public sealed record SvgChart(string Title, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>The series colours, in order.</summary>
    public static readonly IReadOnlyList<string> Palette =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    public bool LogX { get; init; }

    /// <summary>Log2 y axis (ticks at powers of two), for speedups and other ratios spanning decades.</summary>
    public bool LogY { get; init; }

    public double? YMin { get; init; }

    public double? YMax { get; init; }

    public int Width { get; init; } = 720;

    public int Height { get; init; } = 420;

    /// <summary>The chart as SVG text, rendered from <c>Templates/reports/chart.svg.hbs</c>.</summary>
    public string Render(TemplateRenderer? renderer = null)
    {
        const int left = 70, top = 40, bottom = 55;

        // The legend's column is as wide as its longest name needs.
        int right = Math.Clamp(34 + (7 * Series.Select(s => s.Name.Length).DefaultIfEmpty(0).Max()), 170, Width / 2);
        var points = Series.SelectMany(s => s.Points).ToList();
        double Tx(double x) => LogX ? Math.Log2(Math.Max(x, 1e-12)) : x;
        double Ty(double y) => LogY ? Math.Log2(Math.Max(y, 1e-12)) : y;
        double xMin = points.Count == 0 ? 0 : points.Min(p => Tx(p.X));
        double xMax = points.Count == 0 ? 1 : points.Max(p => Tx(p.X));
        double yMin = YMin is { } lo && (!LogY || lo > 0) ? Ty(lo) : (points.Count == 0 ? 0 : LogY ? Math.Floor(points.Min(p => Ty(p.Y))) : Math.Min(0, points.Min(p => p.Y)));
        double yMax = YMax is { } hi ? Ty(hi) : (points.Count == 0 ? 1 : LogY ? Math.Ceiling(points.Max(p => Ty(p.Y))) : points.Max(p => p.Y));
        if (xMax <= xMin)
        {
            xMax = xMin + 1;
        }

        if (yMax <= yMin)
        {
            yMax = yMin + 1;
        }

        // A linear y axis without fixed bounds ends on round ticks.
        double yStep = NiceStep(yMax - yMin);
        if (!LogY && YMin is null)
        {
            yMin = Math.Floor((yMin / yStep) + 1e-9) * yStep;
        }

        if (!LogY && YMax is null)
        {
            yMax = Math.Ceiling((yMax / yStep) - 1e-9) * yStep;
        }

        double plotW = Width - left - right, plotH = Height - top - bottom;
        double X(double x) => left + ((Tx(x) - xMin) / (xMax - xMin) * plotW);
        double Y(double y) => top + plotH - ((Ty(y) - yMin) / (yMax - yMin) * plotH);

        static string N(double value) => value.ToString(CultureInfo.InvariantCulture);
        var yTicks = (LogY && yMax - yMin >= 1 ? LogTicks(yMin, yMax) : NiceTicks(yMin, yMax)).Select(yv =>
        {
            double yp = top + plotH - ((yv - yMin) / (yMax - yMin) * plotH);
            return new { x1 = N(left), x2 = N(left + plotW), y = F(yp), labelX = N(left - 6), labelY = F(yp + 4), label = LogY ? Tick(Math.Pow(2, yv)) : Tick(yv) };
        });
        var xTicks = (LogX && xMax - xMin >= 1 ? LogTicks(xMin, xMax) : NiceTicks(xMin, xMax)).Select(xv =>
        {
            double xp = left + ((xv - xMin) / (xMax - xMin) * plotW);
            return new { x = F(xp), y1 = N(top), y2 = N(top + plotH), labelY = F(top + plotH + 16), label = LogX ? Tick(Math.Pow(2, xv)) : Tick(xv) };
        });
        var series = Series.Select((one, s) =>
        {
            string color = one.Color ?? Palette[s % Palette.Count];
            var order = Enumerable.Range(0, one.Points.Count).OrderBy(i => one.Points[i].X).ToList();
            var ordered = order.Select(i => one.Points[i]).ToList();
            var markers = order.Where(_ => one.Markers).Select(i => new
            {
                x = F(X(one.Points[i].X)),
                y = F(Y(one.Points[i].Y)),
                r = F(one.Radius),
                ring = one.Ring,
                color,
                tip = one.Labels is { } labels ? labels[i] : $"{one.Name}: ({Tick(one.Points[i].X)}, {Tick(one.Points[i].Y)})",
            }).ToList();
            double ly = top + 10 + (s * 18);
            return new
            {
                name = one.Name,
                color,
                line = one.Line && ordered.Count > 1 ? string.Join(' ', ordered.Select(p => $"{F(X(p.X))},{F(Y(p.Y))}")) : null,
                markers,
                legendX = F(left + plotW + 12),
                legendY = F(ly - 9),
                legendTextX = F(left + plotW + 30),
                legendTextY = F(ly + 1),
            };
        });
        var model = new
        {
            width = N(Width),
            height = N(Height),
            titleX = N(Width / 2),
            title = Title,
            yTicks = yTicks.ToList(),
            xTicks = xTicks.ToList(),
            frame = new { x = N(left), y = N(top), width = F(plotW), height = F(plotH) },
            xLabel = new { x = F(left + (plotW / 2)), y = N(Height - 12), text = XLabel },
            yLabel = new { y = F(top + (plotH / 2)), text = YLabel },
            series = series.ToList(),
        };
        return (renderer ?? new TemplateRenderer()).Render("reports/chart.svg.hbs", model);
    }

    /// <summary>Integer exponents from min to max (every other one when there are many).</summary>
    private static IEnumerable<double> LogTicks(double min, double max)
    {
        double step = max - min > 10 ? 2 : 1;
        for (double x = Math.Ceiling(min); x <= max + 1e-9; x += step)
        {
            yield return x;
        }
    }

    /// <summary>Ticks at multiples of a round step (1, 2, 2.5 or 5 × 10^k) from min to max, at most about seven.</summary>
    private static IEnumerable<double> NiceTicks(double min, double max)
    {
        double step = NiceStep(max - min);
        for (double k = Math.Ceiling((min / step) - 1e-9); k * step <= max + (step * 1e-9); k++)
        {
            // Multiplying a whole count by the step keeps 0.1 + 0.1 + 0.1 from drifting.
            double tick = Math.Round(k * step, 12);
            yield return tick == 0 ? 0 : tick;
        }
    }

    /// <summary>The round step that cuts a span into at most six intervals.</summary>
    private static double NiceStep(double span)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(span / 6)));
        foreach (double factor in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (span / (factor * magnitude) <= 6)
            {
                return factor * magnitude;
            }
        }

        return 10 * magnitude;
    }

    /// <summary>A tick label: 0.125, 2048, 33k, 1.05M, 2.5E+9.</summary>
    private static string Tick(double value) => Math.Abs(value) switch
    {
        >= 1e9 => value.ToString("0.##E+0", CultureInfo.InvariantCulture),
        >= 1e6 => (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1e4 => (value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        < 1e-3 when value != 0 => value.ToString("0.##E+0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

}
