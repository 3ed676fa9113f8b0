using System.Globalization;
using System.Text;
using HwGen.Tools;

namespace HwGen.Sweep;

/// <summary>Where an array task is in its life, as far as a sweep cares.</summary>
public enum SlurmTaskPhase
{
    /// <summary>Waiting for resources, held, or requeued.</summary>
    Pending,

    /// <summary>Allocated: configuring, running, suspended or completing.</summary>
    Running,

    /// <summary>Ended, in whatever state (completed, failed, cancelled, timed out, …).</summary>
    Finished,
}

/// <summary>One array task as the scheduler reports it.</summary>
/// <param name="JobId">The array's job id.</param>
/// <param name="Task">The array task id (the shard, 1-based).</param>
/// <param name="State">Slurm's long state name: PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED, …</param>
/// <param name="Reason">Slurm's reason (NonZeroExitCode, TimeLimit, Resources, …), or an exit code from accounting; may be empty.</param>
public sealed record SlurmTaskState(string JobId, int Task, string State, string Reason)
{
    /// <summary>The phase of <see cref="State"/>.</summary>
    public SlurmTaskPhase Phase => PhaseOf(State);

    /// <summary><c>FAILED (NonZeroExitCode)</c>.</summary>
    public string Describe() => Reason.Length == 0 || Reason == "None" ? State : $"{State} ({Reason})";

    /// <summary>The phase of a Slurm job state (its long name, as squeue and sacct print it).</summary>
    public static SlurmTaskPhase PhaseOf(string state) => state.Split(' ')[0] switch
    {
        "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "RESV_DEL_HOLD" => SlurmTaskPhase.Pending,
        "RUNNING" or "CONFIGURING" or "COMPLETING" or "SUSPENDED" or "STOPPED" or "RESIZING" or "SIGNALING" or "STAGE_OUT" => SlurmTaskPhase.Running,
        _ => SlurmTaskPhase.Finished,
    };
}

/// <summary>The scheduler refused a request, or a command of it failed: a tool failure (exit code 1).</summary>
public sealed class SlurmException(string message) : Exception(message);

