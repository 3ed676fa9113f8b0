using System.Diagnostics;
using System.Globalization;
using HwGen.Compression;
using HwGen.Emit;
using HwGen.Model;
using HwGen.Simulation;

namespace HwGen.Bench;

/// <summary>
/// Verilator against the cycle model on the same design (default: the real alex8 layer on 64
/// PEs): Verilator's build time, simulated cycles per second of the Verilated model, the cycle
/// model's simulated cycles per second on the same vectors, and their ratio.
/// </summary>
internal sealed class CosimSpeedBenchmark : IBenchmark
{
    private Design? _design;
    private IReadOnlyList<double[]> _vectors = [];
    private string _dir = "";
    private double _buildSeconds = -1;

    public string Name => "cosim";

    public string Description => "Verilator build time and simulated cycles/s vs the cycle model on the same design and vectors (default examples/alex8.yaml, 20 vectors)";

    public void Prepare(BenchOptions options)
    {
        _design = Design.Load(options.Get("config", "examples/alex8.yaml"));
        _vectors = _design.Vectors(int.Parse(options.Get("vectors", "20"), CultureInfo.InvariantCulture), 1);
        _dir = options.Get("dir", $"out/bench/cosim-{_design.Network.Name}");
        var report = EstimateReport.Build(_design.Network, _vectors.Take(1).ToList());
        DesignWriter.Write(_dir, new DesignRequest(_design.Network) { Report = new DesignReport(_design, report) }, force: true);
        var stopwatch = Stopwatch.StartNew();
        Simulator.Build(_dir, _design.Network.Name, new SimulationOptions());
        _buildSeconds = stopwatch.Elapsed.TotalSeconds;
    }

    public string Measure()
    {
        var design = _design!;
        var sim = Simulator.Run(design.Network, _vectors, _dir, new SimulationOptions());
        if (!sim.Passed)
        {
            throw new InvalidOperationException($"co-simulation failed: {sim.FirstMismatch}, {sim.CycleMismatches} cycle mismatches");
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
        double rtlRate = sim.SimulatedCyclesPerSecond;
        return string.Create(CultureInfo.InvariantCulture,
            $"{design.Network.Name}: Verilator build {_buildSeconds:F1} s (0 when already built); {sim.Vectors} vectors: {sim.ClockCycles:N0} simulated clock cycles "
            + $"({sim.Cycles.Sum():N0} of them compute) in {sim.RunSeconds:F2} s = {rtlRate:N0} cycles/s (process start included); "
            + $"cycle model {modelRate:N0} predicted cycles/s ({repeats} warm passes); model / Verilator = {modelRate / rtlRate:N0}×; "
            + $"the model's first, cold pass (JIT and work tables included) {coldRate:N0} cycles/s = {coldRate / rtlRate:N0}× Verilator");
    }
}
