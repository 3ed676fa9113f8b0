using HwGen.Sweep;

namespace HwGen.Tests.Sweep;

/// <summary><c>--verify K</c>: sampled points co-simulated in Verilator, bit-exact and cycle-exact.</summary>
public class SweepVerifyTests
{
    [Fact]
    [Trait("Category", "Tools")]
    public void Verify_co_simulates_points_spread_over_the_sweep_and_records_that_they_passed()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);
        var options = new SweepOptions { SweepFile = sweep, OutputDirectory = folder.File("out"), Verify = 2, Jobs = 2 };

        var outcome = SweepRunner.Run(options);

        outcome.Verified.ShouldBe([3, 9], "two of twelve points: the middles of the two halves");
        outcome.VerifyFailures.ShouldBeEmpty();
        outcome.Passed.ShouldBeTrue();
        var csv = File.ReadAllLines(folder.File("out/results.csv"));
        var header = csv[0].Split(',');
        int verified = Array.IndexOf(header, "verified");
        verified.ShouldBeGreaterThan(0);
        csv.Skip(1).Select(l => l.Split(',')[verified]).ShouldBe(["", "", "", "passed", "", "", "", "", "", "passed", "", ""]);
        File.Exists(folder.File("out/verify/point-00003/sim/outputs.txt")).ShouldBeTrue("the co-simulation stays to be rerun by hand");

        // A rerun does not simulate again.
        var again = SweepRunner.Run(options);
        again.Verified.ShouldBe([3, 9]);
        again.Computed.ShouldBe(0);
    }

    [Fact]
    public void The_verified_points_are_spread_evenly_over_the_valid_points()
    {
        using var folder = new TempFolder();
        var definition = SweepDefinition.Load(SweepFiles.Arrange(folder, SweepFiles.Grid), synth: false);

        SweepRunner.VerifyChoice(definition, 1).ShouldBe([6]);
        SweepRunner.VerifyChoice(definition, 3).ShouldBe([2, 6, 10]);
        SweepRunner.VerifyChoice(definition, 50).Count.ShouldBe(12);
    }
}
