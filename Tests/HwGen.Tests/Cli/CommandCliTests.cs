using System.Text.Json.Nodes;
using CommandLine = HwGen.Cli.Cli;

namespace HwGen.Tests.Cli;

/// <summary>The commands end to end through the command line: exit codes and the --json contract.</summary>
public class CommandCliTests
{
    [Fact]
    public void Estimate_json_has_the_statistics_cycles_and_accuracy_fields()
    {
        var (exit, json, errors) = Run("estimate", Examples.Path("tiny.yaml"), "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        var layer = json["layers"]!.AsArray()[0]!;
        foreach (var key in new[] { "name", "rows", "cols", "nonzeros", "padding", "entries", "compressed_bits", "model_cycles", "ideal_cycles", "load_efficiency", "stall_cycles", "idle_pe_cycles" })
        {
            layer[key].ShouldNotBeNull(key);
        }

        var total = json["total"]!;
        foreach (var key in new[] { "nonzeros", "padding", "entries", "compressed_bits", "dense_fp32_bits", "compression_ratio", "model_cycles", "ideal_cycles", "load_efficiency" })
        {
            total[key].ShouldNotBeNull(key);
        }

        ((long)total["model_cycles"]!).ShouldBeGreaterThanOrEqualTo((long)total["ideal_cycles"]!);
        ((double)total["compression_ratio"]!).ShouldBeGreaterThan(1);
        json["accuracy"]!["fixed_vs_float_argmax_agreement"].ShouldNotBeNull();
    }

    [Fact]
    public void Estimate_of_real_alex8_reports_its_known_figures()
    {
        var (exit, json, errors) = Run("estimate", Examples.Path("alex8.yaml"), "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        ((long)json["total"]!["nonzeros"]!).ShouldBe(1_051_032);
        ((long)json["total"]!["useful_macs"]!).ShouldBe(452_789);
        ((long)json["total"]!["ideal_cycles"]!).ShouldBe(7075);
        ((double)json["accuracy"]!["fixed_vs_float_argmax_agreement"]!).ShouldBe(1.0);
    }

    [Fact]
    public void Generate_writes_the_design_and_refuses_a_folder_it_did_not_write()
    {
        using var folder = new TempFolder();
        string output = folder.File("design");

        var (exit, json, errors) = Run("generate", Examples.Path("tiny.yaml"), "-o", output, "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        ((int)json["files"]!).ShouldBeGreaterThan(20);
        File.Exists(Path.Combine(output, "rtl", "tiny_top.sv")).ShouldBeTrue();
        File.Exists(Path.Combine(output, "report.json")).ShouldBeTrue();

        string foreign = folder.Write("theirs/notes.txt", "keep me");
        var (refused, _, refusal) = Run("generate", Examples.Path("tiny.yaml"), "-o", Path.GetDirectoryName(foreign)!);
        refused.ShouldBe(CommandLine.BadInput);
        refusal.ShouldContain("--force");
        Directory.GetFiles(Path.GetDirectoryName(foreign)!).ShouldBe([foreign]);
    }

    /// <summary>A network whose hidden layers are tanh and sigmoid, in the config format.</summary>
    private const string TanhSigmoidConfig = """
        name: smooth
        input:
          size: 12
          signed: true
        layers:
          - outputs: 10
            activation: tanh
          - outputs: 7
            activation: sigmoid
          - outputs: 5
            activation: none
        hardware:
          pes: 3
        """;

    [Fact]
    public void Generate_of_tanh_and_sigmoid_layers_writes_the_activation_table_and_the_layer_functions()
    {
        using var folder = new TempFolder();
        string output = folder.File("design");

        var (exit, _, errors) = Run("generate", folder.Write("config.yaml", TanhSigmoidConfig), "-o", output, "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        File.ReadAllText(Path.Combine(output, "mem", "smooth_act_table.mem")).ShouldBe(HwGen.Compression.ActivationTable.For(8).HexImage());
        string package = File.ReadAllText(Path.Combine(output, "rtl", "smooth_pkg.sv"));
        package.ShouldContain("parameter logic [NumLayers*2-1:0] LayerFn = 6'b001110;");
        package.ShouldContain("parameter ActTableFile = \"mem/smooth_act_table.mem\";");
        File.ReadAllLines(Path.Combine(output, "sources.f")).ShouldContain("rtl/hwgen_act_fn.sv");
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Simulate_of_tanh_and_sigmoid_layers_is_bit_exact_and_cycle_exact()
    {
        using var folder = new TempFolder();

        var (exit, json, errors) = Run("simulate", folder.Write("config.yaml", TanhSigmoidConfig), "-o", folder.File("sim"), "--vectors", "3", "--simulator", "iverilog", "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        ((int)json["vectors"]!).ShouldBe(3);
        ((int)json["mismatches"]!).ShouldBe(0);
        json["cycles"]!.AsArray().Select(c => (long)c!).ShouldBe(json["model_cycles"]!.AsArray().Select(c => (long)c!));
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Simulate_json_reports_vectors_mismatches_and_cycles_from_rtl_and_model()
    {
        using var folder = new TempFolder();

        var (exit, json, errors) = Run("simulate", Examples.Path("tiny.yaml"), "-o", folder.File("sim"), "--vectors", "3", "--simulator", "iverilog", "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        ((int)json["vectors"]!).ShouldBe(3);
        ((int)json["mismatches"]!).ShouldBe(0);
        json["cycles"]!.AsArray().Select(c => (long)c!).ShouldBe(json["model_cycles"]!.AsArray().Select(c => (long)c!));
        json["ideal_cycles"]!.AsArray().Count.ShouldBe(3);
        ((double)json["load_efficiency"]!).ShouldBeInRange(0.0, 1.0);
        json["external"].ShouldBeNull("on-chip weights have no DRAM bounds");
        ((int)json["models"]!).ShouldBe(1);
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Simulate_with_jobs_runs_several_verilator_models_and_says_so()
    {
        using var folder = new TempFolder();

        var (exit, json, errors) = Run("simulate", Examples.Path("tiny.yaml"), "-o", folder.File("sim"), "--vectors", "3", "--jobs", "2", "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        ((bool)json["passed"]!).ShouldBeTrue();
        ((int)json["models"]!).ShouldBe(2);
        ((int)json["vectors"]!).ShouldBe(3);
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Simulate_json_of_external_weights_gives_each_layer_against_its_bounds()
    {
        using var folder = new TempFolder();
        string config = folder.Write("config.yaml", File.ReadAllText(Examples.Path("tiny.yaml"))
            + "  weight_memory: external\n  dram: {data_bits: 64, bytes_per_cycle: 2, latency_cycles: 12}\n");

        var (exit, json, errors) = Run("simulate", config, "-o", folder.File("sim"), "--vectors", "2", "--simulator", "iverilog", "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        ((bool)json["passed"]!).ShouldBeTrue();
        var layers = json["external"]!.AsArray();
        layers.Select(l => (string)l!["layer"]!).ShouldBe(["fc1", "fc2"]);
        foreach (var layer in layers)
        {
            var bounds = layer!["bounds"]!;
            long cycles = (long)layer["model_cycles"]!;
            long bound = Math.Max((long)bounds["compute_bound_cycles"]!, (long)bounds["bandwidth_bound_cycles"]!);
            cycles.ShouldBeGreaterThanOrEqualTo(bound);
            ((double)bounds["cycles_over_bound"]!).ShouldBe((double)cycles / bound, 1e-12);
            ((long)bounds["dram_bytes"]!).ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Simulate_runs_the_folder_it_wrote_and_keeps_its_effective_config_and_report()
    {
        using var folder = new TempFolder();
        string output = folder.File("sim");

        var (first, _, firstErrors) = Run("simulate", Examples.Path("tiny.yaml"), "-o", output, "--simulator", "iverilog", "--json");
        var written = File.ReadAllLines(Path.Combine(output, ".hwgen-manifest"));
        var (second, json, secondErrors) = Run("simulate", Examples.Path("tiny.yaml"), "-o", output, "--simulator", "iverilog", "--json");

        first.ShouldBe(CommandLine.Success, firstErrors);
        second.ShouldBe(CommandLine.Success, secondErrors);
        written.ShouldContain("config.yaml");
        written.ShouldContain("report.json");
        File.ReadAllText(Path.Combine(output, "config.yaml")).ShouldContain("name: tiny");
        JsonNode.Parse(File.ReadAllText(Path.Combine(output, "report.json")))!["design"]!.GetValue<string>().ShouldBe("tiny");
        File.ReadAllLines(Path.Combine(output, ".hwgen-manifest")).ShouldBe(written);
        ((bool)json["rebuilt"]!).ShouldBeFalse("the second run finds the same sources, so the simulation is not built again");
    }

    [Theory]
    [InlineData("spmat_memory: ice40_spram", "zcu104", "hardware.spmat_memory", "has none")]
    [InlineData("clock_mhz: 8", "icebreaker", "hardware.clock_mhz", "16–275 MHz")]
    [InlineData("weight_memory: external", "icebreaker", "hardware.weight_memory", "has none")]
    public void Synth_of_what_the_board_cannot_give_exits_2_at_the_config_line_and_writes_nothing(string setting, string board, string key, string message)
    {
        using var folder = new TempFolder();
        string config = folder.Write("config.yaml", File.ReadAllText(Examples.Path("tiny.yaml")) + $"  {setting}\n");
        int line = File.ReadAllLines(config).Length;
        string output = folder.File("out");

        var (exit, _, errors) = Run("synth", config, "--board", board, "-o", output);

        exit.ShouldBe(CommandLine.BadInput, errors);
        errors.ShouldContain($"{config}:{line}:");
        errors.ShouldContain(key);
        errors.ShouldContain(message);
        Directory.Exists(output).ShouldBeFalse();
    }

    [Theory]
    [Trait("Category", "Tools")]
    [InlineData("iverilog", "trace.vcd")]
    [InlineData("verilator", "trace.fst")]
    public void Simulate_with_trace_writes_a_waveform(string simulator, string file)
    {
        using var folder = new TempFolder();

        var (exit, _, errors) = Run("simulate", Examples.Path("tiny.yaml"), "-o", folder.File("sim"), "--simulator", simulator, "--trace", "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        new FileInfo(folder.File(Path.Combine("sim", "sim", file))).Length.ShouldBeGreaterThan(1000);
    }

    [Fact]
    public void Bad_arguments_exit_2()
    {
        Run("simulate", Examples.Path("tiny.yaml")).Exit.ShouldBe(CommandLine.BadInput);
        Run("simulate", Examples.Path("tiny.yaml"), "-o", "x", "--simulator", "modelsim").Exit.ShouldBe(CommandLine.BadInput);
        Run("estimate", Examples.Path("tiny.yaml"), "--vectors", "0").Exit.ShouldBe(CommandLine.BadInput);
        Run("frobnicate").Exit.ShouldBe(CommandLine.BadInput);
    }

    private static (int Exit, JsonNode Json, string Errors) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = CommandLine.Run(args, stdout, stderr);
        string text = stdout.ToString();
        return (exit, text.TrimStart().StartsWith('{') ? JsonNode.Parse(text)! : new JsonObject(), stderr.ToString());
    }
}
