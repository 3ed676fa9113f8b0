using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
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
[Trait("Category", "Tools")]
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
    public void No_wait_returns_after_submitting_and_resume_or_merge_by_hand_finish_byte_identical()
    {
        using var folder = new TempFolder("slurm-no-wait");
        SweepFiles.Arrange(folder, SweepFiles.Grid);
        Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "local").ShouldSucceed();

        var submit = Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "cluster", "--slurm", "--tasks", "2", "--no-wait");

        submit.ShouldSucceed(_cluster);
        string job = JobIds(folder.File("cluster"))[0];
        submit.Stdout.ShouldStartWith($"Submitted Slurm job {job}: shards 1–2 of 2; the batch script is {folder.File("cluster/sweep.sbatch")}.");
        submit.Stdout.ShouldContain($"  Follow it:  squeue --jobs {job}");
        submit.Stdout.ShouldContain($"  Finish it:  hwgen sweep --slurm --resume {folder.File("cluster")}");
        File.Exists(folder.File("cluster/results.csv")).ShouldBeFalse("nothing is merged yet");

        var resumed = Hwgen.Run(folder.Path, "sweep", "--slurm", "--resume", "cluster");

        resumed.ShouldSucceed(_cluster);
        resumed.Stderr.ShouldNotContain("hwgen: submitted", Case.Sensitive, "nothing is submitted again");
        Submissions(folder.File("cluster")).Count.ShouldBe(1);
        foreach (string name in SweepFilesWritten)
        {
            File.ReadAllBytes(folder.File(Path.Combine("cluster", name))).ShouldBe(File.ReadAllBytes(folder.File(Path.Combine("local", name))), name);
        }

        // The merge by hand that --no-wait names writes into the run's folder without --force.
        File.Delete(folder.File("cluster/results.csv"));
        Hwgen.Run(folder.Path, "sweep", "merge", "cluster/slurm/shard-1", "cluster/slurm/shard-2", "-o", "cluster").ShouldSucceed();
        File.ReadAllBytes(folder.File("cluster/results.csv")).ShouldBe(File.ReadAllBytes(folder.File("local/results.csv")));
    }

    [Fact]
    public async Task A_cancelled_task_is_named_and_a_rerun_resubmits_only_its_shard_then_merges_byte_identical()
    {
        // Held at submission; task 2 is released alone and killed while it runs; then the others run.
        // A shard of this small sweep runs for about a second, so on a quiet machine it can finish
        // between squeue's RUNNING and the scancel: then the whole array succeeds (exit 0) and the
        // scenario is tried again in a fresh folder, at most three times.
        TempFolder? folder = null;
        ProcessResult first = default!;
        string job = string.Empty;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            folder?.Dispose();
            folder = new TempFolder("slurm-recovery");
            SweepFiles.Arrange(folder, SweepFiles.Grid);
            Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "local").ShouldSucceed();

            var watching = Task.Run(() => Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "cluster", "--slurm", "--tasks", "3", "--sbatch-arg=--hold"));
            job = WaitForJob(folder.File("cluster"), watching);
            Slurm("scontrol", "release", $"{job}_2");
            WaitForState($"{job}_2", "RUNNING");
            Slurm("scancel", $"{job}_2");
            Slurm("scontrol", "release", $"{job}_1");
            Slurm("scontrol", "release", $"{job}_3");

            first = await watching;
            if (first.ExitCode != 0)
            {
                break;
            }
        }

        using var run = folder!;
        first.ExitCode.ShouldBe(1, first.ToString());
        first.Stderr.ShouldContain($"hwgen: shard 2/3 (Slurm job {job}_2) failed: CANCELLED, without finishing its points; the end of slurm/logs/shard-2.log:", Case.Sensitive, first.Stderr);
        first.Stderr.ShouldContain($"CANCELLED AT ");
        first.Stderr.ShouldContain("1 of 3 shard(s) missing; run the same command again");
        File.Exists(run.File("cluster/results.csv")).ShouldBeFalse("no results while a shard is missing");

        var rerun = Hwgen.Run(run.Path, "sweep", "sweep.yaml", "-o", "cluster", "--slurm");

        rerun.ShouldSucceed(_cluster);
        rerun.Stderr.ShouldContain("submitted Slurm job ");
        rerun.Stderr.ShouldContain(": shard 2 of 3, one per array task");
        var jobs = JobIds(run.File("cluster"));
        jobs.Count.ShouldBe(2);
        Submissions(run.File("cluster"))[1].ShouldBe([2], "only the cancelled shard is submitted again");
        foreach (string name in SweepFilesWritten)
        {
            File.ReadAllBytes(run.File(Path.Combine("cluster", name))).ShouldBe(File.ReadAllBytes(run.File(Path.Combine("local", name))), name);
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

    [Fact]
    public void On_a_terminal_the_tasks_progress_is_shown_and_redrawn_in_place()
    {
        using var folder = new TempFolder("slurm-terminal");
        SweepFiles.Arrange(folder, SweepFiles.Grid);

        // script(1) gives hwgen a pseudo-terminal and copies what it shows.
        var run = ProcessRunner.Run("script", ["--quiet", "--flush", "--return", "--command", Hwgen.ShellCommand("sweep", "sweep.yaml", "-o", "cluster", "--slurm", "--tasks", "2"), "/dev/null"],
            folder.Path, TimeSpan.FromMinutes(5));

        run.ShouldSucceed(_cluster);
        run.Stdout.ShouldContain("\u001b[2KSlurm job ", Case.Sensitive, run.Stdout.Replace("\u001b", "ESC", StringComparison.Ordinal));
        run.Stdout.ShouldContain(", 2 tasks: ");
        run.Stdout.ShouldMatch(@"tasks: \d pending, \d running, \d done, 0 failed");
        run.Stdout.ShouldContain("2 of 2 shards done; merged into");
    }

    [Fact]
    public async Task Ctrl_C_without_a_terminal_says_how_to_cancel_and_leaves_the_array_queued()
    {
        using var folder = new TempFolder("slurm-interrupt");
        SweepFiles.Arrange(folder, SweepFiles.Grid);
        string pidFile = folder.File("hwgen.pid");

        // Held, so that the array is still queued when hwgen is interrupted.
        var watching = Task.Run(() => ProcessRunner.Run("sh", ["-c", $"echo $$ > {pidFile}; exec {Hwgen.ShellCommand("sweep", "sweep.yaml", "-o", "cluster", "--slurm", "--tasks", "2", "--sbatch-arg=--hold")}"],
            folder.Path, TimeSpan.FromMinutes(5)));
        string job = WaitForJob(folder.File("cluster"), watching);
        Thread.Sleep(500);
        Slurm("kill", "-INT", File.ReadAllText(pidFile).Trim());

        var run = await watching;

        run.ExitCode.ShouldBe(130, run.ToString());
        run.Stderr.ShouldContain($"hwgen: interrupted; Slurm job {job} keeps running: 'scancel {job}' cancels it, 'hwgen sweep --slurm --resume {folder.File("cluster")}' waits for it and merges");
        var queue = ProcessRunner.RunChecked("squeue", ["--noheader", "--array", "--jobs", job, "--format=%T"], ".", TimeSpan.FromMinutes(1));
        queue.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["PENDING", "PENDING"]);
        Slurm("scancel", job);
    }

    [Fact]
    public async Task Ctrl_C_on_a_terminal_offers_to_cancel_the_array_and_cancels_it_on_yes()
    {
        using var folder = new TempFolder("slurm-ctrl-c");
        SweepFiles.Arrange(folder, SweepFiles.Grid);

        // script(1) gives hwgen a pseudo-terminal; what the test writes to it is typed there: ^C, then y.
        var start = new ProcessStartInfo("script")
        {
            WorkingDirectory = folder.Path,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--quiet", "--flush", "--return", "--command", Hwgen.ShellCommand("sweep", "sweep.yaml", "-o", "cluster", "--slurm", "--tasks", "2", "--sbatch-arg=--hold"), "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[512];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (output)
                {
                    output.Append(buffer, 0, read);
                }
            }
        });
        try
        {
            string job = WaitForJob(folder.File("cluster"), () => process.HasExited ? output.ToString() : null);
            WaitForOutput(output, " pending, ", process);
            await process.StandardInput.WriteAsync("\u0003");
            await process.StandardInput.FlushAsync();
            WaitForOutput(output, $"Cancel Slurm job {job} (scancel)? [y/N] ", process);
            await process.StandardInput.WriteAsync("y\n");
            await process.StandardInput.FlushAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            await reading;

            process.ExitCode.ShouldBe(130, output.ToString());
            output.ToString().ShouldContain($"hwgen: cancelled Slurm job {job}; the shards done so far are kept");
            var queue = ProcessRunner.Run("squeue", ["--noheader", "--array", "--jobs", job, "--format=%T"], ".", TimeSpan.FromMinutes(1));
            queue.Stdout.ShouldNotContain("PENDING", Case.Sensitive, "the array is cancelled");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public void Verify_and_synth_are_spread_over_the_tasks_each_building_only_its_own_points()
    {
        using var folder = new TempFolder("slurm-verify");
        SweepFiles.Arrange(folder, SweepFiles.Grid.Replace("hardware.pes: [1, 2, 3]", "hardware.pes: [2]", StringComparison.Ordinal)
            .Replace("compression.codebook_bits: [3, 4]", "compression.codebook_bits: [3]", StringComparison.Ordinal));
        Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "local", "--verify", "2", "--synth").ShouldSucceed();

        // One task at a time on the node: one Verilator or yosys run at a time.
        var run = Hwgen.Run(folder.Path, "sweep", "sweep.yaml", "-o", "cluster", "--slurm", "--tasks", "2", "--verify", "2", "--synth", "--sbatch-arg=--exclusive");

        run.ShouldSucceed(_cluster);
        run.Stdout.ShouldContain("Co-simulated 2 point(s) in Verilator: 2 bit-exact and cycle-exact.");
        foreach (string name in SweepFilesWritten)
        {
            File.ReadAllBytes(folder.File(Path.Combine("cluster", name))).ShouldBe(File.ReadAllBytes(folder.File(Path.Combine("local", name))), name);
        }

        for (int point = 0; point < 2; point++)
        {
            string log = File.ReadAllText(folder.File($"cluster/slurm/logs/shard-{point + 1}.log"));
            log.ShouldContain($"co-simulating point {point} ", Case.Sensitive, "each task co-simulates its own point");
            log.ShouldNotContain($"co-simulating point {1 - point} ");
            File.Exists(folder.File($"cluster/verify/point-0000{point}/sim/outputs.txt")).ShouldBeTrue("the co-simulations are merged into the folder");
            File.ReadAllText(folder.File($"cluster/synth/point-0000{point}.stat.json")).ShouldBe(File.ReadAllText(folder.File($"local/synth/point-0000{point}.stat.json")));
        }

        Directory.Exists(folder.File("cluster/slurm/shard-1/verify/point-00001")).ShouldBeFalse("shard 1 did not build shard 2's point");
    }

    /// <summary>Waits until squeue gives a task a state.</summary>
    private static void WaitForState(string task, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        string now = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            now = ProcessRunner.RunChecked("squeue", ["--noheader", "--array", "--states=all", "--jobs", task, "--format=%T"], ".", TimeSpan.FromMinutes(1)).Stdout.Trim();
            if (now == state)
            {
                return;
            }

            Thread.Sleep(50);
        }

        throw new ShouldAssertException($"{task} is {now}, not {state}");
    }

    /// <summary>The first job a Slurm run submitted, once its record names it.</summary>
    private static string WaitForJob(string directory, Task<ProcessResult> run) =>
        WaitForJob(directory, () => run.IsCompleted ? run.Result.ToString() : null);

    /// <summary>The first job a Slurm run submitted; <paramref name="ended"/> says why not when hwgen has ended.</summary>
    private static string WaitForJob(string directory, Func<string?> ended)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!HasJob(directory))
        {
            if (ended() is { } why || DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"no job submitted: {ended()}");
            }

            Thread.Sleep(100);
        }

        return JobIds(directory)[0];
    }

    /// <summary>Waits until a process has shown <paramref name="text"/>.</summary>
    private static void WaitForOutput(StringBuilder output, string text, Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            lock (output)
            {
                if (output.ToString().Contains(text, StringComparison.Ordinal))
                {
                    return;
                }

                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new ShouldAssertException($"never showed '{text}': {output}");
                }
            }

            Thread.Sleep(100);
        }
    }

    private static bool HasJob(string directory)
    {
        try
        {
            return File.Exists(Path.Combine(directory, "slurm", "job.json")) && JobIds(directory).Count > 0;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException)
        {
            return false; // being written
        }
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

    /// <summary>The command line for sh.</summary>
    public static string ShellCommand(params string[] arguments) =>
        string.Join(' ', new[] { Command.Dotnet, Command.Dll }.Concat(arguments).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    public static ProcessResult Run(string workingDirectory, params string[] arguments) =>
        ProcessRunner.Run(Command.Dotnet, [Command.Dll, .. arguments], workingDirectory, TimeSpan.FromMinutes(5));

    public static void ShouldSucceed(this ProcessResult result, SlurmLocalCluster? cluster = null) =>
        result.ExitCode.ShouldBe(0, $"{result.CommandLine}\nstdout:\n{result.Stdout}\nstderr:\n{result.Stderr}\n{cluster?.LogTails()}");
}
