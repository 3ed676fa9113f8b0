using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;
using HwGen.IO;

namespace HwGen.Tests.Configuration;

public class ConfigLoaderTests
{
    private const string FullConfig = """
        name: full_design
        seed: 42
        input:
          size: 8
          source: npz
          density: 0.5
          signed: true
          path: data/net.npz
          key: x
        layers:
          - name: hidden
            outputs: 5
            activation: relu
            weights:
              source: random
              density: 0.25
          - name: middle
            outputs: 3
            activation: relu
            weights:
              source: npz
              density: 0.5
              path: data/net.npz
              weights: w2
              bias: b2
          - name: logits
            outputs: 2
            activation: none
            weights:
              source: npz
              path: data/net.npz
              codes: c3
              codebook: cb3
              bias: b3
        compression:
          pruning: load_balanced
          codebook_bits: 3
          index_bits: 5
          row_assignment: balanced
          kmeans_iterations: 50
        quantization:
          activation_bits: 12
          activation_frac: 6
          weight_bits: 10
        hardware:
          pes: 7
          fifo_depth: 16
          spmat_line_entries: 4
          clock_mhz: 150.5
        """;

    [Fact]
    public void A_config_that_sets_every_key_loads_with_exactly_those_values()
    {
        using var folder = new TempFolder();
        WriteFullConfigData(folder);
        string path = folder.Write("full.yaml", FullConfig);

        var config = ConfigLoader.Load(path);

        config.Name.ShouldBe("full_design");
        config.Seed.ShouldBe(42);
        config.Input.ShouldBe(new InputConfig { Size = 8, Source = DataSource.Npz, Density = 0.5, Signed = true, Path = "data/net.npz", Key = "x" });
        config.Layers.Count.ShouldBe(3);
        config.Layers[0].ShouldBe(new LayerConfig
        {
            Name = "hidden",
            Outputs = 5,
            Activation = LayerActivation.Relu,
            Weights = new WeightsConfig { Source = DataSource.Random, Density = 0.25 },
        });
        config.Layers[1].ShouldBe(new LayerConfig
        {
            Name = "middle",
            Outputs = 3,
            Activation = LayerActivation.Relu,
            Weights = new WeightsConfig { Source = DataSource.Npz, Density = 0.5, Path = "data/net.npz", WeightsKey = "w2", BiasKey = "b2" },
        });
        config.Layers[2].ShouldBe(new LayerConfig
        {
            Name = "logits",
            Outputs = 2,
            Activation = LayerActivation.None,
            Weights = new WeightsConfig { Source = DataSource.Npz, Path = "data/net.npz", CodesKey = "c3", CodebookKey = "cb3", BiasKey = "b3" },
        });
        config.Layers[2].Weights.IsPrecompressed.ShouldBeTrue();
        config.Compression.ShouldBe(new CompressionConfig
        {
            Pruning = PruningMethod.LoadBalanced,
            CodebookBits = 3,
            IndexBits = 5,
            RowAssignment = RowAssignmentMethod.Balanced,
            KMeansIterations = 50,
        });
        config.Quantization.ShouldBe(new QuantizationConfig { ActivationBits = 12, ActivationFrac = 6, WeightBits = 10 });
        config.Hardware.ShouldBe(new HardwareConfig { Pes = 7, FifoDepth = 16, SpmatLineEntries = 4, ClockMhz = 150.5 });
        config.SourceFile.ShouldBe(path);
        config.BaseDirectory.ShouldBe(folder.Path);
        config.ResolvePath("data/net.npz").ShouldBe(folder.File(Path.Combine("data", "net.npz")));
    }

    [Fact]
    public void The_full_config_records_where_each_key_was_written()
    {
        using var folder = new TempFolder();
        WriteFullConfigData(folder);
        string path = folder.Write("full.yaml", FullConfig);

        var locations = ConfigLoader.Load(path).Locations;

        locations.Find("seed").ShouldBe(new ConfigLocation(2, 7));
        locations.Find("layers[1].weights.bias").ShouldBe(new ConfigLocation(25, 13));
        locations.Find("layers[2]").ShouldBe(new ConfigLocation(26, 5));
        locations.Find("hardware.clock_mhz").ShouldBe(new ConfigLocation(49, 14));
        locations.Contains("input.key").ShouldBeTrue();
        locations.Find("compression.nothing_here").ShouldBe(new ConfigLocation(35, 1));
    }

