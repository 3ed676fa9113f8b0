using HwGen.Tools;

namespace HwGen.Tests.Simulation;

/// <summary>
/// The self-checking unit testbenches of the board-side RTL cells (Testbenches/unit/): the UART,
/// the UART host protocol and the AXI bridge, in both simulators, plus their lint.
/// </summary>
[Trait("Category", "Tools")]
public class BoardCellTestbenchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static TheoryData<string, string[]> Testbenches() => new()
    {
        { "hwgen_uart_tb", ["hwgen_uart_rx.sv", "hwgen_uart_tx.sv"] },
        { "hwgen_uart_host_tb", ["hwgen_uart_host.sv"] },
        { "hwgen_axi_host_tb", ["hwgen_axi_host.sv"] },
    };

    [Theory]
    [MemberData(nameof(Testbenches))]
    public void Cell_testbench_passes_in_icarus(string testbench, string[] cells)
    {
        using var dir = new TempFolder(testbench);

        ProcessRunner.RunChecked("iverilog", ["-g2012", "-o", "tb.vvp", .. Sources(testbench, cells)], dir.Path, Timeout);
        var run = ProcessRunner.RunChecked("vvp", ["-n", "tb.vvp"], dir.Path, Timeout);

        run.Stdout.ShouldContain("PASS ");
        run.Stdout.ShouldNotContain("FAIL");
    }

    [Theory]
    [MemberData(nameof(Testbenches))]
    public void Cell_testbench_passes_in_verilator(string testbench, string[] cells)
    {
        using var dir = new TempFolder(testbench);

        ProcessRunner.RunChecked("verilator", ["--binary", "--timing", "--assert", "-Wno-fatal", "-j", "1", "--top-module", testbench, "-o", "tb", .. Sources(testbench, cells)], dir.Path, Timeout);
        var run = ProcessRunner.RunChecked(Path.Combine(dir.Path, "obj_dir", "tb"), [], dir.Path, Timeout);

        run.Stdout.ShouldContain("PASS ");
        run.Stdout.ShouldNotContain("FAIL");
    }

    [Theory]
    [InlineData("hwgen_uart_rx.sv", "")]
    [InlineData("hwgen_uart_tx.sv", "")]
    [InlineData("hwgen_uart_host.sv", "")]
    [InlineData("hwgen_uart_host.sv", "-GActBits=9 -GLdBits=100 -GTimeoutCycles=1000")]
    [InlineData("hwgen_axi_host.sv", "")]
    [InlineData("hwgen_axi_host.sv", "-GActBits=8 -GLdBits=32")]
    [InlineData("hwgen_axi_host.sv", "-GExtWeights=1'b1")]
    public void Board_cell_is_clean_under_verilator_lint_wall(string cell, string parameters)
    {
        using var dir = new TempFolder("lint-cell");

        var result = ProcessRunner.Run("verilator", ["--lint-only", "-Wall", .. parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries), Path.Combine(HwGenInfo.RtlDir, cell)], dir.Path, Timeout);

        result.ExitCode.ShouldBe(0, string.Join('\n', result.ErrorLines));
        result.Stderr.ShouldNotContain("%Warning");
    }

    private static IEnumerable<string> Sources(string testbench, string[] cells) =>
        cells.Select(c => Path.Combine(HwGenInfo.RtlDir, c)).Append(Path.Combine(HwGenInfo.TestbenchesDir, "unit", testbench + ".sv"));
}
