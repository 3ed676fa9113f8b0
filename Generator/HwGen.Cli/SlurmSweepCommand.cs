using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using HwGen.Configuration;
using HwGen.Platform;
using HwGen.Sweep;

namespace HwGen.Cli;

/// <summary>What <c>hwgen sweep</c> parsed that a Slurm run uses too.</summary>
internal sealed record SweepArguments(string? SweepFile, string? Output, int Jobs, bool JobsGiven, int Verify, bool Synth, bool Force, bool Json, bool ShardGiven);

/// <summary>
/// <c>hwgen sweep SWEEP.yaml -o DIR --slurm [--tasks N] [--partition P] [--time T] [--sbatch-arg A]… [--no-wait]</c>
/// and <c>hwgen sweep --slurm --resume DIR</c> (docs/sweeps.md, "Running on a real cluster").
/// </summary>
internal sealed class SlurmSweepCommand
{

    private readonly Option<bool> _slurm = new("--slurm") { Description = "Run the sweep as one Slurm job array, one shard per task; wait for it and merge the shards into -o DIR." };
    private readonly Option<int?> _tasks = new("--tasks") { Description = $"--slurm: array tasks, one shard each (default: the folder's earlier run's, else {SlurmSweep.DefaultTasks}, at most one per point)." };
    private readonly Option<string?> _partition = new("--partition") { Description = "--slurm: the Slurm partition (default: the cluster's)." };
    private readonly Option<string?> _time = new("--time") { Description = "--slurm: time limit per task, in Slurm's format (30, 2:00:00, 1-12)." };
    private readonly Option<string[]> _sbatchArgs = new("--sbatch-arg") { Description = "--slurm: one more sbatch option for the batch script, e.g. --sbatch-arg=--mem=4G (repeatable).", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<bool> _noWait = new("--no-wait") { Description = "--slurm: return once the array is submitted; finish later with --slurm --resume DIR." };
    private readonly Option<string?> _resume = new("--resume") { Description = "--slurm: finish the Slurm run in DIR: wait for it, resubmit the shards that are missing, merge." };

    /// <summary>Adds the options to <c>hwgen sweep</c>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_slurm);
        command.Options.Add(_tasks);
        command.Options.Add(_partition);
        command.Options.Add(_time);
        command.Options.Add(_sbatchArgs);
        command.Options.Add(_noWait);
        command.Options.Add(_resume);
    }

    /// <summary>Whether the command line asks for a Slurm run (or gives an option only a Slurm run takes).</summary>
    public bool Requested(ParseResult parse) =>
        parse.GetValue(_slurm) || new Option[] { _tasks, _partition, _time, _sbatchArgs, _noWait, _resume }.Any(o => Given(parse, o));

