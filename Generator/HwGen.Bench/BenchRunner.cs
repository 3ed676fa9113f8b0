using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace HwGen.Bench;

/// <summary>A measured piece of work: <see cref="Prepare"/> is not timed, <see cref="Measure"/> is.</summary>
internal interface IBenchmark
{
    /// <summary>The subcommand that runs it.</summary>
    string Name { get; }

    /// <summary>One line: what is measured, on what workload.</summary>
    string Description { get; }

    /// <summary>Builds the workload (untimed).</summary>
    void Prepare(BenchOptions options);

    /// <summary>Does the measured work once; returns a short summary of its result.</summary>
    string Measure();
}

/// <summary>Options shared by every benchmark.</summary>
/// <param name="Runs">Measured runs (the median is reported).</param>
/// <param name="Warmups">Unmeasured runs first.</param>
/// <param name="OutputMarkdown">Where to write the Markdown report, or null.</param>
/// <param name="Extra">Benchmark-specific <c>--key value</c> options.</param>
internal sealed record BenchOptions(int Runs, int Warmups, string? OutputMarkdown, IReadOnlyDictionary<string, string> Extra)
{
    public string Get(string key, string fallback) => Extra.TryGetValue(key, out var v) ? v : fallback;
}

/// <summary>
/// The benchmark front door: <c>HwGen.Bench SUBCOMMAND [--runs N] [--warmups N] [--out FILE.md] [--key value …]</c>.
/// Time is wall-clock (Stopwatch) per measured run; memory is the process's peak working set,
/// which includes the workload itself.
/// </summary>
internal static class BenchRunner
{
    private static readonly IBenchmark[] Benchmarks =
    [
        new CompressBenchmark(),
        new AssignBenchmark(),
        new EieBenchmarkRun(),
        new CosimSpeedBenchmark(),
        new ModelBenchmark(),
        new SweepBenchmark(),
        new EvaluatorBenchmark(),
        new RetrainBenchmark(),
        new MnistPipelineBenchmark(),
        new ActivationAccuracyBenchmark(),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Usage(stdout);
            return args.Length == 0 ? 2 : 0;
        }

        var benchmark = Benchmarks.FirstOrDefault(b => b.Name == args[0]);
        if (benchmark is null)
        {
            stderr.WriteLine($"unknown benchmark '{args[0]}'");
            Usage(stderr);
            return 2;
        }

        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                stderr.WriteLine($"expected '--key value', found '{args[i]}'");
                return 2;
            }

            extra[args[i][2..]] = args[++i];
        }

        BenchOptions options;
        try
        {
            options = new BenchOptions(
                int.Parse(extra.GetValueOrDefault("runs", "5"), CultureInfo.InvariantCulture),
                int.Parse(extra.GetValueOrDefault("warmups", "1"), CultureInfo.InvariantCulture),
                extra.GetValueOrDefault("out"),
                extra);
        }
        catch (FormatException e)
        {
            stderr.WriteLine(e.Message);
            return 2;
        }

        benchmark.Prepare(options);
        stdout.WriteLine($"{benchmark.Name}: {benchmark.Description}");
        for (var w = 0; w < options.Warmups; w++)
        {
            benchmark.Measure();
        }

        var times = new List<double>();
        var summary = "";
        for (var r = 0; r < options.Runs; r++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var stopwatch = Stopwatch.StartNew();
            summary = benchmark.Measure();
            stopwatch.Stop();
            times.Add(stopwatch.Elapsed.TotalSeconds);
            stdout.WriteLine($"  run {r + 1}: {stopwatch.Elapsed.TotalSeconds:F3} s");
        }

        times.Sort();
        double median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        var report = new StringBuilder()
            .AppendLine($"# HwGen benchmark: {benchmark.Name}")
            .AppendLine()
            .AppendLine(benchmark.Description)
            .AppendLine()
            .AppendLine("| measure | value |")
            .AppendLine("|---|---|")
            .AppendLine($"| median time | {median:F3} s |")
            .AppendLine($"| min / max time | {times[0]:F3} s / {times[^1]:F3} s |")
            .AppendLine($"| runs (after {options.Warmups} warm-up) | {options.Runs} |")
            .AppendLine($"| peak working set (process) | {peak / (1024.0 * 1024.0):F0} MiB |")
            .AppendLine($"| result | {summary} |")
            .AppendLine($"| machine | {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, {Environment.OSVersion.Platform} |")
            .ToString();
        stdout.Write(report);
        if (options.OutputMarkdown is not null)
        {
            File.WriteAllText(options.OutputMarkdown, report);
            stdout.WriteLine($"wrote {options.OutputMarkdown}");
        }

        return 0;
    }

    private static void Usage(TextWriter writer)
    {
        writer.WriteLine("usage: HwGen.Bench BENCHMARK [--runs N] [--warmups N] [--out FILE.md] [--key value ...]");
        foreach (var b in Benchmarks)
        {
            writer.WriteLine($"  {b.Name,-12} {b.Description}");
        }

        writer.WriteLine($"  {ResourceFit.Name,-12} (not timed) fit the resource model's LUT coefficients to the calibration sweeps' yosys results");
    }
}
