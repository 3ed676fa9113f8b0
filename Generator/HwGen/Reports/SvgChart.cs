using System.Globalization;
using System.Net;
using System.Text;

namespace HwGen.Reports;

/// <summary>One named series of (x, y) points.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points, bool Markers = true, bool Line = true);

/// <summary>
/// A small, dependency-free SVG chart (lines and scatter, linear or log2 x axis) for the
/// reports; the output is deterministic text, so reports can be snapshot-tested.
/// </summary>
/// <remarks>No reachable NuGet package renders SVG charts without a native graphics stack, hence this.</remarks>
public sealed record SvgChart(string Title, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series)
{
    private static readonly string[] Palette =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    public bool LogX { get; init; }

    /// <summary>Log2 y axis (for speedups and other ratios spanning decades).</summary>
    public bool LogY { get; init; }

    public double? YMin { get; init; }

    public double? YMax { get; init; }

    public int Width { get; init; } = 720;

    public int Height { get; init; } = 420;

    public string Render()
    {
        const int left = 70, right = 170, top = 40, bottom = 55;
        var points = Series.SelectMany(s => s.Points).ToList();
        double Tx(double x) => LogX ? Math.Log2(Math.Max(x, 1e-12)) : x;
        double Ty(double y) => LogY ? Math.Log2(Math.Max(y, 1e-12)) : y;
        double xMin = points.Count == 0 ? 0 : points.Min(p => Tx(p.X));
        double xMax = points.Count == 0 ? 1 : points.Max(p => Tx(p.X));
        double yMin = LogY ? Math.Floor(points.Count == 0 ? 0 : points.Min(p => Ty(p.Y)))
            : YMin ?? (points.Count == 0 ? 0 : Math.Min(0, points.Min(p => p.Y)));
        double yMax = LogY ? Math.Ceiling(points.Count == 0 ? 1 : points.Max(p => Ty(p.Y)))
            : YMax ?? (points.Count == 0 ? 1 : points.Max(p => p.Y));
        if (xMax <= xMin)
        {
            xMax = xMin + 1;
        }

        if (yMax <= yMin)
        {
            yMax = yMin + 1;
        }

        double plotW = Width - left - right, plotH = Height - top - bottom;
        double X(double x) => left + ((Tx(x) - xMin) / (xMax - xMin) * plotW);
        double Y(double y) => top + plotH - ((Ty(y) - yMin) / (yMax - yMin) * plotH);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Esc(Title)}</text>\n");

        // Axes, grid and ticks.
        foreach (double yt in Ticks(yMin, yMax))
        {
            double yp = top + plotH - ((yt - yMin) / (yMax - yMin) * plotH);
            string label = LogY ? Tick(Math.Pow(2, yt)) : Tick(yt);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{F(yp)}\" x2=\"{left + plotW}\" y2=\"{F(yp)}\" stroke=\"#e5e5e5\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{F(yp + 4)}\" text-anchor=\"end\">{Esc(label)}</text>\n");
        }

        foreach (double xv in Ticks(xMin, xMax))
        {
            double xp = left + ((xv - xMin) / (xMax - xMin) * plotW);
            string label = LogX ? Tick(Math.Pow(2, xv)) : Tick(xv);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(xp)}\" y1=\"{top}\" x2=\"{F(xp)}\" y2=\"{top + plotH}\" stroke=\"#f0f0f0\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(xp)}\" y=\"{F(top + plotH + 16)}\" text-anchor=\"middle\">{Esc(label)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{F(plotW)}\" height=\"{F(plotH)}\" fill=\"none\" stroke=\"#333\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + (plotW / 2))}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Esc(XLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(16 {F(top + (plotH / 2))}) rotate(-90)\" text-anchor=\"middle\">{Esc(YLabel)}</text>\n");

        for (int s = 0; s < Series.Count; s++)
        {
            var series = Series[s];
            string color = Palette[s % Palette.Length];
            var ordered = series.Points.OrderBy(p => p.X).ToList();
            if (series.Line && ordered.Count > 1)
            {
                svg.Append("<polyline fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"2\" points=\"");
                svg.Append(string.Join(' ', ordered.Select(p => $"{F(X(p.X))},{F(Y(p.Y))}")));
                svg.Append("\"/>\n");
            }

            if (series.Markers)
            {
                foreach (var p in ordered)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(p.X))}\" cy=\"{F(Y(p.Y))}\" r=\"3\" fill=\"{color}\"><title>{Esc(series.Name)}: ({Tick(p.X)}, {Tick(p.Y)})</title></circle>\n");
                }
            }

            double ly = top + 10 + (s * 18);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(left + plotW + 12)}\" y=\"{F(ly - 9)}\" width=\"12\" height=\"12\" fill=\"{color}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + plotW + 30)}\" y=\"{F(ly + 1)}\">{Esc(series.Name)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Round-numbered ticks (steps of 1, 2 or 5 × 10^k) covering [min, max].</summary>
    private static IEnumerable<double> Ticks(double min, double max)
    {
        double span = max - min;
        double step = Math.Pow(10, Math.Floor(Math.Log10(span / 5)));
        if (span / step > 25)
        {
            step *= 5;
        }
        else if (span / step > 10)
        {
            step *= 2;
        }

        for (double x = Math.Ceiling(min / step) * step; x <= max + 1e-9; x += step)
        {
            yield return x;
        }
    }

    private static string Tick(double value) =>
        Math.Abs(value) >= 1e5 || (Math.Abs(value) < 1e-3 && value != 0)
            ? value.ToString("0.##E+0", CultureInfo.InvariantCulture)
            : value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Esc(string text) => WebUtility.HtmlEncode(text);
}
