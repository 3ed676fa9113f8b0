using System.Text.Json.Nodes;
using HwGen.Compression;
using HwGen.Simulation;

namespace HwGen.Reports;

/// <summary>
/// The machine-readable summary of <c>hwgen simulate --json</c> (snake_case keys); the estimate's and
/// <c>report.json</c>'s are <see cref="Emit.DesignReport"/>'s.
/// </summary>
public static class ReportJson
{
    /// <summary>The outcome of a co-simulation.</summary>
    public static JsonObject Simulation(Design design, SimulationResult result, SimulationOptions options, string? reproducer)
    {
        var first = result.FirstMismatch;
        return new JsonObject
        {
            ["design"] = design.Network.Name,
            ["simulator"] = options.Simulator == SimulatorKind.Verilator ? "verilator" : "iverilog",
            ["vectors"] = result.Vectors,
            ["mismatches"] = result.Mismatches,
            ["cycle_mismatches"] = result.CycleMismatches,
            ["passed"] = result.Passed,
            ["cycles"] = Array(result.Cycles),
            ["model_cycles"] = Array(result.ModelCycles),
            ["ideal_cycles"] = Array(result.IdealCycles),
            ["load_efficiency"] = result.LoadEfficiency,
            ["latency_us"] = result.Cycles.Count == 0 ? 0 : result.Cycles.Average() / design.Network.Spec.ClockMhz,
            ["first_mismatch"] = first is null ? null : new JsonObject
            {
                ["vector"] = first.Vector,
                ["layer"] = first.LayerName,
                ["row"] = first.Row,
                ["expected"] = first.Expected,
                ["got"] = first.Actual,
            },
            ["reproducer"] = reproducer,
            ["build_seconds"] = result.BuildSeconds,
            ["rebuilt"] = result.Rebuilt,
            ["run_seconds"] = result.RunSeconds,
            ["simulated_cycles_per_second"] = result.SimulatedCyclesPerSecond,
        };
    }

    private static JsonArray Array(IEnumerable<long> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
