using System.Globalization;
using System.Text.RegularExpressions;
using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Emit;
using HwGen.Hardware;
using HwGen.Tools;

namespace HwGen.Tests.Boards;

/// <summary>The iCE40 PLL dividers HwGen computes: the same as icestorm's icepll, always within the PLL's ranges.</summary>
public partial class Ice40PllTests
{
    [Theory]
    [InlineData(16.5)]
    [InlineData(24)]
    [InlineData(30)]
    [InlineData(31)]
    [InlineData(48)]
    [InlineData(50)]
    [InlineData(100)]
    [InlineData(133.7)]
    public void Dividers_for_12_mhz_are_the_ones_icepll_chooses(double wanted)
    {
        string mhz = wanted.ToString(CultureInfo.InvariantCulture);
        var icepll = ProcessRunner.RunChecked("icepll", ["-i", "12", "-o", mhz], ".", TimeSpan.FromSeconds(30)).Stdout;
        int Field(string name) => int.Parse(Field_(name).Match(icepll).Groups[1].Value, CultureInfo.InvariantCulture);

        var setting = Ice40Pll.Find(12, wanted).ShouldNotBeNull();

        (setting.DivR, setting.DivF, setting.DivQ, setting.FilterRange).ShouldBe((Field("DIVR"), Field("DIVF"), Field("DIVQ"), Field("FILTER_RANGE")), icepll);
        setting.OutputMhz.ShouldBe(12.0 * (setting.DivF + 1) / ((setting.DivR + 1) << setting.DivQ), 1e-9);
    }

    [Fact]
    public void Every_reachable_frequency_keeps_the_vco_and_output_in_range()
    {
        var reachable = Ice40Pll.Reachable(12);

        reachable.ShouldNotBeEmpty();
        reachable.ShouldAllBe(f => f >= Ice40Pll.MinOutputMhz && f <= Ice40Pll.MaxOutputMhz);
        reachable.ShouldContain(30.0);
        reachable.ShouldContain(16.5);
        reachable.ShouldNotContain(31.0);
        foreach (double f in reachable)
        {
            var setting = Ice40Pll.Find(12, f)!;
            setting.OutputMhz.ShouldBe(f);
            setting.VcoMhz.ShouldBeInRange(Ice40Pll.MinVcoMhz, Ice40Pll.MaxVcoMhz);
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(300)]
    public void A_clock_the_icebreaker_pll_cannot_make_is_a_spec_error_at_the_clock_key(double mhz)
    {
        var config = BoardDesigns.Mini(MemoryStyle.Inferred) with { Hardware = BoardDesigns.Mini(MemoryStyle.Inferred).Hardware with { ClockMhz = mhz } };
        var network = Design.FromConfig(config).Network;

        var error = Should.Throw<HardwareSpecException>(() => BoardBuild.Prepare(network, BoardCatalog.Load("icebreaker")));

        error.Key.ShouldBe("hardware.clock_mhz");
        error.Message.ShouldContain("16–275 MHz");
    }

    [Fact]
    public void The_oscillator_frequency_needs_no_pll()
    {
        var config = BoardDesigns.Mini(MemoryStyle.Inferred) with { Hardware = BoardDesigns.Mini(MemoryStyle.Inferred).Hardware with { ClockMhz = 12 } };

        var build = BoardBuild.Prepare(Design.FromConfig(config).Network, BoardCatalog.Load("icebreaker"));

        build.Pll.ShouldBeNull();
        build.ClockMhz.ShouldBe(12);
        build.ClksPerBit.ShouldBe(104, "12 MHz / 115200 baud");
        build.TemplateModel()["usePll"].ShouldBe(0);
    }

    private static Regex Field_(string name) => new($@"^{name}:\s*(\d+)", RegexOptions.Multiline);
}
