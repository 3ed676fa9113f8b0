using HwGen.Compression;
using HwGen.Simulation;

namespace HwGen.Reports;

/// <summary><c>hwgen simulate --json</c>: the outcome of a co-simulation.</summary>
/// <param name="Design">The design's name.</param>
/// <param name="Simulator"><c>verilator</c> or <c>iverilog</c>.</param>
/// <param name="Vectors">Input vectors run.</param>
/// <param name="Mismatches">Vectors whose RTL outputs differ from the golden model's.</param>
/// <param name="CycleMismatches">Vectors whose RTL cycles differ from the cycle model's.</param>
/// <param name="Passed">Bit-exact and cycle-exact on every vector.</param>
/// <param name="Cycles">Cycles per vector in the RTL.</param>
/// <param name="ModelCycles">Cycles per vector in the cycle model.</param>
/// <param name="IdealCycles">Useful MACs / N, rounded up per layer, per vector.</param>
/// <param name="LoadEfficiency">Σ ideal_cycles / Σ cycles.</param>
/// <param name="LatencyUs">Mean RTL cycles / clock_mhz, in µs.</param>
/// <param name="FirstMismatch">The first output that differs; null when none does.</param>
/// <param name="Reproducer">The config that reproduces the first mismatch on its own; null when none.</param>
/// <param name="BuildSeconds">Seconds spent building the simulator.</param>
/// <param name="Rebuilt">Whether the simulator was built (false: the previous build was up to date).</param>
/// <param name="RunSeconds">Seconds the simulation ran.</param>
/// <param name="SimulatedCyclesPerSecond">Clock cycles simulated per second of run time.</param>
public sealed record SimulationJson(
    string Design,
    string Simulator,
    int Vectors,
    int Mismatches,
    int CycleMismatches,
    bool Passed,
    IReadOnlyList<long> Cycles,
    IReadOnlyList<long> ModelCycles,
    IReadOnlyList<long> IdealCycles,
    double LoadEfficiency,
    double LatencyUs,
    MismatchJson? FirstMismatch,
    string? Reproducer,
    double BuildSeconds,
    bool Rebuilt,
    double RunSeconds,
    double SimulatedCyclesPerSecond)
{
    public static SimulationJson From(Design design, SimulationResult result, SimulationOptions options, string? reproducer) => new(
        design.Network.Name,
        options.Simulator == SimulatorKind.Verilator ? "verilator" : "iverilog",
        result.Vectors,
        result.Mismatches,
        result.CycleMismatches,
        result.Passed,
        result.Cycles,
        result.ModelCycles,
        result.IdealCycles,
        result.LoadEfficiency,
        result.Cycles.Count == 0 ? 0 : result.Cycles.Average() / design.Network.Spec.ClockMhz,
        result.FirstMismatch is { } first ? new MismatchJson(first.Vector, first.LayerName, first.Row, first.Expected, first.Actual) : null,
        reproducer,
        result.BuildSeconds,
        result.Rebuilt,
        result.RunSeconds,
        result.SimulatedCyclesPerSecond);
}

/// <summary>The first output of a co-simulation that differs from the golden model's.</summary>
/// <param name="Vector">The vector, from 0.</param>
/// <param name="Layer">The layer's name.</param>
/// <param name="Row">The output row.</param>
/// <param name="Expected">The golden model's value.</param>
/// <param name="Got">The RTL's value.</param>
public sealed record MismatchJson(int Vector, string Layer, int Row, long Expected, long Got);
