using HwGen.Configuration;
using HwGen.Sweep;

namespace HwGen.Tests.Sweep;

/// <summary>Reading sweep files: axes, ranges, sampling, and every problem reported with file, line and key.</summary>
public class SweepFileTests
{
    [Fact]
    public void Axes_read_lists_and_ranges_typed_for_their_keys()
    {
        using var folder = new TempFolder();
        string path = SweepFiles.Arrange(folder, """
            base: base.yaml
            axes:
              hardware.pes: {from: 1, to: 64, factor: 2}
              layers[*].weights.density: {from: 0.05, to: 0.3, step: 0.05}
              compression.row_assignment: [interleaved, balanced]
              hardware.clock_mhz: 125
            """);

        var definition = SweepDefinition.Load(path, synth: false);

        var axes = definition.Spec.Axes;
        axes[0].Values.Select(v => v.Value).ShouldBe(new object[] { 1, 2, 4, 8, 16, 32, 64 });
        axes[1].Values.Select(v => v.Text).ShouldBe(["0.05", "0.1", "0.15", "0.2", "0.25", "0.3"]);
        axes[1].Path.AllLayers.ShouldBeTrue();
        axes[2].Values.Select(v => v.Value).ShouldBe(new object[] { RowAssignmentMethod.Interleaved, RowAssignmentMethod.Balanced });
        axes[3].Values.Single().Value.ShouldBe(125.0);
        definition.Points.Count.ShouldBe(7 * 6 * 2);
        definition.Points.ShouldAllBe(p => p.Config != null);
    }

    [Fact]
    public void Every_value_key_of_the_config_schema_can_be_an_axis_and_sections_cannot()
    {
        var values = ConfigSchema.ByPath.Values.Where(k => k.Type is not (ConfigType.Section or ConfigType.List)).ToList();

        values.Count.ShouldBeGreaterThan(25);
        values.Where(k => ConfigKeyPath.Parse(k.Path.Replace("[]", "[0]", StringComparison.Ordinal), out _) is null).ShouldBeEmpty("a config key the sweep cannot set");
        ConfigKeyPath.Parse("layers[0].weights", out string? problem).ShouldBeNull();
        problem!.ShouldContain("is a section, not a value");
    }

    [Fact]
    public void A_layer_axis_sets_and_reads_the_key_of_the_layer_it_names_through_the_schema()
    {
        var config = new HwGenConfig { Layers = [new LayerConfig { Name = "a" }, new LayerConfig { Name = "b" }] };
        var second = ConfigKeyPath.Parse("layers[1].weights.density", out _)!;
        var every = ConfigKeyPath.Parse("layers[*].activation", out _)!;

        var changed = every.Apply(second.Apply(config, 0.25), LayerActivation.None);

        changed.Layers.Select(l => l.Weights.Density).ShouldBe([0.1, 0.25]);
        changed.Layers.ShouldAllBe(l => l.Activation == LayerActivation.None);
        second.Read(changed).ShouldBe(0.25);
        config.Layers[1].Weights.Density.ShouldBe(0.1, "the records are immutable");
    }

    [Fact]
    public void The_grid_runs_in_row_major_order_the_last_axis_fastest_and_values_reach_every_layer()
    {
        using var folder = new TempFolder();
        string path = SweepFiles.Arrange(folder, """
            base: base.yaml
            axes:
              hardware.pes: [2, 5]
              layers[*].weights.density: [0.1, 0.2, 0.3]
            """);

        var points = SweepDefinition.Load(path, synth: false).Points;

        points.Select(p => $"{p.Config!.Hardware.Pes}/{p.Config.Layers[0].Weights.Density}/{p.Config.Layers[1].Weights.Density}").ShouldBe(
            ["2/0.1/0.1", "2/0.2/0.2", "2/0.3/0.3", "5/0.1/0.1", "5/0.2/0.2", "5/0.3/0.3"]);
        points.Select(p => p.Index).ShouldBe([0, 1, 2, 3, 4, 5]);
    }

