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
/// Per layer: a compute phase (cycle 0 starts the scanner; every PE may issue from cycle 0 on,
/// since its accumulators were cleared; the phase ends in the first cycle in which the scanner is
/// done and every PE is idle) followed by a writeback phase of LocalRows + 2 cycles. The rules each state variable follows are the RTL's, line for line; see
/// docs/microarchitecture.md. Besides the cycles, each layer's result says where the cycles
/// beyond the ideal go (<see cref="LayerCycles"/>).
/// </remarks>
public static class CycleModel
{
    /// <summary>Cycles from the read of a row's accumulator to the write of its activation.</summary>
    /// <remarks>
    /// The first row is read in the compute phase's last cycle, so the writeback phase lasts
    /// LocalRows − 1 + WritebackLatency = LocalRows + 2 cycles.
    /// </remarks>
    public const int WritebackLatency = 3;

    /// <summary>
    /// Predicts the cycles of one inference.
    /// </summary>
    /// <param name="network">The compressed network.</param>
    /// <param name="input">The quantized input vector (original order).</param>
    /// <param name="layerOutputs">Every layer's output in original order (from the golden model).</param>
    public static CycleReport Run(CompressedNetwork network, long[] input, IReadOnlyList<long[]> layerOutputs)
    {
        var layers = new LayerCycles[network.Layers.Count];
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            var source = l == 0 ? input : layerOutputs[l - 1];
            var nonZero = Scratch.NonZero(layer.Cols);
            var hwColToCol = layer.HwColToCol;
            for (int h = 0; h < layer.Cols; h++)
            {
                nonZero[h] = source[hwColToCol[h]] != 0;
            }

            layers[l] = RunLayer(layer, network.Pes, network.Spec.FifoDepth, nonZero);
        }

