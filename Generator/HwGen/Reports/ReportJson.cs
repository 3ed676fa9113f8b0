using System.Text.Json.Nodes;
using HwGen.Hardware;
using HwGen.Model;
using HwGen.Simulation;

namespace HwGen.Reports;

/// <summary>The machine-readable summaries of <c>--json</c> and of <c>report.json</c> (snake_case keys).</summary>
public static class ReportJson
{
    /// <summary>Compression statistics, cycle model and accuracy.</summary>
    public static JsonObject Estimate(EstimateReport report)
    {
        var network = report.Network;
        var layers = new JsonArray();
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var s = network.Layers[l].Statistics;
            var c = report.First.Layers[l];
            layers.Add(new JsonObject
            {
                ["name"] = s.Name,
                ["rows"] = s.Rows,
                ["cols"] = s.Cols,
                ["density"] = s.Density,
                ["nonzeros"] = s.NonZeros,
                ["padding"] = s.Padding,
                ["entries"] = s.Entries,
                ["code_bits"] = s.CodeBitsPerEntry,
                ["index_bits"] = s.IndexBitsPerEntry,
                ["bits_per_weight"] = s.BitsPerWeight,
                ["pointer_bits"] = s.PointerBits,
                ["codebook_bits"] = s.CodebookBits,
                ["compressed_bits"] = s.CompressedBits,
                ["huffman_code_bits"] = s.HuffmanCodeBits,
                ["huffman_index_bits"] = s.HuffmanIndexBits,
                ["huffman_compressed_bits"] = s.HuffmanCompressedBits,
                ["dense_fp32_bits"] = s.DenseFp32Bits,
                ["compression_ratio"] = s.CompressionRatio,
                ["huffman_compression_ratio"] = s.HuffmanCompressionRatio,
                ["weight_frac"] = network.Layers[l].WeightFrac,
                ["useful_macs"] = c.UsefulMacs,
                ["broadcasts"] = c.Broadcasts,
                ["model_cycles"] = c.Cycles,
                ["compute_cycles"] = c.ComputeCycles,
                ["writeback_cycles"] = c.WritebackCycles,
                ["ideal_cycles"] = c.IdealCycles,
                ["load_efficiency"] = c.LoadEfficiency,
                ["stall_cycles"] = c.StallCycles,
                ["idle_pe_cycles"] = c.IdlePeCycles,
                ["losses"] = Losses(c.UsefulCycles, c.PaddingLoss, c.StallLoss, c.TailLoss, c.ScanLoss, c.SwitchCycles, c.WritebackCycles),
            });
        }

