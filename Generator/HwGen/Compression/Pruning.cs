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
        SelectLargest(weights, 0, weights.Length, 1, 1, keep, kept);
        return [.. kept];
    }

    /// <summary>
    /// Load-balance-aware pruning (ESE): the sub-matrix of each PE — under interleaving, the rows
    /// i with i mod N = pe — is pruned to <paramref name="density"/> on its own, so every PE keeps
    /// <c>round(density × its rows × cols)</c> weights. Returns the kept flat indices, ascending.
    /// Pruning comes before row assignment: with balanced assignment, which is chosen afterwards
    /// from the pruned weights, a PE's final rows need not be the ones pruned together here.
    /// </summary>
    public static int[] LoadBalanced(ReadOnlySpan<double> weights, int rows, int cols, double density, int pes)
    {
        if ((long)rows * cols != weights.Length)
        {
            throw new ArgumentException($"{weights.Length} weights are not {rows} × {cols}", nameof(weights));
        }

        var perPe = new List<int>[pes];
        long total = 0;
        for (var pe = 0; pe < pes; pe++)
        {
            int localRows = CompressedLayer.LocalRows(rows, pes, pe);
            long keep = KeepCount(density, (long)localRows * cols);
            perPe[pe] = new List<int>((int)Math.Min(keep, (long)localRows * cols));
            SelectLargest(weights, pe, cols, pes, localRows, keep, perPe[pe]);
            total += perPe[pe].Count;
        }

        // Merge the PEs' ascending lists (each is row-interleaved) into one ascending list.
        var kept = new int[total];
        var next = new int[pes];
        var k = 0;
        for (var row = 0; row < rows; row++)
        {
            int pe = row % pes;
            var list = perPe[pe];
            int end = (row + 1) * cols;
            while (next[pe] < list.Count && list[next[pe]] < end)
            {
                kept[k++] = list[next[pe]++];
            }
        }

        return kept;
    }

    /// <summary>
    /// Keeps the <paramref name="keep"/> largest-magnitude non-zero weights of a set of rows
    /// (first row <paramref name="firstRow"/>, then every <paramref name="rowStep"/>-th, <paramref name="rowCount"/>
    /// rows of <paramref name="cols"/> weights), ties by lower flat index; appends their flat
    /// indices in ascending order to <paramref name="kept"/>.
    /// </summary>
    private static void SelectLargest(ReadOnlySpan<double> weights, int firstRow, int cols, int rowStep, int rowCount, long keep, List<int> kept)
    {
        if (keep <= 0 || rowCount <= 0 || cols <= 0)
        {
            return;
        }

        ulong threshold = KthLargestMagnitudeBits(weights, firstRow, cols, rowStep, rowCount, keep, out long aboveThreshold);

        // Everything strictly above the threshold is kept; of the weights exactly at it, the
        // lowest-index ones fill the remaining places. A zero threshold keeps no zeros.
        long tiesToKeep = threshold == 0 ? 0 : keep - aboveThreshold;
        for (var r = 0; r < rowCount; r++)
        {
            int rowStart = (firstRow + (r * rowStep)) * cols;
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
    private static ulong KthLargestMagnitudeBits(
        ReadOnlySpan<double> weights, int firstRow, int cols, int rowStep, int rowCount, long k, out long above)
    {
        long available = (long)rowCount * cols;
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
            for (var r = 0; r < rowCount; r++)
            {
                var row = weights.Slice((firstRow + (r * rowStep)) * cols, cols);
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
