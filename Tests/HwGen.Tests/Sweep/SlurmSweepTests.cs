using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using HwGen.Sweep;
using HwGen.Tools;

namespace HwGen.Tests.Sweep;

/// <summary>
/// <c>hwgen sweep --slurm</c> on a real Slurm cluster (<see cref="SlurmClusterFixture"/>): hwgen runs as
/// its own process, as a user runs it, with the cluster's SLURM_CONF; its array tasks run the hwgen
/// command the batch script names.
/// </summary>
[Collection(SlurmClusterTests.Name)]
public class SlurmSweepTests(SlurmClusterFixture fixture)
{
    /// <summary>What a local run writes and a Slurm run must write the same, byte for byte.</summary>
    private static readonly string[] SweepFilesWritten =
        [SweepRunner.ResultsCsv, SweepRunner.ResultsJson, SweepRunner.ParetoCsv, SweepRunner.ReportHtml, SweepRunner.PointsFile, SweepRunner.StateFile];

    private readonly SlurmLocalCluster _cluster = fixture.Cluster;

    [Fact]
    public void A_sweep_run_as_a_Slurm_array_is_byte_identical_to_a_local_run_and_leaves_its_batch_script()
    {
        using var folder = new TempFolder("slurm-run");
        SweepFiles.Arrange(folder, SweepFiles.Grid);
        Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "local").ShouldSucceed();

