using System.Text.Json.Nodes;
using CommandLine = HwGen.Cli.Cli;

namespace HwGen.Tests.Cli;

/// <summary>
/// The row-by-row MNIST LSTM of examples/mnist-lstm through the command line: import, estimate
/// with top-1 per stage against PyTorch's recorded figure, and co-simulation of the generated RTL.
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

    /// <summary>
    /// A sweep over the example (examples/mnist-lstm/sweep.yaml's axes, fewer points and sequences):
    /// it runs, and its figures make sense — top-1 on real sequences near the example's, fewer cycles
    /// on more PEs, linear 16-bit weights costing more memory than 4-bit codes.
    /// </summary>
    [Fact]
    public void A_sweep_over_the_lstm_example_runs_and_gives_sensible_figures()
    {
        using var folder = new TempFolder();
        string sweep = folder.Write("sweep.yaml", $$"""
            name: mnist lstm, codebook against linear
            base: '{{Path.Combine(ExampleDir, "mnist-lstm-import.yaml")}}'
            vectors: 40
            axes:
              compression.weights: [codebook, linear]
              hardware.pes: [4, 8]
            metrics: [weight_encoding, memory_bits_total, luts, dsps, brams, cycles, load_efficiency, top1, accuracy]
            """);

        var (exit, _, errors) = Run("sweep", sweep, "-o", folder.File("out"));

        exit.ShouldBe(CommandLine.Success, errors);
        var lines = File.ReadAllLines(folder.File("out/results.csv"));
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        string Text(string[] row, string column) => row[Array.IndexOf(header, column)];
        double Number(string[] row, string column) => double.Parse(Text(row, column), System.Globalization.CultureInfo.InvariantCulture);
        string[] Point(string weights, string pes) => rows.Single(r => Text(r, "compression.weights") == weights && Text(r, "hardware.pes") == pes);

        rows.Count.ShouldBe(4);
        foreach (var row in rows)
        {
            Text(row, "status").ShouldBe("ok");
            Number(row, "top1").ShouldBeGreaterThanOrEqualTo(0.9, "the example's fixed-point top-1 is 97.4 % on 2,000 sequences");
            Number(row, "accuracy").ShouldBeGreaterThanOrEqualTo(0.9);
            Number(row, "load_efficiency").ShouldBeInRange(0.5, 1);
            // The PE's product, its table's interpolation, the element-wise unit's three products and its table's interpolation.
            Number(row, "dsps").ShouldBe(6 * Number(row, "hardware.pes"));
        }

        foreach (string weights in new[] { "codebook", "linear" })
        {
            // 28 steps of ~1,300 cycles on 4 PEs (README.md); twice the PEs, not quite half the cycles.
            Number(Point(weights, "4"), "cycles").ShouldBeInRange(30_000, 40_000);
            Number(Point(weights, "8"), "cycles").ShouldBeInRange(Number(Point(weights, "4"), "cycles") / 2, Number(Point(weights, "4"), "cycles") * 0.7);
            Number(Point(weights, "8"), "luts").ShouldBeGreaterThan(Number(Point(weights, "4"), "luts"));
        }

        // W = 16: a linear entry is 16 + 4 bits, a codebook entry 4 + 4.
        Number(Point("linear", "4"), "memory_bits_total").ShouldBeGreaterThan(Number(Point("codebook", "4"), "memory_bits_total"));
    }

    /// <summary>
    /// The example on the engine: the generated RTL in Verilator on real test sequences, bit-exact
    /// (every step's h_t and the outputs) and cycle-exact, and the RTL's top-1 on them.
    /// </summary>
    [Fact]
    [Trait("Category", "Tools")]
    public void The_example_simulates_bit_exact_and_cycle_exact_in_verilator()
    {
        using var folder = new TempFolder();
        string config = Path.Combine(ExampleDir, "mnist-lstm-import.yaml");

        var (exit, json, errors) = Run("simulate", config, "-o", folder.File("sim"), "--vectors", "8", "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        ((int)json["vectors"]!).ShouldBe(8);
        ((int)json["mismatches"]!).ShouldBe(0, json.ToJsonString());
        ((int)json["cycle_mismatches"]!).ShouldBe(0, json.ToJsonString());
        json["cycles"]!.AsArray().Select(c => (long)c!).ShouldBe(json["model_cycles"]!.AsArray().Select(c => (long)c!));
        json["accuracy"].ShouldNotBeNull();
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
