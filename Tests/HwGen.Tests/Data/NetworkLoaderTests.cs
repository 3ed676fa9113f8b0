using HwGen.Configuration;
using HwGen.Data;
using HwGen.IO;

namespace HwGen.Tests.Data;

public class NetworkLoaderTests
{
    private static HwGenConfig RandomConfig(int seed = 1, int size = 64, double density = 0.35, bool signed = false, params int[] outputs) => new()
    {
        Seed = seed,
        Input = new InputConfig { Size = size, Density = density, Signed = signed },
        Layers = [.. (outputs.Length == 0 ? [32, 10] : outputs).Select((o, i) => new LayerConfig { Name = $"fc{i + 1}", Outputs = o })],
    };

    [Fact]
    public void The_same_seed_gives_identical_weights_biases_and_inputs()
    {
        var first = NetworkLoader.Load(RandomConfig(seed: 9));
        var second = NetworkLoader.Load(RandomConfig(seed: 9));

        for (var i = 0; i < first.Layers.Count; i++)
        {
            first.Layers[i].Weights.ShouldBe(second.Layers[i].Weights);
            first.Layers[i].Bias.ShouldBe(second.Layers[i].Bias);
        }

        first.Inputs[0].ShouldBe(second.Inputs[0]);
    }

    [Fact]
    public void Different_seeds_give_different_weights_biases_and_inputs()
    {
        var first = NetworkLoader.Load(RandomConfig(seed: 1));
        var second = NetworkLoader.Load(RandomConfig(seed: 2));

        first.Layers[0].Weights.ShouldNotBe(second.Layers[0].Weights);
        first.Layers[1].Bias.ShouldNotBe(second.Layers[1].Bias);
        first.Inputs[0].ShouldNotBe(second.Inputs[0]);
    }

    [Fact]
    public void Changing_one_layer_leaves_the_random_data_of_the_others_unchanged()
    {
        var before = NetworkLoader.Load(RandomConfig(outputs: [32, 10, 5]));
        var after = NetworkLoader.Load(RandomConfig(outputs: [32, 12, 5]));

        after.Layers[0].Weights.ShouldBe(before.Layers[0].Weights);
        after.Layers[0].Bias.ShouldBe(before.Layers[0].Bias);
        after.Inputs[0].ShouldBe(before.Inputs[0]);
        after.Layers[1].Weights.ShouldNotBe(before.Layers[1].Weights);
    }

    [Fact]
    public void Random_weights_are_the_pinned_stream_scaled_by_hes_deviation()
    {
        var network = NetworkLoader.Load(RandomConfig(seed: 1, size: 16, outputs: [4]));

        // 1.0510410532796646 and 0.046903530947706544: the first normals of stream (1, "weights", 0).
        network.Layers[0].Weights![0].ShouldBe(Math.Sqrt(2.0 / 16) * 1.0510410532796646);
        network.Layers[0].Weights![1].ShouldBe(Math.Sqrt(2.0 / 16) * 0.046903530947706544);
    }

    [Fact]
    public void Random_weights_are_dense_with_hes_standard_deviation_and_biases_of_the_same_scale()
    {
        var layer = NetworkLoader.Load(RandomConfig(size: 784, outputs: [300])).Layers[0];
        double expected = Math.Sqrt(2.0 / 784);

        layer.Weights!.Length.ShouldBe(300 * 784);
        layer.Weights.Count(w => w == 0).ShouldBe(0);
        Math.Sqrt(layer.Weights.Select(w => w * w).Average()).ShouldBe(expected, expected * 0.01);
        layer.Weights.Average().ShouldBe(0, expected * 0.01);
        Math.Sqrt(layer.Bias.Select(b => b * b).Average()).ShouldBe(expected, expected * 0.15);
    }

    [Theory]
    [InlineData(16, 0.5, 8)]
    [InlineData(784, 0.19, 149)]
    [InlineData(10, 0.25, 3)] // 2.5 rounds away from zero
    [InlineData(10, 0.05, 1)] // 0.5 rounds away from zero
    [InlineData(4096, 0.375, 1536)]
    [InlineData(100, 0.0, 0)]
    [InlineData(100, 1.0, 100)]
    [InlineData(1, 1.0, 1)]
    public void A_random_input_has_exactly_round_density_times_size_non_zeros(int size, double density, int nonZeros)
    {
        var config = RandomConfig(size: size, density: density, outputs: [4]);

        var inputs = NetworkLoader.RandomInputs(config, 5, 17);

        inputs.ShouldAllBe(v => v.Length == size && v.Count(x => x != 0) == nonZeros);
        NetworkLoader.RandomInputNonZeros(config.Input).ShouldBe(nonZeros);
    }