/// <summary>
/// Slurm's client commands (<c>sbatch</c>, <c>squeue</c>, <c>sacct</c>, <c>scancel</c>), each run through
/// <see cref="ProcessRunner"/> with its arguments as a list. They find the cluster the usual way
/// (<c>SLURM_CONF</c> or the system's slurm.conf).
/// </summary>
public static class SlurmScheduler
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Whether the Slurm client commands are on the PATH.</summary>
    public static bool Available => ProcessRunner.IsOnPath("sbatch");

    /// <summary>Submits <paramref name="script"/> as an array of the given task ids; returns the array's job id.</summary>
    /// <param name="script">The batch script.</param>
    /// <param name="tasks">Array task ids (the shards to run).</param>
    /// <param name="workingDirectory">The folder sbatch runs in (the tasks' default working directory).</param>
    /// <exception cref="SlurmException">sbatch refused the job; the message is sbatch's own error.</exception>
    public static string Submit(string script, IReadOnlyList<int> tasks, string workingDirectory)
    {
        var result = ProcessRunner.Run("sbatch", ["--parsable", $"--array={ArraySpec(tasks)}", script], workingDirectory, CommandTimeout);
        string id = result.Stdout.Trim().Split(';')[0];
        if (!result.Succeeded || id.Length == 0 || !id.All(char.IsAsciiDigit))
        {
            throw new SlurmException($"sbatch refused the job array: {ErrorOf(result)}");
        }

        return id;
    }

    /// <summary>
    /// The array tasks the controller still knows of (pending, running, and those that ended within
    /// its MinJobAge): one entry per task. Jobs it has forgotten are left out.
    /// </summary>
    /// <exception cref="SlurmException">squeue failed for another reason than an unknown job.</exception>
    public static IReadOnlyList<SlurmTaskState> Tasks(IReadOnlyCollection<string> jobIds)
    {
        if (jobIds.Count == 0)
        {
            return [];
        }

        var result = Squeue(string.Join(',', jobIds));
        if (result.Succeeded)
        {
            return ParseSqueue(result.Stdout);
        }

        if (!IsUnknownJob(result))
        {
            throw new SlurmException($"squeue failed: {ErrorOf(result)}");
        }

        // One of the jobs is forgotten, and squeue then lists none: ask for each alone.
        var tasks = new List<SlurmTaskState>();
        foreach (string id in jobIds)
        {
            var one = Squeue(id);
            if (one.Succeeded)
            {
                tasks.AddRange(ParseSqueue(one.Stdout));
            }
            else if (!IsUnknownJob(one))
            {
                throw new SlurmException($"squeue failed: {ErrorOf(one)}");
            }
        }

        return tasks;
    }

    /// <summary>
    /// What accounting (<c>sacct</c>) recorded for a task the controller has forgotten; null when the
    /// cluster keeps no accounting or does not know the task.
    /// </summary>
    public static SlurmTaskState? Accounting(string jobId, int task)
    {
        var result = ProcessRunner.Run("sacct", ["-n", "-P", "-X", "-j", $"{jobId}_{task}", "-o", "State,ExitCode"], ".", CommandTimeout);
        if (!result.Succeeded)
        {
            return null;
        }

        var fields = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()?.Split('|');
        return fields is { Length: >= 2 } ? new SlurmTaskState(jobId, task, fields[0], $"exit code {fields[1]}") : null;
    }

    /// <summary>Cancels jobs (every task of each array).</summary>
    /// <exception cref="SlurmException">scancel failed.</exception>
    public static void Cancel(IReadOnlyCollection<string> jobIds)
    {
        if (jobIds.Count == 0)
        {
            return;
        }

        var result = ProcessRunner.RunAfterStop("scancel", [.. jobIds], ".", CommandTimeout);
        if (!result.Succeeded)
        {
            throw new SlurmException($"scancel failed: {ErrorOf(result)}");
        }
    }

    /// <summary><c>1-3,5,7-8</c>: Slurm's array index list.</summary>
    public static string ArraySpec(IReadOnlyList<int> tasks)
    {
        var sorted = tasks.Distinct().Order().ToList();
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count; i++)
        {
            int start = sorted[i];
            while (i + 1 < sorted.Count && sorted[i + 1] == sorted[i] + 1)
            {
                i++;
            }

            parts.Add(start == sorted[i] ? Text(start) : $"{Text(start)}-{Text(sorted[i])}");
        }

        return string.Join(',', parts);
    }

    /// <summary>The tool's error in one line: its <c>error:</c> lines without the tool's prefix.</summary>
    public static string ErrorOf(ProcessResult result)
    {
        var lines = (result.Stderr + "\n" + result.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).ToList();
        var chosen = errors.Count > 0 ? errors : lines.TakeLast(3).ToList();
        var text = new StringBuilder();
        foreach (string line in chosen.Distinct())
        {
            text.Append(text.Length > 0 ? "; " : string.Empty).Append(line);
        }

        return text.Length > 0 ? text.ToString() : result.TimedOut ? "timed out" : $"exit code {result.ExitCode}";
    }

    private static ProcessResult Squeue(string jobs) =>
        ProcessRunner.Run("squeue", ["--noheader", "--array", "--states=all", "--jobs", jobs, "--format=%F|%K|%T|%r"], ".", CommandTimeout);

    private static bool IsUnknownJob(ProcessResult result) =>
        result.Stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase);

    private static List<SlurmTaskState> ParseSqueue(string stdout)
    {
        var tasks = new List<SlurmTaskState>();
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split('|');
            if (fields.Length >= 4 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int task))
            {
                tasks.Add(new SlurmTaskState(fields[0], task, fields[2], fields[3]));
            }
        }

        return tasks;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