        var run = Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "cluster", "--slurm", "--tasks", "3");

        run.ShouldSucceed(_cluster);
        run.Stdout.ShouldContain("3 of 3 shards done; merged into");
        run.Stdout.ShouldContain("Sweep small grid: 12 points");
        run.Stderr.ShouldContain("hwgen: submitted Slurm job ");
        run.Stderr.ShouldNotContain("pending", Case.Insensitive, "no progress on a pipe");
        foreach (string name in SweepFilesWritten)
        {
            File.ReadAllBytes(folder.File(Path.Combine("cluster", name))).ShouldBe(File.ReadAllBytes(folder.File(Path.Combine("local", name))), name);
        }

        string script = File.ReadAllText(folder.File("cluster/sweep.sbatch"));
        script.ShouldStartWith("#!/bin/bash\n");
        script.ShouldContain("#SBATCH --array=1-3\n");
        script.ShouldContain($"#SBATCH --output={folder.File("cluster/slurm/logs/shard-%a.log")}\n");
        var (dotnet, dll) = Hwgen.Command;
        script.ShouldContain($"exec {dotnet} {dll} sweep sweep.yaml -o {folder.File("cluster/slurm/shard-")}\"$shard\" --shard \"$shard\"/3");
        script.ShouldContain($"cd {folder.Path}\n");
        for (int shard = 1; shard <= 3; shard++)
        {
            File.ReadAllText(folder.File($"cluster/slurm/logs/shard-{shard}.log")).ShouldContain($"(shard {shard}/3): 4 points (0 reused, 4 computed");
        }
    }

    [Fact]
    public void A_cancelled_task_is_named_and_a_rerun_resubmits_only_its_shard_then_merges_byte_identical()
    {
        using var folder = new TempFolder("slurm-recovery");
        SweepFiles.Arrange(folder, SweepFiles.Grid);
        Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "local").ShouldSucceed();

        // Held at submission, so that task 2 is cancelled before it can run; the others then run.
        var submit = Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "cluster", "--slurm", "--tasks", "3", "--no-wait", "--sbatch-arg=--hold");
        submit.ShouldSucceed(_cluster);
        submit.Stdout.ShouldContain("Submitted Slurm job ");
        submit.Stdout.ShouldContain("--slurm --resume");
        string job = JobIds(folder.File("cluster"))[0];
        Slurm("scancel", $"{job}_2");
        Slurm("scontrol", "release", job);

        var resumed = Hwgen.Run(folder.Path, "sweep", "--slurm", "--resume", "cluster");

        resumed.ExitCode.ShouldBe(1, resumed.ToString());
        resumed.Stderr.ShouldContain($"hwgen: shard 2/3 (Slurm job {job}_2) failed: CANCELLED");
        resumed.Stderr.ShouldContain("1 of 3 shard(s) missing; run the same command again");
        File.Exists(folder.File("cluster/results.csv")).ShouldBeFalse("no results while a shard is missing");

        var rerun = Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "cluster", "--slurm");

        rerun.ShouldSucceed(_cluster);
        rerun.Stderr.ShouldContain("submitted Slurm job ");
        rerun.Stderr.ShouldContain(": shard 2 of 3, one per array task");
        var jobs = JobIds(folder.File("cluster"));
        jobs.Count.ShouldBe(2);
        Submissions(folder.File("cluster"))[1].ShouldBe([2], "only the cancelled shard is submitted again");
        foreach (string name in SweepFilesWritten)
        {
            File.ReadAllBytes(folder.File(Path.Combine("cluster", name))).ShouldBe(File.ReadAllBytes(folder.File(Path.Combine("local", name))), name);
        }
    }

    [Fact]
    public void A_task_that_fails_is_named_with_the_end_of_its_log_and_exit_1()
    {
        using var folder = new TempFolder("slurm-fail");
        SweepFiles.Arrange(folder, SweepFiles.Grid);

        // Shard 2's folder is taken by a file, so its task's hwgen fails.
        folder.Write("cluster/slurm/shard-2", "not a folder");
        var run = Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "cluster", "--slurm", "--tasks", "3", "--force");

        run.ExitCode.ShouldBe(1, run.ToString());
        string job = JobIds(folder.File("cluster"))[0];
        var lines = run.Stderr.Split('\n');
        lines.ShouldContain($"hwgen: shard 2/3 (Slurm job {job}_2) failed: FAILED (NonZeroExitCode), without finishing its points; the end of slurm/logs/shard-2.log:");
        lines.ShouldContain(l => l.StartsWith("    hwgen: ", StringComparison.Ordinal) && l.EndsWith("-o: is a file, not a folder", StringComparison.Ordinal));
        run.Stderr.ShouldNotContain("shard 1/3");
        run.Stderr.ShouldNotContain("shard 3/3");
    }

    [Fact]
    public void An_unknown_partition_is_bad_input_in_one_line_and_leaves_nothing()
    {
        using var folder = new TempFolder("slurm-partition");
        SweepFiles.Arrange(folder, SweepFiles.Grid);

        var run = Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "cluster", "--slurm", "--tasks", "2", "--partition", "nosuch");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Stderr.Trim().Split('\n').ShouldHaveSingleItem()
            .ShouldBe("hwgen: command line: --partition: sbatch refused the job array: sbatch: error: invalid partition specified: nosuch; sbatch: error: Batch job submission failed: Invalid partition name specified");
        run.Stdout.ShouldBeEmpty();
        Directory.Exists(folder.File("cluster")).ShouldBeFalse("nothing is left behind");
    }

    private static List<string> JobIds(string directory) => [.. Submissions(directory, out var jobs).Select((_, i) => jobs[i])];

    private static List<List<int>> Submissions(string directory) => Submissions(directory, out _);

    private static List<List<int>> Submissions(string directory, out List<string> jobs)
    {
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "slurm", "job.json")))!;
        var submissions = state["submissions"]!.AsArray();
        jobs = [.. submissions.Select(s => s!["job"]!.GetValue<string>())];
        return [.. submissions.Select(s => s!["shards"]!.AsArray().Select(k => k!.GetValue<int>()).ToList())];
    }

    private static void Slurm(string command, params string[] arguments) =>
        ProcessRunner.RunChecked(command, arguments, ".", TimeSpan.FromMinutes(1));
}

/// <summary>Runs the hwgen the tests built as a process of its own.</summary>
internal static class Hwgen
{
    /// <summary>The dotnet host of this runtime and the hwgen.dll beside the test binaries, absolute.</summary>
    public static (string Dotnet, string Dll) Command { get; } = (
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet")),
        Path.Combine(AppContext.BaseDirectory, "hwgen.dll"));

    public static ProcessResult Run(string workingDirectory, params string[] arguments) =>
        ProcessRunner.Run(Command.Dotnet, [Command.Dll, .. arguments], workingDirectory, TimeSpan.FromMinutes(5));

    public static void ShouldSucceed(this ProcessResult result, SlurmLocalCluster? cluster = null) =>
        result.ExitCode.ShouldBe(0, $"{result.CommandLine}\nstdout:\n{result.Stdout}\nstderr:\n{result.Stderr}\n{cluster?.LogTails()}");
}