    /// <summary>Whether the command line gives an option (not only its default).</summary>
    public static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>Submits, watches and merges; returns the exit code.</summary>
    public int Run(ParseResult parse, SweepArguments sweep, TextWriter stdout, TextWriter stderr)
    {
        var options = Options(parse, sweep);
        bool terminal = !sweep.Json && stderr == Console.Error && !Console.IsErrorRedirected;
        void Log(string text) => stderr.WriteLine($"hwgen: {text}");

        SlurmSweep run;
        try
        {
            run = SlurmSweep.Start(options, Log);
        }
        catch (SlurmException e)
        {
            Log(e.Message);
            return Cli.CheckFailed;
        }

        string resume = $"hwgen sweep --slurm --resume {run.Directory}";
        if (parse.GetValue(_noWait))
        {
            var jobs = run.Submissions.Select(s => s.JobId).Distinct().ToList();
            if (sweep.Json)
            {
                stdout.WriteLine(HwGenJson.Write(new SlurmSummaryJson(Slurm(run, null))));
            }
            else
            {
                string what = run.Submitted is { } s ? $"Submitted Slurm job {s.JobId}: {SlurmSweep.Shards(s.Shards)} of {run.Tasks}" : "Nothing to submit";
                stdout.WriteLine($"{what}; the batch script is {run.Script}.");
                if (jobs.Count > 0)
                {
                    stdout.WriteLine($"  Follow it:  squeue --jobs {string.Join(',', jobs)}");
                }

                stdout.WriteLine($"  Finish it:  {resume}   (waits, resubmits the shards that are missing, merges into {run.Directory})");
                stdout.WriteLine($"  or by hand: hwgen sweep merge {Path.Combine(run.Directory, SlurmSweep.Folder, "shard-*")} -o {run.Directory}");
            }

            return Cli.Success;
        }

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        SlurmStatus status;
        // Ctrl+C (or SIGTERM) stops the watch; the scope keeps HwGen alive while it asks whether to
        // cancel the array (the signal handler ends the process once the scope ends, or after its
        // cleanup limit).
        using (Interruption.Enter())
        {
            try
            {
                status = run.Wait(s => Progress(stderr, terminal, run, s, stopwatch.Elapsed), Interruption.Token);
            }
            catch (SlurmException e)
            {
                ClearLine(stderr, terminal);
                Log(e.Message);
                return Cli.CheckFailed;
            }
            finally
            {
                ClearLine(stderr, terminal);
            }

            if (Interruption.Requested)
            {
                return Interrupt(run, status, stderr, terminal, resume);
            }
        }

        SweepOutcome outcome;
        try
        {
            outcome = run.Finish(status);
        }
        catch (SlurmException e)
        {
            Log(e.Message);
            if (sweep.Json)
            {
                stdout.WriteLine(HwGenJson.Write(new SlurmSummaryJson(Slurm(run, status))));
            }

            return Cli.CheckFailed;
        }

        outcome = outcome with { Seconds = stopwatch.Elapsed.TotalSeconds };
        if (sweep.Json)
        {
            stdout.WriteLine(HwGenJson.Write(SweepCommand.Summary(outcome, null) with { Slurm = Slurm(run, status) }));
        }
        else
        {
            var jobs = run.Submissions.Select(s => s.JobId).Distinct();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Slurm job {string.Join(", ", jobs)}: {status.Done} of {run.Tasks} shards done; merged into {run.Directory} after {stopwatch.Elapsed.TotalSeconds:F1} s."));
            SweepCommand.Report(stdout, outcome, null, json: false);
        }

        return outcome.Passed ? Cli.Success : Cli.CheckFailed;
    }

    /// <summary>The command that runs this hwgen on a compute node: the dotnet host of this runtime and hwgen.dll, absolute.</summary>
    public static IReadOnlyList<string> HwGenCommand()
    {
        string dll = Path.GetFullPath(typeof(SlurmSweepCommand).Assembly.Location);
        string host = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        if (!File.Exists(host) && Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            host = process;
        }

        return [host, dll];
    }

