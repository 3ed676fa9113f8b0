using System.Text.Json.Nodes;
using HwGen.Compression;
using HwGen.IO;
using HwGen.Model;
using CommandLine = HwGen.Cli.Cli;

namespace HwGen.Tests.Cli;

/// <summary>
/// The real LeNet-300-100 (examples/mnist) through the command line: <c>hwgen import</c> writes a
/// config that <c>estimate</c> and <c>simulate</c> take like any other, top-1 against the labels at
/// every stage, and the example config's Deep Compression pipeline with retraining.
/// </summary>
public class MnistCliTests
{
    private static readonly string[] FloatStages = ["dense", "pruned", "shared", "fixed_point"];

    [Fact]
    public void Imported_lenet_gives_pytorchs_top1_in_float_and_within_one_point_in_fixed_point_on_all_test_digits()
    {
        using var folder = new TempFolder();
        string config = folder.File("lenet.yaml");

        var (exit, imported, errors) = Run("import", Onnx.OnnxModels.LeNetGemm, "-o", config, "--dataset", Onnx.OnnxModels.MnistTest, "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        imported["config"]!.GetValue<string>().ShouldBe(config);
        var layers = imported["layers"]!.AsArray();
        layers.Select(l => l!["name"]!.GetValue<string>()).ShouldBe(["fc1", "fc2", "fc3"]);
        layers.Select(l => l!["inputs"]!.GetValue<int>()).ShouldBe([784, 300, 100]);
        layers.Select(l => l!["outputs"]!.GetValue<int>()).ShouldBe([300, 100, 10]);
        layers.Select(l => l!["activation"]!.GetValue<string>()).ShouldBe(["relu", "relu", "none"]);
        layers.Select(l => l!["density"]!.GetValue<double>()).ShouldAllBe(d => d > 0.99 && d <= 1);
        ((int)imported["check_vectors"]!).ShouldBe(2000);

        var (estimated, json, estimateErrors) = Run("estimate", config, "--json");

        estimated.ShouldBe(CommandLine.Success, estimateErrors);
        var accuracy = json["accuracy"]!;
        ((int)accuracy["vectors"]!).ShouldBe(2000);
        ((bool)accuracy["labelled"]!).ShouldBeTrue();
        var stages = accuracy["stages"]!.AsObject();
        stages.Select(s => s.Key).ShouldBe(FloatStages, "pipeline order, no retraining stages without retraining");
        double dense = (double)stages["dense"]!["top1"]!;
        double fixedPoint = (double)stages["fixed_point"]!["top1"]!;
        dense.ShouldBe(Mnist.PyTorchTop1, "HwGen's float import gives PyTorch's top-1 on the same 2,000 digits");
        Math.Abs(fixedPoint - dense).ShouldBeLessThanOrEqualTo(0.01, "fixed point within 1 point of float");
        ((long)accuracy["clipped_inputs"]!).ShouldBe(0);
    }

    [Fact]
    public void The_gemm_and_matmul_exports_import_to_configs_with_the_same_layers_and_the_same_estimate()
    {
        using var folder = new TempFolder();
        var results = new List<(JsonNode Import, JsonNode Estimate)>();
        foreach (string model in new[] { Onnx.OnnxModels.LeNetGemm, Onnx.OnnxModels.LeNetMatMul })
        {
            string config = folder.File(Path.GetFileNameWithoutExtension(model) + ".yaml");
            var (exit, imported, errors) = Run("import", model, "-o", config, "--dataset", Onnx.OnnxModels.MnistTest, "--json");
            exit.ShouldBe(CommandLine.Success, errors);

            // Prune and share both the same way: the estimates must agree to the last bit.
            File.WriteAllText(config, File.ReadAllText(config).Replace("density: 1\n", "density: 0.1\n", StringComparison.Ordinal)
                .Replace("name: lenet300_matmul", "name: lenet300", StringComparison.Ordinal));
            var (estimated, json, estimateErrors) = Run("estimate", config, "--vectors", "300", "--json");
            estimated.ShouldBe(CommandLine.Success, estimateErrors);
            results.Add((imported["layers"]!, json));
        }

        results[1].Import.ToJsonString().ShouldBe(results[0].Import.ToJsonString());
        results[1].Estimate.ToJsonString().ShouldBe(results[0].Estimate.ToJsonString());
        ((double)results[0].Estimate["accuracy"]!["stages"]!["pruned"]!["top1"]!).ShouldBeLessThan(
            (double)results[0].Estimate["accuracy"]!["stages"]!["dense"]!["top1"]!, "pruning to 10 % without retraining costs accuracy");
    }

    [Fact]
    public void The_example_config_prunes_to_deep_compressions_densities_retrains_and_ends_within_one_and_a_half_points_of_dense()
    {
        var (exit, json, errors) = Run("estimate", Examples.Path("mnist/lenet300.yaml"), "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        var stages = json["accuracy"]!["stages"]!.AsObject();
        stages.Select(s => s.Key).ShouldBe(["dense", "pruned", "retrained", "shared", "shared_retrained", "fixed_point"]);
        var top1 = stages.ToDictionary(s => s.Key, s => (double)s.Value!["top1"]!);
        top1.Values.ShouldAllBe(t => t >= 0 && t <= 1);
        top1["dense"].ShouldBe(Mnist.PyTorchTop1);
        top1["pruned"].ShouldBeLessThan(top1["dense"] - 0.02, "pruning to 8 %/9 %/26 % without retraining costs accuracy");
        top1["retrained"].ShouldBeGreaterThan(top1["dense"] - 0.015);
        top1["fixed_point"].ShouldBeGreaterThan(top1["dense"] - 0.015);
        Math.Abs(top1["fixed_point"] - top1["shared_retrained"]).ShouldBeLessThanOrEqualTo(0.01);
        json["layers"]!.AsArray().Select(l => Math.Round((double)l!["density"]!, 2)).ShouldBe([0.08, 0.09, 0.26]);
    }

    [Fact]
    public void Estimate_outputs_writes_the_golden_models_outputs_and_does_not_replace_a_file_without_force()
    {
        using var folder = new TempFolder();
        string config = folder.File("lenet.yaml");
        Run("import", Onnx.OnnxModels.LeNetGemm, "-o", config, "--dataset", Onnx.OnnxModels.MnistTest).Exit.ShouldBe(CommandLine.Success);
        string outputs = folder.File("outputs.npy");

        var (exit, _, errors) = Run("estimate", config, "--vectors", "5", "--outputs", outputs);

        exit.ShouldBe(CommandLine.Success, errors);
        var array = Npy.ReadNpy(outputs);
        array.Shape.ShouldBe([5, 10]);
        var design = Design.Load(config);
        var expected = design.Vectors(5, 1).SelectMany(v => GoldenModel.Run(design.Network, GoldenModel.QuantizeInput(design.Network, v)).Output).Select(y => (double)y);
        array.ToDoubles().ShouldBe(expected);

        var (again, _, refusal) = Run("estimate", config, "--vectors", "5", "--outputs", outputs);
        again.ShouldBe(CommandLine.BadInput);
        refusal.ShouldContain("--force");
        Run("estimate", config, "--vectors", "5", "--outputs", outputs, "--force").Exit.ShouldBe(CommandLine.Success);
    }

    [Fact]
    public void Import_without_a_dataset_checks_on_random_vectors_and_replaces_a_config_only_with_force()
    {
        using var folder = new TempFolder();
        string config = folder.File("lenet.yaml");

        var (exit, imported, errors) = Run("import", Onnx.OnnxModels.LeNetMatMul, "-o", config, "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        ((int)imported["check_vectors"]!).ShouldBe(HwGen.Onnx.OnnxConfig.RandomCheckVectors);
        string text = File.ReadAllText(config);
        text.ShouldNotContain("dataset:\n  test:\n    path");
        Run("import", Onnx.OnnxModels.LeNetMatMul, "-o", config).Exit.ShouldBe(CommandLine.BadInput);
        Run("import", Onnx.OnnxModels.LeNetMatMul, "-o", config, "--force").Exit.ShouldBe(CommandLine.Success);
        Design.Load(config).Network.Layers.Select(l => l.Name).ShouldBe(["fc1", "fc2", "fc3"]);
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Simulate_runs_the_first_test_digits_of_the_imported_lenet_bit_exact_and_cycle_exact_and_reports_rtl_top1()
    {
        using var folder = new TempFolder();
        string config = folder.File("lenet.yaml");
        Run("import", Onnx.OnnxModels.LeNetGemm, "-o", config, "--dataset", Onnx.OnnxModels.MnistTest).Exit.ShouldBe(CommandLine.Success);
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("density: 1\n", "density: 0.1\n", StringComparison.Ordinal)
            .Replace("pes: 4\n", "pes: 16\n", StringComparison.Ordinal));

        var (exit, json, errors) = Run("simulate", config, "-o", folder.File("sim"), "--vectors", "6", "--json");

        exit.ShouldBe(CommandLine.Success, errors);
        ((int)json["mismatches"]!).ShouldBe(0);
        ((int)json["cycle_mismatches"]!).ShouldBe(0);
        ((int)json["accuracy"]!["vectors"]!).ShouldBe(6);
        var design = Design.Load(config);
        double golden = FloatEvaluator.Top1(new FastEvaluator(design.Network).Classify(design.TestSet(6)), design.TestSet(6).Labels!);
        ((double)json["accuracy"]!["top1_rtl"]!).ShouldBe(golden);
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
