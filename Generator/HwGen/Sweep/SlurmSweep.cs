using System.Globalization;
using System.Text;
using System.Text.Json;
using HwGen.Configuration;
using HwGen.Emit;

namespace HwGen.Sweep;

/// <summary>How to run a sweep as a Slurm job array (<c>hwgen sweep --slurm</c>, docs/sweeps.md).</summary>
public sealed record SlurmSweepOptions
{
    /// <summary>The sweep file as the user named it, relative to <see cref="WorkingDirectory"/> or absolute.</summary>
    public required string SweepFile { get; init; }

    /// <summary>The output folder: the batch script, the shards' folders and, at the end, the merged results.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Array tasks, one shard each; null: the folder's earlier run's, else <see cref="SlurmSweep.DefaultTasks"/> (at most one per point).</summary>
    public int? Tasks { get; init; }

    /// <summary>CPUs per task, and the points each task computes in parallel.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary><c>--verify K</c>: the K points co-simulated, each by the task whose shard holds it.</summary>
    public int Verify { get; init; }

    /// <summary><c>--synth</c>: every task synthesizes its own points.</summary>
    public bool Synth { get; init; }

    /// <summary>sbatch's <c>--partition</c>; null: the cluster's default.</summary>
    public string? Partition { get; init; }

    /// <summary>sbatch's <c>--time</c>, a limit per task (Slurm's formats: <c>MM</c>, <c>HH:MM:SS</c>, <c>D-HH</c>, …).</summary>
    public string? Time { get; init; }

    /// <summary>More sbatch options, each written as an <c>#SBATCH</c> line (<c>--mem=4G</c>, <c>--account=x</c>).</summary>
    public IReadOnlyList<string> SbatchArgs { get; init; } = [];

    /// <summary>Write into a non-empty folder that holds no sweep.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// The command that runs hwgen on a compute node, as absolute paths: the dotnet host and
    /// hwgen.dll (or an apphost). Both must be on a file system the nodes share.
    /// </summary>
    public required IReadOnlyList<string> HwGenCommand { get; init; }

    /// <summary>The folder the sweep file is relative to; the tasks run there too.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;
}

/// <summary>One sbatch call: the array's job id and the shards (array task ids) it runs.</summary>
public sealed record SlurmSubmission(string JobId, IReadOnlyList<int> Shards);

/// <summary>Where a shard is: queued, running, done (its folder holds every point), or failed (ended without that).</summary>
public enum SlurmShardPhase
{
    Pending,
    Running,
    Done,
    Failed,
}

/// <summary>One shard of a Slurm run.</summary>
/// <param name="Shard">1-based, = the array task id.</param>
/// <param name="JobId">The array that ran it last; null when no array of this folder ever did (it was complete already).</param>
/// <param name="Phase">Where it is.</param>
/// <param name="Task">What the scheduler last said of its task, when it still knows it.</param>
public sealed record SlurmShardStatus(int Shard, string? JobId, SlurmShardPhase Phase, SlurmTaskState? Task);

/// <summary>Every shard of a Slurm run at one moment.</summary>
public sealed record SlurmStatus(IReadOnlyList<SlurmShardStatus> Shards)
{
    public int Pending => Count(SlurmShardPhase.Pending);

    public int Running => Count(SlurmShardPhase.Running);

    public int Done => Count(SlurmShardPhase.Done);

    public int Failed => Count(SlurmShardPhase.Failed);

    /// <summary>Whether a task is still queued or running.</summary>
    public bool Active => Pending + Running > 0;

    /// <summary><c>2 pending, 1 running, 5 done, 0 failed</c>.</summary>
    public string Counts => $"{Pending} pending, {Running} running, {Done} done, {Failed} failed";

    private int Count(SlurmShardPhase phase) => Shards.Count(s => s.Phase == phase);
}

/// <summary>
/// Runs a sweep as one Slurm job array (docs/sweeps.md, "Running on a real cluster"): writes the
/// batch script <c>DIR/sweep.sbatch</c> (task K runs <c>hwgen sweep … --shard K/N</c> into
/// <c>DIR/slurm/shard-K/</c>, its log in <c>DIR/slurm/logs/shard-K.log</c>), submits the shards whose
/// folders do not yet hold every point, watches the array, and merges the shards into DIR exactly
/// as one local run writes it. <c>DIR/slurm/job.json</c> remembers the run, so running again (or
/// <c>--resume DIR</c>) waits for what is still queued and resubmits only what is missing.
/// </summary>
public sealed class SlurmSweep
{
    public const string ScriptFile = "sweep.sbatch";
    public const string Folder = "slurm";
    public const string StateFile = "job.json";