        return new CycleReport(layers);
    }

    /// <summary>One layer, given which hardware columns of its source activations are non-zero.</summary>
    /// <remarks>
    /// <para>
    /// Event form of the RTL's rules, one step per broadcast: broadcast k of a column in group g_k is
    /// offered by the scanner at <c>avail_k = b_{k−1} + 1 + (g_k − g_{k−1} − 1)⁺</c> (<c>1 + g_0</c>
    /// for the first) and fires at the first cycle ≥ avail_k at which every PE is ready (queue count
    /// + pending &lt; depth); a PE with work in the column takes it at
    /// <c>max(b_k + 1, end of its previous column)</c> (straight from the pointer read when its queue
    /// is empty) and issues one entry per cycle after that; the
    /// phase ends once the scanner has passed the last group and every PE's pipeline has drained.
    /// </para>
    /// <para>
    /// A PE's readiness for the next broadcast depends only on when its column D − 1 (and D) places
    /// back in its own queue order popped, so each PE keeps the pop times of its last D columns in
    /// a ring. The loop is O(broadcasts × PEs) with a handful of integer operations per step and no
    /// allocation. <see cref="RunLayerStepped"/> is the cycle-by-cycle reference it is tested against.
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static LayerCycles RunLayer(CompressedLayer layer, int pes, int fifoDepth, bool[] nonZero)
    {
        var table = ColumnTables.GetValue(layer, l => new ColumnTable(l, pes));
        int localRows = (layer.Rows + pes - 1) / pes;
        int groups = (layer.Cols + pes - 1) / pes;
        int depth = fifoDepth;
        var work = table.Work;

        var scratch = Scratch.For(pes, depth);
        var lastEnd = scratch.LastEnd;
        var count = scratch.Count;
        var slot = scratch.Slot;
        var ring = scratch.Ring;
        scratch.Reset(pes);

        long previous = 0;
        int previousGroup = -1;
        long stallCycles = 0;
        long usefulMacs = 0;
        long entries = 0;
        long first = -1;
        long readyMax = 0;
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
            if (fire > avail)
            {
                stallCycles += fire - avail;
                scratch.MarkStall(avail, fire);
            }

            usefulMacs += table.Useful[j];
            int row = j * pes;
            long ready = fire + 1;
            bool anyWork = false;
            for (int p = 0; p < pes; p++)
            {
                int w = work[row + p];
                int c = count[p];
                int s = slot[p];
                int ringBase = p * depth;
                if (w > 0)
                {
                    long end = lastEnd[p];
                    long pop = fire + 1 > end ? fire + 1 : end;
                    if (pop > end)
                    {
                        // The PE idles in (end, pop]; before its first column, from the layer's first issue.
                        if (c > 0)
                        {
                            scratch.AddGap(end, pop);
                        }
                        else if (first >= 0)
                        {
                            scratch.AddGap(first - 1, pop);
                        }
                    }

                    ring[ringBase + s] = pop;
                    slot[p] = s + 1 == depth ? 0 : s + 1;
                    count[p] = c + 1;
                    lastEnd[p] = pop + w;
                    entries += w;
                    anyWork = true;
                }

                // Ready again once the column D − 1 places back in this PE's queue order has popped
                // (in the cycle after the broadcast the pointer read counts as one queued column).
                if (c >= depth - 1)
                {
                    int m1Slot = s + 1 == depth ? 0 : s + 1;
                    long p1 = w > 0 || depth > 1 ? ring[ringBase + m1Slot] : long.MaxValue;
                    if (p1 > fire)
                    {
                        long r;
                        if (w > 0)
                        {
                            r = p1 + 1;
                        }
                        else
                        {
                            long p0 = c - depth + 1 >= 1 ? ring[ringBase + s] + 1 : long.MinValue;
                            r = Math.Max(fire + 2, p0);
                        }

                        if (r > ready)
                        {
                            ready = r;
                        }
                    }
                }
            }

            if (anyWork && first < 0)
            {
                first = fire + 2;
            }

            readyMax = ready;
            previous = fire;
            previousGroup = group;
            k++;
        }

        // The scanner is done one cycle after it exhausts the last group; pending and the
        // pipelines (issue, line read, accumulate) drain three cycles after a PE's last issue.
        long done = k == 0 ? groups + 1 : previous + (groups - 1 - previousGroup) + 1;
        long phaseEnd = done;
        if (k > 0)
        {
            phaseEnd = Math.Max(phaseEnd, previous + 2);
        }

        long last = long.MinValue;
        long idleWithout = 0;
        for (int p = 0; p < pes; p++)
        {
            if (count[p] > 0)
            {
                last = Math.Max(last, lastEnd[p]);
            }
            else
            {
                idleWithout++;
            }
        }

        long window = 0;
        long tail = 0;
        long stallIdle = 0;
        if (first >= 0)
        {
            phaseEnd = Math.Max(phaseEnd, last + 3);
            window = last - first + 1;
            tail = idleWithout * window;
            for (int p = 0; p < pes; p++)
            {
                if (count[p] > 0)
                {
                    tail += last - lastEnd[p];
                }
            }

            stallIdle = scratch.StalledInGaps(phaseEnd);
        }

        long compute = phaseEnd + 1;
        return new LayerCycles(
            Name: layer.Name,
            Pes: pes,
            ComputeCycles: compute,
            WritebackCycles: localRows + WritebackLatency - 1,
            UsefulMacs: usefulMacs,
            Entries: entries,
            Broadcasts: k,
            IdealCycles: (usefulMacs + pes - 1) / pes,
            StallCycles: stallCycles,
            IdlePeCycles: (phaseEnd * pes) - entries,
            SwitchCycles: compute - window,
            StallIdlePeCycles: stallIdle,
            TailIdlePeCycles: tail,
            ScanIdlePeCycles: (window * pes) - entries - tail - stallIdle);
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

    /// <summary>Per-thread buffers of the event loop, reused from call to call.</summary>
    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? _current;

        [ThreadStatic]
        private static bool[]? _nonZero;

        private int[] _stallMark = new int[64];
        private int[] _gapQuery = new int[64];
        private long _highest;

        public long[] LastEnd { get; private set; } = [];

        public int[] Count { get; private set; } = [];

        public int[] Slot { get; private set; } = [];

        public long[] Ring { get; private set; } = [];

        public static bool[] NonZero(int length)
        {
            if (_nonZero is null || _nonZero.Length < length)
            {
                _nonZero = new bool[Math.Max(length, 2 * (_nonZero?.Length ?? 0))];
            }

            return _nonZero;
        }

        public static Scratch For(int pes, int depth)
        {
            var s = _current ??= new Scratch();
            if (s.LastEnd.Length < pes)
            {
                s.LastEnd = new long[pes];
                s.Count = new int[pes];
                s.Slot = new int[pes];
            }

            if (s.Ring.Length < pes * depth)
            {
                s.Ring = new long[pes * depth];
            }

            return s;
        }

        public void Reset(int pes)
        {
            Array.Fill(LastEnd, long.MinValue / 4, 0, pes);
            Array.Clear(Count, 0, pes);
            Array.Clear(Slot, 0, pes);
            Array.Clear(_stallMark, 0, (int)Math.Min(_highest + 2, _stallMark.Length));
            Array.Clear(_gapQuery, 0, (int)Math.Min(_highest + 2, _gapQuery.Length));
            _highest = 0;
        }

        /// <summary>Cycles [from, to) are broadcast stalls.</summary>
        public void MarkStall(long from, long to)
        {
            Grow(to);
            _stallMark[from]++;
            _stallMark[to]--;
        }

        /// <summary>A PE idles in cycles (after, upTo]: count the stalled ones among them.</summary>
        public void AddGap(long after, long upTo)
        {
            Grow(upTo);
            _gapQuery[upTo]++;
            _gapQuery[after]--;
        }

        /// <summary>Σ over the gaps of the stalled cycles in them.</summary>
        public long StalledInGaps(long phaseEnd)
        {
            long limit = Math.Min(_highest, phaseEnd);
            long stalled = 0;
            long running = 0;
            long total = 0;
            for (long t = 0; t <= limit; t++)
            {
                running += _stallMark[t];
                stalled += running;
                total += _gapQuery[t] * stalled;
            }

            return total;
        }

        private void Grow(long index)
        {
            if (index + 1 >= _stallMark.Length)
            {
                int size = (int)Math.Max(index + 2, 2L * _stallMark.Length);
                Array.Resize(ref _stallMark, size);
                Array.Resize(ref _gapQuery, size);
            }

            _highest = Math.Max(_highest, index);
        }
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
        var remaining = new long[pes];
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
                remaining[p] += end - start;
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
        var left = new int[pes];
        var s1 = new bool[pes];
        var s2 = new bool[pes];

        long stallCycles = 0;
        long idlePeCycles = 0;

        // Where the idle PE-cycles of the issue window (first to last issue) go, as of the last issue.
        long firstIssue = -1;
        long lastIssue = -1;
        long tail = 0, stall = 0, scan = 0;
        long tailAtLast = 0, stallAtLast = 0, scanAtLast = 0;
        long t = 0;
        for (; ; t++)
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

            // LNZD scanner and broadcast.
            bool broadcastValid = active && next < groupStart[group + 1];
            bool allReady = true;
            for (int p = 0; allReady && p < pes; p++)
            {
                allReady = count[p] + (pend[p] ? 1 : 0) < fifoDepth;
            }

            bool fire = broadcastValid && allReady;
            bool stalled = broadcastValid && !allReady;
            int fired = next;
            if (stalled)
            {
                stallCycles++;
            }

            // Idle PE-cycles by cause.
            bool anyBusy = false;
            int idleTail = 0, idleOther = 0;
            for (int p = 0; p < pes; p++)
            {
                if (busy[p])
                {
                    anyBusy = true;
                    remaining[p]--;
                }
                else if (remaining[p] == 0)
                {
                    idleTail++;
                }
                else
                {
                    idleOther++;
                }
            }

            idlePeCycles += idleTail + idleOther;
            if (anyBusy && firstIssue < 0)
            {
                firstIssue = t;
            }

            if (firstIssue >= 0)
            {
                tail += idleTail;
                if (stalled)
                {
                    stall += idleOther;
                }
                else
                {
                    scan += idleOther;
                }
            }

            if (anyBusy)
            {
                lastIssue = t;
                (tailAtLast, stallAtLast, scanAtLast) = (tail, stall, scan);
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

            // Processing elements: the column whose pointers were read last cycle bypasses an empty
            // queue when the issue stage takes a column now.
            for (int p = 0; p < pes; p++)
            {
                bool pushing = pend[p] && pendWork[p] > 0;
                bool last = busy[p] && left[p] == 1;
                bool take = (count[p] > 0 || pushing) && (!busy[p] || last);
                s2[p] = s1[p];
                s1[p] = busy[p];
                if (take)
                {
                    if (count[p] > 0)
                    {
                        left[p] = queue[(p * fifoDepth) + head[p]];
                        head[p] = (head[p] + 1) % fifoDepth;
                        count[p]--;
                    }
                    else
                    {
                        left[p] = pendWork[p];
                        pushing = false;
                    }

                    busy[p] = true;
                }
                else if (busy[p])
                {
                    left[p]--;
                    busy[p] = !last;
                }

                if (pushing)
                {
                    queue[(p * fifoDepth) + ((head[p] + count[p]) % fifoDepth)] = pendWork[p];
                    count[p]++;
                }

                pend[p] = fire;
                pendWork[p] = fire ? work[(fired * pes) + p] : 0;
            }
        }

        long compute = t + 1;
        long window = firstIssue < 0 ? 0 : lastIssue - firstIssue + 1;
        return new LayerCycles(
            Name: layer.Name,
            Pes: pes,
            ComputeCycles: compute,
            WritebackCycles: localRows + WritebackLatency - 1,
            UsefulMacs: usefulMacs,
            Entries: entries,
            Broadcasts: k,
            IdealCycles: (usefulMacs + pes - 1) / pes,
            StallCycles: stallCycles,
            IdlePeCycles: idlePeCycles,
            SwitchCycles: compute - window,
            StallIdlePeCycles: stallAtLast,
            TailIdlePeCycles: tailAtLast,
            ScanIdlePeCycles: scanAtLast);
    }
}