    [Fact]
    public void Random_sampling_draws_distinct_points_of_the_grid_the_same_for_the_same_seed()
    {
        using var folder = new TempFolder();
        string Sweep(int seed) => $$"""
            base: base.yaml
            sampling: random
            points: 20
            seed: {{seed}}
            axes:
              hardware.pes: {from: 1, to: 40, step: 1}
              hardware.fifo_depth: [1, 2, 4, 8, 16]
            """;

        var first = SweepDefinition.Load(SweepFiles.Arrange(folder, Sweep(1), "a.yaml"), synth: false).Points;
        var again = SweepDefinition.Load(SweepFiles.Arrange(folder, Sweep(1), "b.yaml"), synth: false).Points;
        var other = SweepDefinition.Load(SweepFiles.Arrange(folder, Sweep(2), "c.yaml"), synth: false).Points;

        static string Text(SweepPoint p) => string.Join("/", p.Values.Select(v => v.Text));
        first.Count.ShouldBe(20);
        first.Select(Text).ShouldBeUnique();
        again.Select(Text).ShouldBe(first.Select(Text));
        other.Select(Text).ShouldNotBe(first.Select(Text));
        first.Select(p => (p.Config!.Hardware.Pes * 100) + p.Config.Hardware.FifoDepth).ShouldBeInOrder(SortDirection.Ascending);
    }

    [Fact]
    public void Shards_split_the_points_into_contiguous_blocks_that_cover_each_once()
    {
        var covered = new List<int>();
        for (int shard = 1; shard <= 4; shard++)
        {
            var (first, end) = SweepPlan.ShardRange(10, shard, 4);
            covered.AddRange(Enumerable.Range(first, end - first));
        }

        covered.ShouldBe(Enumerable.Range(0, 10));
    }

