using System.Numerics;
using System.Runtime.CompilerServices;

namespace HwGen.Compression;

/// <summary>
/// The swap search behind <see cref="RowAssignment.Balanced"/>: it moves rows between PEs, two
/// at a time so that every PE keeps its row count, to minimise a weighted sum of squares of
/// per-PE work over several column scales (see <see cref="RowAssignment.Balanced"/> for why).
/// </summary>
/// <remarks>
/// <para>
/// Work is counted per <em>feature</em>: a feature is a column, an aligned block of
/// <c>B = B₀·2^k</c> columns (<c>B &lt; cols</c>; <see cref="BlockSizes"/>), or the whole row.
/// With <c>W(f, p)</c> the non-zeros of PE p's rows in feature f, the objective is
/// <c>F = Σ_p Σ_f λ_f · W(f, p)²</c>, λ = <see cref="ColumnWeight"/> for columns and 1 for
/// blocks and the whole row. Because Σ_p W(f, p) does not depend on the assignment, F differs by
/// a constant from the weighted sum of squared deviations of the PEs from the per-feature mean.
/// </para>
/// <para>
/// Swapping row a (on PE P) with row b (on PE Q) changes F by
/// <c>Δ = 2·(ov(a,Q) − ov(a,P) + ov(b,P) − ov(b,Q)) + 2·(K(a,a) + K(b,b) − 2·K(a,b))</c>, where
/// <c>K(x, y) = Σ_f λ_f c_x(f) c_y(f)</c> (c_x(f): non-zeros of row x in feature f) and
/// <c>ov(x, S) = Σ_f λ_f c_x(f) W(f, S)</c>. A pass visits every row a once: it computes
/// ov(a, ·) for all PEs exactly (vectorised over PEs), ranks every candidate b by an estimate of Δ
/// (ov(b, ·) as of b's last visit or swap, corrected for the PE totals that changed since, and
/// K(a, b) replaced by its mean-field value), computes Δ exactly for the
/// <see cref="Finalists"/> best-ranked candidates, and makes the best swap if it lowers F. Exact
/// Δ uses integer arithmetic, so <see cref="Objective"/> is tracked exactly; only the ranking uses
/// floating point. Passes repeat until one swaps fewer than <see cref="MinSwapsPercent"/> % of the
/// rows, at most <see cref="MaxPasses"/> times.
/// </para>
/// <para>
/// Cost per pass: one ov computation per row and two per swap (the row's non-zeros and blocks × N,
/// vectorised), a ranking
/// of up to <see cref="MaxScreened"/> candidates per row, and <see cref="Finalists"/> exact Δs of
/// one row's non-zeros and blocks each. Memory: the rows' column and block lists (about two ints
/// per non-zero), the work by feature and by PE ((columns + blocks) × N ints each) and the
/// ranking table (rows × N doubles).
/// </para>
/// </remarks>
internal sealed class BalanceSearch
{
    /// <summary>λ of a single column relative to a block or the whole row (see the class remarks).</summary>
    /// <remarks>
    /// Chosen on random inputs, not on a real one: alex8 at 64 PEs, FIFO depth 8, mean cycle-model
    /// time over 24 random inputs of its density (ideal ≈ 7,075; interleaved 7,883), exact
    /// best-partner swaps from three starting points. Block weight relative to a column 1/1,000,
    /// 1/300, 1/100, 1/30, 1/10, 1/5 and 1/2.5 gave 7,475, 7,449, 7,430, 7,409, 7,417, 7,419 and
    /// 7,426 cycles; columns and whole row alone, equally weighted, 7,501. Weights falling with the
    /// block size (1/B, 1/√B) were no better.
    /// </remarks>
    public const int ColumnWeight = 32;

    /// <summary>
    /// The smallest block holds, for a row of average density, at least this many non-zeros
    /// (and at least <see cref="MinFirstBlockColumns"/> columns): 16 columns on alex8 (25.7 %),
    /// 64 on a 9 % layer, 128 on a 4 % layer. Smaller blocks mostly hold zero or one entry of a
    /// row and would only cost memory.
    /// </summary>
    public const int FirstBlockNonZeros = 4;

