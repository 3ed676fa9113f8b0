using System.Text.Json.Nodes;
using CommandLine = HwGen.Cli.Cli;

namespace HwGen.Tests.Cli;

/// <summary>
/// The row-by-row MNIST LSTM of examples/mnist-lstm through the command line: import, estimate
/// with top-1 per stage against PyTorch's recorded figure and cycles per step; and the commands
/// that need the RTL refusing it with exit code 2, naming the layer, and writing nothing.
/// </summary>
public class MnistLstmCliTests
{
    private static string ExampleDir => Path.Combine(TestData.RepoRoot, "examples", "mnist-lstm");

    private static string Model => Path.Combine(ExampleDir, "mnist-lstm.onnx");

    private static string TestSet => Path.Combine(ExampleDir, "mnist-test-seq.npz");

    /// <summary>PyTorch's top-1 on the 2,000 test sequences, as the training script recorded it.</summary>
    private static double PyTorchTop1 =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(ExampleDir, "mnist-lstm.json"))).RootElement.GetProperty("pytorch_test_top1").GetDouble();

    [Fact]
    public void The_imported_lstm_gives_pytorchs_top1_in_float_and_within_one_and_a_half_points_in_fixed_point()
    {
        using var folder = new TempFolder();
        string config = folder.File("lstm.yaml");

        var (exit, imported, errors) = Run("import", Model, "-o", config, "--dataset", TestSet, "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        ((int)imported["check_vectors"]!).ShouldBe(2000);
        ((double)imported["check_max_abs_difference"]!).ShouldBeLessThan(1e-4);

        var (estimated, json, estimateErrors) = Run("estimate", config, "--json");

        estimated.ShouldBe(CommandLine.Success, estimateErrors);
        var layers = json["layers"]!.AsArray();
        long lstmCycles = (long)layers[0]!["model_cycles"]!;
        ((double)layers[0]!["cycles_per_step"]!).ShouldBe(lstmCycles / 28.0, 1e-9);
        ((long)json["total"]!["model_cycles"]!).ShouldBe(lstmCycles + (long)layers[1]!["model_cycles"]!);
        ((long)json["model_cycles"]![0]!).ShouldBe((long)json["total"]!["model_cycles"]!);
        ((double)layers[0]!["load_efficiency"]!).ShouldBeInRange(0.01, 1.0);
        layers.Select(l => l!["kind"]!.GetValue<string>()).ShouldBe(["lstm", "fc"]);
        layers.Select(l => ((int)l!["rows"]!, (int)l["cols"]!)).ShouldBe([(256, 92), (10, 64)]);
        ((int)layers[0]!["steps"]!).ShouldBe(28);
        ((int)layers[0]!["cell_bits"]!).ShouldBe(14, "28 steps × 2^8 = 7168 needs 14 signed bits");
        ((long)json["total"]!["compressed_bits"]!).ShouldBeGreaterThan(0);
        var stages = json["accuracy"]!["stages"]!.AsObject();
        stages.Select(s => s.Key).ShouldBe(["dense", "pruned", "shared", "fixed_point"]);
        ((int)json["accuracy"]!["vectors"]!).ShouldBe(2000);
        double dense = (double)stages["dense"]!["top1"]!;
        dense.ShouldBe(PyTorchTop1, "HwGen's float import gives PyTorch's top-1 on the same 2,000 sequences");
        ((double)stages["pruned"]!["top1"]!).ShouldBe(dense, "the model was pruned in PyTorch: the import's density keeps exactly its weights");
        Math.Abs((double)stages["fixed_point"]!["top1"]! - dense).ShouldBeLessThanOrEqualTo(0.015, "fixed point within 1.5 points of float");
    }

    [Fact]
    public void The_example_configs_estimate_within_one_and_a_half_points_of_float()
    {
        foreach (string name in new[] { "mnist-lstm-import.yaml", "mnist-lstm-linear.yaml" })
        {
            var (exit, json, errors) = Run("estimate", Path.Combine(ExampleDir, name), "--json");

            exit.ShouldBe(CommandLine.Success, errors);
            var stages = json["accuracy"]!["stages"]!.AsObject();
            double dense = (double)stages["dense"]!["top1"]!;
            dense.ShouldBe(PyTorchTop1, name);
            Math.Abs((double)stages["fixed_point"]!["top1"]! - dense).ShouldBeLessThanOrEqualTo(0.015, name);
        }
    }

    [Theory]
    [InlineData("generate")]
    [InlineData("simulate")]
    [InlineData("synth")]
    public void Commands_that_need_the_rtl_exit_2_naming_the_lstm_layer_and_write_nothing(string command)
    {
        using var folder = new TempFolder();
        string output = folder.File("out");
        string config = Path.Combine(ExampleDir, "mnist-lstm-import.yaml");
        string[] args = command == "synth" ? [command, config, "-o", output, "--board", "icebreaker"] : [command, config, "-o", output];

        var (exit, _, errors) = Run(args);

        exit.ShouldBe(CommandLine.BadInput);
        errors.ShouldContain("mnist-lstm-import.yaml:");
        errors.ShouldContain("layers[0].kind");
        errors.ShouldContain("layer 'lstm_lstm' is an lstm layer: lstm layers are not yet supported by the RTL generator/cycle model");
        errors.ShouldNotContain("   at ");
        Directory.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void A_sweep_over_an_lstm_design_exits_2_naming_the_layer()
    {
        using var folder = new TempFolder();
        string sweep = folder.Write("sweep.yaml", $"""
            name: lstm
            base: {Path.Combine(ExampleDir, "mnist-lstm-import.yaml")}
            axes:
              hardware.pes: [2, 4]
            metrics: [cycles]
            """);

        var (exit, _, errors) = Run("sweep", sweep, "-o", folder.File("out"));

        exit.ShouldBe(CommandLine.BadInput);
        errors.ShouldContain("layer 'lstm_lstm' is an lstm layer");
        errors.ShouldContain("a sweep");
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