        var t = network.Statistics;
        var first = report.First;
        return new JsonObject
        {
            ["design"] = network.Name,
            ["pes"] = network.Pes,
            ["fifo_depth"] = network.Config.Hardware.FifoDepth,
            ["clock_mhz"] = report.ClockMhz,
            ["accumulator_bits"] = network.Format.AccumulatorBits,
            ["layers"] = layers,
            ["total"] = new JsonObject
            {
                ["nonzeros"] = t.NonZeros,
                ["padding"] = t.Padding,
                ["entries"] = t.Entries,
                ["compressed_bits"] = t.CompressedBits,
                ["huffman_compressed_bits"] = t.HuffmanCompressedBits,
                ["dense_fp32_bits"] = t.DenseFp32Bits,
                ["compression_ratio"] = t.CompressionRatio,
                ["huffman_compression_ratio"] = t.HuffmanCompressionRatio,
                ["useful_macs"] = first.UsefulMacs,
                ["model_cycles"] = first.Cycles,
                ["ideal_cycles"] = first.IdealCycles,
                ["load_efficiency"] = first.LoadEfficiency,
                ["stall_cycles"] = first.StallCycles,
                ["idle_pe_cycles"] = first.IdlePeCycles,
                ["losses"] = Losses(first.Layers.Sum(l => l.UsefulCycles), first.PaddingLoss, first.StallLoss, first.TailLoss, first.ScanLoss, first.SwitchCycles, first.WritebackCycles),
                ["latency_us"] = report.LatencyUs,
            },
            ["vectors"] = report.Cycles.Count,
            ["model_cycles"] = new JsonArray(report.Cycles.Select(c => (JsonNode)c.Cycles).ToArray()),
            ["ideal_cycles"] = new JsonArray(report.Cycles.Select(c => (JsonNode)c.IdealCycles).ToArray()),
            ["accuracy"] = Accuracy(report.Accuracy),
        };
    }

    /// <summary>
    /// Where a layer's (or the inference's) cycles go, in cycles: useful MACs / N, then the losses
    /// that add up to the model's cycles (<see cref="LayerCycles"/>).
    /// </summary>
    public static JsonObject Losses(double useful, double padding, double stalls, double tails, double scan, long layerSwitch, long writeback) => new()
    {
        ["useful_cycles"] = useful,
        ["padding"] = padding,
        ["broadcast_stalls"] = stalls,
        ["column_tails"] = tails,
        ["scan"] = scan,
        ["layer_switch"] = layerSwitch,
        ["writeback"] = writeback,
    };

    /// <summary>Accuracy by stage against the dense float network and the previous stage.</summary>
    public static JsonObject Accuracy(AccuracyReport accuracy)
    {
        var stages = new JsonObject();
        foreach (var stage in accuracy.Stages)
        {
            stages[Emit.ConfigWriter.Snake(stage.Stage)] = new JsonObject
            {
                ["available"] = stage.Available,
                ["max_abs_error_vs_dense"] = stage.VersusDense.MaxAbsError,
                ["mean_abs_error_vs_dense"] = stage.VersusDense.MeanAbsError,
                ["argmax_agreement_vs_dense"] = stage.VersusDense.ArgmaxAgreement,
                ["max_abs_error_vs_previous"] = stage.VersusPrevious.MaxAbsError,
                ["argmax_agreement_vs_previous"] = stage.VersusPrevious.ArgmaxAgreement,
            };
        }

        var fixedPoint = accuracy.For(AccuracyStage.FixedPoint);
        var shared = accuracy.For(AccuracyStage.Shared);
        return new JsonObject
        {
            ["fixed_vs_float_max_abs_error"] = fixedPoint.VersusPrevious.MaxAbsError,
            ["fixed_vs_float_mean_abs_error"] = fixedPoint.VersusPrevious.MeanAbsError,
            ["fixed_vs_float_argmax_agreement"] = fixedPoint.VersusPrevious.ArgmaxAgreement,
            ["shared_vs_dense_available"] = shared.Available && accuracy.For(AccuracyStage.Dense).Available,
            ["stages"] = stages,
        };
    }

    /// <summary>The hardware a design needs: memories per PE and the layer table.</summary>
    public static JsonObject Hardware(HardwareLayout layout)
    {
        long perPeBits = layout.MemoryBitsPerPe;
        return new JsonObject
        {
            ["pes"] = layout.Pes,
            ["fifo_depth"] = layout.FifoDepth,
            ["activation_bits"] = layout.ActivationBits,
            ["weight_bits"] = layout.WeightBits,
            ["accumulator_bits"] = layout.AccumulatorBits,
            ["entry_bits"] = layout.EntryBits,
            ["line_bits"] = layout.LineBits,
            ["memories_per_pe"] = new JsonObject
            {
                ["pointer_words_per_bank"] = layout.PtrDepth,
                ["pointer_bits"] = layout.PtrBits,
                ["spmat_lines"] = layout.SpmatDepth,
                ["bias_words"] = layout.BiasDepth,
                ["accumulators"] = layout.AccDepth,
                ["activation_words_per_bank"] = layout.ActDepth,
                ["total_bits"] = perPeBits,
            },
            ["memory_bits_total"] = layout.MemoryBitsTotal,
            ["entries_per_pe"] = new JsonArray(layout.EntriesPerPe.Select(e => (JsonNode)e).ToArray()),
            ["layers"] = new JsonArray(layout.Layers.Select((l, i) => (JsonNode)new JsonObject
            {
                ["name"] = layout.Network.Layers[i].Name,
                ["rows"] = l.Rows,
                ["cols"] = l.Cols,
                ["groups"] = l.Groups,
                ["local_rows"] = l.LocalRows,
                ["pointer_base"] = l.PtrBase,
                ["bias_base"] = l.BiasBase,
                ["shift"] = l.Shift,
                ["relu"] = l.Relu,
            }).ToArray()),
        };
    }

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
            ["latency_us"] = result.Cycles.Count == 0 ? 0 : result.Cycles.Average() / design.Config.Hardware.ClockMhz,
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
