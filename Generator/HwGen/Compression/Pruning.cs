namespace HwGen.Compression;

/// <summary>
/// Magnitude pruning (DESIGN §3): keep the <c>round(density × count)</c> largest-magnitude weights,
/// ties broken by lower flat (row-major) index.
/// </summary>
/// <remarks>
/// Exact zeros (including −0.0) are never kept: a zero is already pruned, and keeping it would
/// store an entry whose code stands for a non-zero shared weight. When fewer non-zeros exist than
/// the requested count, all of them are kept and the layer ends up sparser than asked.
/// <para>
/// The k-th largest magnitude is found by a radix select on the IEEE-754 bit patterns of |w|
/// (which order like the magnitudes themselves): four passes of 16 bits over the weights, no
/// copy and no sort, O(n) for any layer size.
/// </para>
/// </remarks>
public static class Pruning
{
    /// <summary>The number of weights to keep: <c>round(density × count)</c>, halves away from zero.</summary>
    public static long KeepCount(double density, long count) =>
        (long)Math.Round(density * count, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Plain magnitude pruning of a Rows × Cols row-major matrix: the flat indices of the kept
    /// weights, ascending.
    /// </summary>
    public static int[] Magnitude(ReadOnlySpan<double> weights, double density)
    {
        long keep = KeepCount(density, weights.Length);
        var kept = new List<int>(checked((int)Math.Min(keep, weights.Length)));
        SelectLargest(weights, [0], weights.Length, keep, kept);
        return [.. kept];
    }

    /// <summary>
    /// Load-balance-aware pruning (ESE): the sub-matrix of each PE — the rows the placement gives
    /// it: under interleaving the rows i with i mod N = pe, in an LSTM layer the gate rows of its
    /// hidden units (<see cref="RowAssignment.LstmUnits"/>) — is pruned to <paramref name="density"/>
    /// on its own, so every PE keeps <c>round(density × its rows × cols)</c> weights. Returns the
    /// kept flat indices, ascending. Pruning comes before row assignment: with balanced assignment,
    /// which is chosen afterwards from the pruned weights, a PE's final rows need not be the ones
    /// pruned together here.
    /// </summary>
    /// <param name="weights">Rows × Cols row-major.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="density">Fraction to keep, 0..1.</param>
    /// <param name="pes">N.</param>
    /// <param name="hwRowToRow">
    /// The placement: hardware row h (on PE h mod N) → original row or −1 for padding; null for
    /// interleaving (the identity).
    /// </param>
    public static int[] LoadBalanced(ReadOnlySpan<double> weights, int rows, int cols, double density, int pes, int[]? hwRowToRow = null)
    {
        if ((long)rows * cols != weights.Length)
        {
            throw new ArgumentException($"{weights.Length} weights are not {rows} × {cols}", nameof(weights));
        }

        hwRowToRow ??= RowAssignment.Interleaved(rows);
        CscEncoder.Inverse(hwRowToRow, rows);
        var peRows = new List<int>[pes];
        for (var pe = 0; pe < pes; pe++)
        {
            peRows[pe] = [];
        }

        for (var h = 0; h < hwRowToRow.Length; h++)
        {
            if (hwRowToRow[h] >= 0)
            {
                peRows[h % pes].Add(hwRowToRow[h]);
            }
        }

        var kept = new List<int>();
        for (var pe = 0; pe < pes; pe++)
        {
            int[] own = [.. peRows[pe]];
            Array.Sort(own);
            long keep = KeepCount(density, (long)own.Length * cols);
            SelectLargest(weights, own, cols, keep, kept);
        }

        int[] result = [.. kept];
        Array.Sort(result);
        return result;
    }

    /// <summary>
    /// Keeps the <paramref name="keep"/> largest-magnitude non-zero weights of a set of rows
    /// (<paramref name="rowSet"/>, ascending, of <paramref name="cols"/> weights each), ties by lower
    /// flat index; appends their flat indices in ascending order to <paramref name="kept"/>.
    /// </summary>
    private static void SelectLargest(ReadOnlySpan<double> weights, int[] rowSet, int cols, long keep, List<int> kept)
    {
        if (keep <= 0 || rowSet.Length == 0 || cols <= 0)
        {
            return;
        }

        ulong threshold = KthLargestMagnitudeBits(weights, rowSet, cols, keep, out long aboveThreshold);

        // Everything strictly above the threshold is kept; of the weights exactly at it, the
        // lowest-index ones fill the remaining places. A zero threshold keeps no zeros.
        long tiesToKeep = threshold == 0 ? 0 : keep - aboveThreshold;
        foreach (int r in rowSet)
        {
            int rowStart = r * cols;
            var row = weights.Slice(rowStart, cols);
            for (var c = 0; c < row.Length; c++)
            {
                ulong bits = MagnitudeBits(row[c]);
                if (bits > threshold || (bits == threshold && tiesToKeep-- > 0))
                {
                    kept.Add(rowStart + c);
                }
            }
        }
    }

    /// <summary>
    /// The bit pattern of the <paramref name="k"/>-th largest |w| of the row set (1-based), and how
    /// many magnitudes are strictly larger. Radix select: 16 bits of the pattern per pass, most
    /// significant first, each pass counting only the weights that match the prefix found so far.
    /// </summary>
    private static ulong KthLargestMagnitudeBits(ReadOnlySpan<double> weights, int[] rowSet, int cols, long k, out long above)
    {
        long available = (long)rowSet.Length * cols;
        if (k > available)
        {
            k = available;
        }

        var histogram = new long[1 << 16];
        ulong prefix = 0;
        above = 0;
        for (var shift = 48; shift >= 0; shift -= 16)
        {
            Array.Clear(histogram);
            int prefixShift = shift + 16;
            foreach (int r in rowSet)
            {
                var row = weights.Slice(r * cols, cols);
                foreach (double w in row)
                {
                    ulong bits = MagnitudeBits(w);
                    if (prefixShift == 64 || (bits >> prefixShift) == prefix)
                    {
                        histogram[(int)((bits >> shift) & 0xFFFF)]++;
                    }
                }
            }

            // Walk the buckets from the largest magnitude down until the k-th is reached.
            int bucket = histogram.Length - 1;
            while (above + histogram[bucket] < k)
            {
                above += histogram[bucket];
                bucket--;
            }

            prefix = (prefix << 16) | (uint)bucket;
        }

        return prefix;
    }

    /// <summary>|w| as its IEEE-754 bit pattern: ordered like the magnitudes (−0.0 and 0.0 give 0).</summary>
    private static ulong MagnitudeBits(double w) => BitConverter.DoubleToUInt64Bits(w) & 0x7FFF_FFFF_FFFF_FFFFUL;
}
