using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using HwGen.Configuration;
using HwGen.Emit;
using HwGen.Simulation;
using HwGen.Synthesis;
using HwGen.Tools;

namespace HwGen.Sweep;

/// <summary>How to run a sweep.</summary>
public sealed record SweepOptions
{
    public required string SweepFile { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>Points computed in parallel.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>This run's shard, 1-based (of <see cref="Shards"/>).</summary>
    public int Shard { get; init; } = 1;

    public int Shards { get; init; } = 1;

    /// <summary>Points to co-simulate in Verilator (bit-exact and cycle-exact), spread evenly over the sweep.</summary>
    public int Verify { get; init; }

    /// <summary>Synthesize every point with yosys for real resource numbers.</summary>
    public bool Synth { get; init; }

    /// <summary>Write into a non-empty folder that holds no sweep.</summary>
    public bool Force { get; init; }

    public TimeSpan SynthTimeout { get; init; } = TimeSpan.FromHours(4);

    public SimulationOptions Simulation { get; init; } = new();
}

/// <summary>Progress of a running sweep: <paramref name="Done"/> of <paramref name="Total"/> in a phase.</summary>
public sealed record SweepProgress(string Phase, int Done, int Total);

/// <summary>What a run or a merge did.</summary>
public sealed record SweepOutcome
{
    public required SweepDefinition Definition { get; init; }

    /// <summary>The results; null for one shard of several (merge the shards for them).</summary>
    public SweepResults? Results { get; init; }

    public required string Directory { get; init; }

    /// <summary>Points this run covered (its shard's).</summary>
    public required int Points { get; init; }

    /// <summary>Points found in the output folder and not computed again.</summary>
    public int Reused { get; init; }

    /// <summary>Points computed by this run.</summary>
    public int Computed { get; init; }

    /// <summary>Points whose values make an impossible design.</summary>
    public int Invalid { get; init; }

    /// <summary>Co-simulated points (indices) and what failed.</summary>
    public IReadOnlyList<int> Verified { get; init; } = [];

    public IReadOnlyList<string> VerifyFailures { get; init; } = [];

    /// <summary>The files written (the results and the report; the state files aside).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    public double Seconds { get; init; }

    public bool Passed => VerifyFailures.Count == 0;
}

/// <summary>
/// Runs sweeps (docs/sweeps.md): plans the points, computes those the output folder does not
/// hold yet in parallel, optionally co-simulates some and synthesizes all, and writes the results
/// and the report. The folder's <c>points.jsonl</c> (one line per computed point, appended as
/// points finish) makes a run resumable; its <c>sweep.json</c> carries the sweep file so shards can
/// be merged anywhere. Results are ordered by point index and do not depend on the job count.
/// </summary>
public static class SweepRunner
{
    public const string StateFile = "sweep.json";
    public const string PointsFile = "points.jsonl";
    public const string ResultsCsv = "results.csv";
    public const string ResultsJson = "results.json";
    public const string ParetoCsv = "pareto.csv";
    public const string ReportHtml = "report.html";

    private const string StateFormat = "hwgen-sweep-state 1";