    /// <summary>Array tasks when neither the command line nor an earlier run says.</summary>
    public const int DefaultTasks = 8;

    private const string StateFormat = "hwgen-slurm 1";
    private const int LogTailLines = 6;

    private readonly SlurmShards _shards;
    private readonly Dictionary<(int Shard, string JobId), SlurmShardStatus> _finished = [];
    private readonly List<SlurmSubmission> _submissions;

    private SlurmSweep(SlurmSweepOptions options, string directory, SweepDefinition definition, int tasks, List<SlurmSubmission> submissions)
    {
        Options = options;
        Directory = directory;
        Definition = definition;
        Tasks = tasks;
        _submissions = submissions;
        _shards = new SlurmShards(definition, tasks, options.Verify);
    }

    public SlurmSweepOptions Options { get; }

    /// <summary>The output folder, absolute.</summary>
    public string Directory { get; }

    public SweepDefinition Definition { get; }

    /// <summary>Shards, one per array task.</summary>
    public int Tasks { get; }

    /// <summary>Every array this folder's run submitted, oldest first.</summary>
    public IReadOnlyList<SlurmSubmission> Submissions => _submissions;

    /// <summary>What this invocation submitted; null when every shard was done or still queued.</summary>
    public SlurmSubmission? Submitted { get; private set; }

    /// <summary>The batch script, <c>DIR/sweep.sbatch</c>.</summary>
    public string Script => Path.Combine(Directory, ScriptFile);

    /// <summary>Shard K's output folder.</summary>
    public string ShardFolder(int shard) => ShardFolder(Directory, shard);

    /// <summary>Shard K's Slurm log.</summary>
    public string LogFile(int shard) => Path.Combine(Directory, Folder, "logs", $"shard-{shard.ToString(CultureInfo.InvariantCulture)}.log");