    [Fact]
    public void The_full_configs_network_loads_with_the_shapes_the_config_implies()
    {
        using var folder = new TempFolder();
        WriteFullConfigData(folder);
        string path = folder.Write("full.yaml", FullConfig);

        var network = NetworkLoader.Load(ConfigLoader.Load(path));

        network.Inputs.Count.ShouldBe(2);
        network.Inputs[1].ShouldBe([9, 10, 11, 12, 13, 14, 15, 16]);
        network.Layers.Select(l => (l.Name, l.Rows, l.Cols)).ShouldBe([("hidden", 5, 8), ("middle", 3, 5), ("logits", 2, 3)]);
        network.Layers[1].Bias.ShouldBe([0.5, -0.5, 0.25]);
        network.Layers[2].Codes.ShouldBe(new byte[] { 0, 1, 2, 3, 0, 1 });
        network.Layers[2].Codebook.ShouldBe([0.0, 0.5, -0.25, 1.0]);
        network.Layers[2].Weights.ShouldBeNull();
    }

    [Fact]
    public void A_minimal_config_gets_the_record_defaults_for_every_other_key()
    {
        using var folder = new TempFolder();
        string path = folder.Write("min.yaml", "input:\n  size: 8\nlayers:\n  - outputs: 4\n  - outputs: 2\n");

        var config = ConfigLoader.Load(path);

        config.Name.ShouldBe("accel");
        config.Seed.ShouldBe(1);
        config.Input.ShouldBe(new InputConfig { Size = 8 });
        config.Input.Source.ShouldBe(DataSource.Random);
        config.Input.Density.ShouldBe(0.35);
        config.Layers.Select(l => l.Name).ShouldBe(["fc1", "fc2"]);
        config.Layers[0].ShouldBe(new LayerConfig { Name = "fc1", Outputs = 4 });
        config.Layers[0].Activation.ShouldBe(LayerActivation.Relu);
        config.Layers[0].Weights.ShouldBe(new WeightsConfig());
        config.Compression.ShouldBe(new CompressionConfig());
        config.Quantization.ShouldBe(new QuantizationConfig());
        config.Hardware.ShouldBe(new HardwareConfig());
    }

    [Fact]
    public void Sections_written_empty_or_with_only_comments_take_their_defaults()
    {
        using var folder = new TempFolder();
        string path = folder.Write("c.yaml", """
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
            compression:
              # pruning: load_balanced
            hardware: {}
            """);

        var config = ConfigLoader.Load(path);

        config.Compression.ShouldBe(new CompressionConfig());
        config.Hardware.ShouldBe(new HardwareConfig());
        config.Layers[0].Weights.ShouldBe(new WeightsConfig());
    }

    [Fact]
    public void Anchors_and_aliases_can_share_settings_between_layers()
    {
        using var folder = new TempFolder();
        string path = folder.Write("a.yaml", """
            input:
              size: 8
            layers:
              - outputs: 4
                weights: &sparse
                  density: 0.05
              - outputs: 2
                weights: *sparse
            """);

        var config = ConfigLoader.Load(path);

        config.Layers[1].Weights.Density.ShouldBe(0.05);
    }

    [Fact]
    public void Every_error_of_a_config_is_reported_together_in_line_order()
    {
        using var folder = new TempFolder();
        string path = folder.Write("three.yaml", """
            name: three
            input:
              sise: 8
            layers:
              - name: fc1
                outputs: 4
                activation: softmax
            hardware:
              pes: 0
            """);

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        // sise is taken for size ("did you mean 'size'?"), so input.size is not reported missing as well.
        exception.Errors.Select(e => (e.Line, e.Key)).ShouldBe(
        [
            (3, "input.sise"),
            (7, "layers[0].activation"),
            (9, "hardware.pes"),
        ]);
        exception.Errors[0].Message.ShouldContain("did you mean 'size'?");
        exception.Errors.ShouldAllBe(e => e.File == path);
        exception.Message.Split(Environment.NewLine).Length.ShouldBe(3);
    }