    /// <summary>Runs a sweep (or one shard of it).</summary>
    /// <exception cref="ConfigException">Bad input: the sweep file, its base config, the options, or constraints no point meets.</exception>
    /// <exception cref="ToolException">yosys or Verilator failed to run.</exception>
    public static SweepOutcome Run(SweepOptions options, Action<SweepProgress>? progress = null, Action<string>? log = null)
    {
        progress ??= _ => { };
        log ??= _ => { };
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        CheckOptions(options);
        var definition = SweepDefinition.Load(options.SweepFile, options.Synth);
        var spec = definition.Spec;
        string dir = options.OutputDirectory;
        CheckWritable(dir, options.Force);

        var (first, end) = SweepPlan.ShardRange(definition.Points.Count, options.Shard, options.Shards);
        var mine = definition.Points.Skip(first).Take(end - first).ToList();
        Directory.CreateDirectory(dir);
        WriteState(dir, definition, options.Shard, options.Shards);

        // What the folder already holds, by key; rewritten whole first, which drops a line a stopped run left half-written.
        var storedRecords = ReadPoints(Path.Combine(dir, PointsFile));
        WritePoints(Path.Combine(dir, PointsFile), storedRecords);
        var stored = storedRecords.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var keys = new SweepPointKeys(spec.Vectors);
        var records = new ConcurrentDictionary<int, SweepRecord>();
        var todo = new List<(SweepPoint Point, string Key, SweepRecord? Stored)>();
        int reused = 0;
        foreach (var point in mine)
        {
            var values = point.Values.Select(v => v.Text).ToList();
            if (point.Config is null)
            {
                records[point.Index] = new SweepRecord
                {
                    Index = point.Index, Key = SweepPointKeys.InvalidKey(values), Values = values, Status = SweepRecord.Invalid, Error = point.Problem,
                };
                continue;
            }

            string key = keys.Key(point.Config);
            var found = stored.GetValueOrDefault(key);
            // A point that failed to build is tried again (cheap, and a newer HwGen may build it).
            if (found is { IsOk: true } && HasEveryMetric(found) && (!options.Synth || found.HasSynth))
            {
                records[point.Index] = found with { Index = point.Index, Values = values };
                reused++;
            }
            else
            {
                todo.Add((point, key, found));
            }
        }

        int invalidPlanned = mine.Count(p => p.Config is null);
        if (invalidPlanned > 0)
        {
            var example = mine.First(p => p.Config is null);
            log($"{invalidPlanned} of {mine.Count} points are impossible designs and are not computed; e.g. point {example.Index} " +
                $"({SweepDefinition.Describe(spec, example.Values)}): {example.Problem}");
        }

        // Points that share compression run one after the other, so their cached network is freed early.
        todo = [.. todo.Select((t, order) => (t, order))
            .GroupBy(x => SweepEvaluator.CompressionKey(x.t.Point.Config!))
            .SelectMany(g => g.OrderBy(x => x.order))
            .Select(x => x.t)];
        var evaluator = new SweepEvaluator(spec.Vectors, todo.Select(t => t.Point.Config!));
        using (var append = new PointAppender(Path.Combine(dir, PointsFile)))
        {
            int done = 0;
            progress(new SweepProgress("points", 0, todo.Count));
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Jobs };
            try
            {
                Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(todo, EnumerablePartitionerOptions.NoBuffering), parallel, item =>
                {
                    var record = Compute(evaluator, item.Point, item.Key, item.Stored, options, dir);
                    records[item.Point.Index] = record;
                    append.Add(record);
                    progress(new SweepProgress("points", Interlocked.Increment(ref done), todo.Count));
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is ToolException or ConfigException) is { } inner)
            {
                throw inner is ToolException tool ? new ToolException(tool.Result) : inner;
            }

            // Co-simulation of a few points, spread evenly over the sweep.
            var verified = new List<int>();
            var failures = new List<string>();
            if (options.Verify > 0)
            {
                var chosen = VerifyChoice(definition, options.Verify).Where(i => i >= first && i < end)
                    .Where(i => records[i].IsOk && records[i].Verified != SweepRecord.VerifyPassed).ToList();
                var verifier = new SweepEvaluator(spec.Vectors, chosen.Select(i => definition.Points[i].Config!));
                for (var v = 0; v < chosen.Count; v++)
                {
                    progress(new SweepProgress("verify", v, chosen.Count));
                    int index = chosen[v];
                    var (point, _) = verifier.Build(definition.Points[index].Config!);
                    string simDir = Path.Combine(dir, "verify", $"point-{index:D5}");
                    log($"co-simulating point {index} ({SweepDefinition.Describe(spec, definition.Points[index].Values)}) in {simDir}");
                    DesignWriter.Write(simDir, options.Simulation.Design(point.Design.Network), force: true);
                    var result = Simulator.Run(point.Design.Network, point.Vectors, simDir, options.Simulation);
                    string verdict = result.Passed
                        ? SweepRecord.VerifyPassed
                        : $"failed: {(result.FirstMismatch is { } m ? $"vector {m.Vector}, layer {m.LayerName}, row {m.Row}: expected {m.Expected}, got {m.Actual}" : $"RTL cycles {string.Join(' ', result.Cycles)} vs model {string.Join(' ', result.ModelCycles)}")}";
                    var record = records[index] with { Verified = verdict };
                    records[index] = record;
                    append.Add(record);
                }

                progress(new SweepProgress("verify", chosen.Count, chosen.Count));
                foreach (var record in records.Values.Where(r => r.Verified is not null).OrderBy(r => r.Index))
                {
                    verified.Add(record.Index);
                    if (record.Verified != SweepRecord.VerifyPassed)
                    {
                        failures.Add($"point {record.Index} ({SweepDefinition.Describe(spec, definition.Points[record.Index].Values)}): {record.Verified}");
                    }
                }
            }

            append.Dispose();
            var ordered = records.Values.OrderBy(r => r.Index).ToList();
            WritePoints(Path.Combine(dir, PointsFile), ordered);
            var outcome = new SweepOutcome
            {
                Definition = definition,
                Directory = dir,
                Points = mine.Count,
                Reused = reused,
                Computed = todo.Count,
                Invalid = ordered.Count(r => !r.IsOk),
                Verified = verified,
                VerifyFailures = failures,
                Seconds = stopwatch.Elapsed.TotalSeconds,
            };
            if (options.Shards > 1)
            {
                return outcome;
            }

            var results = SweepResults.Build(definition, ordered);
            return outcome with { Results = results, Files = WriteResults(dir, results), Seconds = stopwatch.Elapsed.TotalSeconds };
        }
    }