/// <summary>Predicted cycles of one layer, and where the cycles beyond the ideal go.</summary>
/// <remarks>
/// The compute phase splits into the <em>issue window</em> (from the first cycle any PE issues an
/// entry to the last) and the rest (<see cref="SwitchCycles"/>: the scanner's start and the first
/// pointer read before, the pipeline drain after). In the window every PE-cycle either issues an
/// entry (useful or padding) or idles for one of three causes, so that
/// <c>Cycles = UsefulMacs/N + PaddingLoss + StallLoss + TailLoss + ScanLoss + SwitchCycles + WritebackCycles</c>
/// exactly (the losses are idle PE-cycles / N).
/// </remarks>
/// <param name="Name">Layer name.</param>
/// <param name="Pes">N.</param>
/// <param name="ComputeCycles">Broadcast and accumulate, until every PE is idle.</param>
/// <param name="WritebackCycles">Writeback phase after the compute phase's last cycle: LocalRows + 2.</param>
/// <param name="UsefulMacs">Non-zero weight × non-zero activation products.</param>
/// <param name="Entries">Entries the PEs processed, padding included.</param>
/// <param name="Broadcasts">Non-zero activations broadcast.</param>
/// <param name="IdealCycles">ceil(UsefulMacs / N).</param>
/// <param name="StallCycles">Cycles a non-zero activation waited because some PE's queue was full.</param>
/// <param name="IdlePeCycles">PE-cycles of the compute phase without an entry to issue (the last cycle excluded).</param>
/// <param name="SwitchCycles">Compute cycles outside the issue window: the layer switch's start-up and drain.</param>
/// <param name="StallIdlePeCycles">In the window: PEs with work left idling while the broadcast stalls on another PE's full queue.</param>
/// <param name="TailIdlePeCycles">In the window: PEs that have issued all their entries, waiting for the last PE.</param>
/// <param name="ScanIdlePeCycles">In the window: PEs with work left idling while the broadcast does not stall (the scanner has no column for them yet).</param>
public sealed record LayerCycles(
    string Name,
    int Pes,
    long ComputeCycles,
    long WritebackCycles,
    long UsefulMacs,
    long Entries,
    long Broadcasts,
    long IdealCycles,
    long StallCycles,
    long IdlePeCycles,
    long SwitchCycles,
    long StallIdlePeCycles,
    long TailIdlePeCycles,
    long ScanIdlePeCycles)
{
    /// <summary>Cycles of the layer: compute + writeback.</summary>
    public long Cycles => ComputeCycles + WritebackCycles;

    /// <summary>Ideal / actual cycles.</summary>
    public double LoadEfficiency => Cycles == 0 ? 0 : (double)IdealCycles / Cycles;

    /// <summary>UsefulMacs / N, not rounded: the lower bound the losses add up from.</summary>
    public double UsefulCycles => (double)UsefulMacs / Pes;

    /// <summary>Padding entries (relative indexing's filler) / N.</summary>
    public double PaddingLoss => (double)(Entries - UsefulMacs) / Pes;

    /// <summary>Broadcast stalls: <see cref="StallIdlePeCycles"/> / N.</summary>
    public double StallLoss => (double)StallIdlePeCycles / Pes;

    /// <summary>Column tails at the end of the layer: <see cref="TailIdlePeCycles"/> / N.</summary>
    public double TailLoss => (double)TailIdlePeCycles / Pes;

    /// <summary>Broadcast-rate bound (scanner, empty groups, pointer read): <see cref="ScanIdlePeCycles"/> / N.</summary>
    public double ScanLoss => (double)ScanIdlePeCycles / Pes;
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

    /// <summary>Σ over layers of <see cref="LayerCycles.PaddingLoss"/>.</summary>
    public double PaddingLoss => Layers.Sum(l => l.PaddingLoss);

    /// <summary>Σ over layers of <see cref="LayerCycles.StallLoss"/>.</summary>
    public double StallLoss => Layers.Sum(l => l.StallLoss);

    /// <summary>Σ over layers of <see cref="LayerCycles.TailLoss"/>.</summary>
    public double TailLoss => Layers.Sum(l => l.TailLoss);

    /// <summary>Σ over layers of <see cref="LayerCycles.ScanLoss"/>.</summary>
    public double ScanLoss => Layers.Sum(l => l.ScanLoss);

    /// <summary>Σ over layers of <see cref="LayerCycles.SwitchCycles"/>.</summary>
    public long SwitchCycles => Layers.Sum(l => l.SwitchCycles);

    /// <summary>Σ over layers of <see cref="LayerCycles.WritebackCycles"/>.</summary>
    public long WritebackCycles => Layers.Sum(l => l.WritebackCycles);
}
