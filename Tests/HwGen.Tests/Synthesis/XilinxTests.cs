using System.Text.Json.Nodes;
using HwGen.Configuration;
using HwGen.Synthesis;
using HwGen.Tools;
using Xunit.Abstractions;

namespace HwGen.Tests.Synthesis;

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
    [Trait("Category", "Tools")]
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

    [Theory]
    [InlineData("arty-a7-100t", "mig/S_AXI", "0x80000000 -range 256M mig/memmap/memaddr")]
    [InlineData("pynq-z2", "ps/S_AXI_HP0", "0x00000000 -range 512M ps/S_AXI_HP0/HP0_DDR_LOWOCM")]
    [InlineData("zcu104", "ps/S_AXI_HP0_FPD", "0x00000000 -range 2G ps/SAXIGP2/HP0_DDR_LOW")]
    public void External_weights_block_design_wires_the_cores_axi_master_to_the_boards_dram(string board, string slave, string segment)
    {
        using var dir = new TempFolder("vivado-ext-" + board);
        var build = BoardDesigns.Write(BoardDesigns.MiniExternal(), board, dir.Path);
        File.WriteAllText(dir.File("vivado_stub.tcl"), StubVivado);

        var run = ProcessRunner.Run("tclsh", ["vivado_stub.tcl"], dir.Path, Timeout);

        output.WriteLine(run.Stdout + run.Stderr);
        run.ExitCode.ShouldBe(0, run.Stdout + run.Stderr);
        var calls = run.Stdout.Split('\n').Where(l => l.StartsWith("CALL ", StringComparison.Ordinal)).Select(l => l[5..]).ToList();
        calls.ShouldContain("connect_bd_intf_net core/m_axi dram_bus/S00_AXI");
        calls.ShouldContain($"connect_bd_intf_net dram_bus/M00_AXI {slave}");
        calls.ShouldContain($"assign_bd_address -offset {segment}");
        calls.ShouldContain(c => c.StartsWith("set_property board_part ", StringComparison.Ordinal));
        calls[^1].ShouldBe("write_bitstream -force vivado/mini.bit");
        calls.ShouldContain(c => c.StartsWith("add_files ", StringComparison.Ordinal) && c.Contains("mini_xbase.mem", StringComparison.Ordinal) && !c.Contains("_dram.mem", StringComparison.Ordinal),
            "the column-base ROM's image is read, the DRAM image (the host's) is not");

        // Every pin and interface of the core the block design names is a port or an interface of the AXI top.
        string top = File.ReadAllText(dir.File(build.TopFile));
        var interfaces = System.Text.RegularExpressions.Regex.Matches(top, @"xilinx\.com:interface:\w+:1\.0 (\w+) ").Select(m => m.Groups[1].Value).ToHashSet();
        var ports = System.Text.RegularExpressions.Regex.Matches(top, @"^\s*(?:input|output)\s+wire\s+(?:\[[^\]]+\]\s+)?(\w+)", System.Text.RegularExpressions.RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        string bd = File.ReadAllText(dir.File("board/bd.tcl"));
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(bd, @"get_bd_intf_pins core/(\w+)").Select(m => m.Groups[1].Value))
        {
            interfaces.ShouldContain(name, $"{board}: the block design connects core/{name}");
        }

        foreach (var name in System.Text.RegularExpressions.Regex.Matches(bd, @"get_bd_pins core/(\w+)").Select(m => m.Groups[1].Value))
        {
            ports.ShouldContain(name, $"{board}: the block design connects core/{name}");
        }

        interfaces.ShouldBe(["s_axi", "s_axis", "m_axis", "m_axi"], ignoreOrder: true);
        top.ShouldContain("DATA_WIDTH 128, ADDR_WIDTH 32");
        top.ShouldContain("assign m_axi_araddr_o  = dram_base + m_araddr;");
        top.ShouldContain("ASSOCIATED_BUSIF s_axi:s_axis:m_axis:m_axi,");

        // The host header says where the image goes and how it is laid out.
        string header = File.ReadAllText(dir.File("host/mini.h"));
        header.ShouldContain("#define MINI_REG_DRAM_BASE 0x020u");
        header.ShouldContain($"#define MINI_DRAM_IMAGE_BYTES      {build.Layout.External!.Layout.Bytes}u");
        header.ShouldContain("#define MINI_DRAM_BEAT_BYTES       16u");
        header.ShouldContain("mem/mini_dram.bin");
        header.ShouldContain($"{{ \"fc1\", 0u, ");
        new FileInfo(dir.File("mem/mini_dram.bin")).Length.ShouldBe(build.Layout.External!.Layout.Bytes);
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Axi_top_with_external_weights_is_clean_under_verilator_lint_wall()
    {
        using var dir = new TempFolder("xilinx-ext-lint");
        var build = BoardDesigns.Write(BoardDesigns.MiniExternal(), "arty-a7-100t", dir.Path);

        var result = ProcessRunner.Run("verilator", ["--lint-only", "-Wall", "--top-module", build.Top, .. build.Sources], dir.Path, Timeout);

        result.ExitCode.ShouldBe(0, string.Join('\n', result.ErrorLines));
        result.Stderr.ShouldNotContain("%Warning");
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Synth_of_external_weights_estimates_the_core_with_its_axi_master_and_notes_the_boards_bandwidth()
    {
        using var dir = new TempFolder("xilinx-ext-estimate");
        string path = dir.File("mini.yaml");
        File.WriteAllText(path, ConfigYaml.Write(BoardDesigns.MiniExternal() with
        {
            Hardware = BoardDesigns.MiniExternal().Hardware with { Dram = BoardDesigns.MiniExternal().Hardware.Dram with { BytesPerCycle = 16 } },
        }));

        var (exit, stdout, stderr) = Ice40SynthesisTests.RunCli("synth", path, "--board", "pynq-z2", "-o", dir.File("out"), "--json");

        output.WriteLine(stdout);
        exit.ShouldBe(0, stderr);
        var json = JsonNode.Parse(stdout)!;
        json["fits"]!.GetValue<bool>().ShouldBeTrue();
        json["resources"]!["lut"]!["used"]!.GetValue<double>().ShouldBeGreaterThan(500);
        var notes = json["notes"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        notes.ShouldContain(n => n.StartsWith("weights in DRAM: the host writes mem/mini_dram.bin", StringComparison.Ordinal));
        notes.ShouldContain(n => n.Contains("delivers at most 8 bytes a cycle", StringComparison.Ordinal)
            && n.Contains("bytes_per_cycle is 16: the cycle counts of estimate and simulate are optimistic on this board", StringComparison.Ordinal));
    }

    [Fact]
    public void An_abc_abort_is_told_apart_from_other_yosys_failures()
    {
        Synthesizer.AbcAborted("""
            ABC: berkeley-abc: src/map/if/ifCut.c:1121: If_CutAreaDerefed: Assertion `aResult > aResult2 - 3*p->fEpsilon' failed.
            ABC: Aborted
            ERROR: ABC: execution of command ""berkeley-abc" -s -f /tmp/yosys-abc-Y3bi0P/abc.script 2>&1" failed: return code 134.
            """).ShouldBeTrue();
        Synthesizer.AbcAborted("ERROR: Module `\\hwgen_pe' referenced in module `\\mini_top' in cell `\\u_pe' is not part of the design.").ShouldBeFalse();
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void The_abc9_fallback_script_estimates_with_abc9()
    {
        using var dir = new TempFolder("xilinx-abc9");
        BoardDesigns.Write(BoardDesigns.Mini(MemoryStyle.Inferred), "zcu104", dir.Path);

        File.ReadAllText(dir.File("estimate.ys")).ShouldNotContain("-abc9");
        File.ReadAllText(dir.File("estimate_abc9.ys")).ShouldContain("synth_xilinx -family xcup -flatten -noiopad -abc9 -top mini_axi");
        var run = ProcessRunner.Run("sh", ["build_estimate.sh", "abc9"], dir.Path, Timeout);

        run.ExitCode.ShouldBe(0, run.Stderr);
        File.ReadAllText(dir.File("yosys_stat.json")).ShouldContain("DSP48E2");
    }

    [Fact]
    [Trait("Category", "Tools")]
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
                     generate_target current_project apply_board_connection} {
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
