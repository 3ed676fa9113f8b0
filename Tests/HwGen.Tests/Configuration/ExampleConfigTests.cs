using HwGen.Configuration;
using HwGen.Data;

namespace HwGen.Tests.Configuration;

/// <summary>Every config in examples/ loads, with its network, without errors.</summary>
public class ExampleConfigTests
{
    private static string ExamplesFolder => Path.Combine(TestData.RepoRoot, "examples");

    /// <summary>Configs in examples/ and its xilinx/ folder (examples/sweeps/ holds sweep files, not configs).</summary>
    public static TheoryData<string> Examples =>
        [.. Directory.EnumerateFiles(ExamplesFolder, "*.yaml")
            .Concat(Directory.EnumerateFiles(Path.Combine(ExamplesFolder, "xilinx"), "*.yaml"))
            .Select(f => Path.GetRelativePath(ExamplesFolder, f))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void The_examples_folder_holds_the_documented_examples()
    {
        var names = Directory.EnumerateFiles(ExamplesFolder, "*.yaml").Select(Path.GetFileName).ToList();

        names.ShouldBe(["alex8-float.yaml", "alex8.yaml", "demo.yaml", "icebreaker-mlp.yaml", "lenet-up5k.yaml", "lenet300.yaml", "tiny.yaml"], ignoreOrder: true);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    public void The_xilinx_alex8_examples_are_alex8_at_their_pe_count_and_a_100_mhz_fabric_clock(int pes)
    {
        var alex8 = ConfigLoader.Load(Path.Combine(ExamplesFolder, "alex8.yaml"));
        var config = ConfigLoader.Load(Path.Combine(ExamplesFolder, "xilinx", $"alex8-pe{pes}.yaml"));

        config.Name.ShouldBe($"alex8_pe{pes}");
        config.Hardware.ShouldBe(alex8.Hardware with { Pes = pes, ClockMhz = 100 });
        (config.Compression, config.Quantization, config.Seed).ShouldBe((alex8.Compression, alex8.Quantization, alex8.Seed));
        var (input, layers) = Resolved(config);
        var (alex8Input, alex8Layers) = Resolved(alex8);
        input.ShouldBe(alex8Input, "the same input vector from the same file");
        layers.ShouldBe(alex8Layers, "the same layer from the same file");
    }

    /// <summary>Input and layers with their data paths made absolute.</summary>
    private static (InputConfig Input, LayerConfig[] Layers) Resolved(HwGenConfig config)
    {
        string? Full(string? path) => path is null ? null : Path.GetFullPath(Path.Combine(config.BaseDirectory, path));
        return (config.Input with { Path = Full(config.Input.Path) },
            [.. config.Layers.Select(l => l with { Weights = l.Weights with { Path = Full(l.Weights.Path) } })]);
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
