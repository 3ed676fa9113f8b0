using HwGen.Sweep;

namespace HwGen.Tests.Sweep;

/// <summary>
/// How a Slurm run decides which shards to submit again: from what the shards' folders hold, not
/// from what the scheduler remembers; and how it writes arrays and batch scripts.
/// </summary>
public class SlurmShardsTests
{
    [Fact]
    public void A_shard_folder_is_complete_only_with_every_point_of_that_shard_of_that_sweep()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);
        var definition = SweepDefinition.Load(sweep, synth: false);
        var shards = new SlurmShards(definition, shards: 3, verify: 0);
        string shard2 = folder.File("shard-2");
        SweepRunner.Run(new SweepOptions { SweepFile = sweep, OutputDirectory = shard2, Shard = 2, Shards = 3 });

        shards.IsComplete(shard2, 2).ShouldBeTrue();
        shards.IsComplete(shard2, 1).ShouldBeFalse("it holds shard 2, not 1");
        new SlurmShards(definition, shards: 2, verify: 0).IsComplete(shard2, 2).ShouldBeFalse("2 of 3 is not 2 of 2");
        new SlurmShards(definition, shards: 3, verify: 12).IsComplete(shard2, 2).ShouldBeFalse("--verify chose points it did not co-simulate");
        shards.IsComplete(folder.File("nowhere"), 2).ShouldBeFalse();

        // A task killed before its last point: the points file lacks a line.
        string points = Path.Combine(shard2, SweepRunner.PointsFile);
        var lines = File.ReadAllLines(points);
        File.WriteAllLines(points, lines[..^1]);
        shards.IsComplete(shard2, 2).ShouldBeFalse("a point is missing");
    }

    [Fact]
    public void A_shard_of_another_sweep_text_is_not_complete_though_its_points_match()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);
        SweepRunner.Run(new SweepOptions { SweepFile = sweep, OutputDirectory = folder.File("shard-1"), Shard = 1, Shards = 2 });
        string changed = folder.Write("sweep.yaml", SweepFiles.Grid.Replace("cycles < 1000", "cycles < 2000", StringComparison.Ordinal));

        var shards = new SlurmShards(SweepDefinition.Load(changed, synth: false), shards: 2, verify: 0);

        shards.IsComplete(folder.File("shard-1"), 1).ShouldBeFalse("the merge needs every shard stamped with the same sweep file; rerunning it reuses every point");
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3, 4 }, "1-4")]
    [InlineData(new[] { 2 }, "2")]
    [InlineData(new[] { 5, 1, 2, 7, 8, 3 }, "1-3,5,7-8")]
    public void Array_task_lists_are_written_as_Slurm_ranges(int[] tasks, string spec)
    {
        SlurmScheduler.ArraySpec(tasks).ShouldBe(spec);
    }

    [Theory]
    [InlineData("PENDING", SlurmTaskPhase.Pending)]
    [InlineData("REQUEUE_HOLD", SlurmTaskPhase.Pending)]
    [InlineData("RUNNING", SlurmTaskPhase.Running)]
    [InlineData("COMPLETING", SlurmTaskPhase.Running)]
    [InlineData("COMPLETED", SlurmTaskPhase.Finished)]
    [InlineData("TIMEOUT", SlurmTaskPhase.Finished)]
    [InlineData("CANCELLED by 0", SlurmTaskPhase.Finished)]
    [InlineData("OUT_OF_MEMORY", SlurmTaskPhase.Finished)]
    public void Slurm_states_map_to_phases(string state, SlurmTaskPhase phase)
    {
        SlurmTaskState.PhaseOf(state).ShouldBe(phase);
    }
}
