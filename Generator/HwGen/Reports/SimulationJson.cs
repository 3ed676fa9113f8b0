using HwGen.Compression;
using HwGen.Emit;
using HwGen.Simulation;

namespace HwGen.Reports;

/// <summary><c>hwgen simulate --json</c>: the outcome of a co-simulation.</summary>
/// <param name="Design">The design's name.</param>
/// <param name="Simulator"><c>verilator</c> or <c>iverilog</c>.</param>
/// <param name="Models">Verilator models that ran at once (<c>--jobs</c>, at most one per vector), each on its share of the vectors; 1 otherwise.</param>
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
/// <param name="SimulatedCyclesPerSecond">Clock cycles simulated per second of run time (every model's cycles).</param>
/// <param name="Accuracy">Top-1 of the RTL's outputs against the labels of the test set's vectors; null without a labelled test set.</param>
/// <param name="External">External weights: each layer of the first vector against its compute and bandwidth bounds (cycle model, which the RTL's cycles match); null with on-chip weights.</param>
public sealed record SimulationJson(
    string Design,
    string Simulator,
    int Models,
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
    double SimulatedCyclesPerSecond,
    SimulationAccuracyJson? Accuracy,
    IReadOnlyList<SimulationExternalLayerJson>? External)
{
    public static SimulationJson From(Design design, SimulationResult result, SimulationOptions options, string? reproducer) => new(
        design.Network.Name,
        options.Simulator == SimulatorKind.Verilator ? "verilator" : "iverilog",
        result.Models,
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
        result.SimulatedCyclesPerSecond,
        SimulationAccuracyJson.From(design, result),
        design.Network.Spec.External is null || result.FirstModel is not { } model
            ? null
            : [.. model.Layers.Select((c, l) => new SimulationExternalLayerJson(design.Network.Layers[l].Name, c.Cycles, ExternalBoundsJson.From(c)))]);
}

/// <summary>One layer of <see cref="SimulationJson.External"/>.</summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="ModelCycles">Its cycles in the cycle model (first vector): compute and writeback.</param>
/// <param name="Bounds">Its bounds, as <c>hwgen estimate --json</c> gives them.</param>
public sealed record SimulationExternalLayerJson(string Layer, long ModelCycles, ExternalBoundsJson Bounds);

/// <summary>The RTL's accuracy in <see cref="SimulationJson"/>.</summary>
/// <param name="Vectors">Labelled vectors run (the test set's first ones).</param>
/// <param name="Top1Rtl">Fraction of them whose largest RTL output (the lowest index on ties) is the label, in [0, 1].</param>
public sealed record SimulationAccuracyJson(int Vectors, double Top1Rtl)
{
    /// <summary>The RTL's top-1 on the test set's first vectors, or null when the design has no labelled test set.</summary>
    public static SimulationAccuracyJson? From(Design design, SimulationResult result)
    {
        if (design.Test?.Labels is not { } labels || result.RtlOutputs.Count != result.Vectors || result.Vectors > labels.Length)
        {
            return null;
        }

        int correct = result.RtlOutputs.Where((o, v) => Model.FastEvaluator.Argmax(o) == labels[v]).Count();
        return new SimulationAccuracyJson(result.Vectors, result.Vectors == 0 ? 0 : (double)correct / result.Vectors);
    }
}

/// <summary>The first output of a co-simulation that differs from the golden model's.</summary>
/// <param name="Vector">The vector, from 0.</param>
/// <param name="Layer">The layer's name.</param>
/// <param name="Row">The output row.</param>
/// <param name="Expected">The golden model's value.</param>
/// <param name="Got">The RTL's value.</param>
public sealed record MismatchJson(int Vector, string Layer, int Row, long Expected, long Got);
