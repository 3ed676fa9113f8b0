namespace HwGen.Compression;

/// <summary>
/// How evenly a layer's non-zeros are spread over the PEs under a row assignment. The hardware
/// broadcasts each non-zero input column j to all PEs and PE p spends work(p, j) cycles on it
/// (its non-zeros in column j), so <see cref="SumOfColumnMax"/> is the layer's time when PEs wait
/// for each other at every column (no activation queue), and <see cref="MaxPeTotal"/> its time
/// when the queues absorb all imbalance. Real time lies between; both are at least
/// <see cref="LowerBound"/>. Counted over all columns, as if every input were non-zero.
/// </summary>
/// <param name="SumOfColumnMax">Σ over columns j of max over PEs p of work(p, j).</param>
/// <param name="MaxPeTotal">max over PEs p of Σ over columns j of work(p, j).</param>
/// <param name="NonZeros">Non-zero weights of the layer.</param>
/// <param name="Pes">N.</param>
public sealed record LoadBalance(long SumOfColumnMax, long MaxPeTotal, long NonZeros, int Pes)
{
    /// <summary>ceil(NonZeros / N): perfect balance.</summary>
    public long LowerBound => (NonZeros + Pes - 1) / Pes;
}

/// <summary>
/// Row assignment (DESIGN §3): which PE owns which output row. Both methods give a permutation
/// <c>hwRowToRow</c> of the rows in hardware order, where hardware row h = local × N + pe, so PE
/// p always owns <see cref="CompressedLayer.LocalRows"/> rows, as under interleaving.
/// </summary>
public static class RowAssignment
{
    /// <summary>EIE's interleaving: row i on PE i mod N at local row i div N, i.e. the identity.</summary>
    public static int[] Interleaved(int rows)
    {
        var identity = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            identity[i] = i;
        }

