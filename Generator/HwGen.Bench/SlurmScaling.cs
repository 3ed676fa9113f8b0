using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using HwGen.Sweep;
using HwGen.Tools;

namespace HwGen.Bench;

/// <summary>
/// <c>HwGen.Bench slurm [--sweep FILE] [--tasks 1,2,4] [--out FILE.md]</c>: how a sweep scales with
/// Slurm array tasks on a private single-node cluster of this machine (<see cref="SlurmLocalCluster"/>).
/// For each task count it measures the wall time of <c>hwgen sweep --slurm</c> from submission to
/// the merged results, each task's own time (from its log), and, running shard 1 of N alone under
/// GNU time, what one task costs in time and peak memory. Run from the repository root after
/// <c>make build</c>; needs root (slurmd) and the slurm-wlm, munge and time packages.
/// </summary>
internal static class SlurmScaling
{
    public const string Name = "slurm";

    public static int Run(string[] args, TextWriter stdout)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        string sweep = options.GetValueOrDefault("sweep", Path.Combine("examples", "sweeps", "lenet300.yaml"));
        var counts = options.GetValueOrDefault("tasks", "1,2,4").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList();
        string dll = Path.GetFullPath(Path.Combine("Generator", "HwGen.Cli", "bin", "Release", "net10.0", "hwgen.dll"));
        string dotnet = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        if (!File.Exists(sweep) || !File.Exists(dll))
        {
            stdout.WriteLine($"needs {sweep} and {dll}: run from the repository root after 'make build'");
            return 2;
        }

        var definition = SweepDefinition.Load(sweep, synth: false);
        string work = Path.Combine(Path.GetTempPath(), $"hwgen-bench-slurm-{Guid.NewGuid():N}");
        var rows = new List<string>();
        string load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        using (var cluster = SlurmLocalCluster.Start(Path.Combine(work, "cluster")))
        {
            foreach (int tasks in counts)
            {
                string output = Path.Combine(work, $"tasks-{tasks}");
                var stopwatch = Stopwatch.StartNew();
                var run = ProcessRunner.Run(dotnet, [dll, "sweep", Path.GetFullPath(sweep), "-o", output, "--slurm", "--tasks", Text(tasks)], ".", TimeSpan.FromHours(1));
                double wall = stopwatch.Elapsed.TotalSeconds;
                if (!run.Succeeded)
                {
                    stdout.WriteLine($"{tasks} task(s) failed: {run.Stderr}\n{cluster.LogTails()}");
                    return 1;
                }

                // Each task's own sweep time, as its log reports it.
                var taskSeconds = Enumerable.Range(1, tasks).Select(k => TaskSeconds(Path.Combine(output, "slurm", "logs", $"shard-{Text(k)}.log"))).ToList();

                // One task alone, as the array runs it, under GNU time: wall seconds and peak resident memory.
                var alone = ProcessRunner.Run("/usr/bin/time", ["-f", "%e %M", dotnet, dll, "sweep", Path.GetFullPath(sweep), "-o", Path.Combine(work, $"alone-{tasks}"), "--shard", $"1/{Text(tasks)}"],
                    ".", TimeSpan.FromHours(1));
                var measured = alone.Stderr.Trim().Split('\n')[^1].Split(' ');
                double aloneSeconds = double.Parse(measured[0], CultureInfo.InvariantCulture);
                double peakMiB = double.Parse(measured[1], CultureInfo.InvariantCulture) / 1024;
                var (first, end) = SweepPlan.ShardRange(definition.Points.Count, 1, tasks);
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {tasks} | {wall:F1} s | {taskSeconds.Min():F1}–{taskSeconds.Max():F1} s | {end - first} | {aloneSeconds:F1} s | {peakMiB:F0} MiB |"));
                stdout.WriteLine(rows[^1]);
            }
        }

        Directory.Delete(work, recursive: true);
        var report = new StringBuilder()
            .AppendLine("# HwGen benchmark: slurm")
            .AppendLine()
            .AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"`hwgen sweep {sweep} --slurm --tasks N` ({definition.Points.Count} points, {definition.Spec.Vectors} vectors each, 1 CPU per task) on a single-node Slurm cluster of this machine: {Environment.ProcessorCount} logical CPUs, load average {load} at the start."))
            .AppendLine()
            .AppendLine("| tasks | submit → merged | each task's sweep (its log) | points of shard 1 | shard 1 alone (GNU time) | its peak memory |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (string row in rows)
        {
            report.AppendLine(row);
        }

        stdout.Write(report);
        if (options.TryGetValue("out", out string? file))
        {
            File.WriteAllText(file, report.ToString());
            stdout.WriteLine($"wrote {file}");
        }

        return 0;
    }

    /// <summary>The seconds of a shard's run from its summary line ("… in 3.2 s with 1 job(s).").</summary>
    private static double TaskSeconds(string log)
    {
        string line = File.ReadLines(log).First(l => l.StartsWith("Sweep ", StringComparison.Ordinal));
        int at = line.LastIndexOf(" in ", StringComparison.Ordinal) + 4;
        return double.Parse(line[at..line.IndexOf(" s", at, StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
