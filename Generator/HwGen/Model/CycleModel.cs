using System.Runtime.CompilerServices;
using HwGen.Compression;

namespace HwGen.Model;

/// <summary>
/// Cycle-exact model of the generated RTL (Rtl/hwgen_core.sv, Rtl/hwgen_pe.sv): it steps the
/// registers that decide timing — the LNZD scanner, each PE's pending pointer read, activation
/// queue, issue stage and pipeline — and none of the datapath, so it predicts the very cycle
/// count the RTL's <c>perf_cycles_o</c> reports.
/// </summary>
/// <remarks>
/// Per layer: a compute phase (cycle 0 starts the scanner and the bias initialisation of
/// LocalRows cycles; the issue stages run from cycle LocalRows; the phase ends in the first cycle
/// in which the scanner is done and every PE is idle) followed by a writeback phase of
/// LocalRows + 1 cycles. The rules each state variable follows are the RTL's, line for line;
/// see docs/microarchitecture.md.
/// </remarks>
public static class CycleModel
{
    /// <summary>
    /// Predicts the cycles of one inference.
    /// </summary>
    /// <param name="network">The compressed network.</param>
    /// <param name="input">The quantized input vector (original order).</param>
    /// <param name="layerOutputs">Every layer's output in original order (from the golden model).</param>
    public static CycleReport Run(CompressedNetwork network, long[] input, IReadOnlyList<long[]> layerOutputs)
    {
        var layers = new List<LayerCycles>(network.Layers.Count);
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            var source = l == 0 ? input : layerOutputs[l - 1];
            var nonZero = new bool[layer.Cols];
            for (int h = 0; h < layer.Cols; h++)
            {
                nonZero[h] = source[layer.HwColToCol[h]] != 0;
            }

            layers.Add(RunLayer(layer, network.Pes, network.Spec.FifoDepth, nonZero));
        }

