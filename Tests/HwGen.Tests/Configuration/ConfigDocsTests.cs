using System.Globalization;
using HwGen.Configuration;

namespace HwGen.Tests.Configuration;

/// <summary>docs/config.md agrees with the code: every key, every range, every default.</summary>
public class ConfigDocsTests
{
    private static readonly string[] DocLines =
        File.ReadAllLines(Path.Combine(TestData.RepoRoot, "docs", "config.md"));

    [Fact]
    public void Every_key_the_loader_knows_has_a_row_in_the_docs()
    {
        var missing = ConfigKeys.AllKeys.Where(key => Row(key) is null).ToList();

        missing.ShouldBeEmpty();
    }

    [Fact]
    public void Every_range_in_the_code_is_the_range_the_docs_give()
    {
        foreach (var range in ConfigRanges.All)
        {
            string row = Row(range.Key) ?? throw new ShouldAssertException($"no row for {range.Key}");
            row.ShouldContain($"| {range.Text} |", Case.Sensitive, $"{range.Key}: the code says {range.Text}");
        }
    }

    [Fact]
    public void Every_default_in_the_records_is_the_default_the_docs_give()
    {
        var config = new HwGenConfig();
        var input = new InputConfig();
        var weights = new WeightsConfig();
        var layer = new LayerConfig();
        var defaults = new Dictionary<string, string>
        {
            ["name"] = config.Name,
            ["seed"] = Text(config.Seed),
            ["input.source"] = Snake(input.Source),
            ["input.density"] = Text(input.Density),
            ["input.signed"] = input.Signed ? "true" : "false",
            ["input.key"] = input.Key,
            ["layers[].activation"] = Snake(layer.Activation),
            ["layers[].weights.source"] = Snake(weights.Source),
            ["layers[].weights.density"] = Text(weights.Density),
            ["compression.pruning"] = Snake(config.Compression.Pruning),
            ["compression.codebook_bits"] = Text(config.Compression.CodebookBits),
            ["compression.index_bits"] = Text(config.Compression.IndexBits),
            ["compression.row_assignment"] = Snake(config.Compression.RowAssignment),
            ["compression.kmeans_iterations"] = Text(config.Compression.KMeansIterations),
            ["quantization.activation_bits"] = Text(config.Quantization.ActivationBits),
            ["quantization.activation_frac"] = Text(config.Quantization.ActivationFrac),
            ["quantization.weight_bits"] = Text(config.Quantization.WeightBits),
            ["hardware.pes"] = Text(config.Hardware.Pes),
            ["hardware.fifo_depth"] = Text(config.Hardware.FifoDepth),
            ["hardware.spmat_line_entries"] = Text(config.Hardware.SpmatLineEntries),
            ["hardware.clock_mhz"] = Text(config.Hardware.ClockMhz),
            ["hardware.spmat_memory"] = Snake(config.Hardware.SpmatMemory),
            ["hardware.act_memory"] = Snake(config.Hardware.ActMemory),
        };

        foreach (var (key, value) in defaults)
        {
            string row = Row(key) ?? throw new ShouldAssertException($"no row for {key}");
            Cell(row, 3).ShouldBe($"`{value}`", $"default of {key}");
        }
    }

    /// <summary>The table row whose first cell is the key in backticks.</summary>
    private static string? Row(string key) =>
        DocLines.FirstOrDefault(line => line.StartsWith($"| `{key}` |", StringComparison.Ordinal));

    /// <summary>The n-th cell (1-based) of a table row.</summary>
    private static string Cell(string row, int n) => row.Split('|')[n].Trim();

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Snake<T>(T value)
        where T : struct, Enum => ConfigSection.SnakeCase(value.ToString());
}
