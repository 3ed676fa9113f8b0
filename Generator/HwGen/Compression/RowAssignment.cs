using System.Numerics;

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
    /// <summary>
    /// Passes of swap improvement after the greedy construction. Measured on alex8 at 64 PEs
    /// (interleaved: Σ_j max 33,803, largest PE total 18,063, ideal 16,423), the greedy
    /// construction gives most of the gain (31,766 and 16,896); one pass of swaps adds 0.5 %
    /// (31,612 and 16,858) for about three times the greedy's time; in trials, further passes
    /// and wider searches added less than 0.8 % together.
    /// </summary>
    public const int SwapPasses = 1;

    /// <summary>
    /// Swap partners tried per row: the rows of the target PE closest in non-zero count. Bounds a
    /// pass to about <c>rows × (N + SwapPartners) × non-zeros per row</c> steps on large layers.
    /// </summary>
    public const int SwapPartners = 16;

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
    /// Balanced assignment: a permutation of the rows, with interleaving's row count per PE, that
    /// evens out per-column work.
    /// <list type="number">
    /// <item>Greedy construction: rows by decreasing non-zero count (LPT order), each to the PE
    /// with room left where it raises Σ_j max_p work(p, j) least, then to the PE with the least
    /// work so far, then the lowest PE.</item>
    /// <item>Swap improvement (<see cref="SwapPasses"/> passes): for each row, in the same order,
    /// find the other PE it would raise Σ_j max_p least if it moved there alone; swap it with the
    /// row of that PE that lowers Σ_j max_p work(p, j) most, provided no PE's total rises above the
    /// current largest.</item>
    /// </list>
    /// A PE's rows are placed in ascending original order. Deterministic. When the result is not
    /// better than interleaving — smaller <see cref="LoadBalance.SumOfColumnMax"/>, or equal and
    /// smaller <see cref="LoadBalance.MaxPeTotal"/> — interleaving is returned. Padding is not
    /// part of the objective.
    /// </summary>
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
            for (var j = 0; j < cols; j++)
            {
                if (row[j] != 0)
                {
                    work[((long)j * pes) + pe]++;
                    totals[pe]++;
                    nonZeros++;
                }
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
    /// The balanced assignment before the comparison with interleaving, with the Σ_j max_p
    /// work(p, j) its incremental bookkeeping arrived at (tests compare it with <see cref="Measure"/>).
    /// </summary>
    internal static (int[] HwRowToRow, long TrackedSumOfColumnMax) BalancedUnchecked(
        ReadOnlySpan<byte> codes, int rows, int cols, int pes)
    {
        var state = new BalanceState(codes, rows, cols, pes);
        state.Greedy();
        var pass = 0;
        while (pass < SwapPasses && state.SwapPass())
        {
            pass++;
        }

        return (state.HwRowToRow(), state.SumOfColumnMax);
    }

    /// <summary>
    /// The incremental state of a balanced assignment in progress: work(p, j) for every PE and
    /// column, and per column its maximum and how many PEs reach it, updated row by row.
    /// </summary>
    private sealed class BalanceState
    {
        private readonly int _rows;
        private readonly int _cols;
        private readonly int _pes;

        // PEs per column in _work, rounded up to whole vectors; lanes ≥ N are never chosen.
        private readonly int _stride;

        // Row r's non-zero columns, ascending: _colIndex[_rowStart[r] .. _rowStart[r + 1]).
        private readonly int[] _rowStart;
        private readonly int[] _colIndex;

        // Rows by decreasing non-zero count, ties by lower index.
        private readonly int[] _order;

        private readonly int[] _peOf;
        private readonly long[] _total;

        // work(p, j) at [j × stride + p]; per column its maximum over PEs and how many PEs reach it.
        private readonly int[] _work;
        private readonly int[] _colMax;
        private readonly int[] _colMaxCount;

        public BalanceState(ReadOnlySpan<byte> codes, int rows, int cols, int pes)
        {
            _rows = rows;
            _cols = cols;
            _pes = pes;
            _stride = (pes + Vector<int>.Count - 1) / Vector<int>.Count * Vector<int>.Count;
            _rowStart = new int[rows + 1];
            var nonZeros = 0;
            for (var r = 0; r < rows; r++)
            {
                nonZeros += cols - codes.Slice(r * cols, cols).Count((byte)0);
                _rowStart[r + 1] = nonZeros;
            }

            _colIndex = new int[nonZeros];
            var k = 0;
            for (var r = 0; r < rows; r++)
            {
                var row = codes.Slice(r * cols, cols);
                for (var j = 0; j < cols; j++)
                {
                    if (row[j] != 0)
                    {
                        _colIndex[k++] = j;
                    }
                }
            }

            _order = Interleaved(rows);
            Array.Sort(_order, (a, b) => NonZeros(a) != NonZeros(b) ? NonZeros(b).CompareTo(NonZeros(a)) : a.CompareTo(b));

            _peOf = new int[rows];
            Array.Fill(_peOf, -1);
            _total = new long[pes];
            _work = new int[checked(cols * _stride)];
            _colMax = new int[cols];
            _colMaxCount = new int[cols];
            Array.Fill(_colMaxCount, pes);
        }

        /// <summary>Σ_j max_p work(p, j) as tracked.</summary>
        public long SumOfColumnMax { get; private set; }

        /// <summary>Places every row, largest first, where it raises Σ_j max_p work(p, j) least.</summary>
        public void Greedy()
        {
            var room = new int[_pes];
            for (var p = 0; p < _pes; p++)
            {
                room[p] = CompressedLayer.LocalRows(_rows, _pes, p);
            }

            var raise = new int[_stride];
            foreach (int r in _order)
            {
                // raise[p] = columns of r where PE p is at the maximum (so the maximum would grow).
                Array.Clear(raise);
                foreach (int j in Columns(r))
                {
                    var max = new Vector<int>(_colMax[j]);
                    var column = _work.AsSpan(j * _stride, _stride);
                    for (var p = 0; p < _stride; p += Vector<int>.Count)
                    {
                        var atMax = Vector.Equals(new Vector<int>(column[p..]), max);
                        (new Vector<int>(raise.AsSpan(p)) - atMax).CopyTo(raise.AsSpan(p));
                    }
                }

                int best = -1;
                for (var p = 0; p < _pes; p++)
                {
                    if (room[p] > 0 && (best < 0 || raise[p] < raise[best] || (raise[p] == raise[best] && _total[p] < _total[best])))
                    {
                        best = p;
                    }
                }

                room[best]--;
                Place(r, best);
                SumOfColumnMax += raise[best];
            }
        }

        /// <summary>One pass of swap improvement; true when some swap was made.</summary>
        public bool SwapPass()
        {
            if (_pes == 1)
            {
                return false;
            }

            var improved = false;
            long maxTotal = _total.Max();
            var rowsOf = new List<int>[_pes];
            for (var p = 0; p < _pes; p++)
            {
                rowsOf[p] = [];
            }

            for (var r = 0; r < _rows; r++)
            {
                rowsOf[_peOf[r]].Add(r);
            }

            var raise = new int[_stride];
            var partners = new List<int>(SwapPartners);
            var deltaOfA = new int[_cols];
            var markOfA = new int[_cols];
            var stamp = 0;
            foreach (int a in _order)
            {
                int pa = _peOf[a];
                int pb = BestOtherPe(a, raise);

                // a's own share of any swap with a row b of pb, column by column; b's columns then
                // either cancel a's (both rows non-zero there: nothing changes) or add b's move.
                stamp++;
                int deltaA = 0;
                foreach (int j in Columns(a))
                {
                    deltaOfA[j] = MoveDelta(j, pa, pb);
                    markOfA[j] = stamp;
                    deltaA += deltaOfA[j];
                }

                int bestB = -1;
                int bestDelta = 0;
                foreach (int b in NearestByNonZeros(rowsOf[pb], NonZeros(a), partners))
                {
                    long diff = NonZeros(b) - NonZeros(a);
                    if (Math.Max(_total[pa] + diff, _total[pb] - diff) > maxTotal)
                    {
                        continue;
                    }

                    int delta = deltaA;
                    foreach (int j in Columns(b))
                    {
                        delta += markOfA[j] == stamp ? -deltaOfA[j] : MoveDelta(j, pb, pa);
                    }

                    if (delta < bestDelta)
                    {
                        bestDelta = delta;
                        bestB = b;
                    }
                }

                if (bestB >= 0)
                {
                    Remove(a, pa);
                    Remove(bestB, pb);
                    Place(a, pb);
                    Place(bestB, pa);
                    rowsOf[pa].Remove(a);
                    rowsOf[pa].Add(bestB);
                    rowsOf[pb].Remove(bestB);
                    rowsOf[pb].Add(a);
                    SumOfColumnMax += bestDelta;
                    maxTotal = _total.Max();
                    improved = true;
                }
            }

            return improved;
        }

        /// <summary>Hardware row h = local × N + pe → original row; a PE's rows in ascending order.</summary>
        public int[] HwRowToRow()
        {
            var hwRowToRow = new int[_rows];
            var nextLocal = new int[_pes];
            for (var r = 0; r < _rows; r++)
            {
                int p = _peOf[r];
                hwRowToRow[(nextLocal[p]++ * _pes) + p] = r;
            }

            return hwRowToRow;
        }

        /// <summary>
        /// The PE other than its own where row a alone would raise Σ_j max_p work(p, j) least
        /// (then the least total, then the lowest PE). <paramref name="raise"/> is scratch space.
        /// </summary>
        private int BestOtherPe(int a, int[] raise)
        {
            int pa = _peOf[a];
            Array.Clear(raise);
            foreach (int j in Columns(a))
            {
                // Vector form of MoveDelta(j, pa, q) for every q.
                int max = _colMax[j];
                var column = _work.AsSpan(j * _stride, _stride);
                bool leaves = column[pa] == max && _colMaxCount[j] == 1;
                var maxV = new Vector<int>(max);
                var belowV = new Vector<int>(max - 1);
                for (var q = 0; q < _stride; q += Vector<int>.Count)
                {
                    var work = new Vector<int>(column[q..]);
                    var r = new Vector<int>(raise.AsSpan(q)) - Vector.GreaterThanOrEqual(work, maxV);
                    if (leaves)
                    {
                        r += Vector.LessThan(work, belowV);
                    }

                    r.CopyTo(raise.AsSpan(q));
                }
            }

            int best = -1;
            for (var q = 0; q < _pes; q++)
            {
                if (q != pa && (best < 0 || raise[q] < raise[best] || (raise[q] == raise[best] && _total[q] < _total[best])))
                {
                    best = q;
                }
            }

            return best;
        }

        /// <summary>
        /// Up to <see cref="SwapPartners"/> of <paramref name="rows"/>, closest in non-zero count to
        /// <paramref name="nonZeros"/> (then lower row), into <paramref name="nearest"/>.
        /// </summary>
        private List<int> NearestByNonZeros(List<int> rows, int nonZeros, List<int> nearest)
        {
            nearest.Clear();
            nearest.AddRange(rows);
            if (nearest.Count > SwapPartners)
            {
                nearest.Sort((x, y) =>
                {
                    int dx = Math.Abs(NonZeros(x) - nonZeros);
                    int dy = Math.Abs(NonZeros(y) - nonZeros);
                    return dx != dy ? dx.CompareTo(dy) : x.CompareTo(y);
                });
                nearest.RemoveRange(SwapPartners, nearest.Count - SwapPartners);
            }

            return nearest;
        }

        private int NonZeros(int r) => _rowStart[r + 1] - _rowStart[r];

        private ReadOnlySpan<int> Columns(int r) => _colIndex.AsSpan(_rowStart[r], NonZeros(r));

        private void Place(int r, int p)
        {
            _peOf[r] = p;
            _total[p] += NonZeros(r);
            foreach (int j in Columns(r))
            {
                int w = ++_work[(j * _stride) + p];
                if (w > _colMax[j])
                {
                    _colMax[j] = w;
                    _colMaxCount[j] = 1;
                }
                else if (w == _colMax[j])
                {
                    _colMaxCount[j]++;
                }
            }
        }

        private void Remove(int r, int p)
        {
            _total[p] -= NonZeros(r);
            foreach (int j in Columns(r))
            {
                int w = _work[(j * _stride) + p]--;
                if (w == _colMax[j] && --_colMaxCount[j] == 0)
                {
                    // p was the only PE at the maximum: the new maximum is w − 1; count who reach it.
                    _colMax[j] = w - 1;
                    _colMaxCount[j] = _work.AsSpan(j * _stride, _pes).Count(w - 1);
                }
            }
        }

        /// <summary>The change of max_p work(p, j) when PE <paramref name="loser"/> loses one and <paramref name="gainer"/> gains one.</summary>
        private int MoveDelta(int j, int loser, int gainer)
        {
            int max = _colMax[j];
            int gained = _work[(j * _stride) + gainer] + 1;
            if (gained > max)
            {
                return 1;
            }

            if (gained == max)
            {
                return 0;
            }

            bool loserAloneAtMax = _work[(j * _stride) + loser] == max && _colMaxCount[j] == 1;
            return loserAloneAtMax ? -1 : 0;
        }
    }
}