    private SlurmSweepOptions Options(ParseResult parse, SweepArguments sweep)
    {
        var errors = new List<ConfigError>();
        void Error(string option, string message) => errors.Add(new ConfigError("command line", 0, 0, option, message));
        string? resume = parse.GetValue(_resume);
        if (!parse.GetValue(_slurm))
        {
            var given = new Option[] { _tasks, _partition, _time, _sbatchArgs, _noWait, _resume }.First(o => Given(parse, o));
            Error(given.Name, "only with --slurm");
        }

        if (sweep.ShardGiven)
        {
            Error("--shard", "not with --slurm: the Slurm run gives every array task its shard");
        }

        SlurmSweepOptions? options = null;
        if (resume is not null)
        {
            var extra = new Option[] { _tasks, _partition, _time, _sbatchArgs }.Where(o => Given(parse, o)).Select(o => o.Name)
                .Concat(sweep.SweepFile is not null ? ["SWEEP"] : [])
                .Concat(sweep.Output is not null ? ["-o"] : [])
                .Concat(sweep.JobsGiven ? ["--jobs"] : [])
                .Concat(sweep.Verify != 0 ? ["--verify"] : [])
                .Concat(sweep.Synth ? ["--synth"] : [])
                .ToList();
            if (extra.Count > 0)
            {
                Error("--resume", $"takes the sweep and its options from {resume}; drop {string.Join(", ", extra)} (or rerun hwgen sweep SWEEP -o DIR --slurm … to change them)");
            }
            else if (errors.Count == 0)
            {
                options = SlurmSweep.StoredOptions(resume);
            }
        }
        else
        {
            if (sweep.SweepFile is null)
            {
                Error("SWEEP", "give the sweep file (or --resume DIR to finish an earlier Slurm run)");
            }

            if (sweep.Output is null)
            {
                Error("-o", "give the output folder");
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        return options ?? new SlurmSweepOptions
        {
            SweepFile = sweep.SweepFile!,
            OutputDirectory = sweep.Output!,
            Tasks = parse.GetValue(_tasks),
            Jobs = sweep.Jobs,
            Verify = sweep.Verify,
            Synth = sweep.Synth,
            Partition = parse.GetValue(_partition),
            Time = parse.GetValue(_time),
            SbatchArgs = parse.GetValue(_sbatchArgs) ?? [],
            Force = sweep.Force,
            HwGenCommand = HwGenCommand(),
        };
    }

    /// <summary>On a terminal, one line redrawn in place; elsewhere nothing (the result says it all).</summary>
    private static void Progress(TextWriter stderr, bool terminal, SlurmSweep run, SlurmStatus status, TimeSpan elapsed)
    {
        if (!terminal)
        {
            return;
        }

        string jobs = string.Join(", ", run.Submissions.Select(s => s.JobId).Distinct());
        stderr.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r\u001b[2KSlurm job {jobs}, {run.Tasks} tasks: {status.Counts}  {(int)elapsed.TotalMinutes}:{elapsed.Seconds:D2}"));
        stderr.Flush();
    }

    private static void ClearLine(TextWriter stderr, bool terminal)
    {
        if (terminal)
        {
            stderr.Write("\r\u001b[2K");
            stderr.Flush();
        }
    }

    /// <summary>Ctrl+C: on a terminal, offers to cancel the array; elsewhere, says how to.</summary>
    private static int Interrupt(SlurmSweep run, SlurmStatus status, TextWriter stderr, bool terminal, string resume)
    {
        var jobs = status.Shards.Where(s => s.Phase is SlurmShardPhase.Pending or SlurmShardPhase.Running && s.JobId is not null)
            .Select(s => s.JobId!).Distinct().ToList();
        if (jobs.Count == 0)
        {
            stderr.WriteLine($"hwgen: interrupted; every task has ended: {resume} merges the shards");
            return Interruption.ExitCode;
        }

        string ids = string.Join(' ', jobs);
        if (terminal && !Console.IsInputRedirected)
        {
            stderr.Write($"Cancel Slurm job {ids} (scancel)? [y/N] ");
            stderr.Flush();
            string answer = (Console.ReadLine() ?? string.Empty).Trim();
            if (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    SlurmSweep.Cancel(status);
                }
                catch (SlurmException e)
                {
                    stderr.WriteLine($"hwgen: {e.Message}");
                    return Cli.CheckFailed;
                }

                stderr.WriteLine($"hwgen: cancelled Slurm job {ids}; the shards done so far are kept: run the same command again to resubmit the others");
                return Interruption.ExitCode;
            }
        }

        stderr.WriteLine($"hwgen: interrupted; Slurm job {ids} keeps running: 'scancel {ids}' cancels it, '{resume}' waits for it and merges");
        return Interruption.ExitCode;
    }

    private static SlurmJson Slurm(SlurmSweep run, SlurmStatus? status) => new(
        run.Tasks,
        run.Script,
        [.. run.Submissions.Select(s => new SlurmSubmissionJson(s.JobId, s.Shards))],
        run.Submitted?.Shards ?? [],
        status?.Done,
        status is null ? null : [.. status.Shards.Where(s => s.Phase == SlurmShardPhase.Failed)
            .Select(s => new SlurmFailureJson(s.Shard, s.JobId, s.Task?.Describe() ?? "ended", run.LogFile(s.Shard), run.LogTail(s.Shard)))]);
}