        return new CycleReport(layers);
    }

    /// <summary>One layer, given which hardware columns of its source activations are non-zero.</summary>
    /// <remarks>
    /// Event form of the RTL's rules, O(broadcasts × PEs): with R local rows, broadcast k of a
    /// column in group g_k is offered by the scanner at
    /// <c>avail_k = b_{k−1} + 1 + (g_k − g_{k−1} − 1)⁺</c> (<c>1 + g_0</c> for the first) and fires at
    /// the first cycle ≥ avail_k at which every PE is ready (queue count + pending &lt; depth); a PE
    /// with work in the column pops it at <c>max(b_k + 2, R, end of its previous column)</c> and
    /// issues one entry per cycle after that; the phase ends once the scanner has passed the last
    /// group and every PE's pipeline has drained. <see cref="RunLayerStepped"/> is the
    /// cycle-by-cycle reference it is tested against.
    /// </remarks>
    public static LayerCycles RunLayer(CompressedLayer layer, int pes, int fifoDepth, bool[] nonZero)
    {
        var table = ColumnTables.GetValue(layer, l => new ColumnTable(l, pes));
        int localRows = (layer.Rows + pes - 1) / pes;
        int groups = (layer.Cols + pes - 1) / pes;
        var work = table.Work;

        // Per PE: pop times of its non-empty columns so far and when its last column ends; and the
        // first cycle at which every PE has room for the next broadcast.
        var pops = new long[pes][];
        var popCount = new int[pes];
        var lastEnd = new long[pes];
        long readyMax = long.MinValue;
        for (int p = 0; p < pes; p++)
        {
            pops[p] = new long[16];
            lastEnd[p] = long.MinValue / 2;
        }

        long previous = 0;
        int previousGroup = -1;
        long stallCycles = 0;
        long usefulMacs = 0;
        long entries = 0;
        int k = 0;
        for (int j = 0; j < layer.Cols; j++)
        {
            if (!nonZero[j])
            {
                continue;
            }

            int group = j / pes;
            long avail = k == 0 ? 1 + group : previous + 1 + Math.Max(0, group - previousGroup - 1);
            long fire = k == 0 ? avail : Math.Max(avail, readyMax);

            stallCycles += fire - avail;
            usefulMacs += table.Useful[j];
            int row = j * pes;
            readyMax = long.MinValue;
            for (int p = 0; p < pes; p++)
            {
                int w = work[row + p];
                if (w > 0)
                {
                    entries += w;
                    long pop = Math.Max(Math.Max(fire + 2, localRows), lastEnd[p]);
                    if (popCount[p] == pops[p].Length)
                    {
                        Array.Resize(ref pops[p], pops[p].Length * 2);
                    }

                    pops[p][popCount[p]++] = pop;
                    lastEnd[p] = pop + w;
                }

                readyMax = Math.Max(readyMax, ReadyTime(pops[p], popCount[p], w > 0, fire, fifoDepth));
            }

            previous = fire;
            previousGroup = group;
            k++;
        }

        // The scanner is done one cycle after it exhausts the last group; pending and the
        // pipelines (issue, line read, accumulate) drain three cycles after a PE's last issue.
        long done = k == 0 ? groups + 1 : previous + (groups - 1 - previousGroup) + 1;
        long end = Math.Max(localRows, done);
        if (k > 0)
        {
            end = Math.Max(end, previous + 2);
        }

        for (int p = 0; p < pes; p++)
        {
            if (popCount[p] > 0)
            {
                end = Math.Max(end, lastEnd[p] + 3);
            }
        }

        return new LayerCycles(
            Name: layer.Name,
            ComputeCycles: end + 1,
            WritebackCycles: localRows + 1,
            UsefulMacs: usefulMacs,
            Entries: entries,
            Broadcasts: k,
            IdealCycles: (usefulMacs + pes - 1) / pes,
            StallCycles: stallCycles,
            IdlePeCycles: ((end - localRows) * pes) - entries);
    }

    /// <summary>
    /// The first cycle after broadcast <paramref name="previous"/> at which a PE with
    /// <paramref name="count"/> queued-or-issued columns (popped at <paramref name="pops"/>) has room.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ReadyTime(long[] pops, int count, bool previousHadWork, long previous, int depth)
    {
        // In cycle previous + 1 the pointer read of the previous broadcast is pending (counted as one)
        // and its push not yet visible: columns queued = count − [previous had work] − pops so far.
        int queuedBefore = count - (previousHadWork ? 1 : 0);
        int needed = queuedBefore + 2 - depth;
        if (needed <= 0 || (needed <= count && pops[needed - 1] <= previous))
        {
            return previous + 1;
        }

        // From previous + 2 on nothing is pending: need count − pops(≤ t − 1) < depth.
        int m = count - depth + 1;
        return m <= 0 ? previous + 2 : Math.Max(previous + 2, pops[m - 1] + 1);
    }

    /// <summary>Per layer: what the input does not change, laid out for the event loop.</summary>
    private static readonly ConditionalWeakTable<CompressedLayer, ColumnTable> ColumnTables = new();

    /// <summary>Entries of each PE in each column (column-major) and useful entries per column.</summary>
    private sealed class ColumnTable
    {
        public ColumnTable(CompressedLayer layer, int pes)
        {
            Work = new int[layer.Cols * pes];
            Useful = new long[layer.Cols];
            for (int p = 0; p < pes; p++)
            {
                var encoding = layer.PeEncodings[p];
                for (int j = 0; j < layer.Cols; j++)
                {
                    int start = encoding.ColumnPointers[j];
                    int end = encoding.ColumnPointers[j + 1];
                    Work[(j * pes) + p] = end - start;
                    for (int e = start; e < end; e++)
                    {
                        Useful[j] += encoding.EntryCodes[e] != 0 ? 1 : 0;
                    }
                }
            }
        }

        public int[] Work { get; }

        public long[] Useful { get; }
    }

    /// <summary>
    /// The reference form of <see cref="RunLayer"/>: steps every register cycle by cycle, exactly
    /// as the RTL does. Slow (cycles × PEs); the tests hold the event form to it.
    /// </summary>
    internal static LayerCycles RunLayerStepped(CompressedLayer layer, int pes, int fifoDepth, bool[] nonZero)
    {
        int cols = layer.Cols;
        int localRows = (layer.Rows + pes - 1) / pes;
        int groups = (cols + pes - 1) / pes;

        // Non-zero columns in scan order, with each PE's entry count and useful MACs for them.
        var columns = new List<int>();
        for (int j = 0; j < cols; j++)
        {
            if (nonZero[j])
            {
                columns.Add(j);
            }
        }

        int k = columns.Count;
        var work = new int[k * pes];
        long usefulMacs = 0;
        long entries = 0;
        for (int p = 0; p < pes; p++)
        {
            var encoding = layer.PeEncodings[p];
            for (int i = 0; i < k; i++)
            {
                int j = columns[i];
                int start = encoding.ColumnPointers[j];
                int end = encoding.ColumnPointers[j + 1];
                work[(i * pes) + p] = end - start;
                entries += end - start;
                for (int e = start; e < end; e++)
                {
                    if (encoding.EntryCodes[e] != 0)
                    {
                        usefulMacs++;
                    }
                }
            }
        }

        // Column position where each group's non-zeros start in `columns`.
        var groupStart = new int[groups + 1];
        for (int i = 0, g = 0; g <= groups; g++)
        {
            while (i < k && columns[i] < g * pes)
            {
                i++;
            }

            groupStart[g] = i;
        }

        // Scanner registers.
        int group = 0;
        int next = 0;
        bool active = false;
        bool done = false;

        // Per-PE registers; the activation queue is a ring of entry counts.
        var pend = new bool[pes];
        var pendWork = new int[pes];
        var queue = new int[pes * fifoDepth];
        var head = new int[pes];
        var count = new int[pes];
        var busy = new bool[pes];
        var remaining = new int[pes];
        var s1 = new bool[pes];
        var s2 = new bool[pes];

        int rowCount = 0;
        long stallCycles = 0;
        long idlePeCycles = 0;
        long t = 0;
        for (; ; t++)
        {
            bool issueEnable = rowCount == localRows;
            if (issueEnable)
            {
                bool allIdle = done;
                for (int p = 0; allIdle && p < pes; p++)
                {
                    allIdle = !pend[p] && count[p] == 0 && !busy[p] && !s1[p] && !s2[p];
                }

                if (allIdle)
                {
                    break;
                }
            }
            else
            {
                rowCount++;
            }

            // LNZD scanner and broadcast.
            bool broadcastValid = active && next < groupStart[group + 1];
            bool allReady = true;
            for (int p = 0; allReady && p < pes; p++)
            {
                allReady = count[p] + (pend[p] ? 1 : 0) < fifoDepth;
            }

            bool fire = broadcastValid && allReady;
            int fired = next;
            if (broadcastValid && !allReady)
            {
                stallCycles++;
            }

            if (t == 0)
            {
                group = 0;
                next = groupStart[0];
                active = true;
                done = false;
            }
            else if (active)
            {
                int after = next + (fire ? 1 : 0);
                if (after == groupStart[group + 1])
                {
                    if (group + 1 == groups)
                    {
                        active = false;
                        done = true;
                    }
                    else
                    {
                        group++;
                    }
                }

                next = after;
            }

            // Processing elements.
            for (int p = 0; p < pes; p++)
            {
                if (issueEnable && !busy[p])
                {
                    idlePeCycles++;
                }

                bool last = busy[p] && remaining[p] == 1;
                bool load = issueEnable && count[p] > 0 && (!busy[p] || last);
                s2[p] = s1[p];
                s1[p] = busy[p];
                if (load)
                {
                    remaining[p] = queue[(p * fifoDepth) + head[p]];
                    head[p] = (head[p] + 1) % fifoDepth;
                    count[p]--;
                    busy[p] = true;
                }
                else if (busy[p])
                {
                    remaining[p]--;
                    busy[p] = !last;
                }

                if (pend[p] && pendWork[p] > 0)
                {
                    queue[(p * fifoDepth) + ((head[p] + count[p]) % fifoDepth)] = pendWork[p];
                    count[p]++;
                }

                pend[p] = fire;
                pendWork[p] = fire ? work[(fired * pes) + p] : 0;
            }
        }

        long compute = t + 1;
        return new LayerCycles(
            Name: layer.Name,
            ComputeCycles: compute,
            WritebackCycles: localRows + 1,
            UsefulMacs: usefulMacs,
            Entries: entries,
            Broadcasts: k,
            IdealCycles: (usefulMacs + pes - 1) / pes,
            StallCycles: stallCycles,
            IdlePeCycles: idlePeCycles);
    }
}

