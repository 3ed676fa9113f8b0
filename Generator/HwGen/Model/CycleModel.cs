using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HwGen.Compression;
using HwGen.Hardware;

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
/// done and every PE is idle) followed by a writeback phase of LocalRows + 2 cycles (3 when it
/// runs behind the next layer's compute phase, see <see cref="Overlap"/>). The rules each state variable follows are the RTL's, line for line; see
/// docs/microarchitecture.md. Besides the cycles, each layer's result says where the cycles
/// beyond the ideal go (<see cref="LayerCycles"/>).
/// <para>
/// An LSTM layer runs its T steps back to back; step t is a compute phase exactly like a fully
/// connected layer's over the layer's hardware columns (F' = ceil(F / N)·N columns of x_t, then
/// U·N of h_(t−1); a padding column or a zero value is not broadcast, nor is h_0 = 0), followed
/// by a writeback phase of 4·U + <see cref="LstmWritebackLatency"/> − 1 cycles in which the
/// element-wise unit turns the gate sums into c_t and h_t. Its <see cref="LayerCycles"/> are the
/// sums over the steps.
/// </para>
/// </remarks>
public static class CycleModel
{
    private static readonly ConditionalWeakTable<CompressedNetwork, ExternalLayout> ExternalLayouts = new();

    /// <summary>Cycles from the read of a row's accumulator to the write of its activation.</summary>
    /// <remarks>
    /// The first row is read in the compute phase's last cycle, so the writeback phase lasts
    /// LocalRows − 1 + WritebackLatency = LocalRows + 2 cycles.
    /// </remarks>
    public const int WritebackLatency = 3;

    /// <summary>
    /// Cycles from the read of an LSTM layer's first gate sum to the write of its last unit's
    /// h_t, beyond one per local gate row: an LSTM step's writeback phase lasts
    /// 4·U + LstmWritebackLatency − 1 cycles (U = ceil(H / N) units per PE).
    /// </summary>
    public const int LstmWritebackLatency = 9;

    /// <summary>
    /// Predicts the cycles of one inference from the golden model's result (which holds the
    /// hidden states an LSTM layer's steps broadcast).
    /// </summary>
    public static CycleReport Run(CompressedNetwork network, GoldenResult golden) =>
        Run(network, golden.Input, golden.LayerOutputs, golden.HiddenStates);

    /// <summary>
    /// Predicts the cycles of one inference.
    /// </summary>
    /// <param name="network">The compressed network.</param>
    /// <param name="input">The quantized input vector (original order).</param>
    /// <param name="layerOutputs">Every layer's output in original order (from the golden model).</param>
    /// <param name="hiddenStates">
    /// Per layer, an LSTM layer's hidden states h_1 … h_T (<see cref="GoldenResult.HiddenStates"/>);
    /// may be null when every LSTM layer gives its whole sequence (they are then read from its output).
    /// </param>
    /// <exception cref="ArgumentException">An LSTM layer that gives only its last state has no hidden states.</exception>
    public static CycleReport Run(CompressedNetwork network, long[] input, IReadOnlyList<long[]> layerOutputs, IReadOnlyList<long[][]?>? hiddenStates = null)
    {
        if (network.ColumnPairsProblem is { } problem)
        {
            throw new ArgumentException(problem, nameof(network));
        }

        var layers = new LayerCycles[network.Layers.Count];
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            var source = l == 0 ? input : layerOutputs[l - 1];
            if (layer.Lstm is { } lstm)
            {
                var states = hiddenStates?[l] ?? (lstm.ReturnSequence
                    ? layerOutputs[l].Chunk(lstm.Hidden).ToArray()
                    : throw new ArgumentException($"lstm layer '{layer.Name}' gives its last state only: the cycle model needs its hidden states of every step", nameof(hiddenStates)));
                layers[l] = RunLstm(layer, network.Pes, network.Spec.FifoDepth, source, states);
                continue;
            }

            var nonZero = Scratch.NonZero(layer.HwCols);
            var hwColToCol = layer.HwColToCol;
            for (int h = 0; h < layer.HwCols; h++)
            {
                nonZero[h] = hwColToCol[h] >= 0 && source[hwColToCol[h]] != 0;
            }

            layers[l] = network.Spec.External is { } system
                ? ExternalCycleModel.RunLayer(layer, l, ExternalLayouts.GetValue(network, n => ExternalLayout.For(n, system.Dram.DataBytes)), network.Pes, network.Spec.FifoDepth, system, nonZero).Cycles
                : RunLayer(layer, network.Pes, network.Spec.FifoDepth, nonZero, network.Spec.ColumnPairs);
        }