    /// <summary>The smallest block size in columns.</summary>
    public const int MinFirstBlockColumns = 16;

    /// <summary>Candidates whose swap Δ is computed exactly for each row.</summary>
    public const int Finalists = 4;

    /// <summary>A pass that swaps fewer than this percentage of the rows is the last.</summary>
    public const int MinSwapsPercent = 5;

    /// <summary>Upper bound on passes.</summary>
    public const int MaxPasses = 8;

    /// <summary>Candidates ranked per row; rows beyond it are sampled with a fixed stride.</summary>
    public const int MaxScreened = 4096;

    private readonly int _rows;
    private readonly int _cols;
    private readonly int _pes;
    private readonly int _blocks;

    // PE lanes per work-table row, rounded up to whole vectors; lanes ≥ N stay zero.
    private readonly int _stride;

    // Row r's non-zero columns: _colIndex[_colStart[r] .. _colStart[r + 1]).
    private readonly int[] _colStart;
    private readonly int[] _colIndex;

    // Row r's non-empty blocks of every level and its non-zeros in each.
    private readonly int[] _blockStart;
    private readonly int[] _blockId;
    private readonly int[] _blockCount;

    // Per block: an upper bound on count × work, to keep vectorised int sums from overflowing.
    private readonly long[] _blockProductBound;
    private readonly long _columnSumBound;

    private readonly int[] _nonZeros;
    private readonly long[] _self;
    private readonly double[] _meanField;

    // m(r) + n(r): d ov(r, p) / d total(p) in the mean field, whole-row level included.
    private readonly double[] _fieldOf;

    private readonly int[] _peOf;

    // W(f, p) by feature ([f × stride + p], for sums over PEs) and by PE ([p × features + f], for
    // sums over one row's features); the whole-row level is _total.
    private readonly int[] _colWork;
    private readonly int[] _colWorkByPe;
    private readonly int[] _blockWork;
    private readonly int[] _blockWorkByPe;
    private readonly long[] _total;

    /// <summary>Builds the search state for the assignment <paramref name="peOf"/> (row → PE).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public BalanceSearch(ReadOnlySpan<byte> codes, int rows, int cols, int pes, ReadOnlySpan<int> peOf)
    {
        _rows = rows;
        _cols = cols;
        _pes = pes;
        _stride = (pes + Vector<int>.Count - 1) / Vector<int>.Count * Vector<int>.Count;

        _colStart = new int[rows + 1];
        _nonZeros = new int[rows];
        long nonZeros = 0;
        for (var r = 0; r < rows; r++)
        {
            _nonZeros[r] = cols - codes.Slice(r * cols, cols).Count((byte)0);
            nonZeros += _nonZeros[r];
            _colStart[r + 1] = checked((int)nonZeros);
        }

        _colIndex = new int[nonZeros];
        var k = 0;
        for (var r = 0; r < rows; r++)
        {
            var row = codes.Slice(r * cols, cols);
            for (int j = row.IndexOfAnyExcept((byte)0); j >= 0;)
            {
                _colIndex[k++] = j;
                int next = row[(j + 1)..].IndexOfAnyExcept((byte)0);
                j = next < 0 ? -1 : j + 1 + next;
            }
        }

        // Block levels and their features.
        int[] sizes = BlockSizes(rows, cols, nonZeros);
        var levelOffset = new int[sizes.Length + 1];
        for (var l = 0; l < sizes.Length; l++)
        {
            levelOffset[l + 1] = levelOffset[l] + ((cols + sizes[l] - 1) / sizes[l]);
        }

        _blocks = levelOffset[^1];
        int localMax = (rows + pes - 1) / pes;
        _columnSumBound = localMax;
        _blockProductBound = new long[_blocks];
        for (var l = 0; l < sizes.Length; l++)
        {
            for (int f = levelOffset[l]; f < levelOffset[l + 1]; f++)
            {
                _blockProductBound[f] = (long)sizes[l] * sizes[l] * localMax;
            }
        }

        _blockStart = new int[rows + 1];
        var ids = new List<int>();
        var counts = new List<int>();
        _self = new long[rows];
        for (var r = 0; r < rows; r++)
        {
            var columns = Columns(r);
            long self = ((long)ColumnWeight * columns.Length) + ((long)columns.Length * columns.Length);
            for (var l = 0; l < sizes.Length; l++)
            {
                int size = sizes[l];
                var i = 0;
                while (i < columns.Length)
                {
                    int block = columns[i] / size;
                    int start = i;
                    while (i < columns.Length && columns[i] / size == block)
                    {
                        i++;
                    }

                    ids.Add(levelOffset[l] + block);
                    counts.Add(i - start);
                    self += (long)(i - start) * (i - start);
                }
            }

            _self[r] = self;
            _blockStart[r + 1] = ids.Count;
        }

        _blockId = [.. ids];
        _blockCount = [.. counts];

        // Mean field: W(f, p) ≈ share(f) × total(p), share(f) = the feature's part of all non-zeros.
        var columnShare = new double[cols];
        var blockShare = new double[_blocks];
        foreach (int j in _colIndex)
        {
            columnShare[j]++;
        }

        for (var i = 0; i < _blockId.Length; i++)
        {
            blockShare[_blockId[i]] += _blockCount[i];
        }

        _meanField = new double[rows];
        double all = Math.Max(1, nonZeros);
        for (var r = 0; r < rows; r++)
        {
            double sum = 0;
            foreach (int j in Columns(r))
            {
                sum += ColumnWeight * columnShare[j];
            }

            for (int i = _blockStart[r]; i < _blockStart[r + 1]; i++)
            {
                sum += _blockCount[i] * blockShare[_blockId[i]];
            }

            _meanField[r] = sum / all;
        }

        _fieldOf = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            _fieldOf[r] = _meanField[r] + _nonZeros[r];
        }

