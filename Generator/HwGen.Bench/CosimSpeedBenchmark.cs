using System.Diagnostics;
using System.Globalization;
using HwGen.Compression;
using HwGen.Emit;
using HwGen.Model;
using HwGen.Simulation;

namespace HwGen.Bench;

/// <summary>
/// Verilator against the cycle model on the same design (default: the real alex8 layer on 64
/// PEs), and today's Verilator build against the one HwGen made before the co-simulation
/// speed-up (the build script and harness in Baseline/, kept only for this): both models' build
/// times, their simulated cycles per second in alternating runs on the same vectors (both
/// checked bit- and cycle-exact), their ratio, the cycle model's simulated cycles per second and
/// its ratio to today's Verilator model. Each round also runs today's build with several models
/// at once (<c>--jobs</c>, one thread each on a share of the vectors), timed against the baseline
/// on the same vectors.
/// </summary>
internal sealed class CosimSpeedBenchmark : IBenchmark
{
    private Design? _design;
    private IReadOnlyList<double[]> _vectors = [];
    private string _dir = "";
    private string _baselineDir = "";
    private int _pairs = 5;
    private int _jobs = 2;
    private double _buildSeconds = -1;
    private double _baselineBuildSeconds = -1;

    public string Name => "cosim";

    public string Description => "Verilator build time and simulated cycles/s, today's build (one model, and --jobs models at once) against the earlier one (Baseline/) and against the cycle model, on the same design and vectors (default examples/alex8.yaml, 20 vectors, 5 alternating rounds, 2 jobs, cold builds without ccache)";

    public void Prepare(BenchOptions options)
    {
        _design = Design.Load(options.Get("config", "examples/alex8.yaml"));
        if (_design.Network.Spec.Memory.UsesSpram)
        {
            throw new ArgumentException($"cosim: the baseline Verilator build has no SPRAM models; {_design.Network.Name} places memories in SPRAM");
        }

        _vectors = _design.Vectors(int.Parse(options.Get("vectors", "20"), CultureInfo.InvariantCulture), 1);
        _pairs = int.Parse(options.Get("pairs", "5"), CultureInfo.InvariantCulture);
        _jobs = int.Parse(options.Get("jobs", "2"), CultureInfo.InvariantCulture);
        _dir = options.Get("dir", $"out/bench/cosim-{_design.Network.Name}");
        _baselineDir = _dir + "-baseline";
        var report = EstimateReport.Build(_design.Network, _vectors.Take(1).ToList());
        var request = new DesignRequest(_design.Network) { Report = new DesignReport(_design, report) };
        DesignWriter.Write(_dir, request, force: true);
        DesignWriter.Write(_baselineDir, request, force: true);
        string baseline = Path.Combine(AppContext.BaseDirectory, "Baseline");
        File.Copy(Path.Combine(baseline, "build_sim.sh"), Path.Combine(_baselineDir, "build_sim.sh"), overwrite: true);
        File.Copy(Path.Combine(baseline, "hwgen_harness.cpp"), Path.Combine(_baselineDir, "tb", "hwgen_harness.cpp"), overwrite: true);

        // Cold builds by default: ccache would turn a rebuild of unchanged sources into cache hits.
        bool cold = options.Get("ccache", "off") == "off";
        string? ccache = Environment.GetEnvironmentVariable("CCACHE_DISABLE");
        if (cold)
        {
            Environment.SetEnvironmentVariable("CCACHE_DISABLE", "1");
        }

        try
        {
            _baselineBuildSeconds = TimedBuild(_baselineDir, cold);
            _buildSeconds = TimedBuild(_dir, cold);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CCACHE_DISABLE", ccache);
        }
    }

    private double TimedBuild(string dir, bool cold)
    {
        if (cold && Directory.Exists(Path.Combine(dir, "obj_dir")))
        {
            Directory.Delete(Path.Combine(dir, "obj_dir"), recursive: true);
        }

        var stopwatch = Stopwatch.StartNew();
        Simulator.Build(dir, _design!.Network.Name, new SimulationOptions());
        return stopwatch.Elapsed.TotalSeconds;
    }

