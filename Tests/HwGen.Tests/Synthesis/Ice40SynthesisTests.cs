using System.Text.Json.Nodes;
using HwGen.Configuration;
using Xunit.Abstractions;

namespace HwGen.Tests.Synthesis;

/// <summary>
/// <c>hwgen synth --board icebreaker</c> through the command line: a real bitstream with its
/// utilization and Fmax in the JSON, and designs that do not fit failing with exit 1 and the
/// resource that ran out (before place and route from yosys's cell counts, and from nextpnr).
/// </summary>
public class Ice40SynthesisTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Tools")]
    public void Synth_builds_a_bitstream_of_a_three_layer_three_pe_design_that_meets_30_mhz_with_utilization_and_fmax()
    {
        using var dir = new TempFolder("synth-bin");
        var json = SynthExampleAt30Mhz(dir, "icebreaker-mlp.yaml");

        json["pll"]!["divf"]!.GetValue<int>().ShouldBe(79);
        json["pll"]!["divq"]!.GetValue<int>().ShouldBe(5);
        var resources = json["resources"]!;
        foreach (var (name, available) in new[] { ("lc", 5280), ("ebr", 30), ("spram", 4), ("dsp", 8) })
        {
            resources[name]!["available"]!.GetValue<double>().ShouldBe(available, name);
            resources[name]!["used"]!.GetValue<double>().ShouldBeLessThanOrEqualTo(available, name);
        }

        resources["dsp"]!["used"]!.GetValue<double>().ShouldBe(3, "one MAC16 per PE");
        resources["lc"]!["used"]!.GetValue<double>().ShouldBeGreaterThan(1000);
        byte[] bitstream = File.ReadAllBytes(json["bitstream"]!.GetValue<string>());
        bitstream.Length.ShouldBe(104_090, "an iCE40UP5K bitstream");
        bitstream[4..8].ShouldBe(new byte[] { 0x7e, 0xaa, 0x99, 0x7e }, "the iCE40 synchronisation word");
        File.Exists(dir.File("out/build_ice40.sh")).ShouldBeTrue();
        File.ReadAllText(dir.File("out/board/icebreaker.pcf")).ShouldContain("set_io uart_tx_o 9");
    }

    /// <summary>
    /// The LeNet-300-100 example (examples/lenet-up5k.yaml, docs/boards.md) builds a bitstream on
    /// the iCEBreaker at the 30 MHz it asks for, with its sparse matrices and activations in the
    /// four SPRAMs (loaded at run time); yosys and nextpnr take about 3 minutes.
    /// </summary>
    [Fact]
    [Trait("Category", "Tools")]
    public void LeNet_example_builds_a_bitstream_that_meets_30_mhz_with_its_memories_in_spram()
    {
        using var dir = new TempFolder("synth-lenet");
        var json = SynthExampleAt30Mhz(dir, "lenet-up5k.yaml");

        json["memory"]!["spmat"]!.GetValue<string>().ShouldBe("ice40_spram");
        json["memory"]!["act"]!.GetValue<string>().ShouldBe("ice40_spram");
        json["memory"]!["weights_loaded_at_run_time"]!.GetValue<bool>().ShouldBeTrue();
        var resources = json["resources"]!;
        resources["spram"]!["used"]!.GetValue<double>().ShouldBe(4);
        resources["ebr"]!["used"]!.GetValue<double>().ShouldBeLessThanOrEqualTo(30);
        resources["lc"]!["used"]!.GetValue<double>().ShouldBeLessThanOrEqualTo(5280);
        File.ReadAllBytes(json["bitstream"]!.GetValue<string>()).Length.ShouldBe(104_090, "an iCE40UP5K bitstream");
    }

    /// <summary>
    /// <c>hwgen synth --board icebreaker --json</c> on a copy of an example that asks for 30 MHz:
    /// it fits, nextpnr meets the clock, and the JSON is returned for the example's own checks.
    /// </summary>
    private JsonNode SynthExampleAt30Mhz(TempFolder dir, string example)
    {
        string config = dir.File(example.Replace('-', '_'));
        File.Copy(Examples.Path(example), config);

        var (exit, stdout, stderr) = RunCli("synth", config, "--board", "icebreaker", "-o", dir.File("out"), "--json");

        output.WriteLine(stdout + stderr);
        exit.ShouldBe(0, stderr);
        var json = JsonNode.Parse(stdout)!;
        json["fits"]!.GetValue<bool>().ShouldBeTrue();
        json["target_mhz"]!.GetValue<double>().ShouldBe(30);
        json["timing_met"]!.GetValue<bool>().ShouldBeTrue();
        json["fmax_mhz"]!.GetValue<double>().ShouldBeGreaterThanOrEqualTo(30);
        return json;
    }

    /// <summary>
    /// Two-layer designs on 2 and 4 PEs meet 30 MHz in nextpnr's timing analysis: the datapath's
    /// longest paths (scanner to pointer read, accumulate, issue) fit a 30 MHz cycle on the UP5K,
    /// not only the one example's settings.
    /// </summary>
    [Theory]
    [Trait("Category", "Tools")]
    [InlineData(2, 64, 32, 16, 8, 1)]
    [InlineData(4, 32, 16, 8, 4, 2)]
    public void Two_layer_designs_on_two_and_four_pes_meet_30_mhz(int pes, int inputs, int hidden, int bits, int frac, int lineEntries)
    {
        using var dir = new TempFolder("synth-30mhz");
        string config = dir.Write($"two_layer_pe{pes}.yaml", $$"""
            name: two_layer_pe{{pes}}
            seed: 5
            input: { size: {{inputs}}, density: 0.5 }
            layers:
              - { name: fc1, outputs: {{hidden}}, weights: { density: 0.3 } }
              - { name: fc2, outputs: 10, activation: none, weights: { density: 0.5 } }
            compression: { codebook_bits: 3 }
            quantization: { activation_bits: {{bits}}, activation_frac: {{frac}}, weight_bits: {{bits}} }
            hardware: { pes: {{pes}}, fifo_depth: 4, spmat_line_entries: {{lineEntries}}, clock_mhz: 30 }
            """);

        var (exit, stdout, stderr) = RunCli("synth", config, "--board", "icebreaker", "-o", dir.File("out"), "--json");

        output.WriteLine(stdout + stderr);
        exit.ShouldBe(0, stderr);
        var json = JsonNode.Parse(stdout)!;
        json["pes"]!.GetValue<int>().ShouldBe(pes);
        json["target_mhz"]!.GetValue<double>().ShouldBe(30);
        json["timing_met"]!.GetValue<bool>().ShouldBeTrue();
        json["fmax_mhz"]!.GetValue<double>().ShouldBeGreaterThanOrEqualTo(30);
        File.Exists(json["bitstream"]!.GetValue<string>()).ShouldBeTrue();
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void A_design_needing_more_spram_than_the_up5k_has_fails_before_place_and_route()
    {
        using var dir = new TempFolder("synth-spram");
        var config = BoardDesigns.Mini() with { Hardware = BoardDesigns.Mini().Hardware with { ActMemory = MemoryStyle.Ice40Spram } };
        string path = dir.File("mini.yaml");
        File.WriteAllText(path, ConfigYaml.Write(config));

        var (exit, stdout, stderr) = RunCli("synth", path, "--board", "icebreaker", "-o", dir.File("out"), "--json");

        exit.ShouldBe(1, stderr);
        stderr.ShouldContain("does not fit the iCE40UP5K-SG48: SPRAM: 6 used of 4 available (2 over, 150 %)");
        var json = JsonNode.Parse(stdout)!;
        json["fits"]!.GetValue<bool>().ShouldBeFalse();
        json["resources"]!["spram"]!["used"]!.GetValue<double>().ShouldBe(6);
        json["fmax_mhz"].ShouldBeNull();
        json["bitstream"].ShouldBeNull();
        File.Exists(dir.File("out/nextpnr.log")).ShouldBeFalse("no place and route for a design yosys shows too big");
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void A_design_too_big_for_nextpnr_fails_with_the_logic_cells_it_needs()
    {
        using var dir = new TempFolder("synth-full");
        string lenet = File.ReadAllText(Examples.Path("lenet-up5k.yaml")).Replace("fifo_depth: 4", "fifo_depth: 16", StringComparison.Ordinal);
        string path = dir.File("lenet_up5k.yaml");
        File.WriteAllText(path, lenet);

        var (exit, stdout, stderr) = RunCli("synth", path, "--board", "icebreaker", "-o", dir.File("out"), "--json");

        output.WriteLine(stderr);
        exit.ShouldBe(1, stderr);
        stderr.ShouldContain("does not fit the iCE40UP5K-SG48: LC: ");
        var lc = JsonNode.Parse(stdout)!["resources"]!["lc"]!;
        lc["used"]!.GetValue<double>().ShouldBeGreaterThan(5280);
        lc["fits"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Theory]
    [InlineData("--board", "icebraker", "unknown board 'icebraker'; the boards are: arty-a7-100t, icebreaker, pynq-z2, zcu104; did you mean 'icebreaker'?")]
    [InlineData("--clock", "10", "hardware.clock_mhz: icebreaker's PLL makes 16–275 MHz from its 12 MHz oscillator")]
    [InlineData("--spram-on", "arty-a7-100t", "hardware.spmat_memory: ice40_spram needs an iCE40 UltraPlus board with SPRAM; arty-a7-100t")]
    public void Bad_input_exits_2_with_the_key_and_writes_nothing(string what, string value, string message)
    {
        using var dir = new TempFolder("synth-bad");
        var config = BoardDesigns.Mini(MemoryStyle.Inferred);
        string board = "icebreaker";
        if (what == "--board")
        {
            board = value;
        }
        else if (what == "--clock")
        {
            config = config with { Hardware = config.Hardware with { ClockMhz = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) } };
        }
        else
        {
            board = value;
            config = config with { Hardware = config.Hardware with { SpmatMemory = MemoryStyle.Ice40Spram } };
        }

        string path = dir.File("mini.yaml");
        File.WriteAllText(path, ConfigYaml.Write(config));

        var (exit, _, stderr) = RunCli("synth", path, "--board", board, "-o", dir.File("out"));

        exit.ShouldBe(2, stderr);
        stderr.ShouldContain(message);
        Directory.Exists(dir.File("out")).ShouldBeFalse();
    }

    internal static (int Exit, string Stdout, string Stderr) RunCli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = HwGen.Cli.Cli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
