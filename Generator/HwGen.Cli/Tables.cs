using HwGen.Configuration;
using System.Globalization;
using HwGen.Compression;
using HwGen.Model;
using HwGen.Simulation;
using Spectre.Console;

namespace HwGen.Cli;

/// <summary>The readable terminal output of each command.</summary>
internal static class Tables
{
    public static void Estimate(IAnsiConsole console, EstimateReport report)
    {
        var network = report.Network;
        var table = new Table().Title($"[bold]{network.Name}[/]: {network.Pes} PEs, FIFO {network.Spec.FifoDepth}, {report.ClockMhz:0.#} MHz");
        foreach (var column in new[] { "layer", "rows×cols", "density", "non-zeros", "padding", "kbit", "ratio", "Huffman", "model cycles", "ideal", "efficiency", "stalls" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        for (int l = 0; l < network.Layers.Count; l++)
        {
            var s = network.Layers[l].Statistics;
            var c = report.First.Layers[l];
            table.AddRow(s.Name, $"{s.Rows}×{s.Cols}", $"{s.Density:P1}", N(s.NonZeros), N(s.Padding), $"{s.CompressedBits / 1000.0:F1}",
                $"{s.CompressionRatio:F1}×", $"{s.HuffmanCompressionRatio:F1}×", N(c.Cycles), N(c.IdealCycles), $"{c.LoadEfficiency:P1}", N(c.StallCycles));
        }

        var t = network.Statistics;
        var f = report.First;
        table.AddRow("[bold]total[/]", "", "", N(t.NonZeros), N(t.Padding), $"{t.CompressedBits / 1000.0:F1}",
            $"{t.CompressionRatio:F1}×", $"{t.HuffmanCompressionRatio:F1}×", N(f.Cycles), N(f.IdealCycles), $"{f.LoadEfficiency:P1}", N(f.StallCycles));
        console.Write(table);
        console.Write(Losses(report));
        if (network.Spec.External is not null)
        {
            console.Write(Bounds(report.First, "first vector, cycle model"));
        }

        var fixedPoint = report.Accuracy.For(AccuracyStage.FixedPoint).VersusPrevious;
        console.WriteLine($"Latency {report.LatencyUs:F2} µs at {report.ClockMhz:0.#} MHz; dense fp32 {t.DenseFp32Bits / 8000.0:F1} kB → {t.CompressedBits / 8000.0:F1} kB ({t.HuffmanCompressedBits / 8000.0:F1} kB with Huffman).");
        // Linear weights have no shared stage: the fixed point is compared with the stage before it (pruned or retrained).
        string reference = report.Network.Spec.LinearWeights && report.Accuracy.Stages.Count > 1
            ? $"{ConfigNames.Snake(report.Accuracy.Stages[^2].Stage.ToString())} weights"
            : "shared weights";
        console.WriteLine($"Fixed point vs float ({reference}): max |error| {fixedPoint.MaxAbsError:G4}, mean {fixedPoint.MeanAbsError:G4}, argmax agrees on {fixedPoint.ArgmaxAgreements}/{fixedPoint.Vectors} vector(s).");
        if (report.Accuracy.Labelled)
        {
            var stages = report.Accuracy.Stages.Where(s => s.Available).Select(s => $"{ConfigNames.Snake(s.Stage.ToString())} {s.Top1:P2}");
            console.WriteLine($"Top-1 on {N(report.Accuracy.Vectors)} labelled vector(s): {string.Join(", ", stages)}.");
        }
    }

    /// <summary>An estimate of a network with LSTM layers: statistics, memory, cycles (per step for an LSTM layer) and accuracy.</summary>
    public static void ModelEstimate(IAnsiConsole console, EstimateReport report, HwGen.Reports.ModelEstimateJson model)
    {
        var network = report.Network;
        var table = new Table().Title($"[bold]{network.Name}[/]: {network.Pes} PEs, FIFO {network.Spec.FifoDepth}, {report.ClockMhz:0.#} MHz");
        foreach (var column in new[] { "layer", "kind", "rows×cols", "density", "non-zeros", "padding", "kbit", "ratio", "Huffman", "model cycles", "per step", "ideal", "efficiency", "stalls" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        for (var i = 0; i < model.Layers.Count; i++)
        {
            var l = model.Layers[i];
            table.AddRow(l.Name, l.Kind == "fc" ? "fc" : $"lstm ({l.Steps} steps)", $"{l.Rows}×{l.Cols}", $"{l.Density:P1}", N(l.Nonzeros), N(l.Padding),
                $"{l.CompressedBits / 1000.0:F1}", $"{l.CompressionRatio:F1}×", $"{network.Layers[i].Statistics.HuffmanCompressionRatio:F1}×",
                N(l.ModelCycles), l.Kind == "fc" ? "" : $"{l.CyclesPerStep:N1}", N(l.IdealCycles), $"{l.LoadEfficiency:P1}", N(l.StallCycles));
        }

        var t = network.Statistics;
        var f = report.First;
        table.AddRow("[bold]total[/]", "", "", "", N(t.NonZeros), N(t.Padding), $"{t.CompressedBits / 1000.0:F1}", $"{t.CompressionRatio:F1}×", $"{t.HuffmanCompressionRatio:F1}×",
            N(f.Cycles), "", N(f.IdealCycles), $"{f.LoadEfficiency:P1}", N(f.StallCycles));
        console.Write(table);
        console.Write(Losses(report));
        console.WriteLine($"Latency {report.LatencyUs:F2} µs at {report.ClockMhz:0.#} MHz; dense fp32 {t.DenseFp32Bits / 8000.0:F1} kB → {t.CompressedBits / 8000.0:F1} kB ({t.HuffmanCompressedBits / 8000.0:F1} kB with Huffman).");
        if (report.Accuracy.Labelled)
        {
            var stages = report.Accuracy.Stages.Where(s => s.Available).Select(s => $"{ConfigNames.Snake(s.Stage.ToString())} {s.Top1:P2}");
            console.WriteLine($"Top-1 on {N(report.Accuracy.Vectors)} labelled vector(s): {string.Join(", ", stages)}.");
        }
    }

    /// <summary>The per-layer saturation warnings of an estimate (inputs that clip, outputs that saturate), one line each.</summary>
    public static IEnumerable<string> SaturationWarnings(EstimateReport report)
    {
        var accuracy = report.Accuracy;
        var format = report.Network.Format;
        string range = $"±{Math.ScaleB(1.0, format.ActivationBits - 1 - format.ActivationFrac):G6}";
        if (accuracy.ClippedInputs > 0)
        {
            long total = (long)accuracy.Vectors * report.Network.InputSize;
            yield return $"warning: {N(accuracy.ClippedInputs)} of {N(total)} input values clip to {format.ActivationBits} bits with {format.ActivationFrac} fraction bits (range {range}); scale the inputs (e.g. pixels 0–255 to [0, 1)) or change quantization";
        }

        for (var l = 0; l < accuracy.SaturatedOutputs.Count; l++)
        {
            if (accuracy.SaturatedOutputs[l] > 0)
            {
                var layer = report.Network.Layers[l];
                long produced = (long)accuracy.Vectors * layer.Rows * (layer.Lstm?.Steps ?? 1);
                yield return $"warning: layer '{layer.Name}': {N(accuracy.SaturatedOutputs[l])} of {N(produced)} {(layer.Lstm is null ? "outputs" : "gate sums")} saturate to {range}; raise quantization.activation_bits or lower activation_frac";
            }
        }
    }

    /// <summary>
    /// External weights: each layer's cycles against its compute bound (useful MACs / N) and its
    /// bandwidth bound (DRAM bytes / bytes per cycle), and which one limits it.
    /// </summary>
    public static Table Bounds(CycleReport report, string what)
    {
        var table = new Table().Title($"external weights: cycles against the bounds ({what})");
        foreach (var column in new[] { "layer", "cycles", "compute bound", "DRAM kB", "bandwidth bound", "limited by", "cycles / bound" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var c in report.Layers)
        {
            long bound = Math.Max(c.ComputeBoundCycles, c.BandwidthBoundCycles);
            table.AddRow(c.Name, N(c.Cycles), N(c.ComputeBoundCycles), $"{c.DramBytes / 1000.0:F1}", N(c.BandwidthBoundCycles),
                c.BandwidthBoundCycles > c.ComputeBoundCycles ? "bandwidth" : "compute", bound == 0 ? "" : $"{(double)c.Cycles / bound:F3}");
        }

        return table;
    }

    /// <summary>Where each layer's cycles beyond the ideal go (cycle model, first vector).</summary>
    private static Table Losses(EstimateReport report)
    {
        // External weights add a column: PEs waiting for their entries from DRAM.
        bool external = report.Network.Spec.External is not null;
        var table = new Table().Title("where the cycles go (cycle model, first vector; cycles = useful/N + the rest)");
        string[] columns = external
            ? ["layer", "cycles", "useful/N", "padding", "broadcast stalls", "column tails", "scan", "memory", "layer switch", "writeback"]
            : ["layer", "cycles", "useful/N", "padding", "broadcast stalls", "column tails", "scan", "layer switch", "writeback"];
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        string[] Row(string name, long cycles, double useful, double padding, double stall, double tail, double scan, double memory, long layerSwitch, long writeback) => external
            ? [name, N(cycles), F(useful), F(padding), F(stall), F(tail), F(scan), F(memory), N(layerSwitch), N(writeback)]
            : [name, N(cycles), F(useful), F(padding), F(stall), F(tail), F(scan), N(layerSwitch), N(writeback)];

        foreach (var c in report.First.Layers)
        {
            table.AddRow(Row(c.Name, c.Cycles, c.UsefulCycles, c.PaddingLoss, c.StallLoss, c.TailLoss, c.ScanLoss, c.MemoryLoss, c.SwitchCycles, c.WritebackCycles));
        }

        var f = report.First;
        table.AddRow(Row("[bold]total[/]", f.Cycles, f.Layers.Sum(l => l.UsefulCycles), f.PaddingLoss, f.StallLoss, f.TailLoss, f.ScanLoss, f.MemoryLoss, f.SwitchCycles, f.WritebackCycles));
        return table;
    }

    public static void Simulation(IAnsiConsole console, Design design, SimulationResult result, SimulationOptions options, string? reproducer)
    {
        string simulator = options.Simulator == SimulatorKind.Verilator ? "Verilator" : "Icarus Verilog";
        var table = new Table().Title($"[bold]{design.Network.Name}[/] in {simulator}: {result.Vectors} vector(s)");
        foreach (var column in new[] { "vector", "outputs", "RTL cycles", "model cycles", "ideal", "efficiency" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        int shown = Math.Min(result.Vectors, 20);
        for (int v = 0; v < shown; v++)
        {
            bool bad = result.FirstMismatch?.Vector == v;
            table.AddRow(
                N(v),
                bad ? "[red]mismatch[/]" : "bit-exact",
                N(result.Cycles[v]),
                result.Cycles[v] == result.ModelCycles[v] ? N(result.ModelCycles[v]) : $"[red]{N(result.ModelCycles[v])}[/]",
                N(result.IdealCycles[v]),
                $"{(double)result.IdealCycles[v] / result.Cycles[v]:P1}");
        }

        console.Write(table);
        if (result.Vectors > shown)
        {
            console.WriteLine($"({result.Vectors - shown} more vectors not shown; --json lists all)");
        }

        if (design.Network.Spec.External is not null && result.FirstModel is { } model)
        {
            console.Write(Bounds(model, result.CycleMismatches == 0 ? "first vector; the RTL's cycles are the model's" : "first vector, cycle model"));
        }

        console.WriteLine($"Mismatches: {result.Mismatches} of {result.Vectors} vector(s); cycle-model disagreements: {result.CycleMismatches}.");
        if (Reports.SimulationAccuracyJson.From(design, result) is { } accuracy)
        {
            console.WriteLine($"RTL top-1 on the first {N(accuracy.Vectors)} test vector(s): {accuracy.Top1Rtl:P2}.");
        }
        console.WriteLine($"Load efficiency {result.LoadEfficiency:P1}; {result.Cycles.Average():F0} cycles = {result.Cycles.Average() / design.Network.Spec.ClockMhz:F2} µs at {design.Network.Spec.ClockMhz:0.#} MHz.");
        console.WriteLine($"Build {(result.Rebuilt ? $"{result.BuildSeconds:F1} s" : "up to date")}, run {result.RunSeconds:F2} s{(result.Models > 1 ? $" in {result.Models} models at once" : "")} ({result.SimulatedCyclesPerSecond:F0} simulated cycles/s).");
        if (result.FirstMismatch is { } m)
        {
            console.MarkupLine($"[red]First mismatch[/]: vector {m.Vector}, layer {Markup.Escape(m.LayerName)}, row {m.Row}: expected {m.Expected}, got {m.Actual}.");
            console.WriteLine($"Reproducer: {reproducer}");
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("N1", CultureInfo.InvariantCulture);
}
