using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Emit;
using HwGen.Hardware;
using HwGen.Model;
using HwGen.Tools;
using Xunit.Abstractions;

namespace HwGen.Tests.Emit;

/// <summary>Static checks of generated designs: lint, synthesis, determinism, approved snapshots.</summary>
public class GeneratedRtlTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(10);

    public static TheoryData<int> LintSeeds() => [1, 2, 3, 5, 9, 12, 16];

    /// <summary>Generates the design into <paramref name="dir"/> and checks <c>verilator --lint-only -Wall</c> passes without a warning.</summary>
    private void ShouldLintClean(Design design, string dir, string label)
    {
        Generate(design, dir);
        var result = ProcessRunner.Run("verilator", ["--lint-only", "-Wall", "-f", "sources.f", "--top-module", $"{design.Network.Name}_top"], dir, ToolTimeout);

        output.WriteLine(result.Stderr);
        result.ExitCode.ShouldBe(0, $"{label}: {string.Join('\n', result.ErrorLines)}");
        result.Stderr.ShouldNotContain("%Warning");
    }

    [Theory]
    [Trait("Category", "Tools")]
    [MemberData(nameof(LintSeeds))]
    public void Generated_design_is_clean_under_verilator_lint_wall(int seed)
    {
        using var dir = new TempFolder("lint");
        var design = Design.FromConfig(RandomDesigns.Create(seed));
        ShouldLintClean(design, dir.Path, $"seed {seed}");
    }

    [Theory]
    [Trait("Category", "Tools")]
    [InlineData(2)]
    [InlineData(9)]
    public void Design_with_overlapped_writeback_is_clean_under_verilator_lint_wall(int seed)
    {
        using var dir = new TempFolder("lint-overlap");
        var config = RandomDesigns.Create(seed);
        var design = Design.FromConfig(config with { Hardware = config.Hardware with { OverlapWriteback = true } });
        design.Network.OverlapsAnyWriteback.ShouldBeTrue();
        ShouldLintClean(design, dir.Path, $"seed {seed}, overlapped writeback");
    }

    [Theory]
    [Trait("Category", "Tools")]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    public void Design_with_column_pairs_is_clean_under_verilator_lint_wall(int seed)
    {
        using var dir = new TempFolder("lint-pairs");
        var design = Design.FromConfig(RandomDesigns.WithColumnPairs(RandomDesigns.Create(seed)));
        design.Network.Spec.ColumnPairs.ShouldBeTrue();
        ShouldLintClean(design, dir.Path, $"seed {seed}, column pairs");
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Lstm_design_with_overlapped_writeback_is_clean_under_verilator_lint_wall()
    {
        using var dir = new TempFolder("lint-overlap-lstm");
        var lstm = RandomDesigns.CreateLstm(507);
        var config = lstm with
        {
            Layers = [.. lstm.Layers.Where(l => l.Kind == LayerKind.Lstm), new LayerConfig { Name = "fc1", Outputs = 6 }, new LayerConfig { Name = "fc2", Outputs = 3 }],
            Hardware = lstm.Hardware with { OverlapWriteback = true },
        };
        var design = Design.FromConfig(config);
        design.Network.OverlapsAnyWriteback.ShouldBeTrue();
        ShouldLintClean(design, dir.Path, "lstm 507, overlapped writeback");
    }

    [Theory]
    [Trait("Category", "Tools")]
    [InlineData(203)]
    [InlineData(205)]
    public void Design_with_tanh_and_sigmoid_layers_is_clean_under_verilator_lint_wall(int seed)
    {
        using var dir = new TempFolder("lint-act");
        var design = Design.FromConfig(RandomDesigns.CreateWithTableActivations(seed));
        ShouldLintClean(design, dir.Path, $"seed {seed}");
    }

    [Theory]
    [Trait("Category", "Tools")]
    [InlineData(301)]
    [InlineData(306)]
    public void Design_with_linear_weights_is_clean_under_verilator_lint_wall(int seed)
    {
        using var dir = new TempFolder("lint-linear");
        var design = Design.FromConfig(RandomDesigns.CreateWithLinearWeights(seed));
        ShouldLintClean(design, dir.Path, $"seed {seed}");
        File.Exists(Path.Combine(dir.Path, "mem", $"{design.Network.Name}_codebook.mem")).ShouldBeFalse("a linear design has no codebook image");
    }

    [Theory]
    [Trait("Category", "Tools")]
    [InlineData(401)]
    [InlineData(406)]
    public void Design_with_external_weights_is_clean_under_verilator_lint_wall(int seed)
    {
        using var dir = new TempFolder("lint-external");
        var design = Design.FromConfig(RandomDesigns.CreateWithExternalWeights(seed));
        ShouldLintClean(design, dir.Path, $"seed {seed}");
        File.Exists(Path.Combine(dir.Path, "mem", $"{design.Network.Name}_dram.bin")).ShouldBeTrue("the DRAM image");
    }

    /// <summary>
    /// One layer of 64 columns: the pointer memories are exactly 64 words deep (a power of two, as
    /// alex8's 4,096), so the pointer index has a bit the column-base table does not use.
    /// </summary>
    [Fact]
    [Trait("Category", "Tools")]
    public void Design_with_external_weights_and_a_power_of_two_of_columns_is_clean_under_verilator_lint_wall()
    {
        using var dir = new TempFolder("lint-external-pow2");
        var config = RandomDesigns.CreateWithExternalWeights(401);
        config = config with
        {
            Input = config.Input with { Size = 64 },
            Layers = [config.Layers[0] with { Outputs = 12 }],
        };
        var design = Design.FromConfig(config);

        design.Network.Layers[0].HwCols.ShouldBe(64);
        HardwareLayout.For(design.Network).External!.PointerDepth.ShouldBe(64);
        ShouldLintClean(design, dir.Path, "64 columns");
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Design_with_linear_weights_synthesizes_in_yosys_without_latches()
    {
        using var dir = new TempFolder("yosys-linear");
        var design = Design.FromConfig(RandomDesigns.CreateWithLinearWeights(303));
        Generate(design, dir.Path);

        var log = Yosys(dir.Path, $"synth -top {design.Network.Name}_top; check -assert; stat");

        LatchLines(log).ShouldBeEmpty();
        CellCount(log, "$_DLATCH").ShouldBe(0);
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Design_with_tanh_and_sigmoid_layers_synthesizes_in_yosys_without_latches()
    {
        using var dir = new TempFolder("yosys-act");
        var design = Design.FromConfig(RandomDesigns.CreateWithTableActivations(212));
        Generate(design, dir.Path);

        var log = Yosys(dir.Path, $"synth -top {design.Network.Name}_top; check -assert; stat");

        LatchLines(log).ShouldBeEmpty();
        log.Split('\n').ShouldContain(
            l => l.Contains("Used module:", StringComparison.Ordinal) && l.Contains("$paramod", StringComparison.Ordinal) && l.TrimEnd().EndsWith("\\hwgen_act_fn", StringComparison.Ordinal),
            "the PEs instantiate the activation function");
        CellCount(log, "$_DLATCH").ShouldBe(0);
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Real_alex8_design_is_clean_under_verilator_lint_wall()
    {
        using var dir = new TempFolder("lint-alex8");
        var design = Design.Load(Examples.Path("alex8.yaml"));

        ShouldLintClean(design, dir.Path, "alex8");
    }

    [Theory]
    [Trait("Category", "Tools")]
    [InlineData(3)]
    [InlineData(16)]
    public void Generated_design_synthesizes_in_yosys_without_latches(int seed)
    {
        using var dir = new TempFolder("yosys");
        var design = Design.FromConfig(RandomDesigns.Create(seed));
        Generate(design, dir.Path);

        var log = Yosys(dir.Path, $"synth -top {design.Network.Name}_top; check -assert; stat");

        LatchLines(log).ShouldBeEmpty();
        log.ShouldContain("Number of cells");
        CellCount(log, "$_DLATCH").ShouldBe(0);
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void Small_design_synthesizes_for_ice40_without_latches()
    {
        using var dir = new TempFolder("ice40");
        var design = Design.Load(Examples.Path("tiny.yaml"));
        Generate(design, dir.Path);

        var log = Yosys(dir.Path, $"synth_ice40 -top {design.Network.Name}_top; check -assert; stat");

        LatchLines(log).ShouldBeEmpty();
        log.ShouldContain("SB_LUT4");
        log.ShouldContain("SB_RAM40_4K");
    }

    [Fact]
    public void Same_config_generates_byte_identical_files()
    {
        var first = Files("demo.yaml");
        var second = Files("demo.yaml");

        second.Select(f => f.RelativePath).ShouldBe(first.Select(f => f.RelativePath));
        for (int i = 0; i < first.Count; i++)
        {
            second[i].Content.ShouldBe(first[i].Content, first[i].RelativePath);
        }
    }

    [Fact]
    public void Generated_files_carry_no_timestamp_absolute_path_or_trailing_space()
    {
        var files = Files("tiny.yaml");

        foreach (var file in files)
        {
            string text = System.Text.Encoding.UTF8.GetString(file.Content);
            text.ShouldNotContain(TestData.RepoRoot, customMessage: file.RelativePath);
            text.ShouldNotContain("\r", customMessage: file.RelativePath);
            text.Split('\n').Where(line => line.Length > 0 && char.IsWhiteSpace(line[line.Length - 1])).ShouldBeEmpty(file.RelativePath);
        }

        System.Text.Encoding.UTF8.GetString(files.Single(f => f.RelativePath == "rtl/tiny_top.sv").Content)
            .ShouldStartWith($"// Generated by HwGen {HwGenInfo.Version} from tiny. Do not edit.");
    }

    [Theory]
    [InlineData("tiny.yaml")]
    [InlineData("demo.yaml")]
    public void Generated_tree_matches_the_approved_snapshot(string example)
    {
        var files = Files(example);
        var text = new System.Text.StringBuilder();
        foreach (var file in files)
        {
            text.Append("=== ").Append(file.RelativePath).Append(file.Executable ? " (executable)" : "").Append(" ===\n");
            text.Append(System.Text.Encoding.UTF8.GetString(file.Content));
        }

        text.ToString().ShouldMatchApproved(c => c
            .SubFolder("Snapshots")
            .WithDiscriminator(Path.GetFileNameWithoutExtension(example))
            .WithFileExtension("txt")
            .NoDiff());
    }

    [Fact]
    public void Generate_refuses_a_folder_it_did_not_write()
    {
        using var dir = new TempFolder("refuse");
        File.WriteAllText(dir.File("notes.txt"), "mine");

        var error = Should.Throw<ConfigException>(() => OutputWriter.CheckWritable(dir.Path, force: false));

        error.Errors.Single().Message.ShouldContain("--force");
        File.ReadAllText(dir.File("notes.txt")).ShouldBe("mine");
    }

    [Fact]
    public void Regenerating_rewrites_only_changed_files_and_removes_stale_ones()
    {
        using var dir = new TempFolder("regen");
        var files = Files("tiny.yaml");
        OutputWriter.Write(dir.Path, files);
        File.WriteAllText(dir.File("mem/tiny_stale.mem"), "0\n");
        File.AppendAllText(dir.File(OutputWriter.ManifestName), "mem/tiny_stale.mem\n");

        int changed = OutputWriter.Write(dir.Path, files);

        changed.ShouldBe(0);
        File.Exists(dir.File("mem/tiny_stale.mem")).ShouldBeFalse();
    }

    /// <summary>What <c>hwgen generate</c> writes for an example.</summary>
    private static IReadOnlyList<GeneratedFile> Files(string example)
    {
        var design = Design.Load(Examples.Path(example));
        var estimate = EstimateReport.Build(design.Network, design.Vectors(1, design.Config.Seed));
        return DesignWriter.Files(new DesignRequest(design.Network) { Report = new DesignReport(design, estimate) });
    }

    private static void Generate(Design design, string dir) =>
        DesignWriter.Write(dir, new DesignRequest(design.Network));

    private string Yosys(string dir, string script)
    {
        var sources = string.Join(' ', DesignEmitter.RtlSources(Path.GetFileName(Directory.GetFiles(Path.Combine(dir, "rtl"), "*_top.sv")[0])[..^7]));
        var result = ProcessRunner.Run("yosys", ["-p", $"read_verilog -sv {sources}; {script}"], dir, ToolTimeout);
        output.WriteLine(string.Join('\n', result.Stdout.Split('\n').Where(l => l.Contains("Number of cells", StringComparison.Ordinal) || l.Contains("SB_", StringComparison.Ordinal))));
        result.ExitCode.ShouldBe(0, string.Join('\n', result.ErrorLines));
        return result.Stdout;
    }

    /// <summary>Yosys's "Latch inferred for signal ..." lines (not its "No latch inferred" ones).</summary>
    private static List<string> LatchLines(string log) =>
        log.Split('\n').Where(l => l.TrimStart().StartsWith("Latch inferred", StringComparison.Ordinal)).ToList();

    private static int CellCount(string log, string cell) =>
        log.Split('\n').Where(l => l.TrimStart().StartsWith(cell, StringComparison.Ordinal)).Count();
}
