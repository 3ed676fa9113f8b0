using System.CommandLine;
using System.Globalization;
using HwGen.Configuration;
using HwGen.Sweep;
using Spectre.Console;

namespace HwGen.Cli;

/// <summary><c>hwgen sweep SWEEP.yaml -o DIR</c> and <c>hwgen sweep merge DIR… -o OUT</c> (docs/sweeps.md).</summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var sweepFile = new Argument<string?>("SWEEP") { Description = "The sweep file (YAML): base config, axes, sampling, metrics, constraints, objectives.", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string?>("--output", "-o") { Description = "Output folder: results.csv, results.json, pareto.csv, report.html, and the points computed so far." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Points computed in parallel.", DefaultValueFactory = _ => 1 };
        var shard = new Option<string?>("--shard") { Description = "Compute only shard I of N (I/N, 1-based); merge the shards' folders with 'hwgen sweep merge'." };
        var verify = new Option<int>("--verify") { Description = "Co-simulate K points, spread over the sweep, in Verilator (bit-exact and cycle-exact, else exit 1).", DefaultValueFactory = _ => 0 };
        var synth = new Option<bool>("--synth") { Description = "Synthesize every point with yosys (synth_ice40 -dsp) for real resource numbers (synth_* metrics)." };
        var force = new Option<bool>("--force") { Description = "Write into a non-empty folder that holds no sweep." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout instead of the summary." };
        var command = new Command("sweep", "Hardware/software co-design sweep: many configs through the cycle model (and, where asked, Verilator and yosys). 'hwgen sweep merge DIR... -o OUT' merges the folders of a sharded sweep.")
        {
            sweepFile, output, jobs, shard, verify, synth, force, json,
        };
        var slurm = new SlurmSweepCommand();
        slurm.AddTo(command);
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            if (slurm.Requested(parse))
            {
                return slurm.Run(parse, new SweepArguments(parse.GetValue(sweepFile), parse.GetValue(output), parse.GetValue(jobs), SlurmSweepCommand.Given(parse, jobs),
                    parse.GetValue(verify), parse.GetValue(synth), parse.GetValue(force), parse.GetValue(json), SlurmSweepCommand.Given(parse, shard)), stdout, stderr);
            }

            RequireSweepAndOutput(parse.GetValue(sweepFile), parse.GetValue(output));
            Emit.OutputWriter.CheckName(parse.GetValue(output)!);
            var (index, count) = ParseShard(parse.GetValue(shard));
            var options = new SweepOptions
            {
                SweepFile = parse.GetValue(sweepFile)!,
                OutputDirectory = parse.GetValue(output)!,
                Jobs = parse.GetValue(jobs),
                Shard = index,
                Shards = count,
                Verify = parse.GetValue(verify),
                Synth = parse.GetValue(synth),
                Force = parse.GetValue(force),
            };
            bool asJson = parse.GetValue(json);
            var outcome = WithProgress(stderr, interactive: !asJson, log => SweepRunner.Run(options, log.Progress, log.Message));
            Report(stdout, outcome, options, asJson);
            return outcome.Passed ? Cli.Success : Cli.CheckFailed;
        }));
        return command;
    }

    /// <summary>
    /// <c>hwgen sweep merge</c>, in a command tree of its own where <c>sweep</c> takes no SWEEP
    /// argument, so that its help and errors show its own usage (<c>hwgen sweep merge DIR... -o OUT</c>).
    /// </summary>
    public static RootCommand MergeRoot(string description, TextWriter stdout, TextWriter stderr) =>
        new(description) { new Command("sweep", "Hardware/software co-design sweeps.") { Merge(stdout, stderr) } };

    private static Command Merge(TextWriter stdout, TextWriter stderr)
    {
        var directories = new Argument<string[]>("DIR") { Description = "The output folders of the shards.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the merged results and report.", Required = true };
        var force = new Option<bool>("--force") { Description = "Write into a non-empty folder that holds no sweep." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout instead of the summary." };
        var command = new Command("merge", "Merge the output folders of a sweep's shards: the same results as one run.") { directories, output, force, json };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            Emit.OutputWriter.CheckName(parse.GetValue(output)!);
            var outcome = SweepRunner.Merge(parse.GetValue(directories)!, parse.GetValue(output)!, parse.GetValue(force));
            Report(stdout, outcome, null, parse.GetValue(json));
            return outcome.Passed ? Cli.Success : Cli.CheckFailed;
        }));
        return command;
    }

    /// <summary>SWEEP and -o, which every run but <c>--slurm --resume DIR</c> needs.</summary>
    private static void RequireSweepAndOutput(string? sweepFile, string? output)
    {
        var errors = new List<ConfigError>();
        if (sweepFile is null)
        {
            errors.Add(new ConfigError("command line", 0, 0, "SWEEP", "give the sweep file"));
        }

        if (output is null)
        {
            errors.Add(new ConfigError("command line", 0, 0, "-o", "give the output folder (option '--output' is required)"));
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
    }

    /// <summary><c>I/N</c> with 1 ≤ I ≤ N; none is 1/1.</summary>
    private static (int Index, int Count) ParseShard(string? text)
    {
        if (text is null)
        {
            return (1, 1);
        }

        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index >= 1 && index <= count)
        {
            return (index, count);
        }

        throw new ConfigException(new ConfigError("command line", 0, 0, "--shard", $"expected I/N with 1 ≤ I ≤ N (e.g. 2/8), got '{text}'"));
    }

    /// <summary>Callbacks the library reports through.</summary>
    private sealed class Log(Action<SweepProgress> progress, Action<string> message)
    {
        public Action<SweepProgress> Progress { get; } = progress;

        public Action<string> Message { get; } = message;
    }

    /// <summary>Runs with a progress bar on a terminal's stderr; on a pipe, silently (messages still go to stderr).</summary>
    private static SweepOutcome WithProgress(TextWriter stderr, bool interactive, Func<Log, SweepOutcome> run)
    {
        void Message(string text) => stderr.WriteLine($"hwgen: {text}");
        if (!interactive || stderr != System.Console.Error || System.Console.IsErrorRedirected)
        {
            return run(new Log(_ => { }, Message));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) });
        SweepOutcome? outcome = null;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var gate = new Lock();
                void Update(SweepProgress p)
                {
                    lock (gate)
                    {
                        if (!tasks.TryGetValue(p.Phase, out var task))
                        {
                            task = context.AddTask(p.Phase == "verify" ? "co-simulating" : "points", maxValue: Math.Max(1, p.Total));
                            tasks[p.Phase] = task;
                        }

                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                    }
                }

                outcome = run(new Log(Update, text => console.MarkupLine($"hwgen: {Markup.Escape(text)}")));
            });
        return outcome!;
    }

    /// <summary>What <c>--json</c> prints of a run.</summary>
    internal static SweepSummaryJson Summary(SweepOutcome outcome, SweepOptions? options) =>
        SweepSummaryJson.From(outcome, options is null ? "1/1" : $"{options.Shard}/{options.Shards}");

    internal static void Report(TextWriter stdout, SweepOutcome outcome, SweepOptions? options, bool json)
    {
        var results = outcome.Results;
        var spec = outcome.Definition.Spec;
        if (json)
        {
            stdout.WriteLine(HwGenJson.Write(Summary(outcome, options)));
            return;
        }

        string jobs = options is null ? string.Empty : $" with {options.Jobs} job(s)";
        string shard = options is { Shards: > 1 } ? $" (shard {options.Shard}/{options.Shards})" : string.Empty;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sweep {spec.Name}{shard}: {outcome.Points} points ({outcome.Reused} reused, {outcome.Computed} computed, {outcome.Invalid} impossible) in {outcome.Seconds:F1} s{jobs}."));
        if (results is null)
        {
            stdout.WriteLine($"  Points are in {Path.Combine(outcome.Directory, SweepRunner.PointsFile)}; when every shard is done: hwgen sweep merge DIR1 DIR2 … -o OUT");
        }
        else
        {
            var pareto = results.Pareto;
            stdout.WriteLine($"Feasible: {results.Feasible.Count()} of {results.Valid.Count()} valid points. Pareto front ({string.Join(", ", results.Objectives.Select(o => $"{(o.Goal == ObjectiveGoal.Minimize ? "min" : "max")} {o.Expression.Text}"))}): {pareto.Count} point(s).");
            foreach (var row in pareto.Take(10))
            {
                string objectives = string.Join(", ", results.Objectives.Select((o, i) => string.Create(CultureInfo.InvariantCulture, $"{o.Name} {row.Objectives[i]:G6}")));
                stdout.WriteLine($"  point {row.Record.Index}: {SweepDefinition.Describe(spec, row.Record.Values)}: {objectives}");
            }

            if (pareto.Count > 10)
            {
                stdout.WriteLine($"  … {pareto.Count - 10} more in pareto.csv");
            }

            stdout.WriteLine($"Wrote {string.Join(", ", outcome.Files.Select(Path.GetFileName))} to {outcome.Directory}.");
        }

        if (outcome.Verified.Count > 0)
        {
            stdout.WriteLine($"Co-simulated {outcome.Verified.Count} point(s) in Verilator: {outcome.Verified.Count - outcome.VerifyFailures.Count} bit-exact and cycle-exact.");
        }

        foreach (string failure in outcome.VerifyFailures)
        {
            stdout.WriteLine($"  FAILED {failure}");
        }
    }
}
