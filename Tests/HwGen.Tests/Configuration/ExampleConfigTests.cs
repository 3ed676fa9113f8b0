using HwGen.Configuration;
using HwGen.Data;

namespace HwGen.Tests.Configuration;

/// <summary>Every config in examples/ loads, with its network, without errors.</summary>
public class ExampleConfigTests
{
    private static string ExamplesFolder => Path.Combine(TestData.RepoRoot, "examples");

    public static TheoryData<string> Examples =>
        [.. Directory.EnumerateFiles(ExamplesFolder, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void The_examples_folder_holds_the_documented_examples()
    {
        var names = Directory.EnumerateFiles(ExamplesFolder, "*.yaml").Select(Path.GetFileName).ToList();

        names.ShouldBe(["alex8-float.yaml", "alex8.yaml", "demo.yaml", "icebreaker-mlp.yaml", "lenet-up5k.yaml", "lenet300.yaml", "tiny.yaml"], ignoreOrder: true);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void An_example_loads_with_its_network(string fileName)
    {
        var config = ConfigLoader.Load(Path.Combine(ExamplesFolder, fileName));
        var network = NetworkLoader.Load(config);

        network.Layers.Count.ShouldBe(config.Layers.Count);
        network.Inputs.ShouldNotBeEmpty();
        network.Inputs.ShouldAllBe(v => v.Length == config.Input.Size);
        ConfigValidator.IsValidName(config.Name).ShouldBeTrue();
    }

    [Fact]
    public void Tiny_is_two_small_random_layers_on_three_pes()
    {
        var config = ConfigLoader.Load(Path.Combine(ExamplesFolder, "tiny.yaml"));

        config.Layers.Count.ShouldBe(2);
        config.Layers.ShouldAllBe(l => l.Weights.Source == DataSource.Random && l.Outputs <= 16);
        config.Hardware.Pes.ShouldBe(3);
    }

    [Fact]
    public void Lenet300_is_784_300_100_10_at_deep_compressions_densities()
    {
        var config = ConfigLoader.Load(Path.Combine(ExamplesFolder, "lenet300.yaml"));

        config.Input.Size.ShouldBe(784);
        config.Layers.Select(l => l.Outputs).ShouldBe([300, 100, 10]);
        config.Layers.Select(l => l.Weights.Density).ShouldBe([0.08, 0.09, 0.26]);
        config.Layers.Select(l => l.Activation).ShouldBe([LayerActivation.Relu, LayerActivation.Relu, LayerActivation.None]);
    }

    [Fact]
    public void Alex8_is_the_precompressed_layer_on_64_pes_with_fifo_depth_8_and_no_relu()
    {
        var config = ConfigLoader.Load(Path.Combine(ExamplesFolder, "alex8.yaml"));

        var layer = config.Layers.ShouldHaveSingleItem();
        layer.Weights.IsPrecompressed.ShouldBeTrue();
        (layer.Weights.CodesKey, layer.Weights.CodebookKey, layer.Weights.BiasKey).ShouldBe(("codes", "codebook", "bias"));
        layer.Activation.ShouldBe(LayerActivation.None);
        (config.Input.Source, config.Input.Key).ShouldBe((DataSource.Npz, "input"));
        (config.Hardware.Pes, config.Hardware.FifoDepth).ShouldBe((64, 8));
    }

    [Fact]
    public void Alex8_float_is_the_float_layer_at_its_real_density_on_64_pes()
    {
        var config = ConfigLoader.Load(Path.Combine(ExamplesFolder, "alex8-float.yaml"));

        var layer = config.Layers.ShouldHaveSingleItem();
        layer.Weights.IsPrecompressed.ShouldBeFalse();
        (layer.Weights.WeightsKey, layer.Weights.BiasKey).ShouldBe(("weights", "bias"));
        Math.Round(layer.Weights.Density * 1000 * 4096).ShouldBe(1_051_032);
        layer.Activation.ShouldBe(LayerActivation.None);
        config.Hardware.Pes.ShouldBe(64);
    }
}
