using HwGen.Tools;

namespace HwGen.Tests.Simulation;

/// <summary>Runs the self-checking unit testbenches of the reusable RTL cells (Testbenches/unit/).</summary>
[Trait("Category", "Tools")]
public class CellTestbenchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData("hwgen_lnzd_tb", new[] { "hwgen_lnzd_node.sv", "hwgen_lnzd.sv" })]
    [InlineData("hwgen_fifo_tb", new[] { "hwgen_fifo.sv" })]
    public void Cell_testbench_passes_in_icarus(string testbench, string[] cells)
    {
        using var dir = new TempFolder(testbench);
        var sources = cells.Select(c => Path.Combine(HwGenInfo.RtlDir, c)).Append(Unit(testbench)).ToList();

        ProcessRunner.RunChecked("iverilog", ["-g2012", "-o", "tb.vvp", .. sources], dir.Path, Timeout);
        var run = ProcessRunner.RunChecked("vvp", ["-n", "tb.vvp"], dir.Path, Timeout);

        run.Stdout.ShouldContain("PASS ");
        run.Stdout.ShouldNotContain("FAIL");
    }

    [Theory]
    [InlineData("hwgen_lnzd_tb", new[] { "hwgen_lnzd_node.sv", "hwgen_lnzd.sv" })]
    [InlineData("hwgen_fifo_tb", new[] { "hwgen_fifo.sv" })]
    public void Cell_testbench_passes_in_verilator(string testbench, string[] cells)
    {
        using var dir = new TempFolder(testbench);
        var sources = cells.Select(c => Path.Combine(HwGenInfo.RtlDir, c)).Append(Unit(testbench)).ToList();

        ProcessRunner.RunChecked("verilator", ["--binary", "--timing", "--assert", "-Wno-fatal", "-j", "1", "--top-module", testbench, "-o", "tb", .. sources], dir.Path, Timeout);
        var run = ProcessRunner.RunChecked(Path.Combine(dir.Path, "obj_dir", "tb"), [], dir.Path, Timeout);

        run.Stdout.ShouldContain("PASS ");
        run.Stdout.ShouldNotContain("FAIL");
    }

    private static string Unit(string testbench) => Path.Combine(HwGenInfo.TestbenchesDir, "unit", testbench + ".sv");
}