    /// <summary>
    /// Merges the output folders of a sweep's shards into one: the same results, byte for byte, as
    /// running the whole sweep in one go.
    /// </summary>
    /// <exception cref="ConfigException">The folders are not shards of one sweep, or points are missing.</exception>
    public static SweepOutcome Merge(IReadOnlyList<string> directories, string output, bool force)
    {
        if (directories.Count == 0)
        {
            throw new ConfigException(new ConfigError("command line", 0, 0, "DIR", "give the output folders of the shards to merge"));
        }

        var states = directories.Select(d => (Dir: d, State: ReadState(d))).ToList();
        var reference = states[0];
        var shared = new (string Field, Func<SweepStateJson, object> Value)[]
        {
            ("sweep_text", s => s.SweepText), ("vectors", s => s.Vectors), ("synth", s => s.Synth), ("points", s => s.Points), ("generator", s => s.Generator),
        };
        foreach (var (dir, state) in states.Skip(1))
        {
            foreach (var (field, value) in shared)
            {
                if (!value(state).Equals(value(reference.State)))
                {
                    throw new ConfigException(new ConfigError(Path.Combine(dir, StateFile), 0, 0, field,
                        $"differs from {Path.Combine(reference.Dir, StateFile)}: the folders are not shards of one sweep run with the same options"));
                }
            }
        }

        CheckWritable(output, force);
        var records = new Dictionary<int, SweepRecord>();
        foreach (var (dir, _) in states)
        {
            foreach (var record in ReadPoints(Path.Combine(dir, PointsFile)))
            {
                if (records.TryGetValue(record.Index, out var other) && other.Key != record.Key)
                {
                    throw new ConfigException(new ConfigError(Path.Combine(dir, PointsFile), 0, 0, $"point {record.Index}",
                        "differs from the same point in another folder (a different HwGen, data file or sweep?)"));
                }

                if (other is null || (record.Verified is not null && other.Verified is null))
                {
                    records[record.Index] = record;
                }
            }
        }

        var stored = reference.State;
        var spec = SweepLoader.LoadFromText(stored.SweepText, stored.SweepFile, Path.GetDirectoryName(Path.GetFullPath(stored.SweepFile)) ?? ".");
        var definition = SweepDefinition.Prepare(spec, null, stored.Synth, stored.BaseValues);
        var missing = Enumerable.Range(0, definition.Points.Count).Where(i => !records.ContainsKey(i)).ToList();
        if (missing.Count > 0)
        {
            throw new ConfigException(new ConfigError("command line", 0, 0, "DIR",
                $"{missing.Count} of {definition.Points.Count} points are missing ({Ranges(missing)}); give the folders of every shard, and let each finish"));
        }

        foreach (var point in definition.Points)
        {
            if (!records[point.Index].Values.SequenceEqual(point.Values.Select(v => v.Text)))
            {
                throw new ConfigException(new ConfigError("command line", 0, 0, $"point {point.Index}", "its stored values are not the sweep's; the folders hold another sweep"));
            }
        }

        Directory.CreateDirectory(output);
        WriteState(output, definition, 1, 1);
        var ordered = records.Values.OrderBy(r => r.Index).ToList();
        WritePoints(Path.Combine(output, PointsFile), ordered);
        var results = SweepResults.Build(definition, ordered);
        var failures = ordered.Where(r => r.Verified is not null && r.Verified != SweepRecord.VerifyPassed)
            .Select(r => $"point {r.Index} ({SweepDefinition.Describe(spec, definition.Points[r.Index].Values)}): {r.Verified}").ToList();
        return new SweepOutcome
        {
            Definition = definition,
            Results = results,
            Directory = output,
            Points = ordered.Count,
            Reused = ordered.Count,
            Invalid = ordered.Count(r => !r.IsOk),
            Verified = [.. ordered.Where(r => r.Verified is not null).Select(r => r.Index)],
            VerifyFailures = failures,
            Files = WriteResults(output, results),
        };
    }

