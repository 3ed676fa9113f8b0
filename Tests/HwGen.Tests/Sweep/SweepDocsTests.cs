using HwGen.Sweep;

namespace HwGen.Tests.Sweep;

/// <summary>docs/sweeps.md agrees with the code, and the example sweeps load.</summary>
public class SweepDocsTests
{
    private static readonly string Docs = File.ReadAllText(Path.Combine(TestData.RepoRoot, "docs", "sweeps.md"));

    [Fact]
    public void Every_metric_has_its_row_in_the_docs_with_its_unit_and_meaning()
    {
        foreach (var metric in SweepMetrics.All)
        {
            Docs.ShouldContain($"| `{metric.Name}` | {metric.Unit} | {metric.Description} |", Case.Sensitive, metric.Name);
        }
    }

    [Fact]
    public void Every_key_of_a_sweep_file_is_documented()
    {
        foreach (string key in SweepLoader.Keys)
        {
            Docs.ShouldContain($"| `{key}` |", Case.Sensitive, key);
        }
    }

    [Theory]
    [InlineData("alex8.yaml", 90)]
    [InlineData("lenet300.yaml", 343)]
    [InlineData("lenet-up5k.yaml", 6)]
    [InlineData("lenet300-linear.yaml", 10)]
    [InlineData("../mnist-lstm/sweep.yaml", 16)]
    public void The_example_sweeps_load_with_every_point_valid(string name, int points)
    {
        var definition = SweepDefinition.Load(Path.Combine(TestData.RepoRoot, "examples", "sweeps", name), synth: false);

        definition.Points.Count.ShouldBe(points);
        definition.Points.ShouldAllBe(p => p.Config != null);
    }

    [Fact]
    public void The_up5k_sweep_finds_what_synthesis_found_only_two_pes_with_both_memories_in_spram_fit()
    {
        // docs/boards.md: 2 PEs fit the UP5K; at 3 PEs hwgen synth stops at 45 EBRs of 30.
        using var folder = new TempFolder();
        SweepRunner.Run(new SweepOptions
        {
            SweepFile = Path.Combine(TestData.RepoRoot, "examples", "sweeps", "lenet-up5k.yaml"),
            OutputDirectory = folder.Path,
            Jobs = 1,
        });

        var rows = File.ReadAllLines(folder.File("results.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        rows.Where(r => r[5] == "true").Select(r => (r[1], r[2])).ShouldBe([("2", "ice40_spram")]);
        rows.Single(r => r[1] == "3" && r[2] == "inferred")[9].ShouldBe("45", "EBRs of 3 PEs with the activations in EBR");
    }
}