/// <summary>Predicted cycles of one layer.</summary>
/// <param name="Name">Layer name.</param>
/// <param name="ComputeCycles">Bias initialisation, broadcast and accumulate, until every PE is idle.</param>
/// <param name="WritebackCycles">Output stage: LocalRows + 1.</param>
/// <param name="UsefulMacs">Non-zero weight × non-zero activation products.</param>
/// <param name="Entries">Entries the PEs processed, padding included.</param>
/// <param name="Broadcasts">Non-zero activations broadcast.</param>
/// <param name="IdealCycles">ceil(UsefulMacs / N).</param>
/// <param name="StallCycles">Cycles a non-zero activation waited because some PE's queue was full.</param>
/// <param name="IdlePeCycles">PE-cycles without an entry to issue after bias initialisation.</param>
public sealed record LayerCycles(
    string Name,
    long ComputeCycles,
    long WritebackCycles,
    long UsefulMacs,
    long Entries,
    long Broadcasts,
    long IdealCycles,
    long StallCycles,
    long IdlePeCycles)
{
    /// <summary>Cycles of the layer: compute + writeback.</summary>
    public long Cycles => ComputeCycles + WritebackCycles;

    /// <summary>Ideal / actual cycles.</summary>
    public double LoadEfficiency => Cycles == 0 ? 0 : (double)IdealCycles / Cycles;
}

/// <summary>Predicted cycles of one inference.</summary>
public sealed record CycleReport(IReadOnlyList<LayerCycles> Layers)
{
    public long Cycles => Layers.Sum(l => l.Cycles);

    public long IdealCycles => Layers.Sum(l => l.IdealCycles);

    public long UsefulMacs => Layers.Sum(l => l.UsefulMacs);

    public long StallCycles => Layers.Sum(l => l.StallCycles);

    public long IdlePeCycles => Layers.Sum(l => l.IdlePeCycles);

    public double LoadEfficiency => Cycles == 0 ? 0 : (double)IdealCycles / Cycles;
}