    public static TheoryData<string, string, string, string> BadFiles => new()
    {
        {
            "unknown top-level key",
            """
            base: base.yaml
            axis:                               # <--
              hardware.pes: [1, 2]
            """,
            "axis", "did you mean 'axes'?"
        },
        {
            "unknown config key",
            """
            base: base.yaml
            axes:
              hardware.pe: [1, 2]               # <--
            """,
            "axes.hardware.pe", "did you mean 'hardware.pes'?"
        },
        {
            "empty axis",
            """
            base: base.yaml
            axes:
              hardware.pes: []                  # <--
            """,
            "axes.hardware.pes", "empty axis"
        },
        {
            "value out of the key's range",
            """
            base: base.yaml
            axes:
              hardware.pes: [0, 4]              # <--
            """,
            "axes.hardware.pes[0]", "0 is out of range for hardware.pes: must be in 1..1024"
        },
        {
            "enum value that does not exist",
            """
            base: base.yaml
            axes:
              compression.row_assignment: [interleaved, balance]   # <--
            """,
            "axes.compression.row_assignment[1]", "did you mean 'balanced'?"
        },
        {
            "a section instead of a key",
            """
            base: base.yaml
            axes:
              hardware: [1, 2]                  # <--
            """,
            "axes.hardware", "is a section, not a value"
        },
        {
            "a layer beyond the base config's",
            """
            base: base.yaml
            axes:
              layers[2].weights.density: [0.1]  # <--
            """,
            "axes.layers[2].weights.density", "the base config has 2 layer(s)"
        },
        {
            "range with both step and factor",
            """
            base: base.yaml
            axes:
              hardware.pes: {from: 1, to: 8, step: 1, factor: 2}   # <--
            """,
            "axes.hardware.pes", "exactly one of step"
        },
        {
            "points without random sampling",
            """
            base: base.yaml
            points: 10                          # <--
            axes:
              hardware.pes: [1, 2]
            """,
            "points", "only used with sampling: random"
        },
        {
            "unknown metric",
            """
            base: base.yaml
            axes:
              hardware.pes: [1, 2]
            metrics: [cycles, latncy_us]        # <--
            """,
            "metrics[1]", "did you mean 'latency_us'?"
        },
        {
            "base config that does not exist",
            """
            base: nowhere.yaml                  # <--
            axes:
              hardware.pes: [1, 2]
            """,
            "base", "base config not found"
        },
        {
            "the same value twice",
            """
            base: base.yaml
            axes:
              hardware.fifo_depth: [2, 4, 2]    # <--
            """,
            "axes.hardware.fifo_depth", "listed twice"
        },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_sweep_file_gives_one_error_naming_file_line_and_key(string what, string yaml, string key, string message)
    {
        using var folder = new TempFolder();
        string path = SweepFiles.Arrange(folder, yaml);

        var exception = Should.Throw<ConfigException>(() => SweepDefinition.Load(path, synth: false), what);

        var error = exception.Errors.ShouldHaveSingleItem(what);
        error.File.ShouldBe(path);
        error.Line.ShouldBe(SweepFiles.LineOf(yaml, "# <--"), error.ToString());
        error.Key.ShouldBe(key, error.ToString());
        error.Message.ShouldContain(message, Case.Sensitive, error.ToString());
    }

    public static TheoryData<string> HostileSweeps => [.. HostileConfigs.Sweeps.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(HostileSweeps))]
    public void A_hostile_sweep_file_gives_one_error_naming_file_line_and_key(string name)
    {
        var input = HostileConfigs.Sweeps.Single(c => c.Name == name);
        using var folder = new TempFolder();
        string path = input.Arrange(folder);

        var exception = Should.Throw<ConfigException>(() => SweepDefinition.Load(path, synth: false));

        var error = exception.Errors.ShouldHaveSingleItem(exception.Message);
        (error.File, error.Line, error.Key).ShouldBe((path, input.Line, input.Key), error.ToString());
        error.Column.ShouldBeGreaterThan(0);
        error.Message.ShouldContain(input.MessagePart, Case.Sensitive, error.ToString());
    }

    [Fact]
    public void Every_problem_of_a_sweep_file_is_reported_at_once()
    {
        using var folder = new TempFolder();
        string path = SweepFiles.Arrange(folder, """
            base: base.yaml
            sampling: sometimes
            axes:
              hardware.pes: [0]
              hardware.fifo: [1]
            vectors: many
            """);

        var exception = Should.Throw<ConfigException>(() => SweepDefinition.Load(path, synth: false));

        exception.Errors.Select(e => e.Key).ShouldBe(["sampling", "axes.hardware.pes[0]", "axes.hardware.fifo", "vectors"]);
    }

    [Fact]
    public void Points_whose_values_combine_into_an_impossible_config_are_marked_with_the_validators_reason()
    {
        using var folder = new TempFolder();
        string path = SweepFiles.Arrange(folder, """
            base: base.yaml
            axes:
              quantization.activation_bits: [8, 16]
              quantization.activation_frac: [4, 8]
            """);

        var points = SweepDefinition.Load(path, synth: false).Points;

        points.Select(p => p.Config is null).ShouldBe([false, true, false, false]);
        points[1].Problem!.ShouldContain("quantization.activation_frac: must be in 0..7");
    }

    [Fact]
    public void A_sweep_whose_every_point_is_impossible_is_bad_input()
    {
        using var folder = new TempFolder();
        string path = SweepFiles.Arrange(folder, """
            base: base.yaml
            axes:
              quantization.activation_bits: [6, 8]
              quantization.activation_frac: [8, 10]
            """);

        var error = Should.Throw<ConfigException>(() => SweepDefinition.Load(path, synth: false)).Errors.ShouldHaveSingleItem();

        error.Key.ShouldBe("axes");
        error.Message.ShouldContain("every point is invalid");
        error.Message.ShouldContain("activation_frac");
    }
}