    [Fact]
    public void Three_independent_errors_give_three_errors_each_on_its_own_line()
    {
        using var folder = new TempFolder();
        string path = folder.Write("three.yaml", """
            input:
              size: 8
              density: -0.1
            layers:
              - outputs: 4
                weights:
                  density: 2
            compression:
              codebook_bits: 9
            """);

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        exception.Errors.Select(e => (e.Line, e.Column, e.Key)).ShouldBe(
        [
            (3, 12, "input.density"),
            (7, 16, "layers[0].weights.density"),
            (9, 18, "compression.codebook_bits"),
        ]);
        exception.Errors[2].Message.ShouldBe("must be in 1..8, got 9");
    }

    [Fact]
    public void A_rejected_value_does_not_cause_follow_on_errors_in_rules_that_depend_on_it()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("w.npy"), "not really read");
        string path = folder.Write("c.yaml", """
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: numpy
                  path: w.npy
            """);

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        exception.Errors.Count.ShouldBe(1, exception.Message);
        exception.Errors[0].Key.ShouldBe("layers[0].weights.source");
        exception.Errors[0].Message.ShouldBe("'numpy' is not allowed; use one of: random, npy, npz, onnx; did you mean 'npy'?");
    }

    [Fact]
    public void A_path_of_the_wrong_type_is_one_error_not_also_a_missing_path()
    {
        using var folder = new TempFolder();
        string path = folder.Write("c.yaml", """
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npz
                  path: [a.npz, b.npz]
                  codes: {name: c}
                  codebook: cb
            """);

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        exception.Errors.Select(e => (e.Line, e.Key)).ShouldBe([(7, "layers[0].weights.path"), (8, "layers[0].weights.codes")]);
        exception.Errors[0].Message.ShouldBe("expected a file path, got a list");
    }

    [Fact]
    public void An_enum_value_in_the_wrong_case_suggests_the_snake_case_spelling()
    {
        using var folder = new TempFolder();
        string path = folder.Write("c.yaml", "input:\n  size: 8\nlayers:\n  - outputs: 4\ncompression:\n  pruning: LoadBalanced\n");

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        exception.Errors.Single().Message.ShouldContain("use one of: magnitude, load_balanced; did you mean 'load_balanced'?");
    }

    [Fact]
    public void A_path_given_with_a_random_source_is_reported_as_a_likely_forgotten_source()
    {
        using var folder = new TempFolder();
        string path = folder.Write("c.yaml", "input:\n  size: 8\nlayers:\n  - outputs: 4\n    weights:\n      path: w.npz\n");

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        var error = exception.Errors.Single();
        (error.Line, error.Key).ShouldBe((6, "layers[0].weights.path"));
        error.Message.ShouldContain("only used with source: npy or npz");
    }

    [Fact]
    public void A_precompressed_layer_ignores_its_density()
    {
        using var folder = new TempFolder();
        MalformedInputs.Npz(folder.File("w.npz"), ("c", MalformedInputs.Codes(4, 8, 1)), ("cb", Npy.Create(NpyType.Float32, [2], [0, 1])));
        string path = folder.Write("c.yaml", """
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npz
                  path: w.npz
                  codes: c
                  codebook: cb
                  density: 7
            """);

        Should.NotThrow(() => NetworkLoader.Load(ConfigLoader.Load(path)));
    }

    [Fact]
    public void A_layer_too_large_to_hold_is_reported_at_its_outputs()
    {
        using var folder = new TempFolder();
        string path = folder.Write("c.yaml", "input:\n  size: 1000000\nlayers:\n  - outputs: 1000000\n");

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        var error = exception.Errors.Single();
        (error.Line, error.Key).ShouldBe((4, "layers[0].outputs"));
        error.Message.ShouldContain("1000000000000 weights");
    }

    [Fact]
    public void An_empty_file_reports_both_required_keys_at_line_1()
    {
        using var folder = new TempFolder();
        string path = folder.Write("empty.yaml", "# nothing yet\n");

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        exception.Errors.Select(e => (e.Line, e.Key)).ShouldBe([(1, "input.size"), (1, "layers")]);
    }

    [Fact]
    public void A_config_that_is_not_a_mapping_is_one_error()
    {
        using var folder = new TempFolder();
        string path = folder.Write("list.yaml", "- size: 8\n");

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        var error = exception.Errors.Single();
        error.Line.ShouldBe(1);
        error.Message.ShouldStartWith("the config file must be a mapping of keys (name, seed, input, layers");
    }

    [Fact]
    public void A_second_yaml_document_is_a_syntax_error()
    {
        using var folder = new TempFolder();
        string path = folder.Write("two.yaml", "input:\n  size: 8\nlayers:\n  - outputs: 4\n---\nseed: 2\n");

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        var error = exception.Errors.Single();
        error.Line.ShouldBe(5);
        error.Message.ShouldContain("one YAML document");
    }

    [Fact]
    public void An_alias_to_no_anchor_is_a_syntax_error()
    {
        using var folder = new TempFolder();
        string path = folder.Write("a.yaml", "input:\n  size: 8\nlayers:\n  - outputs: 4\n    weights: *nowhere\n");

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        exception.Errors.Single().ShouldSatisfyAllConditions(
            e => e.Line.ShouldBe(5),
            e => e.Key.ShouldBe("layers[0].weights"),
            e => e.Message.ShouldContain("*nowhere"));
    }

    [Fact]
    public void A_missing_config_file_is_a_config_error_naming_the_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("nope.yaml");

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        exception.Errors.Single().ToString().ShouldBe($"{path}: config file not found");
    }

    [Fact]
    public void Text_loads_against_the_given_base_directory_and_file_name()
    {
        var config = ConfigLoader.LoadFromText("input: {size: 3}\nlayers: [{outputs: 2}]\n", "inline.yaml", "/some/where");

        config.SourceFile.ShouldBe("inline.yaml");
        config.BaseDirectory.ShouldBe("/some/where");
        config.ResolvePath("d/x.npy").ShouldBe(Path.GetFullPath("/some/where/d/x.npy"));
    }

    [Fact]
    public void A_config_built_in_code_is_validated_by_the_same_rules_without_line_numbers()
    {
        var config = new HwGenConfig
        {
            Name = "Bad Name",
            Layers = [new LayerConfig { Outputs = 4 }],
            Hardware = new HardwareConfig { Pes = 0, ClockMhz = 0 },
        };

        var errors = ConfigValidator.Validate(config);

        errors.Select(e => e.Key).ShouldBe(["name", "hardware.pes", "hardware.clock_mhz"]);
        errors.ShouldAllBe(e => e.Line == 0 && e.File == "<memory>");
        errors[2].ToString().ShouldBe("<memory>: hardware.clock_mhz: must be in (0, 1000], got 0");
        errors[0].Message.ShouldContain("e.g. 'bad_name'");
    }

    private static void WriteFullConfigData(TempFolder folder)
    {
        Directory.CreateDirectory(folder.File("data"));
        MalformedInputs.Npz(
            folder.File(Path.Combine("data", "net.npz")),
            ("x", Npy.Create(NpyType.Float64, [2, 8], [0, 0, 1, 0, 2, 0, 0, 3, 9, 10, 11, 12, 13, 14, 15, 16])),
            ("w2", MalformedInputs.Floats(3, 5)),
            ("b2", Npy.Create(NpyType.Float32, [3], [0.5, -0.5, 0.25])),
            ("c3", Npy.CreateUInt8([2, 3], [0, 1, 2, 3, 0, 1])),
            ("cb3", Npy.Create(NpyType.Float32, [4], [0, 0.5, -0.25, 1])),
            ("b3", Npy.Create(NpyType.Int16, [2], [1, -1])));
    }

    [Fact]
    public void Overlapped_writeback_with_single_port_activation_memory_is_refused_at_its_line()
    {
        using var folder = new TempFolder();
        string path = folder.Write("cfg.yaml", """
            input: {size: 8}
            layers: [{name: a, outputs: 6}, {name: b, outputs: 3}]
            hardware:
              overlap_writeback: true
              act_memory: ice40_spram
            """);

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        var error = exception.Errors.Single();
        (error.Line, error.Key).ShouldBe((5, "hardware.act_memory"));
        error.Message.ShouldContain("one port");
        error.Message.ShouldContain("overlap_writeback");
    }

    [Fact]
    public void Overlapped_writeback_is_accepted_where_no_writeback_can_overlap()
    {
        // One fully connected layer: no writeback runs behind another layer, so one port will do.
        using var folder = new TempFolder();
        string path = folder.Write("cfg.yaml", """
            input: {size: 8}
            layers: [{name: a, outputs: 6}]
            hardware: {overlap_writeback: true, act_memory: ice40_spram}
            """);

        var config = ConfigLoader.Load(path);

        config.Hardware.OverlapWriteback.ShouldBeTrue();
        Design.FromConfig(config).Network.OverlapsAnyWriteback.ShouldBeFalse();
    }
}