        Overlap(network, layers);
        return new CycleReport(layers);
    }

    /// <summary>
    /// With <c>hardware.overlap_writeback</c>, a fully connected layer's writeback runs behind the
    /// next fully connected layer's compute phase (<see cref="CompressedNetwork.OverlapsNext"/>):
    /// the next layer starts in the writeback's cycle <see cref="WritebackLatency"/> + 1, after row
    /// 0's write, so the layer's own writeback cycles are <see cref="WritebackLatency"/>; the next
    /// layer's compute phase cannot end while the writeback still runs, i.e. before its own cycle
    /// LocalRows − 1 (the writeback's last write is in its cycle LocalRows + 2), and the cycles it
    /// waits for that are charged to its writeback part.
    /// </summary>
    private static void Overlap(CompressedNetwork network, LayerCycles[] layers)
    {
        if (!network.Spec.OverlapWriteback)
        {
            return;
        }

        var waits = new long[layers.Length];
        for (int l = 0; l + 1 < layers.Length; l++)
        {
            if (network.OverlapsNext(l))
            {
                long localRows = (network.Layers[l].HwRows + network.Pes - 1) / network.Pes;
                layers[l] = layers[l] with { WritebackCycles = WritebackLatency };
                waits[l + 1] = Math.Max(0, localRows - layers[l + 1].ComputeCycles);
            }
        }

        for (int l = 1; l < layers.Length; l++)
        {
            layers[l] = layers[l] with { WritebackCycles = layers[l].WritebackCycles + waits[l] };
        }
    }

    /// <summary>
    /// An LSTM layer: its steps back to back, each a compute phase over the step's non-zero
    /// columns (<see cref="LstmStepColumns"/>) and a writeback phase; the sums over the steps.
    /// </summary>
    /// <param name="layer">An LSTM layer.</param>
    /// <param name="pes">N.</param>
    /// <param name="fifoDepth">Activation queue depth.</param>
    /// <param name="input">The layer's input x_1 … x_T in original order (T × F, step-major).</param>
    /// <param name="hiddenStates">h_1 … h_T in original unit order (the golden model's).</param>
    public static LayerCycles RunLstm(CompressedLayer layer, int pes, int fifoDepth, long[] input, IReadOnlyList<long[]> hiddenStates) =>
        LayerCycles.Sum(RunLstmSteps(layer, pes, fifoDepth, input, hiddenStates));

    /// <summary>
    /// <see cref="RunLstm"/>'s steps one by one: each step's compute phase (held before its first
    /// state group, from the second step on, see <see cref="LstmOverlap"/>) and, for the last step
    /// only, the writeback that adds cycles of its own.
    /// </summary>
    public static IReadOnlyList<LayerCycles> RunLstmSteps(CompressedLayer layer, int pes, int fifoDepth, long[] input, IReadOnlyList<long[]> hiddenStates)
    {
        var table = ColumnTables.GetValue(layer, l => WorkTable.For(l, pes));
        var steps = LstmStepColumns(layer, input, hiddenStates);
        var (holdGroup, holdUntil, writeback) = LstmOverlap(layer, pes);
        return [.. steps.Select((nonZero, t) =>
            Run(table, layer.Name, layer.HwRows, fifoDepth, nonZero, holdGroup: t > 0 ? holdGroup : -1, holdUntil: holdUntil)
                with { WritebackCycles = t == steps.Length - 1 ? writeback : 0 })];
    }

    /// <summary>
    /// How an LSTM layer's steps overlap: step t + 1's compute phase starts in the cycle after step
    /// t's ends, while step t's writeback (into the other accumulator bank's rows) runs behind it;
    /// step t + 1's scanner reads its first state group (Gx) no earlier than the writeback's last
    /// write, i.e. from its own cycle <see cref="WritebackCycles"/> on. Only the last step's
    /// writeback adds cycles of its own.
    /// </summary>
    /// <returns>The group the scanner holds before (Gx), the cycle from which it may read it, and the writeback length.</returns>
    internal static (int HoldGroup, int HoldUntil, long Writeback) LstmOverlap(CompressedLayer layer, int pes)
    {
        var lstm = layer.Lstm!;
        long writeback = WritebackCycles(layer, pes);
        return ((lstm.Features + pes - 1) / pes, (int)writeback, writeback);
    }

    /// <summary>
    /// Which hardware columns each step of an LSTM layer broadcasts: at step t (0-based), column
    /// c &lt; F' when it is a feature of x_t that is non-zero, column F' + k when unit k of h_(t−1)
    /// is non-zero (never at t = 0, where h_0 = 0); padding columns never.
    /// </summary>
    public static bool[][] LstmStepColumns(CompressedLayer layer, long[] input, IReadOnlyList<long[]> hiddenStates)
    {
        var lstm = layer.Lstm ?? throw new ArgumentException($"layer '{layer.Name}' is not an lstm layer", nameof(layer));
        if (input.Length != lstm.InputLength || hiddenStates.Count != lstm.Steps || hiddenStates.Any(h => h.Length != lstm.Hidden))
        {
            throw new ArgumentException(
                $"lstm layer '{layer.Name}' takes {lstm.Steps} × {lstm.Features} inputs and {lstm.Steps} hidden states of {lstm.Hidden}, " +
                $"not {input.Length} inputs and {hiddenStates.Count} states", nameof(input));
        }

        var map = layer.HwColToCol;
        var steps = new bool[lstm.Steps][];
        for (int t = 0; t < lstm.Steps; t++)
        {
            var nonZero = new bool[layer.HwCols];
            for (int c = 0; c < nonZero.Length; c++)
            {
                int col = map[c];
                nonZero[c] = col >= 0 && (col < lstm.Features
                    ? input[(t * lstm.Features) + col] != 0
                    : t > 0 && hiddenStates[t - 1][col - lstm.Features] != 0);
            }

            steps[t] = nonZero;
        }

        return steps;
    }

    /// <summary>
    /// The writeback phase of a layer (of one step, for an LSTM layer): LocalRows + <see cref="WritebackLatency"/> − 1
    /// for a fully connected layer, 4·U + <see cref="LstmWritebackLatency"/> − 1 for an LSTM layer.
    /// </summary>
    public static long WritebackCycles(CompressedLayer layer, int pes) => layer.Lstm is null
        ? ((layer.HwRows + pes - 1) / pes) + WritebackLatency - 1
        : (layer.HwRows / pes) + LstmWritebackLatency - 1;

    /// <summary>One layer, given which hardware columns of its source activations are non-zero.</summary>
    /// <remarks>
    /// <para>
    /// Event form of the RTL's rules, one step per broadcast: broadcast k of a column in group g_k is
    /// offered by the scanner at <c>avail_k = b_{k−1} + 1 + (g_k − g_{k−1} − 1)⁺</c> (<c>1 + g_0</c>
    /// for the first) and fires at the first cycle ≥ avail_k at which every PE is ready (queue count
    /// + pending &lt; depth); a PE with work in the column takes it at
    /// <c>max(b_k + 1, end of its previous column)</c> (straight from the pointer read when its queue
    /// is empty) and issues one entry per cycle after that; the phase ends once the scanner has
    /// passed the last group and every PE's pipeline has drained.
    /// </para>
    /// <para>
    /// Each step updates every PE at once, eight PEs per vector operation: when it takes the column,
    /// when its work ends, and two history rows (its end time, and the broadcast of its previous
    /// column) from which the pop time of any of its recent columns can be read back. Whether a PE
    /// delays the next broadcast depends on when its column D − 1 places back in its own order popped
    /// (D = FIFO depth); that needs the history only for a PE whose work still to do exceeds what
    /// its last D broadcasts brought (otherwise those columns have popped), which a vector compare
    /// finds, so only such PEs are followed one by one. <see cref="RunLayerStepped"/> is the
    /// cycle-by-cycle reference it is tested against.
    /// </para>
    /// </remarks>
    /// <param name="layer">The layer (for an LSTM layer, one step of it).</param>
    /// <param name="pes">N.</param>
    /// <param name="fifoDepth">Activation queue depth.</param>
    /// <param name="nonZero">Which hardware columns are broadcast (<see cref="CompressedLayer.HwCols"/> of them).</param>
    /// <param name="columnPairs">
    /// <c>hardware.column_pairs</c>: the scanner broadcasts pairs (2q, 2q + 1) with a non-zero
    /// column, and each PE queues and issues a pair as one column of the entries of its non-zero
    /// columns (<see cref="WorkTable.Pairs"/>).
    /// </param>
    public static LayerCycles RunLayer(CompressedLayer layer, int pes, int fifoDepth, bool[] nonZero, bool columnPairs = false)
    {
        var table = columnPairs
            ? PairTables.GetValue(layer, l => WorkTable.PairsOf(WorkTable.For(l, pes), l.Name))
            : ColumnTables.GetValue(layer, l => WorkTable.For(l, pes));
        var cycles = Run(table, layer.Name, layer.HwRows, fifoDepth, nonZero);
        return layer.Lstm is null ? cycles : cycles with { WritebackCycles = WritebackCycles(layer, pes) };
    }

    /// <summary>
    /// <see cref="RunLayer"/> on a work table: what a search over row assignments can evaluate
    /// without encoding a layer.
    /// </summary>
    /// <param name="table">Entries per PE and hardware column, and useful entries per column.</param>
    /// <param name="name">Layer name for the result.</param>
    /// <param name="rows">Rows of the layer (its writeback length is ceil(rows / N)).</param>
    /// <param name="fifoDepth">Activation queue depth.</param>
    /// <param name="nonZero">Which hardware columns are broadcast.</param>
    /// <param name="peEnd">When given, receives each PE's last issue cycle (−1 for a PE without work).</param>
    /// <param name="stallBy">
    /// When given (one per broadcast), receives for each broadcast the PE whose full queue delayed it
    /// (the latest of them), or −1 when it fired as soon as the scanner offered it.
    /// </param>
    /// <param name="holdGroup">
    /// An LSTM step's first state group (Gx), which the scanner reads no earlier than cycle
    /// <paramref name="holdUntil"/> (the previous step's writeback writes h_(t−1) until then);
    /// −1 for none.
    /// </param>
    /// <param name="holdUntil">See <paramref name="holdGroup"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static LayerCycles Run(
        WorkTable table, string name, int rows, int fifoDepth, bool[] nonZero, Span<int> peEnd = default, Span<int> stallBy = default, int holdGroup = -1, int holdUntil = 0)
    {
        int pes = table.Pes;
        int stride = table.Stride;
        int localRows = (rows + pes - 1) / pes;
        int groups = (table.HwCols + pes - 1) / pes;
        int depth = fifoDepth;
        var work = table.Work;

        var s = Scratch.For(stride, table.Cols);
        var cols = s.Columns;
        int broadcasts = 0;
        long usefulMacs = 0;
        if (table.Pairs)
        {
            // A pair is broadcast when either column is non-zero, as the row of the table that
            // counts the entries of its non-zero columns.
            for (int q = 0; 2 * q < table.HwCols; q++)
            {
                bool a = nonZero[2 * q];
                bool b = (2 * q) + 1 < table.HwCols && nonZero[(2 * q) + 1];
                if (a || b)
                {
                    int row = (3 * q) + (a ? (b ? 0 : 1) : 2);
                    cols[broadcasts++] = row;
                    usefulMacs += table.Useful[row];
                }
            }
        }
        else
        {
            for (int j = 0; j < table.Cols; j++)
            {
                if (nonZero[j])
                {
                    cols[broadcasts++] = j;
                    usefulMacs += table.Useful[j];
                }
            }
        }

        s.Begin(pes, stride, broadcasts, table.MaxCycles);
        var lastEnd = s.LastEnd;
        var count = s.Count;
        var window = s.Window;
        var lastK = s.LastK;
        var ends = s.Ends;
        var prev = s.Prev;
        var stallPrefix = s.StallPrefix;

        ref int workRef = ref MemoryMarshal.GetArrayDataReference(work);
        ref int lastEndRef = ref MemoryMarshal.GetArrayDataReference(lastEnd);
        ref int countRef = ref MemoryMarshal.GetArrayDataReference(count);
        ref int windowRef = ref MemoryMarshal.GetArrayDataReference(window);
        ref int lastKRef = ref MemoryMarshal.GetArrayDataReference(lastK);
        ref int endsRef = ref MemoryMarshal.GetArrayDataReference(ends);
        ref int prevRef = ref MemoryMarshal.GetArrayDataReference(prev);

        var entries = Vector256<int>.Zero;
        var eligibleFrom = Vector256.Create(depth - 2);
        int previous = 0;
        int previousGroup = -1;
        int readyMax = 0;
        int readyMaxPe = -1;
        long stallCycles = 0;
        long stallIdle = 0;
        int starvedBefore = 0;
        int filled = 0;
        int first = -1;
        for (int k = 0; k < broadcasts; k++)
        {
            int j = cols[k];
            int group = table.Pairs ? 2 * (j / 3) / pes : j / pes;
            int avail = k == 0 ? 1 + group : previous + 1 + Math.Max(0, group - previousGroup - 1);
            if (holdGroup >= 0 && previousGroup < holdGroup && group >= holdGroup)
            {
                // The scanner reads the held group no earlier than holdUntil, the later groups after it.
                int readHold = k == 0 ? holdGroup : previous + (holdGroup - previousGroup - 1);
                avail = Math.Max(readHold, holdUntil) + (group - holdGroup) + 1;
            }

            int fire = k == 0 ? avail : Math.Max(avail, readyMax);
            if (!stallBy.IsEmpty)
            {
                stallBy[k] = fire > avail ? readyMaxPe : -1;
            }

            stallCycles += fire - avail;

            // Stalled cycles so far, and the PE-cycles idled in them (see StallIdle).
            for (int t = filled + 1; t <= fire; t++)
            {
                stallPrefix[t] = stallPrefix[t - 1] + (t >= avail && t < fire ? 1 : 0);
            }

            filled = Math.Max(filled, fire);
            if (fire > avail && first >= 0)
            {
                // Only from the layer's first issue on (a queue of depth 1 stalls the broadcast
                // in the cycle after any other, work or not).
                stallIdle += IdleDuring(Math.Max(avail, first), fire, stride, lastEnd);
                if (avail == previous + 1)
                {
                    stallIdle += starvedBefore;
                }
            }

            var fire1 = Vector256.Create(fire + 1);
            var kVector = Vector256.Create(k);
            int rowBase = j * stride;
            int oldBase = k >= depth ? cols[k - depth] * stride : -1;
            int historyBase = k * stride;
            int ready = depth == 1 ? fire + 2 : fire + 1;
            int readyPe = -1;
            bool anyWork = false;
            int starvedNow = 0;
            for (int o = 0; o < stride; o += Lanes)
            {
                var w = Vector256.LoadUnsafe(ref workRef, (nuint)(rowBase + o));
                var le = Vector256.LoadUnsafe(ref lastEndRef, (nuint)o);
                var c = Vector256.LoadUnsafe(ref countRef, (nuint)o);
                var has = Vector256.GreaterThan(w, Vector256<int>.Zero);
                var pop = Vector256.Max(fire1, le);
                var newEnd = Vector256.ConditionalSelect(has, pop + w, le);
                var win = Vector256.LoadUnsafe(ref windowRef, (nuint)o) + w;
                if (oldBase >= 0)
                {
                    win -= Vector256.LoadUnsafe(ref workRef, (nuint)(oldBase + o));
                }

                var lk = Vector256.LoadUnsafe(ref lastKRef, (nuint)o);
                newEnd.StoreUnsafe(ref lastEndRef, (nuint)o);
                newEnd.StoreUnsafe(ref endsRef, (nuint)(historyBase + o));
                lk.StoreUnsafe(ref prevRef, (nuint)(historyBase + o));
                Vector256.ConditionalSelect(has, kVector, lk).StoreUnsafe(ref lastKRef, (nuint)o);
                (c - has).StoreUnsafe(ref countRef, (nuint)o);
                win.StoreUnsafe(ref windowRef, (nuint)o);
                entries += w;

                // PEs that may not be ready for the next broadcast, with or without work in this
                // column (see the remarks).
                var suspect = Vector256.GreaterThanOrEqual(newEnd - fire1, win) & Vector256.GreaterThan(c, eligibleFrom);
                uint suspects = suspect.ExtractMostSignificantBits();
                while (suspects != 0)
                {
                    int lane = BitOperations.TrailingZeroCount(suspects);
                    suspects &= suspects - 1;
                    int r = ReadyTime(o + lane, work[rowBase + o + lane] > 0, fire, depth, stride, cols, work, ends, prev, lastK);
                    if (r > ready)
                    {
                        ready = r;
                        readyPe = o + lane;
                    }
                }

                if (has.ExtractMostSignificantBits() == 0)
                {
                    continue;
                }

                anyWork = true;

                // PEs that idled until now: (end of their previous column, fire + 1], or from the
                // layer's first issue before their first column. Whether cycle fire + 1 stalls is
                // known at the next broadcast.
                var counted = first >= 0 ? Vector256<int>.AllBitsSet : Vector256.GreaterThan(c, Vector256<int>.Zero);
                starvedNow += BitOperations.PopCount((has & Vector256.GreaterThan(fire1, le) & counted).ExtractMostSignificantBits());
            }

            if (anyWork && first < 0)
            {
                first = fire + 2;
            }

            readyMax = ready;
            readyMaxPe = readyPe;
            previous = fire;
            previousGroup = group;
            starvedBefore = starvedNow;
        }

        // The scanner is done one cycle after it exhausts the last group; pending and the
        // pipelines (issue, line read, accumulate) drain three cycles after a PE's last issue.
        long done = broadcasts == 0 ? groups + 1 : previous + (groups - 1 - previousGroup) + 1;
        if (holdGroup >= 0 && previousGroup < holdGroup && holdGroup < groups)
        {
            // The scanner passes the held group (and every later one) after holdUntil.
            long readHold = broadcasts == 0 ? holdGroup : previous + (holdGroup - previousGroup - 1);
            done = Math.Max(readHold, holdUntil) + (groups - 1 - holdGroup) + 2;
        }

        long phaseEnd = done;
        if (broadcasts > 0)
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

        // Stalled cycles after a PE's last issue are column tails, not broadcast stalls.
        if (first >= 0)
        {
            int stalledTotal = stallPrefix[filled];
            for (int p = 0; p < pes; p++)
            {
                stallIdle -= stalledTotal - stallPrefix[Math.Min(count[p] > 0 ? lastEnd[p] : first - 1, filled)];
            }
        }

        long issueWindow = 0;
        long tail = 0;
        if (first >= 0)
        {
            phaseEnd = Math.Max(phaseEnd, last + 3);
            issueWindow = last - first + 1;
            tail = idleWithout * issueWindow;
            for (int p = 0; p < pes; p++)
            {
                if (count[p] > 0)
                {
                    tail += last - lastEnd[p];
                }
            }
        }

        long entryCount = Vector256.Sum(entries);
        long compute = phaseEnd + 1;
        for (int p = 0; p < peEnd.Length && p < pes; p++)
        {
            peEnd[p] = count[p] > 0 ? lastEnd[p] : -1;
        }

        return new LayerCycles(
            Name: name,
            Pes: pes,
            ComputeCycles: compute,
            WritebackCycles: localRows + WritebackLatency - 1,
            UsefulMacs: usefulMacs,
            Entries: entryCount,
            Broadcasts: broadcasts,
            IdealCycles: (usefulMacs + pes - 1) / pes,
            StallCycles: stallCycles,
            IdlePeCycles: (phaseEnd * pes) - entryCount,
            SwitchCycles: compute - issueWindow,
            StallIdlePeCycles: stallIdle,
            TailIdlePeCycles: tail,
            ScanIdlePeCycles: (issueWindow * pes) - entryCount - tail - stallIdle);
    }

    /// <summary>
    /// PE-cycles in which PEs idle during the stall [<paramref name="from"/>, <paramref name="to"/>):
    /// a PE whose work ends at e idles from e + 1 on. PEs that will have no more work are counted
    /// too and taken off at the end of the layer; a PE that took its latest column straight after
    /// a gap also idles in the cycle it took it, which the caller adds.
    /// </summary>
    private static long IdleDuring(int from, int to, int stride, int[] lastEnd)
    {
        var from1 = Vector256.Create(from - 1);
        var to1 = Vector256.Create(to);
        var sum = Vector256<int>.Zero;
        ref int lastEndRef = ref MemoryMarshal.GetArrayDataReference(lastEnd);
        for (int o = 0; o < stride; o += Lanes)
        {
            var idleFrom = Vector256.Max(from1, Vector256.LoadUnsafe(ref lastEndRef, (nuint)o)) + Vector256<int>.One;
            sum += Vector256.Max(Vector256<int>.Zero, to1 - idleFrom);
        }

        return Vector256.Sum(sum);
    }

    /// <summary>Vector lanes: PEs updated per operation.</summary>
    internal const int Lanes = 8;

    /// <summary>
    /// The first cycle after broadcast <paramref name="fire"/> at which PE <paramref name="pe"/> has
    /// room for another column: when its column D − 1 places back (D places when it has work in the
    /// current column) has popped, read back through its history rows.
    /// </summary>
    private static int ReadyTime(int pe, bool hasWork, int fire, int depth, int stride, int[] cols, int[] work, int[] ends, int[] prev, int[] lastK)
    {
        // The n-th most recent column of the PE (1 = its latest), as a broadcast index.
        int Recent(int n)
        {
            int k = lastK[pe];
            for (int i = 1; i < n; i++)
            {
                k = prev[(k * stride) + pe];
            }

            return k;
        }

        int PopOf(int k) => ends[(k * stride) + pe] - work[(cols[k] * stride) + pe];

        if (hasWork)
        {
            int p1 = PopOf(Recent(depth));
            return p1 > fire ? p1 + 1 : fire + 1;
        }

        if (depth == 1)
        {
            int latest = lastK[pe];
            return Math.Max(fire + 2, latest < 0 ? int.MinValue : PopOf(latest) + 1);
        }

        int k1 = Recent(depth - 1);
        if (PopOf(k1) <= fire)
        {
            return fire + 1;
        }

        int k0 = prev[(k1 * stride) + pe];
        return Math.Max(fire + 2, k0 < 0 ? int.MinValue : PopOf(k0) + 1);
    }

    /// <summary>Per layer: what the input does not change, laid out for the event loop.</summary>
    private static readonly ConditionalWeakTable<CompressedLayer, WorkTable> ColumnTables = new();

    private static readonly ConditionalWeakTable<CompressedLayer, WorkTable> PairTables = new();

    /// <summary>Per-thread buffers of the event loop, reused from call to call.</summary>
    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? _current;

        [ThreadStatic]
        private static bool[]? _nonZero;

        public int[] Columns { get; private set; } = [];

        public int[] LastEnd { get; private set; } = [];

        public int[] Count { get; private set; } = [];

        public int[] Window { get; private set; } = [];

        public int[] LastK { get; private set; } = [];

        /// <summary>Per broadcast and PE: the PE's end time after it (its column's end where it had work).</summary>
        public int[] Ends { get; private set; } = [];

        /// <summary>Per broadcast and PE: the broadcast of the PE's previous column (−1 for none).</summary>
        public int[] Prev { get; private set; } = [];

        /// <summary>Stalled cycles in [0, t].</summary>
        public int[] StallPrefix { get; private set; } = [];

        public static bool[] NonZero(int length)
        {
            if (_nonZero is null || _nonZero.Length < length)
            {
                _nonZero = new bool[Math.Max(length, 2 * (_nonZero?.Length ?? 0))];
            }

            return _nonZero;
        }

        public static Scratch For(int stride, int cols)
        {
            var s = _current ??= new Scratch();
            if (s.Columns.Length < cols)
            {
                s.Columns = new int[cols];
            }

            if (s.LastEnd.Length < stride)
            {
                s.LastEnd = new int[stride];
                s.Count = new int[stride];
                s.Window = new int[stride];
                s.LastK = new int[stride];
            }

            return s;
        }

        public void Begin(int pes, int stride, int broadcasts, int maxCycles)
        {
            long history = Math.Max(1L, (long)broadcasts * stride);
            if (Ends.Length < history)
            {
                Ends = new int[Math.Max(history, 2L * Ends.Length)];
                Prev = new int[Ends.Length];
            }

            if (StallPrefix.Length < maxCycles + 2)
            {
                StallPrefix = new int[maxCycles + 2];
            }

            // Padding lanes beyond the last PE are never idle and never get work.
            Array.Fill(LastEnd, int.MinValue / 4, 0, pes);
            Array.Fill(LastEnd, int.MaxValue / 4, pes, stride - pes);
            Array.Clear(Count, 0, stride);
            Array.Clear(Window, 0, stride);
            Array.Fill(LastK, -1, 0, stride);
        }
    }

    /// <summary>
    /// What the stepped models scan: the non-zero hardware columns in order; each PE's entries in
    /// each of them (<c>work[i·N + p]</c>); the useful MACs and entries of those columns; and where
    /// each group's columns start in the list (groups + 1 values). With
    /// <paramref name="columnPairs"/> a broadcast is a pair with a non-zero column, listed by its
    /// first column 2q, and its work is the entries of its non-zero columns.
    /// </summary>
    internal static (List<int> Columns, int[] Work, long UsefulMacs, long Entries, int[] GroupStart) ScanWork(CompressedLayer layer, int pes, bool[] nonZero, bool columnPairs = false)
    {
        int cols = layer.HwCols;
        int groups = (cols + pes - 1) / pes;
        var columns = new List<int>();
        int step = columnPairs ? 2 : 1;
        for (int j = 0; j < cols; j += step)
        {
            if (nonZero[j] || (columnPairs && j + 1 < cols && nonZero[j + 1]))
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
                for (int j = columns[i]; j < Math.Min(cols, columns[i] + step); j++)
                {
                    if (!nonZero[j])
                    {
                        continue;
                    }

                    int start = encoding.ColumnPointers[j];
                    int end = encoding.ColumnPointers[j + 1];
                    work[(i * pes) + p] += end - start;
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
        }

        var groupStart = new int[groups + 1];
        for (int i = 0, g = 0; g <= groups; g++)
        {
            while (i < k && columns[i] < g * pes)
            {
                i++;
            }

            groupStart[g] = i;
        }

        return (columns, work, usefulMacs, entries, groupStart);
    }

    /// <summary>
    /// The reference form of <see cref="RunLayer"/>: steps every register cycle by cycle, exactly
    /// as the RTL does. Slow (cycles × PEs); the tests hold the event form to it.
    /// </summary>
    internal static LayerCycles RunLayerStepped(CompressedLayer layer, int pes, int fifoDepth, bool[] nonZero, int holdGroup = -1, int holdUntil = 0, bool columnPairs = false)
    {
        int cols = layer.HwCols;
        int groups = (cols + pes - 1) / pes;

        var (columns, work, usefulMacs, entries, groupStart) = ScanWork(layer, pes, nonZero, columnPairs);
        int k = columns.Count;
        var remaining = new long[pes];
        for (int i = 0; i < k; i++)
        {
            for (int p = 0; p < pes; p++)
            {
                remaining[p] += work[(i * pes) + p];
            }
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
                    else if (group + 1 != holdGroup || t >= holdUntil)
                    {
                        // (An LSTM step reads its first state group only from holdUntil on.)
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
            WritebackCycles: WritebackCycles(layer, pes),
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

    /// <summary>The reference form of <see cref="RunLstm"/>: every step through <see cref="RunLayerStepped"/>.</summary>
    internal static LayerCycles RunLstmStepped(CompressedLayer layer, int pes, int fifoDepth, long[] input, IReadOnlyList<long[]> hiddenStates)
    {
        var steps = LstmStepColumns(layer, input, hiddenStates);
        var (holdGroup, holdUntil, writeback) = LstmOverlap(layer, pes);
        return LayerCycles.Sum([.. steps.Select((nonZero, t) =>
            RunLayerStepped(layer, pes, fifoDepth, nonZero, t > 0 ? holdGroup : -1, holdUntil)
                with { WritebackCycles = t == steps.Length - 1 ? writeback : 0 })]);
    }
}

/// <summary>
/// Entries of each PE in each hardware column (column-major, each column padded to a whole number
/// of vectors with lanes that have no work) and useful entries per column: what the cycle model's
/// event loop reads, and all it needs of a layer besides its row count.
/// </summary>
internal sealed class WorkTable
{
    /// <summary>An empty table for <paramref name="pes"/> PEs and <paramref name="cols"/> columns.</summary>
    public WorkTable(int pes, int cols)
        : this(pes, cols, cols, pairs: false)
    {
    }

    private WorkTable(int pes, int hwCols, int rows, bool pairs)
    {
        Pes = pes;
        HwCols = hwCols;
        Cols = rows;
        Pairs = pairs;
        Stride = (pes + CycleModel.Lanes - 1) / CycleModel.Lanes * CycleModel.Lanes;
        Work = new int[(rows * Stride) + CycleModel.Lanes];
        Useful = new long[rows];
    }

    public int Pes { get; }

    /// <summary>Rows of the table: the hardware columns, or with <see cref="Pairs"/> three per pair.</summary>
    public int Cols { get; }

    /// <summary>The layer's hardware columns.</summary>
    public int HwCols { get; }

    /// <summary>
    /// Column pairs (<c>hardware.column_pairs</c>): row 3q + v holds pair q's work (hardware
    /// columns 2q and 2q + 1) when both columns are broadcast non-zero (v = 0), only column 2q
    /// (v = 1) or only column 2q + 1 (v = 2); a PE issues the pair as one column.
    /// </summary>
    public bool Pairs { get; }

    /// <summary>The pair table (<see cref="Pairs"/>) of a table of hardware columns.</summary>
    public static WorkTable PairsOf(WorkTable columns, string name)
    {
        var table = new WorkTable(columns.Pes, columns.HwCols, 3 * ((columns.HwCols + 1) / 2), pairs: true);
        for (int q = 0; 2 * q < columns.HwCols; q++)
        {
            table.FillPair(columns, q);
        }

        table.Seal(name);
        return table;
    }

    /// <summary>Sets pair <paramref name="q"/>'s rows, every PE's work and the useful entries, from a table of hardware columns.</summary>
    public void FillPair(WorkTable columns, int q)
    {
        for (int p = 0; p < Pes; p++)
        {
            SetPair(columns, q, p);
        }

        long ua = columns.Useful[2 * q];
        long ub = (2 * q) + 1 < HwCols ? columns.Useful[(2 * q) + 1] : 0;
        (Useful[3 * q], Useful[(3 * q) + 1], Useful[(3 * q) + 2]) = (ua + ub, ua, ub);
    }

    /// <summary>Sets PE <paramref name="pe"/>'s work in every pair from its table of hardware columns (the useful entries do not change when a PE's rows do).</summary>
    public void FillPairs(WorkTable columns, int pe)
    {
        for (int q = 0; 2 * q < HwCols; q++)
        {
            SetPair(columns, q, pe);
        }
    }

    /// <summary>PE <paramref name="pe"/>'s three rows of pair <paramref name="q"/>: both columns, the first, the second.</summary>
    private void SetPair(WorkTable columns, int q, int pe)
    {
        int a = columns.Work[(2 * q * columns.Stride) + pe];
        int b = (2 * q) + 1 < HwCols ? columns.Work[(((2 * q) + 1) * columns.Stride) + pe] : 0;
        Work[(3 * q * Stride) + pe] = a + b;
        Work[(((3 * q) + 1) * Stride) + pe] = a;
        Work[(((3 * q) + 2) * Stride) + pe] = b;
    }

    /// <summary>PEs rounded up to whole vectors.</summary>
    public int Stride { get; }

    /// <summary>Entries (padding included) of PE p in hardware column j at [j × Stride + p].</summary>
    public int[] Work { get; }

    /// <summary>Entries with a non-zero code in hardware column j, all PEs.</summary>
    public long[] Useful { get; }

    /// <summary>No cycle of the compute phase can exceed this.</summary>
    public int MaxCycles { get; private set; }

    /// <summary>The table of an encoded layer.</summary>
    public static WorkTable For(CompressedLayer layer, int pes)
    {
        var table = new WorkTable(pes, layer.HwCols);
        for (int p = 0; p < pes; p++)
        {
            var encoding = layer.PeEncodings[p];
            for (int j = 0; j < layer.HwCols; j++)
            {
                int start = encoding.ColumnPointers[j];
                int end = encoding.ColumnPointers[j + 1];
                table.Work[(j * table.Stride) + p] = end - start;
                for (int e = start; e < end; e++)
                {
                    table.Useful[j] += encoding.EntryCodes[e] != 0 ? 1 : 0;
                }
            }
        }

        table.Seal(layer.Name);
        return table;
    }

    /// <summary>
    /// Sets <see cref="MaxCycles"/> from the work, plus <paramref name="extraEntries"/> that later
    /// changes of <see cref="Work"/> may add.
    /// </summary>
    /// <exception cref="NotSupportedException">The layer could need more cycles than the model's 32-bit times hold.</exception>
    public void Seal(string name, long extraEntries = 0)
    {
        long entries = 0;
        foreach (int w in Work)
        {
            entries += w;
        }

        // Every entry and every group in turn, and each broadcast waiting for its pointer read and
        // the pipelines.
        long bound = entries + extraEntries + (4L * Cols) + 64;
        if (bound > int.MaxValue / 2)
        {
            throw new NotSupportedException($"layer '{name}' is too large for the cycle model ({bound:N0} cycles could overflow)");
        }

        MaxCycles = (int)bound;
    }
}

/// <summary>Predicted cycles of one layer, and where the cycles beyond the ideal go.</summary>
/// <remarks>
/// The compute phase splits into the <em>issue window</em> (from the first cycle any PE issues an
/// entry to the last) and the rest (<see cref="SwitchCycles"/>: the scanner's start and the first
/// pointer read before, the pipeline drain after). In the window every PE-cycle either issues an
/// entry (useful or padding) or idles for one of three causes, so that
/// <c>Cycles = UsefulMacs/N + PaddingLoss + StallLoss + TailLoss + ScanLoss + MemoryLoss + SwitchCycles + WritebackCycles</c>
/// exactly (the losses are idle PE-cycles / N).
/// </remarks>
/// <param name="Name">Layer name.</param>
/// <param name="Pes">N.</param>
/// <param name="ComputeCycles">Broadcast and accumulate, until every PE is idle.</param>
/// <param name="WritebackCycles">
/// Writeback phase after the compute phase's last cycle: LocalRows + 2; an LSTM step's
/// 4·U + <see cref="CycleModel.LstmWritebackLatency"/> − 1 (<see cref="CycleModel.WritebackCycles"/>).
/// </param>
/// <param name="UsefulMacs">Non-zero weight × non-zero activation products.</param>
/// <param name="Entries">Entries the PEs processed, padding included.</param>
/// <param name="Broadcasts">Non-zero activations broadcast.</param>
/// <param name="IdealCycles">ceil(UsefulMacs / N) (an LSTM layer's: Σ over its steps).</param>
/// <param name="StallCycles">Cycles a non-zero activation waited because some PE's queue was full.</param>
/// <param name="IdlePeCycles">PE-cycles of the compute phase without an entry to issue (the last cycle excluded).</param>
/// <param name="SwitchCycles">Compute cycles outside the issue window: the layer switch's start-up and drain.</param>
/// <param name="StallIdlePeCycles">In the window: PEs with work left idling while the broadcast stalls on another PE's full queue.</param>
/// <param name="TailIdlePeCycles">In the window: PEs that have issued all their entries, waiting for the last PE.</param>
/// <param name="ScanIdlePeCycles">In the window: PEs with work left idling while the broadcast does not stall (the scanner has no column for them yet).</param>
/// <param name="MemoryIdlePeCycles">External weights, in the window: PEs with a column taken waiting for its next entry from DRAM.</param>
/// <param name="DramBytes">External weights: bytes read from DRAM (whole beats).</param>
/// <param name="BandwidthBoundCycles">External weights: the bandwidth bound, DramBytes / bytes_per_cycle, rounded up.</param>
/// <param name="Steps">
/// Steps the figures add up: an LSTM layer's T (every other figure is then the sum over its
/// steps, <see cref="Sum"/>), 1 for a fully connected layer.
/// </param>
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
    long ScanIdlePeCycles,
    int Steps = 1,
    long MemoryIdlePeCycles = 0,
    long DramBytes = 0,
    long BandwidthBoundCycles = 0)
{
    /// <summary>The compute bound: useful MACs / N, rounded up (<see cref="IdealCycles"/>).</summary>
    public long ComputeBoundCycles => IdealCycles;

    /// <summary>Cycles per step: <see cref="Cycles"/> / <see cref="Steps"/> (the mean over an LSTM layer's steps).</summary>
    public double CyclesPerStep => (double)Cycles / Steps;

    /// <summary>
    /// Several runs of one layer back to back (an LSTM layer's steps): every additive figure summed,
    /// <see cref="Steps"/> the sum of theirs.
    /// </summary>
    /// <exception cref="ArgumentException">No runs, or runs of different layers or PE counts.</exception>
    public static LayerCycles Sum(IReadOnlyList<LayerCycles> runs)
    {
        if (runs.Count == 0 || runs.Any(r => r.Name != runs[0].Name || r.Pes != runs[0].Pes))
        {
            throw new ArgumentException("expected one or more runs of one layer", nameof(runs));
        }

        return new LayerCycles(
            runs[0].Name,
            runs[0].Pes,
            runs.Sum(r => r.ComputeCycles),
            runs.Sum(r => r.WritebackCycles),
            runs.Sum(r => r.UsefulMacs),
            runs.Sum(r => r.Entries),
            runs.Sum(r => r.Broadcasts),
            runs.Sum(r => r.IdealCycles),
            runs.Sum(r => r.StallCycles),
            runs.Sum(r => r.IdlePeCycles),
            runs.Sum(r => r.SwitchCycles),
            runs.Sum(r => r.StallIdlePeCycles),
            runs.Sum(r => r.TailIdlePeCycles),
            runs.Sum(r => r.ScanIdlePeCycles),
            runs.Sum(r => r.Steps),
            runs.Sum(r => r.MemoryIdlePeCycles),
            runs.Sum(r => r.DramBytes),
            runs.Sum(r => r.BandwidthBoundCycles));
    }

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

    /// <summary>External weights: PEs waiting for their next entry from DRAM, <see cref="MemoryIdlePeCycles"/> / N.</summary>
    public double MemoryLoss => (double)MemoryIdlePeCycles / Pes;
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

    /// <summary>Σ over layers of <see cref="LayerCycles.MemoryLoss"/>.</summary>
    public double MemoryLoss => Layers.Sum(l => l.MemoryLoss);

    /// <summary>Σ over layers of <see cref="LayerCycles.SwitchCycles"/>.</summary>
    public long SwitchCycles => Layers.Sum(l => l.SwitchCycles);

    /// <summary>Σ over layers of <see cref="LayerCycles.WritebackCycles"/>.</summary>
    public long WritebackCycles => Layers.Sum(l => l.WritebackCycles);
}
