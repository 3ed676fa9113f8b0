using System.Globalization;
using System.Text;
using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Hardware;
using HwGen.IO;
using HwGen.Model;

namespace HwGen.Benchmarks;

/// <summary>
/// One layer of EIE's benchmark with its weights in DRAM (<c>hardware.weight_memory: external</c>),
/// at what one board's DRAM delivers to a 100 MHz core.
/// </summary>
/// <param name="Layer">The layer's name as in <see cref="EieBenchmark"/>.</param>
/// <param name="Board">The board.</param>
/// <param name="BytesPerCycle">Bytes a cycle the board delivers at 100 MHz, rounded down: the memory's <c>bytes_per_cycle</c>.</param>
/// <param name="OnChipCycles">The layer's cycles with its weights on chip (the same PEs, FIFO and input).</param>
/// <param name="Cycles">The exact cycle model's cycles with the weights in DRAM.</param>
/// <param name="ComputeBound">Useful MACs / N, rounded up.</param>
/// <param name="BandwidthBound">Bytes read / bytes a cycle, rounded up.</param>
/// <param name="DramBytes">Bytes read from DRAM (whole beats).</param>
public sealed record EieExternalRow(string Layer, string Board, int BytesPerCycle, long OnChipCycles, long Cycles, long ComputeBound, long BandwidthBound, long DramBytes)
{
    /// <summary>Cycles over the higher of the two bounds.</summary>
    public double OverBound => (double)Cycles / Math.Max(1, Math.Max(ComputeBound, BandwidthBound));

    /// <summary>Cycles over the on-chip cycles.</summary>
    public double OverOnChip => (double)Cycles / OnChipCycles;

    /// <summary>The bound that limits: <c>compute</c> or <c>bandwidth</c>.</summary>
    public string LimitedBy => BandwidthBound > ComputeBound ? "bandwidth" : "compute";

    /// <summary>The cycles at <see cref="EieExternalBenchmark.ClockMhz"/>, in µs.</summary>
    public double TimeUs => Cycles / EieExternalBenchmark.ClockMhz;
}

/// <summary>
/// The external-weights columns of <c>hwgen bench eie</c>: every benchmark layer with its weights
/// in DRAM at each Xilinx board's bandwidth (<see cref="BoardDram.BytesPerCycle"/> at 100 MHz),
/// through the exact cycle model of the memory system, against the on-chip cycles and the two
/// bounds.
/// </summary>
public static class EieExternalBenchmark
{
    /// <summary>The boards' fabric clock, at which their DRAM bandwidth is counted.</summary>
    public const double ClockMhz = 100;

    /// <summary>The core's port to the DRAM, in bits.</summary>
    public const int DataBits = 128;

    /// <summary>The memory besides its bandwidth: a <see cref="DataBits"/>-bit port, 40 cycles of latency, 1 KB bursts, 8 in flight.</summary>
    public static DramConfig Memory(int bytesPerCycle) =>
        new() { DataBits = DataBits, BytesPerCycle = bytesPerCycle, LatencyCycles = 40, MaxBurstBytes = 1024, Outstanding = 8 };

    /// <summary>Bytes a cycle a board's DRAM delivers at <see cref="ClockMhz"/>, rounded down (at least 1, at most a beat).</summary>
    public static int BytesPerCycle(BoardDram dram) =>
        Math.Clamp((int)Math.Floor(dram.BytesPerCycle(ClockMhz) + 1e-9), 1, DataBits / 8);

    /// <summary>Runs layer 0 of <paramref name="network"/> with its weights in each board's DRAM.</summary>
    /// <param name="name">The layer's name in the table.</param>
    /// <param name="network">The network as the benchmark built it (weights on chip).</param>
    /// <param name="golden">The golden model's run on the benchmark's input.</param>
    /// <param name="onChipCycles">The on-chip cycles of the same input.</param>
    /// <param name="boards">The boards with DRAM.</param>
    public static IEnumerable<EieExternalRow> Run(string name, CompressedNetwork network, GoldenResult golden, long onChipCycles, IEnumerable<Board> boards)
    {
        foreach (var board in boards)
        {
            if (board.Dram is not { } dram)
            {
                continue;
            }

            int bytesPerCycle = BytesPerCycle(dram);
            var external = network with { Spec = network.Spec with { External = ExternalMemorySystem.Size(Memory(bytesPerCycle)) } };
            var layer = CycleModel.Run(external, golden).Layers[0];
            yield return new EieExternalRow(name, board.Name, bytesPerCycle, onChipCycles, layer.Cycles, layer.ComputeBoundCycles, layer.BandwidthBoundCycles, layer.DramBytes);
        }
    }

    /// <summary>The table in Markdown.</summary>
    public static string Markdown(IReadOnlyList<EieExternalRow> rows)
    {
        var md = new StringBuilder();
        md.Append("| layer | board | bytes/cycle | on-chip cycles | DRAM kB | compute bound | bandwidth bound | cycles | limited by | cycles / bound | cycles / on-chip | time @100 MHz (µs) |\n");
        md.Append("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
        foreach (var r in rows)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {r.Layer} | {r.Board} | {r.BytesPerCycle} | {r.OnChipCycles:N0} | {r.DramBytes / 1000.0:N1} | {r.ComputeBound:N0} | {r.BandwidthBound:N0} | {r.Cycles:N0} | {r.LimitedBy} | {r.OverBound:F3} | {r.OverOnChip:F2} | {r.TimeUs:F1} |\n");
        }

        return md.ToString();
    }

    /// <summary>The table as CSV.</summary>
    public static string Csv(IReadOnlyList<EieExternalRow> rows) => new CsvTable(
        ["layer", "board", "bytes_per_cycle", "on_chip_cycles", "dram_bytes", "compute_bound_cycles", "bandwidth_bound_cycles", "model_cycles", "limited_by", "cycles_over_bound", "cycles_over_on_chip", "time_us_100mhz"],
        [.. rows.Select(r => (IReadOnlyList<string>)
        [
            r.Layer, r.Board, Cell(r.BytesPerCycle), Cell(r.OnChipCycles), Cell(r.DramBytes), Cell(r.ComputeBound), Cell(r.BandwidthBound), Cell(r.Cycles),
            r.LimitedBy, r.OverBound.ToString("R", CultureInfo.InvariantCulture), r.OverOnChip.ToString("R", CultureInfo.InvariantCulture),
            r.TimeUs.ToString("R", CultureInfo.InvariantCulture),
        ])]).Write();

    private static string Cell(long value) => value.ToString(CultureInfo.InvariantCulture);
}
