using System.Text.RegularExpressions;
using HwGen.Sweep;
using HwGen.Tools;
using Xunit.Abstractions;

namespace HwGen.Tests.Sweep;

/// <summary>report.html: self-contained, every point in its table, the plots, and it renders in headless Chromium.</summary>
public partial class SweepReportTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ChromiumTimeout = TimeSpan.FromMinutes(2);

    private static string Report(TempFolder folder)
    {
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);
        SweepRunner.Run(new SweepOptions { SweepFile = sweep, OutputDirectory = folder.File("out") });
        return folder.File("out/report.html");
    }

    [Fact]
    public void The_report_holds_a_row_per_point_the_plots_and_nothing_it_would_fetch()
    {
        using var folder = new TempFolder();

        string html = File.ReadAllText(Report(folder));

        string table = html[html.IndexOf("<table id=\"all\"", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("</table>", StringComparison.Ordinal)];
        RowPattern().Count(table).ShouldBe(12 + 1, "a header row and one row per point");
        html.ShouldContain("<svg", Case.Sensitive);
        SvgTitle().Matches(html).Select(m => m.Groups[1].Value).ShouldBe(
            ["Cycles vs PEs", "Load efficiency vs FIFO depth", "Accuracy vs codebook bits", "Output error vs codebook bits", "Latency vs LUTs"]);
        html.ShouldContain("Accuracy vs weight density: not drawn");
        ExternalReference().IsMatch(html).ShouldBeFalse("the page loads nothing");
    }

    [Fact]
    public void A_sweep_of_external_weights_draws_the_roofline_with_a_roof_per_pe_count_and_bandwidth()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, """
            name: roofline
            base: base.yaml
            vectors: 2
            axes:
              hardware.weight_memory: [on_chip, external]
              hardware.pes: [2, 3]
              hardware.dram.bytes_per_cycle: [1, 4]
            """);

        SweepRunner.Run(new SweepOptions { SweepFile = sweep, OutputDirectory = folder.File("out") });
        string html = File.ReadAllText(folder.File("out/report.html"));

        SvgTitle().Matches(html).Select(m => m.Groups[1].Value).ShouldContain("Roofline (external weights)");
        string roofline = html[html.IndexOf("Roofline (external weights)", StringComparison.Ordinal)..];
        roofline = roofline[..roofline.IndexOf("</svg>", StringComparison.Ordinal)];
        foreach (var roof in new[] { "N=2, 1 B/cycle", "N=2, 4 B/cycle", "N=3, 1 B/cycle", "N=3, 4 B/cycle" })
        {
            roofline.ShouldContain($"roof {roof}");
        }

        // One marker per external point (4 of the 8; on-chip points read no DRAM), each titled with its intensity.
        Regex.Count(roofline, "MACs/byte").ShouldBe(4);
        html.ShouldContain("limited by the DRAM");
    }

    [Fact]
    public void A_sweep_without_external_weights_has_no_roofline()
    {
        using var folder = new TempFolder();

        string html = File.ReadAllText(Report(folder));

        html.ShouldNotContain("Roofline");
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void The_report_renders_in_headless_chromium_with_its_tables_and_plots()
    {
        using var folder = new TempFolder();
        string report = Report(folder);

        string dom = Chromium(folder, report, "--dump-dom");

        var rows = RowPattern().Count(dom);
        rows.ShouldBeGreaterThanOrEqualTo(12 + 1, dom.Length > 2000 ? dom[..2000] : dom);
        Regex.Count(dom, "<svg ").ShouldBe(5);
        dom.ShouldContain("Best designs");
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Clicking_a_column_in_chromium_sorts_the_table_by_its_numbers()
    {
        using var folder = new TempFolder();
        string report = Report(folder);

        // After the page's own script: click the "luts" header twice (descending) and record the order.
        string probe = folder.File("out/probe.html");
        File.WriteAllText(probe, File.ReadAllText(report).Replace("</body>", """
            <script>
            var table = document.getElementById('all');
            var header = Array.prototype.find.call(table.tHead.rows[0].cells, function (th) { return th.textContent === 'luts'; });
            header.click();
            header.click();
            var column = Array.prototype.indexOf.call(header.parentNode.cells, header);
            document.body.setAttribute('data-sorted', Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.cells[column].dataset.v; }).join(' '));
            </script>
            </body>
            """, StringComparison.Ordinal));

        string dom = Chromium(folder, probe, "--dump-dom");

        var match = Regex.Match(dom, "data-sorted=\"([^\"]*)\"");
        match.Success.ShouldBeTrue("the probe ran");
        var luts = match.Groups[1].Value.Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        luts.Count.ShouldBe(12);
        luts.ShouldBeInOrder(SortDirection.Descending);
        luts.Distinct().Count().ShouldBeGreaterThan(1);
    }

    private string Chromium(TempFolder folder, string page, string mode)
    {
        ProcessRunner.IsOnPath("chromium").ShouldBeTrue("headless Chromium is a test dependency: make setup installs it (apt-get install -y chromium)");
        string profile = folder.File("chromium-profile");
        var result = ProcessRunner.Run("chromium",
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--window-size=1400,2000", mode, new Uri(page).AbsoluteUri,
        ], folder.Path, ChromiumTimeout);
        output.WriteLine(string.Join('\n', result.ErrorLines));
        result.ExitCode.ShouldBe(0, string.Join('\n', result.ErrorLines));
        return result.Stdout;
    }

    [GeneratedRegex("<tr[ >]")]
    private static partial Regex RowPattern();

    [GeneratedRegex("font-size=\"15\" font-weight=\"bold\">([^<]*)</text>")]
    private static partial Regex SvgTitle();

    [GeneratedRegex("(src|href)=\"|@import|url\\(")]
    private static partial Regex ExternalReference();
}