    [Fact]
    public void Unsigned_random_inputs_are_non_negative_and_at_least_one_activation_lsb()
    {
        var config = RandomConfig(size: 4096, density: 0.5) with { Quantization = new QuantizationConfig { ActivationFrac = 4 } };

        var values = NetworkLoader.RandomInputs(config, 4, 1).SelectMany(v => v).Where(x => x != 0).ToList();

        values.Count.ShouldBe(4 * 2048);
        values.ShouldAllBe(x => x >= 1.0 / 16);
        Math.Sqrt(values.Select(x => x * x).Average()).ShouldBe(1.026, 0.03); // half-normal with σ = 1, cut below 1/16
    }

    [Fact]
    public void Signed_random_inputs_take_both_signs_about_equally()
    {
        var config = RandomConfig(size: 4096, density: 0.5, signed: true);

        var values = NetworkLoader.RandomInputs(config, 1, 1)[0].Where(x => x != 0).ToList();

        values.Count(x => x < 0).ShouldBeInRange(900, 1148);
        values.ShouldAllBe(x => Math.Abs(x) >= 1.0 / 256);
    }

    [Fact]
    public void RandomInputs_with_the_config_seed_starts_with_the_input_that_Load_uses()
    {
        var config = RandomConfig(seed: 5);

        var extra = NetworkLoader.RandomInputs(config, 3, config.Seed);
        var loaded = NetworkLoader.Load(config).Inputs.ShouldHaveSingleItem();

        extra[0].ShouldBe(loaded);
        extra[1].ShouldNotBe(extra[0]);
        extra[2].ShouldNotBe(extra[1]);
    }

    [Fact]
    public void The_real_alex8_layer_loads_precompressed_with_its_codes_codebook_bias_and_input()
    {
        var network = NetworkLoader.Load(ConfigLoader.Load(Path.Combine(TestData.RepoRoot, "examples", "alex8.yaml")));

        var layer = network.Layers.ShouldHaveSingleItem();
        (layer.Rows, layer.Cols).ShouldBe((1000, 4096));
        layer.IsPrecompressed.ShouldBeTrue();
        layer.Weights.ShouldBeNull();
        layer.Codes!.Length.ShouldBe(1000 * 4096);
        layer.Codes.Count(c => c != 0).ShouldBe(1_051_032);
        layer.Codebook!.Length.ShouldBe(16);
        layer.Codebook[0].ShouldBe(0.0);
        layer.Bias.Count(b => b != 0).ShouldBe(959);
        network.Inputs.ShouldHaveSingleItem().Count(x => x != 0).ShouldBe(1759);
    }

    [Fact]
    public void The_real_alex8_layer_loads_as_floats_with_the_same_non_zeros_and_input()
    {
        var network = NetworkLoader.Load(ConfigLoader.Load(Path.Combine(TestData.RepoRoot, "examples", "alex8-float.yaml")));

        var layer = network.Layers.ShouldHaveSingleItem();
        (layer.Rows, layer.Cols).ShouldBe((1000, 4096));
        layer.IsPrecompressed.ShouldBeFalse();
        layer.Weights!.Count(w => w != 0).ShouldBe(1_051_032);
        layer.Bias.Length.ShouldBe(1000);
        network.Inputs.ShouldHaveSingleItem().Count(x => x != 0).ShouldBe(1759);
    }

