using HwGen.Configuration;
using HwGen.Hardware;

namespace HwGen.Tests.Hardware;

/// <summary>Boards are data: discovered from Boards/, checked when loaded, and adding one is adding a folder.</summary>
public class BoardCatalogTests
{
    [Fact]
    public void The_boards_folder_holds_the_four_boards_with_their_parts()
    {
        var boards = BoardCatalog.All();

        boards.Select(b => (b.Name, b.Part, b.Family)).ShouldBe(
        [
            ("arty-a7-100t", "xc7a100tcsg324-1", BoardFamily.Xc7),
            ("icebreaker", "iCE40UP5K-SG48", BoardFamily.Ice40),
            ("pynq-z2", "xc7z020clg400-1", BoardFamily.Xc7),
            ("zcu104", "xczu7ev-ffvc1156-2-e", BoardFamily.Xcup),
        ]);
        var up5k = boards.Single(b => b.Name == "icebreaker").Resources;
        (up5k.Luts, up5k.BlockRams, up5k.BlockRamKbits, up5k.Dsps, up5k.Spram, up5k.SpramKbits).ShouldBe((5280, 30, 4, 8, 4, 256));
        boards.Single(b => b.Name == "zcu104").Resources.Uram.ShouldBe(96);
        boards.ShouldAllBe(b => b.Pins.Count > 0 && b.Clock.Mhz > 0 && b.Resources.Luts > 0 && b.Resources.Dsps > 0);
    }

    [Fact]
    public void Adding_a_board_is_adding_a_folder()
    {
        using var dir = new TempFolder("boards");
        CopyFolder(HwGenInfo.BoardsDir, dir.Path);
        string copy = Path.Combine(dir.Path, "icebreaker-bitsy");
        CopyFolder(Path.Combine(HwGenInfo.BoardsDir, "icebreaker"), copy);
        string yaml = Path.Combine(copy, "board.yaml");
        File.WriteAllText(yaml, File.ReadAllText(yaml).Replace("name: icebreaker", "name: icebreaker-bitsy", StringComparison.Ordinal));

        var names = BoardCatalog.Names(dir.Path);
        var board = BoardCatalog.Load("icebreaker-bitsy", dir.Path);

        names.ShouldContain("icebreaker-bitsy");
        names.Count.ShouldBe(5);
        board.Identifier.ShouldBe("icebreaker_bitsy");
        board.Part.ShouldBe("iCE40UP5K-SG48");
    }

    [Fact]
    public void An_unknown_board_is_bad_input_that_lists_the_boards()
    {
        var error = Should.Throw<ConfigException>(() => BoardCatalog.Load("arty"));

        error.Errors.Single().Key.ShouldBe("--board");
        error.Errors.Single().Message.ShouldBe("unknown board 'arty'; the boards are: arty-a7-100t, icebreaker, pynq-z2, zcu104; did you mean 'arty-a7-100t'?");
    }