    /// <summary>The points <c>--verify K</c> co-simulates: K valid points spread evenly over the sweep.</summary>
    public static IReadOnlyList<int> VerifyChoice(SweepDefinition definition, int count)
    {
        var valid = definition.Points.Where(p => p.Config is not null).Select(p => p.Index).ToList();
        if (count >= valid.Count)
        {
            return valid;
        }

        return [.. Enumerable.Range(0, count).Select(k => valid[(int)(((2L * k) + 1) * valid.Count / (2L * count))]).Distinct()];
    }

    /// <summary>Refuses a file, or a non-empty folder that holds no sweep, unless forced.</summary>
    /// <exception cref="ConfigException">Not a folder HwGen may write into.</exception>
    public static void CheckWritable(string directory, bool force)
    {
        if (File.Exists(directory))
        {
            throw new ConfigException(new ConfigError(directory, 0, 0, "-o", "is a file, not a folder"));
        }

        if (!force && Directory.Exists(directory) && !File.Exists(Path.Combine(directory, StateFile))
            && !SlurmSweep.IsSlurmRun(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new ConfigException(new ConfigError(directory, 0, 0, "-o",
                "holds files that are not a sweep's; choose an empty or new folder, or pass --force to write into it"));
        }
    }

    private static void CheckOptions(SweepOptions options)
    {
        var errors = new List<ConfigError>();
        if (options.Jobs < 1)
        {
            errors.Add(new ConfigError("command line", 0, 0, "--jobs", $"must be at least 1, not {options.Jobs}"));
        }

        if (options.Shards < 1 || options.Shard < 1 || options.Shard > options.Shards)
        {
            errors.Add(new ConfigError("command line", 0, 0, "--shard", $"must be I/N with 1 ≤ I ≤ N, not {options.Shard}/{options.Shards}"));
        }

        if (options.Verify < 0)
        {
            errors.Add(new ConfigError("command line", 0, 0, "--verify", $"must be 0 or more, not {options.Verify}"));
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
    }

    /// <summary>Whether a stored point has every metric this version computes (a newer HwGen may compute more).</summary>
    private static bool HasEveryMetric(SweepRecord record) =>
        SweepMetrics.Available(synth: false).All(m => m.Kind == MetricKind.Number ? record.Numbers.ContainsKey(m.Name) : record.Texts.ContainsKey(m.Name));

    /// <summary>One point: its metrics (or the stored ones) and, with --synth, yosys's counts.</summary>
    private static SweepRecord Compute(SweepEvaluator evaluator, SweepPoint point, string key, SweepRecord? stored, SweepOptions options, string dir)
    {
        var values = point.Values.Select(v => v.Text).ToList();
        try
        {
            Dictionary<string, double> numbers;
            Dictionary<string, string> texts;
            EvaluatedPoint? built = null;
            if (stored is { IsOk: true } && HasEveryMetric(stored))
            {
                numbers = new Dictionary<string, double>(stored.Numbers, StringComparer.Ordinal);
                texts = new Dictionary<string, string>(stored.Texts, StringComparer.Ordinal);
            }
            else
            {
                (built, numbers, texts) = evaluator.Evaluate(point.Config!);
            }

            if (options.Synth)
            {
                built ??= evaluator.Build(point.Config!).Point;
                var synth = Synthesize(built, Path.Combine(dir, "synth"), point.Index, options.SynthTimeout).Ice40Cells!;
                numbers["synth_luts"] = synth.Luts;
                numbers["synth_ffs"] = synth.Ffs;
                numbers["synth_brams"] = synth.Brams;
                numbers["synth_dsps"] = synth.Dsps;
                numbers["synth_sprams"] = synth.Sprams;
            }

            return new SweepRecord { Index = point.Index, Key = key, Values = values, Status = SweepRecord.Ok, Numbers = numbers, Texts = texts, Verified = stored?.Verified };
        }
        catch (ConfigException e)
        {
            return new SweepRecord
            {
                Index = point.Index, Key = key, Values = values, Status = SweepRecord.Invalid,
                Error = string.Join("; ", e.Errors.Select(x => x.Key.Length > 0 ? $"{x.Key}: {x.Message}" : x.Message)),
            };
        }
    }

    /// <summary>Synthesizes a point's core in a scratch folder and keeps only yosys's statistics, as synth/point-NNNNN.stat.json.</summary>
    private static SynthesisResult Synthesize(EvaluatedPoint point, string synthDir, int index, TimeSpan timeout)
    {
        // A failing run keeps its folder (design and yosys.log) to look at.
        string work = Path.Combine(synthDir, $"point-{index:D5}");
        DesignWriter.Write(work, new DesignRequest(point.Design.Network) { CoreSynthesis = true }, force: true);
        var result = Synthesizer.RunCore(work, timeout);
        File.Copy(Path.Combine(work, "yosys_stat.json"), Path.Combine(synthDir, $"point-{index:D5}.stat.json"), overwrite: true);
        Directory.Delete(work, recursive: true);
        return result;
    }

    private static List<string> WriteResults(string dir, SweepResults results)
    {
        var files = new List<string>();
        if (results.Infeasibility() is { } why)
        {
            foreach (string name in new[] { ResultsCsv, ResultsJson, ParetoCsv, ReportHtml })
            {
                File.Delete(Path.Combine(dir, name));
            }

            throw new ConfigException(results.Spec.Error(results.Spec.Constraints.Count > 0 ? results.Spec.Constraints[0].Key : "constraints", why));
        }

        void Save(string name, string text)
        {
            string path = Path.Combine(dir, name);
            OutputWriter.WriteIfChanged(path, Encoding.UTF8.GetBytes(text));
            files.Add(path);
        }

        Save(ResultsCsv, SweepTables.Csv(results));
        Save(ResultsJson, SweepTables.Json(results));
        Save(ParetoCsv, SweepTables.ParetoCsv(results));
        Save(ReportHtml, SweepReport.Html(results));
        return files;
    }

    private static void WriteState(string dir, SweepDefinition definition, int shard, int shards)
    {
        var state = new SweepStateJson(StateFormat, $"HwGen {HwGenInfo.Version}", definition.Spec.SourceFile, definition.Spec.Text,
            definition.Points.Count, shard, shards, definition.Spec.Vectors, definition.Synth, definition.BaseValues);
        OutputWriter.WriteIfChanged(Path.Combine(dir, StateFile), Encoding.UTF8.GetBytes(HwGenJson.Write(state) + "\n"));
    }

    /// <summary>The <c>sweep.json</c> of a folder, or null when the folder has none that HwGen wrote in this format.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is not JSON of a sweep's state.</exception>
    internal static SweepStateJson? TryReadState(string path)
    {
        try
        {
            string text = File.ReadAllText(path);
            return HwGenJson.Read<FormatJson>(text)?.Format == StateFormat ? HwGenJson.Read<SweepStateJson>(text) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ConfigException(new ConfigError(path, 0, 0, string.Empty, Directory.Exists(Path.GetDirectoryName(path))
                ? $"not a sweep output folder (no readable {StateFile}: {e.Message})"
                : "folder not found"));
        }
    }

    private static SweepStateJson ReadState(string dir)
    {
        string path = Path.Combine(dir, StateFile);
        return TryReadState(path) ?? throw new ConfigException(new ConfigError(path, 0, 0, string.Empty, $"not a sweep output folder ({StateFile} is not HwGen's)"));
    }

    /// <summary>The records of a points file; an unreadable last line (a run stopped mid-write) is ignored.</summary>
    private static List<SweepRecord> ReadPoints(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        return [.. File.ReadLines(path).Where(l => l.Length > 0).Select(SweepRecord.FromJsonLine).OfType<SweepRecord>()];
    }

    private static void WritePoints(string path, IEnumerable<SweepRecord> records)
    {
        var text = new StringBuilder();
        foreach (var record in records)
        {
            text.Append(record.ToJsonLine()).Append('\n');
        }

        OutputWriter.WriteIfChanged(path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static string Ranges(List<int> indices)
    {
        var parts = new List<string>();
        for (var i = 0; i < indices.Count && parts.Count < 6; i++)
        {
            int start = indices[i];
            while (i + 1 < indices.Count && indices[i + 1] == indices[i] + 1)
            {
                i++;
            }

            parts.Add(start == indices[i] ? $"point {start}" : $"points {start}–{indices[i]}");
        }

        return string.Join(", ", parts) + (parts.Count == 6 ? ", …" : string.Empty);
    }

    /// <summary>Appends records to the points file as they finish, one flushed line each.</summary>
    private sealed class PointAppender(string path) : IDisposable
    {
        private readonly Lock _lock = new();
        private StreamWriter? _writer = new(path, append: true, new UTF8Encoding(false));

        public void Add(SweepRecord record)
        {
            lock (_lock)
            {
                _writer?.Write(record.ToJsonLine() + "\n");
                _writer?.Flush();
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _writer?.Dispose();
                _writer = null;
            }
        }
    }
}