    [Fact]
    public void Problems_in_several_data_files_are_reported_together_each_at_its_own_key()
    {
        using var folder = new TempFolder();
        MalformedInputs.Npz(folder.File("a.npz"), ("w", MalformedInputs.Floats(6, 9)));
        Npy.WriteNpy(folder.File("b.npy"), Npy.Create(NpyType.Float32, [4, 6], [.. Enumerable.Repeat(double.PositiveInfinity, 24)]));
        MalformedInputs.Npz(folder.File("c.npz"), ("codes", Npy.Create(NpyType.Int32, [2, 4], new double[8])), ("codebook", Npy.Create(NpyType.Float32, [1], [0])));
        MalformedInputs.Npz(folder.File("x.npz"), ("other", MalformedInputs.Floats(8)));
        string path = folder.Write("c.yaml", """
            input:
              size: 8
              source: npz
              path: x.npz
            layers:
              - outputs: 6
                weights:
                  source: npz
                  path: a.npz
                  weights: w
              - outputs: 4
                weights:
                  source: npy
                  path: b.npy
              - outputs: 2
                weights:
                  source: npz
                  path: c.npz
                  codes: codes
                  codebook: codebook
            """);

        var exception = Should.Throw<ConfigException>(() => NetworkLoader.Load(ConfigLoader.Load(path)));

        exception.Errors.Select(e => (e.Line, e.Key)).ShouldBe(
        [
            (1, "input.key"),
            (10, "layers[0].weights.weights"),
            (14, "layers[1].weights.path"),
            (19, "layers[2].weights.codes"),
        ]);
        exception.Errors[0].Message.ShouldBe("x.npz has no array 'input' (it has: other)");
        exception.Errors[1].Message.ShouldBe("a.npz['w'] has shape (6, 9); layer 'fc1' needs (outputs, inputs) = (6, 8), inputs being input.size");
        exception.Errors[2].Message.ShouldContain("b.npy holds 24 NaN or infinite values (the first at [0, 0])");
        exception.Errors[3].Message.ShouldBe("c.npz['codes'] is int32; codes must be uint8 (one codebook index per weight)");
    }

    [Fact]
    public void An_input_file_with_several_vectors_gives_each_of_them()
    {
        using var folder = new TempFolder();
        Npy.WriteNpy(folder.File("x.npy"), Npy.Create(NpyType.Int8, [3, 4], [1, 0, 0, -1, 0, 2, 0, 0, 0, 0, 0, 3]));
        string path = folder.Write("c.yaml", "input:\n  size: 4\n  source: npy\n  path: x.npy\nlayers:\n  - outputs: 2\n");

        var inputs = NetworkLoader.Load(ConfigLoader.Load(path)).Inputs;

        inputs.Count.ShouldBe(3);
        inputs[0].ShouldBe([1, 0, 0, -1]);
        inputs[2].ShouldBe([0, 0, 0, 3]);
    }

    [Fact]
    public void An_npz_given_as_npy_is_reported_with_the_source_to_use()
    {
        using var folder = new TempFolder();
        MalformedInputs.Npz(folder.File("w.npz"), ("w", MalformedInputs.Floats(2, 4)));
        string path = folder.Write("c.yaml", "input:\n  size: 4\nlayers:\n  - outputs: 2\n    weights:\n      source: npy\n      path: w.npz\n");

        var exception = Should.Throw<ConfigException>(() => NetworkLoader.Load(ConfigLoader.Load(path)));

        var error = exception.Errors.Single();
        (error.Line, error.Key).ShouldBe((7, "layers[0].weights.path"));
        error.Message.ShouldContain("this is an .npz archive: use source: npz");
    }

    [Fact]
    public void A_codebook_larger_than_codebook_bits_allow_is_reported_at_the_codebook()
    {
        using var folder = new TempFolder();
        MalformedInputs.Npz(folder.File("w.npz"), ("c", MalformedInputs.Codes(2, 4, 1)), ("cb", Npy.Create(NpyType.Float32, [5], [0, 1, 2, 3, 4])));
        string path = folder.Write("c.yaml", """
            input:
              size: 4
            layers:
              - outputs: 2
                weights:
                  source: npz
                  path: w.npz
                  codes: c
                  codebook: cb
            compression:
              codebook_bits: 2
            """);

        var exception = Should.Throw<ConfigException>(() => NetworkLoader.Load(ConfigLoader.Load(path)));

        exception.Errors.Single().Message.ShouldBe(
            "w.npz['cb'] has 5 entries, more than the 2^codebook_bits = 4 that compression.codebook_bits = 2 allows; raise codebook_bits");
    }

    [Fact]
    public void A_config_built_in_code_reports_data_problems_without_line_numbers()
    {
        using var folder = new TempFolder();
        var config = new HwGenConfig
        {
            Input = new InputConfig { Size = 4 },
            Layers = [new LayerConfig { Name = "fc1", Outputs = 2, Weights = new WeightsConfig { Source = DataSource.Npy, Path = "gone.npy" } }],
            BaseDirectory = folder.Path,
        };

        var exception = Should.Throw<ConfigException>(() => NetworkLoader.Load(config));

        exception.Errors.Single().ToString().ShouldStartWith("<memory>: layers[0].weights.path: data file not found: gone.npy");
    }
}