    [Fact]
    public void A_broken_board_file_reports_every_problem_with_its_line()
    {
        using var dir = new TempFolder("board-bad");
        string folder = Path.Combine(dir.Path, "broken");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "board.yaml"), """
            name: broken
            description: A broken board
            vendor: altera
            family: cyclone
            part: 5CSEMA5
            device: 5csema5
            package: f31
            clock: {port: clk_i, pin: AF14, mhz: fast}
            resources:
              luts: 32070
              block_rams: many
              dsp: 87
            pins:
              clk_i: AF14
            """);

        var error = Should.Throw<ConfigException>(() => BoardCatalog.Load("broken", dir.Path));

        var messages = error.Errors.Select(e => $"{e.Line} {e.Key}: {e.Message}").ToList();
        messages.ShouldContain(m => m.StartsWith("4 family: 'cyclone' is not a family", StringComparison.Ordinal));
        messages.ShouldContain(m => m.StartsWith("3 vendor: 'altera' is not a vendor", StringComparison.Ordinal));
        messages.ShouldContain(m => m.StartsWith("8 clock.mhz: must be a frequency in MHz", StringComparison.Ordinal));
        messages.ShouldContain(m => m.StartsWith("11 resources.block_rams: must be a whole number", StringComparison.Ordinal));
        messages.ShouldContain(m => m.StartsWith("12 resources.dsp: is not a board key", StringComparison.Ordinal) && m.Contains("did you mean 'dsps'?", StringComparison.Ordinal));
        messages.ShouldContain(m => m.Contains("resources.flip_flops: missing", StringComparison.Ordinal));
        messages.ShouldContain(m => m.Contains("has no top.sv.hbs", StringComparison.Ordinal));
    }

    [Fact]
    public void Xilinx_boards_carry_their_dram_and_the_bytes_a_cycle_it_delivers()
    {
        var arty = BoardCatalog.Load("arty-a7-100t").Dram!;
        var pynq = BoardCatalog.Load("pynq-z2").Dram!;
        var zcu = BoardCatalog.Load("zcu104").Dram!;

        BoardCatalog.Load("icebreaker").Dram.ShouldBeNull();
        (arty.Megabytes, arty.PortBits, arty.Address).ShouldBe((256, 128, 0x8000_0000L));
        (pynq.Megabytes, pynq.PortBits, pynq.Address).ShouldBe((512, 64, 0L));
        (zcu.Megabytes, zcu.PortBits, zcu.Address).ShouldBe((2048, 128, 0L));
        // At 100 MHz: the Arty's DDR3L (1,333 MB/s) limits it; the Zynqs' HP ports limit them.
        arty.BytesPerCycle(100).ShouldBe(13.33, 0.01);
        pynq.BytesPerCycle(100).ShouldBe(8);
        zcu.BytesPerCycle(100).ShouldBe(16);
        // At 50 MHz MIG's port still gives 1,333 MB/s, 26.7 bytes a core cycle.
        arty.BytesPerCycle(50).ShouldBe(26.67, 0.01);
    }

    [Fact]
    public void A_broken_dram_section_reports_its_keys_with_their_lines()
    {
        using var dir = new TempFolder("board-dram");
        CopyFolder(Path.Combine(HwGenInfo.BoardsDir, "zcu104"), Path.Combine(dir.Path, "zcu104"));
        string yaml = Path.Combine(dir.Path, "zcu104", "board.yaml");
        string text = File.ReadAllText(yaml);
        text = text[..text.IndexOf("dram:", StringComparison.Ordinal)] + """
            dram:
              kind: PS DDR4
              megabytes: 2048
              peak_mbytes_per_s: lots
              port_bits: 100
              port_mhz: 0
              address: "0x80000100"
              width: 64

            """.Replace("            ", "", StringComparison.Ordinal);
        File.WriteAllText(yaml, text);
        int line = text[..text.IndexOf("dram:", StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        var error = Should.Throw<ConfigException>(() => BoardCatalog.Load("zcu104", dir.Path));

        var messages = error.Errors.Select(e => $"{e.Line} {e.Key}: {e.Message}").ToList();
        messages.ShouldContain(m => m.StartsWith($"{line + 3} dram.peak_mbytes_per_s: must be a bandwidth in MB/s", StringComparison.Ordinal));
        messages.ShouldContain(m => m.StartsWith($"{line + 4} dram.port_bits: must be an AXI data width", StringComparison.Ordinal));
        messages.ShouldContain(m => m.StartsWith($"{line + 6} dram.address: must be a hexadecimal address on a 4 KB page", StringComparison.Ordinal));
        messages.ShouldContain(m => m.StartsWith($"{line + 7} dram.width: is not a board key", StringComparison.Ordinal));
    }

    [Fact]
    public void A_dram_section_on_an_ice40_board_is_refused()
    {
        using var dir = new TempFolder("board-ice40-dram");
        CopyFolder(Path.Combine(HwGenInfo.BoardsDir, "icebreaker"), Path.Combine(dir.Path, "icebreaker"));
        string yaml = Path.Combine(dir.Path, "icebreaker", "board.yaml");
        File.AppendAllText(yaml, "dram: {kind: SDRAM, megabytes: 32, peak_mbytes_per_s: 100, port_bits: 32, port_mhz: 0, address: \"0x0\"}\n");

        var error = Should.Throw<ConfigException>(() => BoardCatalog.Load("icebreaker", dir.Path));

        error.Errors.ShouldContain(e => e.Key == "dram" && e.Message.Contains("the iCE40 flow has no DRAM", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_port_of_the_icebreaker_top_is_a_pin_of_the_board()
    {
        using var dir = new TempFolder("board-ports");
        var build = BoardDesigns.Write(BoardDesigns.Mini(), "icebreaker", dir.Path);
        string top = File.ReadAllText(dir.File(build.TopFile));

        var ports = System.Text.RegularExpressions.Regex.Matches(top, @"^\s*(?:input|output)\s+logic\s+(\w+)", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToList();

        ports.ShouldBe(build.Board.Pins.Select(p => p.Port), ignoreOrder: true);
        File.ReadAllText(dir.File("board/icebreaker.pcf")).Split('\n').Count(l => l.StartsWith("set_io ", StringComparison.Ordinal)).ShouldBe(ports.Count);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