    /// <summary>Shard K's output folder in an output folder.</summary>
    public static string ShardFolder(string directory, int shard) => Path.Combine(directory, Folder, $"shard-{shard.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Whether a folder holds a Slurm run of a sweep (its <c>slurm/job.json</c>).</summary>
    public static bool IsSlurmRun(string directory) => File.Exists(Path.Combine(directory, Folder, StateFile));

    /// <summary>
    /// Checks the options, loads the sweep, writes the batch script and submits every shard that is
    /// neither done nor still queued or running from an earlier submission.
    /// </summary>
    /// <exception cref="ConfigException">Bad input: the sweep file, its base config, the options, or an sbatch option Slurm rejects (a partition it does not have, a malformed time).</exception>
    /// <exception cref="SlurmException">No Slurm client commands here, or the scheduler refused the job.</exception>
    public static SlurmSweep Start(SlurmSweepOptions options, Action<string>? log = null)
    {
        log ??= _ => { };
        CheckOptions(options);
        string directory = Path.GetFullPath(options.OutputDirectory, options.WorkingDirectory);
        var earlier = IsSlurmRun(directory) ? ReadState(directory) : null;
        if (earlier is null)
        {
            SweepRunner.CheckWritable(directory, options.Force);
        }

        string sweepPath = Path.IsPathRooted(options.SweepFile) || options.WorkingDirectory == Environment.CurrentDirectory
            ? options.SweepFile
            : Path.Combine(options.WorkingDirectory, options.SweepFile);
        var definition = SweepDefinition.Load(sweepPath, options.Synth);
        int points = definition.Points.Count;
        int tasks = options.Tasks ?? earlier?.Tasks ?? Math.Min(points, DefaultTasks);
        if (earlier is not null && tasks != earlier.Tasks)
        {
            throw new ConfigException(new ConfigError("command line", 0, 0, "--tasks",
                $"{directory} holds a Slurm run of {earlier.Tasks} task(s); rerun with --tasks {earlier.Tasks}, or choose another folder"));
        }

        if (tasks > points)
        {
            throw new ConfigException(new ConfigError("command line", 0, 0, "--tasks",
                $"{tasks} tasks for {points} point(s): give at most one task per point"));
        }

        if (!SlurmScheduler.Available)
        {
            throw new SlurmException("sbatch not found on the PATH: --slurm submits through Slurm's client commands (sbatch, squeue, scancel); run it where they are installed, such as a cluster's login node");
        }

        var run = new SlurmSweep(options, directory, definition, tasks, [.. earlier?.Submissions ?? []]);
        var status = run.Status();
        var active = status.Shards.Where(s => s.Phase is SlurmShardPhase.Pending or SlurmShardPhase.Running).Select(s => s.Shard).ToList();
        var missing = status.Shards.Where(s => s.Phase == SlurmShardPhase.Failed).Select(s => s.Shard).ToList();
        if (active.Count > 0)
        {
            log($"{Shards(active)} of {tasks} still queued or running in Slurm job {string.Join(", ", active.Select(run.JobOf).Distinct())}; not submitted again");
        }

        // Bad input or a refused job leaves nothing behind that was not there.
        var created = new List<string>();
        foreach (string folder in new[] { directory, Path.Combine(directory, Folder), Path.Combine(directory, Folder, "logs") })
        {
            if (!System.IO.Directory.Exists(folder))
            {
                System.IO.Directory.CreateDirectory(folder);
                created.Add(folder);
            }
        }

        byte[]? oldScript = File.Exists(run.Script) ? File.ReadAllBytes(run.Script) : null;
        try
        {
            OutputWriter.WriteIfChanged(run.Script, Encoding.UTF8.GetBytes(run.RenderScript()));
            if (missing.Count > 0)
            {
                string job = Submit(run, missing);
                run.Submitted = new SlurmSubmission(job, missing);
                run._submissions.Add(run.Submitted);
                log($"submitted Slurm job {job}: {Shards(missing)} of {tasks}, one per array task ({run.Script})");
            }

            run.WriteState();
        }
        catch
        {
            if (created.Count > 0)
            {
                System.IO.Directory.Delete(created[0], recursive: true);
            }

            if (System.IO.Directory.Exists(directory))
            {
                if (oldScript is null)
                {
                    File.Delete(run.Script);
                }
                else
                {
                    File.WriteAllBytes(run.Script, oldScript);
                }
            }

            throw;
        }

        return run;
    }

    /// <summary>The options an earlier <c>--slurm</c> run into <paramref name="directory"/> used (for <c>--resume DIR</c>).</summary>
    /// <exception cref="ConfigException">The folder holds no Slurm run.</exception>
    public static SlurmSweepOptions StoredOptions(string directory)
    {
        string full = Path.GetFullPath(directory);
        if (!IsSlurmRun(full))
        {
            throw new ConfigException(new ConfigError(directory, 0, 0, "--resume",
                $"holds no Slurm run of a sweep (no {Path.Combine(Folder, StateFile)}); start one with hwgen sweep SWEEP.yaml -o {directory} --slurm"));
        }

        return ReadState(full).Options with { OutputDirectory = full };
    }

    /// <summary>Where every shard is now: squeue for the tasks the controller knows, the shards' folders for the rest.</summary>
    /// <exception cref="SlurmException">squeue failed.</exception>
    public SlurmStatus Status()
    {
        var jobs = _submissions.Select(s => s.JobId).Distinct().ToList();
        var known = SlurmScheduler.Tasks(jobs).ToDictionary(t => (t.Task, t.JobId));
        var shards = new List<SlurmShardStatus>();
        for (int shard = 1; shard <= Tasks; shard++)
        {
            string? job = JobOf(shard);
            if (_finished.TryGetValue((shard, job ?? string.Empty), out var finished))
            {
                shards.Add(finished);
                continue;
            }

            if (job is null)
            {
                // Never submitted from this folder: complete already (an earlier local run), or to submit.
                finished = new SlurmShardStatus(shard, null, Complete(shard) ? SlurmShardPhase.Done : SlurmShardPhase.Failed, null);
                _finished[(shard, string.Empty)] = finished;
                shards.Add(finished);
                continue;
            }

            var task = known.GetValueOrDefault((shard, job));
            switch (task?.Phase ?? SlurmTaskPhase.Finished)
            {
                case SlurmTaskPhase.Pending:
                    shards.Add(new SlurmShardStatus(shard, job, SlurmShardPhase.Pending, task));
                    break;
                case SlurmTaskPhase.Running:
                    shards.Add(new SlurmShardStatus(shard, job, SlurmShardPhase.Running, task));
                    break;
                default:
                    // Ended: the folder decides (a task that exits 1 over a co-simulation mismatch has done its shard).
                    bool done = Complete(shard);
                    task ??= done ? null : SlurmScheduler.Accounting(job, shard);
                    finished = new SlurmShardStatus(shard, job, done ? SlurmShardPhase.Done : SlurmShardPhase.Failed, task);
                    _finished[(shard, job)] = finished;
                    shards.Add(finished);
                    break;
            }
        }

        return new SlurmStatus(shards);
    }

    /// <summary>
    /// Polls until no task is queued or running, or until <paramref name="cancel"/> fires, and
    /// reports every status it reads. squeue failing five times in a row ends the watch.
    /// </summary>
    /// <returns>The last status.</returns>
    public SlurmStatus Wait(Action<SlurmStatus> progress, CancellationToken cancel, TimeSpan? poll = null)
    {
        var interval = poll ?? TimeSpan.FromSeconds(2);
        int failures = 0;
        while (true)
        {
            SlurmStatus status;
            try
            {
                status = Status();
                failures = 0;
            }
            catch (SlurmException) when (++failures < 5)
            {
                // A busy controller may not answer once or twice; the watch goes on.
                if (cancel.WaitHandle.WaitOne(interval))
                {
                    throw;
                }

                continue;
            }

            progress(status);
            if (!status.Active || cancel.WaitHandle.WaitOne(interval))
            {
                return status;
            }
        }
    }

    /// <summary>
    /// When every shard is done: merges them into the output folder as one local run writes it
    /// (results, report, points, and the shards' <c>verify/</c> and <c>synth/</c> files).
    /// </summary>
    /// <exception cref="SlurmException">A shard failed: each is named with its task's state and the end of its log.</exception>
    /// <exception cref="ConfigException">The merged results are bad input (constraints no point meets).</exception>
    public SweepOutcome Finish(SlurmStatus status)
    {
        var failed = status.Shards.Where(s => s.Phase != SlurmShardPhase.Done).ToList();
        if (failed.Count > 0)
        {
            throw new SlurmException(DescribeFailures(failed));
        }

        var folders = Enumerable.Range(1, Tasks).Select(ShardFolder).ToList();
        var outcome = SweepRunner.Merge(folders, Directory, force: true);
        foreach (string folder in folders)
        {
            MoveInto(Path.Combine(folder, "verify"), Path.Combine(Directory, "verify"));
            MoveInto(Path.Combine(folder, "synth"), Path.Combine(Directory, "synth"));
        }

        return outcome;
    }

    /// <summary>Cancels every array of this run that still has tasks queued or running.</summary>
    /// <exception cref="SlurmException">scancel failed.</exception>
    public static IReadOnlyList<string> Cancel(SlurmStatus status)
    {
        var jobs = status.Shards.Where(s => s.Phase is SlurmShardPhase.Pending or SlurmShardPhase.Running && s.JobId is not null)
            .Select(s => s.JobId!).Distinct().ToList();
        SlurmScheduler.Cancel(jobs);
        return jobs;
    }

    /// <summary>The array that ran a shard last.</summary>
    public string? JobOf(int shard) => _submissions.LastOrDefault(s => s.Shards.Contains(shard))?.JobId;

    /// <summary>The last lines of a shard's log (empty when it has none).</summary>
    public IReadOnlyList<string> LogTail(int shard)
    {
        string log = LogFile(shard);
        if (!File.Exists(log))
        {
            return [];
        }

        return [.. File.ReadAllLines(log).Select(l => l.TrimEnd()).Where(l => l.Length > 0).TakeLast(LogTailLines)];
    }

    /// <summary>The batch script's text.</summary>
    public string RenderScript()
    {
        var sbatch = new List<string>();
        if (Options.Partition is { } partition)
        {
            sbatch.Add($"--partition={partition}");
        }

        if (Options.Time is { } time)
        {
            sbatch.Add($"--time={time}");
        }

        sbatch.AddRange(Options.SbatchArgs);
        string options = (Options.Verify > 0 ? $" --verify {Options.Verify.ToString(CultureInfo.InvariantCulture)}" : string.Empty)
            + (Options.Synth ? " --synth" : string.Empty);
        string resume = $"{string.Join(' ', Options.HwGenCommand.Select(ShellQuote))} sweep --slurm --resume {ShellQuote(Directory)}";
        var model = new Dictionary<string, object>
        {
            ["version"] = HwGenInfo.Version,
            ["sweepName"] = OneLine(Definition.Spec.Name),
            ["tasks"] = Tasks,
            ["jobs"] = Options.Jobs,
            ["script"] = ShellQuote(Script),
            ["resume"] = resume,
            ["jobName"] = JobName(Directory),
            ["log"] = SbatchQuote(Path.Combine(Directory, Folder, "logs", "shard-%a.log")),
            ["sbatch"] = sbatch,
            ["workingDirectory"] = ShellQuote(Options.WorkingDirectory),
            ["hwgen"] = string.Join(' ', Options.HwGenCommand.Select(ShellQuote)),
            ["sweepFile"] = ShellQuote(Options.SweepFile),
            ["shardFolder"] = ShellQuote(Path.Combine(Directory, Folder, "shard-")) + "\"$shard\"",
            ["options"] = options,
        };
        return new TemplateRenderer().Render("slurm/sweep.sbatch.hbs", model);
    }

    /// <summary>One line per shard that is not done: its task's state and the end of its log; then how to resubmit.</summary>
    public string DescribeFailures(IReadOnlyList<SlurmShardStatus> failed)
    {
        var text = new StringBuilder();
        foreach (var shard in failed)
        {
            string task = shard.JobId is null ? "never submitted" : $"Slurm job {shard.JobId}_{shard.Shard.ToString(CultureInfo.InvariantCulture)}";
            string log = Path.GetRelativePath(Directory, LogFile(shard.Shard));
            var tail = LogTail(shard.Shard);
            string state = shard.Task is { } t ? t.Describe()
                : shard.JobId is null ? "not run"
                : tail.Count > 0 ? "ended (the scheduler no longer knows how)"
                : "never ran (cancelled while queued, or forgotten by the scheduler)";
            text.Append(CultureInfo.InvariantCulture, $"shard {shard.Shard}/{Tasks} ({task}) failed: {state}, without finishing its points; ")
                .Append(tail.Count > 0 ? $"the end of {log}:" : $"no log ({log})").Append('\n');
            foreach (string line in tail)
            {
                text.Append("    ").Append(line).Append('\n');
            }
        }

        text.Append(CultureInfo.InvariantCulture,
            $"{failed.Count} of {Tasks} shard(s) missing; run the same command again (or hwgen sweep --slurm --resume {Directory}) to resubmit only {(failed.Count == 1 ? "it" : "them")}");
        return text.ToString();
    }

    /// <summary><c>shards 1–3, 5</c>.</summary>
    public static string Shards(IReadOnlyList<int> shards) =>
        (shards.Count == 1 ? "shard " : "shards ") + SlurmScheduler.ArraySpec(shards).Replace("-", "–", StringComparison.Ordinal).Replace(",", ", ", StringComparison.Ordinal);

    private bool Complete(int shard) => _shards.IsComplete(ShardFolder(shard), shard);

    private static string Submit(SlurmSweep run, IReadOnlyList<int> shards)
    {
        try
        {
            return SlurmScheduler.Submit(run.Script, shards, run.Options.WorkingDirectory);
        }
        catch (SlurmException e)
        {
            // Options Slurm rejects are bad input: name the option.
            string message = e.Message;
            string? option = message.Contains("partition", StringComparison.OrdinalIgnoreCase) ? "--partition"
                : message.Contains("time", StringComparison.OrdinalIgnoreCase) && run.Options.Time is not null ? "--time"
                : message.Contains("unrecognized option", StringComparison.OrdinalIgnoreCase) || message.Contains("invalid option", StringComparison.OrdinalIgnoreCase) ? "--sbatch-arg"
                : null;
            if (option is null)
            {
                throw;
            }

            throw new ConfigException(new ConfigError("command line", 0, 0, option, message));
        }
    }

    private static void CheckOptions(SlurmSweepOptions options)
    {
        var errors = new List<ConfigError>();
        void Error(string option, string message) => errors.Add(new ConfigError("command line", 0, 0, option, message));
        if (options.Tasks is < 1)
        {
            Error("--tasks", $"must be at least 1, not {options.Tasks}");
        }

        if (options.Jobs < 1)
        {
            Error("--jobs", $"must be at least 1, not {options.Jobs}");
        }

        if (options.Verify < 0)
        {
            Error("--verify", $"must be 0 or more, not {options.Verify}");
        }

        if (options.Partition is { } partition && (partition.Length == 0 || partition.Any(char.IsWhiteSpace)))
        {
            Error("--partition", $"'{partition}' is not a partition name");
        }

        if (options.Time is { } time && (time.Length == 0 || time.Any(char.IsWhiteSpace)))
        {
            Error("--time", $"'{time}' is not a Slurm time limit (e.g. 30, 2:00:00, 1-12)");
        }

        foreach (string argument in options.SbatchArgs)
        {
            if (!argument.StartsWith('-') || argument.Contains('\n', StringComparison.Ordinal) || argument.Contains('\r', StringComparison.Ordinal))
            {
                Error("--sbatch-arg", $"'{argument.ReplaceLineEndings(" ")}' is not one sbatch option (e.g. --sbatch-arg=--mem=4G)");
            }
        }

        string directory = options.OutputDirectory;
        if (directory.Contains('"', StringComparison.Ordinal) || directory.Contains('\n', StringComparison.Ordinal))
        {
            Error("-o", "a Slurm run's folder may not contain a double quote or a line break (sbatch could not name its log)");
        }

        if (options.HwGenCommand.Count == 0 || options.HwGenCommand.Any(p => !Path.IsPathRooted(p)))
        {
            Error("hwgen", "the command that runs hwgen on the nodes must be absolute paths");
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
    }

    /// <summary>Moves each entry of a shard's folder into the merged folder, replacing what is there.</summary>
    private static void MoveInto(string from, string to)
    {
        if (!System.IO.Directory.Exists(from))
        {
            return;
        }

        System.IO.Directory.CreateDirectory(to);
        foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(from).Order(StringComparer.Ordinal).ToList())
        {
            string target = Path.Combine(to, Path.GetFileName(entry));
            if (System.IO.Directory.Exists(target))
            {
                System.IO.Directory.Delete(target, recursive: true);
            }

            if (System.IO.Directory.Exists(entry))
            {
                System.IO.Directory.Move(entry, target);
            }
            else
            {
                File.Move(entry, target, overwrite: true);
            }
        }
    }

    private void WriteState()
    {
        var state = new SlurmJobJson(StateFormat, Options.SweepFile, Options.WorkingDirectory, Tasks, Options.Jobs, Options.Verify, Options.Synth,
            Options.Partition, Options.Time, Options.SbatchArgs, Options.HwGenCommand, [.. _submissions.Select(s => new SlurmSubmissionJson(s.JobId, s.Shards))]);
        OutputWriter.WriteIfChanged(Path.Combine(Directory, Folder, StateFile), Encoding.UTF8.GetBytes(HwGenJson.Write(state) + "\n"));
    }

    private static StoredRun ReadState(string directory)
    {
        string path = Path.Combine(directory, Folder, StateFile);
        SlurmJobJson? state;
        try
        {
            string text = File.ReadAllText(path);
            state = HwGenJson.Read<FormatJson>(text)?.Format == StateFormat ? HwGenJson.Read<SlurmJobJson>(text) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ConfigException(new ConfigError(path, 0, 0, string.Empty, $"unreadable record of a Slurm run: {e.Message}"));
        }

        if (state is null)
        {
            throw new ConfigException(new ConfigError(path, 0, 0, string.Empty, "not HwGen's record of a Slurm run"));
        }

        var options = new SlurmSweepOptions
        {
            SweepFile = state.SweepFile,
            OutputDirectory = directory,
            WorkingDirectory = state.WorkingDirectory,
            Tasks = state.Tasks,
            Jobs = state.Jobs,
            Verify = state.Verify,
            Synth = state.Synth,
            Partition = state.Partition,
            Time = state.Time,
            SbatchArgs = state.SbatchArgs,
            HwGenCommand = state.Hwgen,
        };
        return new StoredRun(options, state.Tasks, [.. state.Submissions.Select(s => new SlurmSubmission(s.Job, s.Shards))]);
    }

    private static string JobName(string directory)
    {
        string name = new([.. Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        return "hwgen-" + (name.Length > 0 ? name : "sweep");
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>A word for bash: as it is when it holds only safe characters, else in single quotes.</summary>
    private static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=+:,@%".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A value on an <c>#SBATCH</c> line: in double quotes when it holds a space.</summary>
    private static string SbatchQuote(string value) => value.Any(char.IsWhiteSpace) ? $"\"{value}\"" : value;

    /// <summary>What <c>slurm/job.json</c> holds.</summary>
    private sealed record StoredRun(SlurmSweepOptions Options, int Tasks, List<SlurmSubmission> Submissions);
}
