using System.Diagnostics;
using System.Globalization;
using HwGen.Sweep;

namespace HwGen.Bench;

/// <summary>
/// Sweep throughput: cycle-model points per minute of a whole sweep run (plan, compression shared per
/// compression key, re-encoding, cycle model on every vector, accuracy, resource model, results and
/// report), from an empty output folder each run so that nothing is reused. Options:
/// <c>--sweep FILE</c> (default examples/sweeps/lenet300.yaml, the LeNet-300-100 sweep) and
/// <c>--jobs N</c> (default 2).
/// </summary>
internal sealed class SweepBenchmark : IBenchmark
{
    private string _sweep = string.Empty;
    private int _jobs = 2;
    private string _description = "sweep throughput";

    public string Name => "sweep";

    public string Description => _description;

    public void Prepare(BenchOptions options)
    {
        _sweep = options.Get("sweep", Path.Combine("examples", "sweeps", "lenet300.yaml"));
        _jobs = int.Parse(options.Get("jobs", "2"), CultureInfo.InvariantCulture);
        if (!File.Exists(_sweep))
        {
            throw new FileNotFoundException($"sweep file not found: {_sweep} (run from the repository root, or pass --sweep FILE)");
        }

        var definition = SweepDefinition.Load(_sweep, synth: false);
        _description = $"sweep '{definition.Spec.Name}' ({definition.Points.Count} points, {definition.Spec.Vectors} vectors each) " +
            $"through the cycle model with {_jobs} job(s), from an empty output folder; {Environment.ProcessorCount} logical CPUs";
    }

    public string Measure()
    {
        string output = Path.Combine(Path.GetTempPath(), $"hwgen-bench-sweep-{Guid.NewGuid():N}");
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var outcome = SweepRunner.Run(new SweepOptions { SweepFile = _sweep, OutputDirectory = output, Jobs = _jobs });
            double seconds = stopwatch.Elapsed.TotalSeconds;
            int points = outcome.Computed;
            return string.Create(CultureInfo.InvariantCulture,
                $"{points} points in {seconds:F1} s = {points / seconds * 60:F0} points/minute ({outcome.Invalid} impossible)");
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
