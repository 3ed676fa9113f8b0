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
    public void The_example_sweeps_load_with_every_point_valid(string name, int points)
    {
        var definition = SweepDefinition.Load(Path.Combine(TestData.RepoRoot, "examples", "sweeps", name), synth: false);

        definition.Points.Count.ShouldBe(points);
        definition.Points.ShouldAllBe(p => p.Config != null);
    }
}