    public string Measure()
    {
        var design = _design!;

        // Alternating runs, so that a load that comes and goes on the machine falls on both.
        var rates = new List<double>();
        var baselineRates = new List<double>();
        var parallelRates = new List<double>();
        var parallelSpeedUps = new List<double>();
        SimulationResult? sim = null;
        for (int p = 0; p < _pairs; p++)
        {
            var baselineSim = Checked(Simulator.Run(design.Network, _vectors, _baselineDir, new SimulationOptions()), "baseline");
            baselineRates.Add(baselineSim.SimulatedCyclesPerSecond);
            sim = Checked(Simulator.Run(design.Network, _vectors, _dir, new SimulationOptions()), "today's");
            rates.Add(sim.SimulatedCyclesPerSecond);
            if (baselineSim.ClockCycles != sim.ClockCycles)
            {
                throw new InvalidOperationException($"the baseline harness simulated {baselineSim.ClockCycles} clock cycles, today's {sim.ClockCycles}");
            }

            // The same vectors in several models: each model's reset and loading are extra cycles it
            // really simulates, so the gain is the baseline's run time over this one's.
            var parallel = Checked(Simulator.Run(design.Network, _vectors, _dir, new SimulationOptions { Jobs = _jobs }), $"today's ({_jobs} models)");
            if (!parallel.Cycles.SequenceEqual(sim.Cycles))
            {
                throw new InvalidOperationException($"{_jobs} models measured other compute cycles than one");
            }

            parallelRates.Add(parallel.SimulatedCyclesPerSecond);
            parallelSpeedUps.Add(baselineSim.RunSeconds / parallel.RunSeconds);
        }

        var quantized = _vectors.Select(v => GoldenModel.QuantizeInput(design.Network.Format, v)).ToList();
        var outputs = quantized.Select(q => GoldenModel.Run(design.Network, q).LayerOutputs).ToList();
        const int repeats = 20;

        // The first pass, cold: JIT compilation and the per-layer work tables included.
        long coldCycles = 0;
        var cold = Stopwatch.StartNew();
        for (int v = 0; v < quantized.Count; v++)
        {
            coldCycles += CycleModel.Run(design.Network, quantized[v], outputs[v]).Cycles;
        }

        double coldRate = coldCycles / cold.Elapsed.TotalSeconds;

        long modelCycles = 0;
        var stopwatch = Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++)
        {
            for (int v = 0; v < quantized.Count; v++)
            {
                modelCycles += CycleModel.Run(design.Network, quantized[v], outputs[v]).Cycles;
            }
        }

        double modelRate = modelCycles / stopwatch.Elapsed.TotalSeconds;
        double rtlRate = Median(rates);
        double baselineRate = Median(baselineRates);

        // Each pair's own ratio: a load that changes between pairs moves both runs of a pair.
        double speedUp = Median(rates.Zip(baselineRates, (today, baseline) => today / baseline).ToList());
        return string.Create(CultureInfo.InvariantCulture,
            $"{design.Network.Name}: Verilator build {_buildSeconds:F1} s (baseline build {_baselineBuildSeconds:F1} s); {sim!.Vectors} vectors: {sim.ClockCycles:N0} simulated clock cycles "
            + $"({sim.Cycles.Sum():N0} of them compute) per run; Verilator {rtlRate:N0} cycles/s, baseline {baselineRate:N0} cycles/s "
            + $"(medians of {_pairs} alternating runs each, process start included): speed-up {speedUp:F2}× (the median of the pairs' ratios; ratio of the medians {rtlRate / baselineRate:F2}×) "
            + $"(runs: {string.Join(" / ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))} against {string.Join(" / ", baselineRates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))}); "
            + $"{_jobs} models at once (--jobs {_jobs}, {Environment.ProcessorCount} CPUs): {Median(parallelRates):N0} cycles/s (every model's cycles), the baseline's run time over theirs {Median(parallelSpeedUps):F2}× "
            + $"(the median of the rounds' ratios; rounds: {string.Join(" / ", parallelSpeedUps.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}); "
            + $"cycle model {modelRate:N0} predicted cycles/s ({repeats} warm passes); model / Verilator = {modelRate / rtlRate:N0}×; "
            + $"the model's first, cold pass (JIT and work tables included) {coldRate:N0} cycles/s = {coldRate / rtlRate:N0}× Verilator");
    }

    private static SimulationResult Checked(SimulationResult sim, string which) =>
        sim.Passed ? sim : throw new InvalidOperationException($"{which} co-simulation failed: {sim.FirstMismatch}, {sim.CycleMismatches} cycle mismatches");

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