        _peOf = peOf.ToArray();
        _colWork = new int[checked(cols * _stride)];
        _colWorkByPe = new int[checked(cols * pes)];
        _blockWork = new int[checked(_blocks * _stride)];
        _blockWorkByPe = new int[checked(_blocks * pes)];
        _total = new long[pes];
        for (var r = 0; r < rows; r++)
        {
            Place(r, _peOf[r], 1);
        }

        Objective = Recount();
    }

    /// <summary>F = Σ_p Σ_f λ_f W(f, p)² of the current assignment, tracked swap by swap.</summary>
    public long Objective { get; private set; }

    /// <summary>Swaps made so far.</summary>
    public int Swaps { get; private set; }

    /// <summary>Passes run so far.</summary>
    public int Passes { get; private set; }

    /// <summary>
    /// Block sizes in columns: <c>B₀, 2B₀, 4B₀, …</c> below <paramref name="cols"/>, with B₀ the
    /// smallest power of two ≥ <see cref="MinFirstBlockColumns"/> in which an average row holds at
    /// least <see cref="FirstBlockNonZeros"/> non-zeros.
    /// </summary>
    public static int[] BlockSizes(int rows, int cols, long nonZeros)
    {
        double density = rows == 0 || cols == 0 ? 0 : nonZeros / ((double)rows * cols);
        int first = MinFirstBlockColumns;
        while (first < cols && first * density < FirstBlockNonZeros)
        {
            first *= 2;
        }

        var sizes = new List<int>();
        for (long size = first; size < cols; size *= 2)
        {
            sizes.Add((int)size);
        }

        return [.. sizes];
    }

    /// <summary>Row → PE of the current assignment.</summary>
    public ReadOnlySpan<int> PeOf => _peOf;

    /// <summary>Runs passes until one swaps fewer than <see cref="MinSwapsPercent"/> % of the rows, or <see cref="MaxPasses"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run()
    {
        // ov(b, ·) of every row as of its last visit, less the mean-field part of the PE totals
        // then: adding (m(b) + n(b)) × total(·) now estimates ov(b, ·) now.
        var stale = new double[checked(_rows * _stride)];
        var ov = new long[_stride];
        for (var r = 0; r < _rows; r++)
        {
            Overlaps(r, ov);
            Remember(r, ov, stale);
        }

        var colMark = new int[_cols];
        var blockMark = new int[_blocks];
        var blockMarkCount = new int[_blocks];
        var stamp = 0;
        var finalScore = new double[Finalists];
        var finalRow = new int[Finalists];
        int step = Math.Max(1, (_rows + MaxScreened - 1) / MaxScreened);
        int minSwaps = Math.Max(1, _rows * MinSwapsPercent / 100);

        while (Passes < MaxPasses)
        {
            Passes++;
            var swaps = 0;
            for (var a = 0; a < _rows; a++)
            {
                int pa = _peOf[a];
                var ovA = ov.AsSpan();
                Overlaps(a, ovA);
                Remember(a, ovA, stale);
                long na = _nonZeros[a];
                double pairField = _meanField[a] + na;
                long totalA = _total[pa];

                // Rank the candidates by estimated Δ / 2 (without the constant K(a, a)).
                var finals = 0;
                for (int i = 0, b = (a + 1) % _rows; i < _rows; i += step, b = (b + step) % _rows)
                {
                    int pb = _peOf[b];
                    if (pb == pa)
                    {
                        continue;
                    }

                    long nb = _nonZeros[b];
                    double score = ovA[pb] - ovA[pa]
                        + stale[(b * _stride) + pa] - stale[(b * _stride) + pb] + (_fieldOf[b] * (totalA - _total[pb]))
                        + _self[b] - (2 * nb * pairField);
                    if (finals < Finalists || score < finalScore[finals - 1])
                    {
                        int k = finals < Finalists ? finals++ : finals - 1;
                        while (k > 0 && finalScore[k - 1] > score)
                        {
                            finalScore[k] = finalScore[k - 1];
                            finalRow[k] = finalRow[k - 1];
                            k--;
                        }

                        finalScore[k] = score;
                        finalRow[k] = b;
                    }
                }

                // Exact Δ for the finalists.
                stamp++;
                foreach (int j in Columns(a))
                {
                    colMark[j] = stamp;
                }

                for (int i = _blockStart[a]; i < _blockStart[a + 1]; i++)
                {
                    blockMark[_blockId[i]] = stamp;
                    blockMarkCount[_blockId[i]] = _blockCount[i];
                }

                long bestDelta = 0;
                int best = -1;
                for (var i = 0; i < finals; i++)
                {
                    int b = finalRow[i];
                    long delta = ExactDelta(a, b, ovA, colMark, blockMark, blockMarkCount, stamp);
                    if (delta < bestDelta || (delta == bestDelta && best >= 0 && b < best))
                    {
                        bestDelta = delta;
                        best = b;
                    }
                }

                if (best >= 0)
                {
                    int pb = _peOf[best];
                    Place(a, pa, -1);
                    Place(best, pb, -1);
                    Place(a, pb, 1);
                    Place(best, pa, 1);
                    _peOf[a] = pb;
                    _peOf[best] = pa;
                    Objective += bestDelta;
                    swaps++;

                    // Both rows moved: refresh their ov(·, ·) for the ranking.
                    Overlaps(a, ovA);
                    Remember(a, ovA, stale);
                    Overlaps(best, ovA);
                    Remember(best, ovA, stale);
                }
            }

            Swaps += swaps;
            if (swaps < minSwaps)
            {
                break;
            }
        }
    }

    /// <summary>F recounted from the work tables (tests compare it with the tracked value).</summary>
    public long Recount()
    {
        long sum = 0;
        for (var i = 0; i < _colWorkByPe.Length; i++)
        {
            sum += (long)ColumnWeight * _colWorkByPe[i] * _colWorkByPe[i];
        }

        for (var i = 0; i < _blockWorkByPe.Length; i++)
        {
            sum += (long)_blockWorkByPe[i] * _blockWorkByPe[i];
        }

        foreach (long t in _total)
        {
            sum += t * t;
        }

        return sum;
    }

    /// <summary>Stores ov(r, ·) less its mean-field part (m(r) + n(r)) × total(·).</summary>
    private void Remember(int r, ReadOnlySpan<long> ov, double[] stale)
    {
        var row = stale.AsSpan(r * _stride, _stride);
        double field = _fieldOf[r];
        for (var p = 0; p < _pes; p++)
        {
            row[p] = ov[p] - (field * _total[p]);
        }
    }

    private ReadOnlySpan<int> Columns(int r) => _colIndex.AsSpan(_colStart[r], _colStart[r + 1] - _colStart[r]);

    /// <summary>Adds (<paramref name="sign"/> = 1) or removes (−1) row r's work on PE p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Place(int r, int p, int sign)
    {
        _total[p] += sign * _nonZeros[r];
        var byPe = _colWorkByPe.AsSpan(p * _cols, _cols);
        foreach (int j in Columns(r))
        {
            _colWork[(j * _stride) + p] += sign;
            byPe[j] += sign;
        }

        var blocksByPe = _blockWorkByPe.AsSpan(p * _blocks, _blocks);
        for (int i = _blockStart[r]; i < _blockStart[r + 1]; i++)
        {
            int f = _blockId[i];
            _blockWork[(f * _stride) + p] += sign * _blockCount[i];
            blocksByPe[f] += sign * _blockCount[i];
        }
    }

    /// <summary>ov(r, p) = Σ_f λ_f c_r(f) W(f, p) for every PE p, exactly.</summary>
    /// <remarks>
    /// The PE lanes are summed four vectors at a time in registers (then one at a time), in ints
    /// that are flushed to <paramref name="ov"/> before they could overflow; block products too
    /// large for an int go through longs directly.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Overlaps(int r, Span<long> ov)
    {
        int lanes = Vector<int>.Count;
        ov[.._stride].Clear();
        var p0 = 0;
        for (; p0 + (4 * lanes) <= _stride; p0 += 4 * lanes)
        {
            OverlapsOf4(r, p0, ov);
        }

        for (; p0 < _stride; p0 += lanes)
        {
            OverlapsOf1(r, p0, ov);
        }

        long n = _nonZeros[r];
        for (var p = 0; p < _pes; p++)
        {
            ov[p] += n * _total[p];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OverlapsOf4(int r, int p0, Span<long> ov)
    {
        int lanes = Vector<int>.Count;
        var s0 = Vector<int>.Zero;
        var s1 = Vector<int>.Zero;
        var s2 = Vector<int>.Zero;
        var s3 = Vector<int>.Zero;
        long bound = 0;
        foreach (int j in Columns(r))
        {
            if (bound + _columnSumBound > int.MaxValue)
            {
                Flush4(ov, p0, ColumnWeight, ref s0, ref s1, ref s2, ref s3);
                bound = 0;
            }

            bound += _columnSumBound;
            var work = _colWork.AsSpan((j * _stride) + p0, 4 * lanes);
            s0 += new Vector<int>(work);
            s1 += new Vector<int>(work[lanes..]);
            s2 += new Vector<int>(work[(2 * lanes)..]);
            s3 += new Vector<int>(work[(3 * lanes)..]);
        }

        Flush4(ov, p0, ColumnWeight, ref s0, ref s1, ref s2, ref s3);
        bound = 0;
        for (int i = _blockStart[r]; i < _blockStart[r + 1]; i++)
        {
            int f = _blockId[i];
            long product = _blockProductBound[f];
            var work = _blockWork.AsSpan((f * _stride) + p0, 4 * lanes);
            if (product > int.MaxValue / 2)
            {
                for (var p = 0; p < 4 * lanes; p++)
                {
                    ov[p0 + p] += (long)_blockCount[i] * work[p];
                }

                continue;
            }

            if (bound + product > int.MaxValue)
            {
                Flush4(ov, p0, 1, ref s0, ref s1, ref s2, ref s3);
                bound = 0;
            }

            bound += product;
            var c = new Vector<int>(_blockCount[i]);
            s0 += c * new Vector<int>(work);
            s1 += c * new Vector<int>(work[lanes..]);
            s2 += c * new Vector<int>(work[(2 * lanes)..]);
            s3 += c * new Vector<int>(work[(3 * lanes)..]);
        }

        Flush4(ov, p0, 1, ref s0, ref s1, ref s2, ref s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OverlapsOf1(int r, int p0, Span<long> ov)
    {
        var s = Vector<int>.Zero;
        long bound = 0;
        foreach (int j in Columns(r))
        {
            if (bound + _columnSumBound > int.MaxValue)
            {
                Flush(ov, p0, ColumnWeight, ref s);
                bound = 0;
            }

            bound += _columnSumBound;
            s += new Vector<int>(_colWork.AsSpan((j * _stride) + p0));
        }

        Flush(ov, p0, ColumnWeight, ref s);
        bound = 0;
        for (int i = _blockStart[r]; i < _blockStart[r + 1]; i++)
        {
            int f = _blockId[i];
            long product = _blockProductBound[f];
            var work = _blockWork.AsSpan((f * _stride) + p0, Vector<int>.Count);
            if (product > int.MaxValue / 2)
            {
                for (var p = 0; p < work.Length; p++)
                {
                    ov[p0 + p] += (long)_blockCount[i] * work[p];
                }

                continue;
            }

            if (bound + product > int.MaxValue)
            {
                Flush(ov, p0, 1, ref s);
                bound = 0;
            }

            bound += product;
            s += new Vector<int>(_blockCount[i]) * new Vector<int>(work);
        }

        Flush(ov, p0, 1, ref s);
    }

    private static void Flush4(Span<long> ov, int p0, long weight, ref Vector<int> s0, ref Vector<int> s1, ref Vector<int> s2, ref Vector<int> s3)
    {
        int lanes = Vector<int>.Count;
        Flush(ov, p0, weight, ref s0);
        Flush(ov, p0 + lanes, weight, ref s1);
        Flush(ov, p0 + (2 * lanes), weight, ref s2);
        Flush(ov, p0 + (3 * lanes), weight, ref s3);
    }

    private static void Flush(Span<long> ov, int p0, long weight, ref Vector<int> s)
    {
        for (var p = 0; p < Vector<int>.Count; p++)
        {
            ov[p0 + p] += weight * s[p];
        }

        s = Vector<int>.Zero;
    }

    /// <summary>The exact change of F if rows a and b swap PEs; a's features are marked with <paramref name="stamp"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long ExactDelta(int a, int b, ReadOnlySpan<long> ovA, int[] colMark, int[] blockMark, int[] blockMarkCount, int stamp)
    {
        int pa = _peOf[a];
        int pb = _peOf[b];
        var colP = _colWorkByPe.AsSpan(pa * _cols, _cols);
        var colQ = _colWorkByPe.AsSpan(pb * _cols, _cols);
        long sumP = 0;
        long sumQ = 0;
        long common = 0;
        foreach (int j in Columns(b))
        {
            sumP += colP[j];
            sumQ += colQ[j];
            if (colMark[j] == stamp)
            {
                common++;
            }
        }

        long ovBP = ColumnWeight * sumP;
        long ovBQ = ColumnWeight * sumQ;
        long pair = ColumnWeight * common;
        var blockP = _blockWorkByPe.AsSpan(pa * _blocks, _blocks);
        var blockQ = _blockWorkByPe.AsSpan(pb * _blocks, _blocks);
        for (int i = _blockStart[b]; i < _blockStart[b + 1]; i++)
        {
            int f = _blockId[i];
            long count = _blockCount[i];
            ovBP += count * blockP[f];
            ovBQ += count * blockQ[f];
            if (blockMark[f] == stamp)
            {
                pair += count * blockMarkCount[f];
            }
        }

        long nb = _nonZeros[b];
        ovBP += nb * _total[pa];
        ovBQ += nb * _total[pb];
        pair += _nonZeros[a] * nb;
        return 2 * ((ovA[pb] - ovA[pa]) + (ovBP - ovBQ) + _self[a] + _self[b] - (2 * pair));
    }
}