        return identity;
    }

    /// <summary>
    /// An LSTM layer's unit placement (docs/microarchitecture.md, "LSTM layers"): hidden unit k's
    /// four gate rows sit on PE k mod N at local rows 4·(k div N) + b (b = 0, 1, 2, 3 for the i, f,
    /// g, o gates; original gate row b·H + k), so the element-wise unit of a PE finds all four gates
    /// of its units in its own accumulators. Every PE owns 4·U local rows, U = ceil(H / N); the rows
    /// of padding units (u·N + p ≥ H) are −1: no weights, bias 0, and they give h = 0.
    /// </summary>
    /// <param name="hidden">H.</param>
    /// <param name="pes">N.</param>
    /// <param name="unitOrder">
    /// Which hidden unit each unit slot s = u·N + pe (s &lt; H) holds — a permutation of the units
    /// (<see cref="BalancedUnits"/>); null for unit s in slot s. Slots from H on are padding either way.
    /// </param>
    /// <returns>Hardware row h = local × N + pe → original gate row or −1; length 4·U·N.</returns>
    public static int[] LstmUnits(int hidden, int pes, int[]? unitOrder = null)
    {
        int units = CeilDiv(hidden, pes);
        var map = new int[4 * units * pes];
        for (var local = 0; local < 4 * units; local++)
        {
            int u = local / 4;
            int gate = local % 4;
            for (var pe = 0; pe < pes; pe++)
            {
                int s = (u * pes) + pe;
                map[(local * pes) + pe] = s < hidden ? (gate * hidden) + (unitOrder?[s] ?? s) : -1;
            }
        }

        return map;
    }

    /// <summary>
    /// Balanced assignment of an LSTM layer's hidden units (<c>row_assignment: balanced</c>): which
    /// unit each slot s = u·N + pe holds, so that the PEs' work stays even. A unit's four gate rows
    /// move together (the element-wise unit needs them on one PE), so <see cref="Balanced"/> runs on
    /// a matrix of one row per unit whose columns are (column j, gate b) pairs, j-major: blocks of
    /// four of its columns are the gate matrix's columns, so its block features weigh each PE's work
    /// per column of the step as the engine sees it.
    /// </summary>
    /// <param name="codes">The gate matrix, 4H × cols row-major (gate blocks i, f, g, o), 0 = pruned.</param>
    /// <param name="hidden">H.</param>
    /// <param name="cols">F + H.</param>
    /// <param name="pes">N.</param>
    /// <returns>Slot → unit for slots 0 … H − 1 (interleaving's slots; the identity when balancing gains nothing).</returns>
    public static int[] BalancedUnits(ReadOnlySpan<byte> codes, int hidden, int cols, int pes)
    {
        var units = new byte[(long)hidden * 4 * cols];
        for (var k = 0; k < hidden; k++)
        {
            for (var gate = 0; gate < 4; gate++)
            {
                var row = codes.Slice(((gate * hidden) + k) * cols, cols);
                for (var j = 0; j < cols; j++)
                {
                    units[((long)k * 4 * cols) + (j * 4) + gate] = row[j] != 0 ? (byte)1 : (byte)0;
                }
            }
        }

        return Balanced(units, hidden, 4 * cols, pes);
    }

    /// <summary>
    /// An LSTM layer's hardware columns: F' = ceil(F / N)·N input columns (x feature c at c &lt; F,
    /// padding after) then U·N hidden-state columns (h unit c − F' while &lt; H, padding after).
    /// Original column of x feature j is j, of h unit k is F + k.
    /// </summary>
    /// <param name="features">F.</param>
    /// <param name="hidden">H.</param>
    /// <param name="pes">N.</param>
    /// <param name="featureOrder">
    /// Which feature each input position c &lt; F' holds, or −1: the previous LSTM layer's unit
    /// slots (<see cref="CompressedLayer.LstmSlotUnits"/>) when the input is its sequence; null for
    /// feature c at position c.
    /// </param>
    /// <param name="unitOrder">Which unit each slot holds (<see cref="LstmUnits"/>); null for unit s in slot s.</param>
    /// <returns>Hardware column → original column of [W | R] or −1; length F' + U·N.</returns>
    public static int[] LstmColumns(int features, int hidden, int pes, int[]? featureOrder = null, int[]? unitOrder = null)
    {
        int xCols = CeilDiv(features, pes) * pes;
        int hCols = CeilDiv(hidden, pes) * pes;
        if (featureOrder is not null && featureOrder.Length != xCols)
        {
            throw new ArgumentException($"{featureOrder.Length} input positions for {features} features on {pes} PEs", nameof(featureOrder));
        }

        var map = new int[xCols + hCols];
        for (var c = 0; c < xCols; c++)
        {
            map[c] = featureOrder is not null ? featureOrder[c] : c < features ? c : -1;
        }

        for (var s = 0; s < hCols; s++)
        {
            map[xCols + s] = s < hidden ? features + (unitOrder?[s] ?? s) : -1;
        }

        return map;
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;

    /// <summary>
    /// Balanced assignment: a permutation of the rows, with interleaving's row count per PE, chosen
    /// from the weights alone so that the PEs' work stays even for an input that is not known yet.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>What limits the time.</b> The broadcast hands each non-zero input column j to every PE,
    /// and PE p spends w(p, j) cycles on it (its non-zeros in column j). The activation queues
    /// (depth D) let a PE run ahead of the slowest one by fewer than D columns, so a layer takes
    /// about the largest PE total plus the time the PE that finishes last spent starved while
    /// another PE was more than D columns behind. Both terms grow with how much the PEs'
    /// cumulative work drifts apart along the column order.
    /// </para>
    /// <para>
    /// <b>What is optimised.</b> For an input whose non-zeros are a random subset of the columns
    /// with density q, PE p's deviation from the mean PE total has variance
    /// <c>q²·(Σ_j d(p, j))² + q(1−q)·Σ_j d(p, j)²</c>, d being w minus its mean over the PEs: the
    /// first part is fixed by the PE's total, the second is the per-column noise that the input
    /// adds. Over a stretch of columns the same holds with sums over the stretch. So the search
    /// minimises a weighted sum of squares of per-PE work (equivalently of deviations) over three
    /// kinds of feature: single columns (weight <see cref="BalanceSearch.ColumnWeight"/>), aligned
    /// blocks of 2^k columns from about four non-zeros per row up (weight 1: they keep every PE's
    /// cumulative work in step along the column order), and the whole row (weight 1: equal
    /// totals). It depends on neither the input nor its density. A purely per-column objective
    /// (Σ_j max_p w(p, j), greedy and swaps, before this one) left alex8's largest PE total 2.6 %
    /// above the mean at 64 PEs and took 7,593 cycles.
    /// </para>
    /// <para>
    /// <b>How.</b> Starting from interleaving, passes of pairwise swaps (one row each way, so row
    /// counts never change) take for every row the best of a few candidates ranked by an estimate
    /// and checked exactly (<see cref="BalanceSearch"/>). A PE's rows are placed in ascending
    /// original order. Deterministic. When the result is not better than interleaving by
    /// <see cref="Measure"/> — smaller <see cref="LoadBalance.SumOfColumnMax"/>, or equal and
    /// smaller <see cref="LoadBalance.MaxPeTotal"/> — interleaving is returned. Padding is not
    /// part of the objective.
    /// </para>
    /// <para>
    /// <b>Measured</b> (cycle model, alex8's real input, FIFO depth 8): at 64 PEs interleaved 7,892
    /// cycles, these swaps 7,367, ideal 7,075 (at 16 PEs 30,005, 28,784 and 28,300). This is the
    /// first stage of <c>row_assignment: balanced</c>; the compressor then hands the result to the
    /// cycle-model search of <c>compression.balance_search</c> (Model's <c>AssignmentSearch</c>:
    /// 7,210 at 64 PEs). More in docs/microarchitecture.md.
    /// </para>
    /// </remarks>
    /// <param name="codes">Rows × Cols row-major, 0 = pruned.</param>
    /// <param name="rows">Outputs.</param>
    /// <param name="cols">Inputs.</param>
    /// <param name="pes">N.</param>
    public static int[] Balanced(ReadOnlySpan<byte> codes, int rows, int cols, int pes)
    {
        var interleaved = Interleaved(rows);
        if (pes == 1 || rows <= 1)
        {
            return interleaved;
        }

        int[] balanced = BalancedUnchecked(codes, rows, cols, pes).HwRowToRow;
        var before = Measure(codes, rows, cols, pes, interleaved);
        var after = Measure(codes, rows, cols, pes, balanced);
        bool better = after.SumOfColumnMax < before.SumOfColumnMax
            || (after.SumOfColumnMax == before.SumOfColumnMax && after.MaxPeTotal < before.MaxPeTotal);
        return better ? balanced : interleaved;
    }

    /// <summary>Measures the balance of an assignment (hardware row h → original row, h = local × N + pe).</summary>
    public static LoadBalance Measure(ReadOnlySpan<byte> codes, int rows, int cols, int pes, ReadOnlySpan<int> hwRowToRow)
    {
        var work = new int[(long)cols * pes];
        var totals = new long[pes];
        long nonZeros = 0;
        for (var h = 0; h < rows; h++)
        {
            int pe = h % pes;
            var row = codes.Slice(hwRowToRow[h] * cols, cols);
            for (int j = row.IndexOfAnyExcept((byte)0); j >= 0;)
            {
                work[((long)j * pes) + pe]++;
                totals[pe]++;
                nonZeros++;
                int next = row[(j + 1)..].IndexOfAnyExcept((byte)0);
                j = next < 0 ? -1 : j + 1 + next;
            }
        }

        long sumOfMax = 0;
        for (var j = 0; j < cols; j++)
        {
            int max = 0;
            for (var p = 0; p < pes; p++)
            {
                max = Math.Max(max, work[((long)j * pes) + p]);
            }

            sumOfMax += max;
        }

        return new LoadBalance(sumOfMax, totals.Max(), nonZeros, pes);
    }

    /// <summary>
    /// The balanced assignment before the comparison with interleaving, with the objective its
    /// incremental bookkeeping arrived at (tests compare it with a recount).
    /// </summary>
    internal static (int[] HwRowToRow, long TrackedObjective) BalancedUnchecked(
        ReadOnlySpan<byte> codes, int rows, int cols, int pes)
    {
        var peOf = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            peOf[r] = r % pes;
        }

        var search = new BalanceSearch(codes, rows, cols, pes, peOf);
        search.Run();
        return (HwRowToRow(search.PeOf, pes), search.Objective);
    }

    /// <summary>Hardware row h = local × N + pe → original row, from row → PE; a PE's rows in ascending order.</summary>
    internal static int[] HwRowToRow(ReadOnlySpan<int> peOf, int pes)
    {
        var hwRowToRow = new int[peOf.Length];
        var nextLocal = new int[pes];
        for (var r = 0; r < peOf.Length; r++)
        {
            int p = peOf[r];
            hwRowToRow[(nextLocal[p]++ * pes) + p] = r;
        }

        return hwRowToRow;
    }
}
