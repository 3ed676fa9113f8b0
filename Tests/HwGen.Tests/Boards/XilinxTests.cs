using System.Text.Json.Nodes;
using HwGen.Configuration;
using HwGen.Tools;
using Xunit.Abstractions;

namespace HwGen.Tests.Boards;

/// <summary>
/// Xilinx boards, where Vivado cannot run here: the yosys synth_xilinx estimate and its fit
/// verdict, the AXI top's lint, and the Vivado scripts executed under tclsh against a stub of
/// Vivado's commands (it checks that every file they read exists and that the build ends in the
/// timing and utilization reports and the bitstream).
/// </summary>
public class XilinxTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    [Fact]
    public void Synth_for_arty_estimates_lut_ff_bram_and_dsp_with_yosys_and_checks_the_fit()
    {
        using var dir = new TempFolder("xilinx-estimate");
        string path = dir.File("mini.yaml");
        File.WriteAllText(path, ConfigYaml.Write(BoardDesigns.Mini(MemoryStyle.Auto)));

        var (exit, stdout, stderr) = Ice40SynthesisTests.RunCli("synth", path, "--board", "arty-a7-100t", "-o", dir.File("out"), "--json");

        output.WriteLine(stdout);
        exit.ShouldBe(0, stderr);
        var json = JsonNode.Parse(stdout)!;
        json["estimate"]!.GetValue<bool>().ShouldBeTrue();
        json["fits"]!.GetValue<bool>().ShouldBeTrue();
        json["fmax_mhz"].ShouldBeNull();
        json["flow"]!.GetValue<string>().ShouldContain("synth_xilinx -family xc7");
        json["memory"]!["spmat"]!.GetValue<string>().ShouldBe("inferred");
        foreach (var (name, available) in new[] { ("lut", 63400), ("ff", 126800), ("bram", 135), ("dsp", 240) })
        {
            json["resources"]![name]!["available"]!.GetValue<double>().ShouldBe(available, name);
        }

        json["resources"]!["lut"]!["used"]!.GetValue<double>().ShouldBeGreaterThan(500);
        json["resources"]!["dsp"]!["used"]!.GetValue<double>().ShouldBe(3, "one DSP48E1 per PE");
        json["bitstream"].ShouldBeNull();
    }

    [Theory]
    [InlineData("arty-a7-100t")]
    [InlineData("pynq-z2")]
    [InlineData("zcu104")]
    public void Vivado_build_script_and_block_design_run_to_the_bitstream_under_a_stub_vivado(string board)
    {
        using var dir = new TempFolder("vivado-" + board);
        var build = BoardDesigns.Write(BoardDesigns.Mini(MemoryStyle.Inferred), board, dir.Path);
        File.WriteAllText(dir.File("vivado_stub.tcl"), StubVivado);

        var run = ProcessRunner.Run("tclsh", ["vivado_stub.tcl"], dir.Path, Timeout);

        output.WriteLine(run.Stdout + run.Stderr);
        run.ExitCode.ShouldBe(0, run.Stdout + run.Stderr);
        var calls = run.Stdout.Split('\n').Where(l => l.StartsWith("CALL ", StringComparison.Ordinal)).Select(l => l[5..]).ToList();
        calls.ShouldContain($"create_project -in_memory -part {board switch { "arty-a7-100t" => "xc7a100tcsg324-1", "pynq-z2" => "xc7z020clg400-1", _ => "xczu7ev-ffvc1156-2-e" }}");
        calls.ShouldContain(c => c.StartsWith("create_bd_cell -type module -reference mini_axi", StringComparison.Ordinal));
        string[] order = ["synth_design", "place_design", "route_design", "report_timing_summary", "report_utilization", "write_bitstream"];
        var positions = order.Select(o => calls.FindLastIndex(c => c.StartsWith(o, StringComparison.Ordinal))).ToList();
        positions.ShouldAllBe(p => p >= 0);
        positions.ShouldBeInOrder(SortDirection.Ascending);
        calls[^1].ShouldBe("write_bitstream -force vivado/mini.bit");

        // Every port the constraints name is a port of the block design.
        var ports = calls.Where(c => c.StartsWith("create_bd_port", StringComparison.Ordinal)).Select(c => c.Split(' ')[^1]).ToHashSet();
        foreach (var pin in build.Board.Pins)
        {
            ports.ShouldContain(pin.Port, $"{board}: the XDC constrains {pin.Port}");
            File.ReadAllText(dir.File($"board/{board}.xdc")).ShouldContain($"{{ PACKAGE_PIN {pin.Pin} IOSTANDARD LVCMOS33 }} [get_ports {pin.Port}]");
        }
    }

    [Fact]
    public void Axi_top_and_bridge_are_clean_under_verilator_lint_wall()
    {
        using var dir = new TempFolder("xilinx-lint");
        var build = BoardDesigns.Write(BoardDesigns.Mini(MemoryStyle.Inferred), "pynq-z2", dir.Path);

        var result = ProcessRunner.Run("verilator", ["--lint-only", "-Wall", "--top-module", build.Top, .. build.Sources], dir.Path, Timeout);

        result.ExitCode.ShouldBe(0, string.Join('\n', result.ErrorLines));
        result.Stderr.ShouldNotContain("%Warning");
    }

    /// <summary>
    /// Vivado's Tcl commands as recording stubs: files a command reads must exist; get_* and
    /// create_* return names; everything is printed as "CALL command args".
    /// </summary>
    private const string StubVivado = """
        proc record {args} { puts "CALL [join $args { }]" }
        proc need {path} { if {![file exists $path]} { error "no such file: $path" } }
        foreach cmd {create_project set_property synth_design write_checkpoint report_utilization
                     opt_design place_design route_design report_timing_summary write_bitstream
                     create_bd_design create_bd_port connect_bd_net connect_bd_intf_net
                     apply_bd_automation assign_bd_address validate_bd_design save_bd_design
                     generate_target current_project} {
          proc $cmd {args} "record $cmd {*}\$args; return $cmd"
        }
        proc create_bd_cell {args} { record create_bd_cell {*}$args; return [lindex $args end] }
        proc get_bd_cells {args} { return [lindex $args end] }
        proc get_bd_ports {args} { return [lindex $args end] }
        proc get_bd_pins {args} { return [lindex $args end] }
        proc get_bd_intf_pins {args} { return [lindex $args end] }
        proc get_bd_addr_segs {args} { return [lindex $args end] }
        proc get_ports {args} { return [lindex $args end] }
        proc get_files {args} { record get_files {*}$args; return system.bd }
        proc make_wrapper {args} { record make_wrapper {*}$args; return system_wrapper.v }
        proc read_verilog {args} {
          record read_verilog {*}$args
          foreach f [lindex $args end] { if {$f ne "system_wrapper.v"} { need $f } }
        }
        proc read_xdc {path} { record read_xdc $path; need $path }
        proc add_files {args} { record add_files {*}$args; foreach f [lindex $args end] { need $f } }
        set argv {}
        source build_vivado.tcl
        """;
}
