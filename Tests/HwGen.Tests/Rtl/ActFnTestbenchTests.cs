using System.Globalization;
using System.Text;
using HwGen.Compression;
using HwGen.Data;
using HwGen.Tools;

namespace HwGen.Tests.Rtl;

/// <summary>
/// Runs Testbenches/unit/hwgen_act_fn_tb.sv: hwgen_act_fn against the C# FixedActivation on every
/// input of five (A, Fa) settings, combinational and registered, with table images and expected
/// results written here from the same C# code.
/// </summary>
public class ActFnTestbenchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>The settings the testbench instantiates, in its order.</summary>
    private static readonly (int Bits, int Frac)[] Settings = [(16, 8), (10, 6), (8, 0), (12, 11), (6, 2)];

    /// <summary>Writes act_AA_FF.mem (the table) and act_AA_FF_expected.mem ({tanh, sigmoid} per input).</summary>
    private static void WriteImages(string dir)
    {
        foreach (var (bits, frac) in Settings)
        {
            string stem = Path.Combine(dir, $"act_{bits:D2}_{frac:D2}");
            File.WriteAllText(stem + ".mem", ActivationTable.For(frac).HexImage());
            var expected = new StringBuilder();
            long mask = (1L << bits) - 1;
            for (long i = 0; i < 1L << bits; i++)
            {
                long s = i >= 1L << (bits - 1) ? i - (1L << bits) : i;
                long tanh = FixedActivation.Apply(ActivationKind.Tanh, s, bits, frac) & mask;
                long sigmoid = FixedActivation.Apply(ActivationKind.Sigmoid, s, bits, frac) & mask;
                expected.Append(((tanh << bits) | sigmoid).ToString("x", CultureInfo.InvariantCulture)).Append('\n');
            }

            File.WriteAllText(stem + "_expected.mem", expected.ToString());
        }
    }

    private static List<string> Sources() =>
        [Path.Combine(HwGenInfo.RtlDir, "hwgen_act_fn.sv"), Path.Combine(HwGenInfo.TestbenchesDir, "unit", "hwgen_act_fn_tb.sv")];

    [Fact]
    public void Act_fn_matches_the_golden_function_on_every_input_in_icarus()
    {
        using var dir = new TempFolder("act-fn-iverilog");
        WriteImages(dir.Path);

        ProcessRunner.RunChecked("iverilog", ["-g2012", "-o", "tb.vvp", .. Sources()], dir.Path, Timeout);
        var run = ProcessRunner.RunChecked("vvp", ["-n", "tb.vvp"], dir.Path, Timeout);

        run.Stdout.ShouldNotContain("FAIL");
        run.Stdout.ShouldContain("PASS ");
    }

    [Fact]
    public void Act_fn_matches_the_golden_function_on_every_input_in_verilator()
    {
        using var dir = new TempFolder("act-fn-verilator");
        WriteImages(dir.Path);

        ProcessRunner.RunChecked(
            "verilator", ["--binary", "--timing", "--assert", "-Wno-fatal", "-j", "1", "--top-module", "hwgen_act_fn_tb", "-o", "tb", .. Sources()], dir.Path, Timeout);
        var run = ProcessRunner.RunChecked(Path.Combine(dir.Path, "obj_dir", "tb"), [], dir.Path, Timeout);

        run.Stdout.ShouldNotContain("FAIL");
        run.Stdout.ShouldContain("PASS ");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Act_fn_synthesizes_in_yosys_without_latches(int latency)
    {
        using var dir = new TempFolder("act-fn-yosys");
        File.WriteAllText(dir.File("act_16_8.mem"), ActivationTable.For(8).HexImage());
        string script =
            $"read_verilog -sv {Path.Combine(HwGenInfo.RtlDir, "hwgen_act_fn.sv")}; " +
            $"chparam -set Latency {latency} -set TableFile \"act_16_8.mem\" hwgen_act_fn; " +
            "synth -top hwgen_act_fn; select -assert-none t:$dlatch t:$_DLATCH_*; stat";

        var run = ProcessRunner.RunChecked("nice", ["yosys", "-q", "-p", script], dir.Path, Timeout);

        run.ExitCode.ShouldBe(0);
    }
}
