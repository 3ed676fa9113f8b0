namespace HwGen.Compression;

/// <summary>The outcome of 1-D k-means: sorted centroids and how many iterations ran.</summary>
/// <param name="Centroids">Ascending (ties possible when clusters are empty).</param>
/// <param name="Iterations">Update steps performed (≤ the bound).</param>
/// <param name="Converged">True when the assignment stopped changing within the bound.</param>
public sealed record KMeansResult(double[] Centroids, int Iterations, bool Converged)
{
    /// <summary>See <see cref="KMeans.UpperBoundaries"/>.</summary>
    public double[] UpperBoundaries { get; } = KMeans.UpperBoundaries(Centroids);

    /// <summary>
    /// The cluster of <paramref name="value"/>: its nearest centroid, the lower one when it is
    /// exactly halfway between two, the lowest index among equal centroids.
    /// </summary>
    public int Assign(double value) => KMeans.Assign(UpperBoundaries, value);
}

/// <summary>
/// Weight sharing (DESIGN §3): 1-D k-means over a layer's surviving weights with linear
/// initialisation over [min, max] (Deep Compression found it best).
/// </summary>
/// <remarks>
/// In one dimension, with centroids kept sorted, each cluster is a contiguous run of the sorted
/// values and the boundary between clusters i and i+1 is their midpoint. So the values are sorted
/// once (with compensated prefix sums); each iteration finds the boundaries by binary search and
/// recomputes each centroid as the mean of its run: O(k log m) per iteration after an
/// O(m log m) start. An empty cluster keeps its centroid. The loop stops when the boundaries
/// (hence the assignment) no longer change, or after the iteration bound.
/// </remarks>
public static class KMeans
{
    /// <summary>Clusters <paramref name="values"/> into <paramref name="clusters"/> groups.</summary>
    public static KMeansResult Cluster(ReadOnlySpan<double> values, int clusters, int maxIterations)
    {
        if (clusters < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(clusters), "at least one cluster");
        }

        var centroids = new double[clusters];
        if (values.IsEmpty)
        {
            return new KMeansResult(centroids, 0, true);
        }

        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        var sums = new PrefixSums(sorted);
        double min = sorted[0];
        double max = sorted[^1];
        for (var i = 0; i < clusters; i++)
        {
            centroids[i] = clusters == 1 ? min + ((max - min) / 2) : min + ((max - min) * i / (clusters - 1));
        }

        var ends = new int[clusters];
        var previousEnds = new int[clusters];
        Boundaries(sorted, centroids, previousEnds);
        var iterations = 0;
        var converged = false;
        while (iterations < maxIterations)
        {
            // Update: every non-empty cluster moves to the mean of its run.
            var start = 0;
            for (var i = 0; i < clusters; i++)
            {
                int end = previousEnds[i];
                if (end > start)
                {
                    centroids[i] = sums.Sum(start, end) / (end - start);
                }

                start = end;
            }

            // Means of contiguous sorted runs stay in order, except for the last-bit rounding of a
            // mean; sorting keeps the invariant the assignment relies on.
            Array.Sort(centroids);
            iterations++;

            Boundaries(sorted, centroids, ends);
            if (ends.AsSpan().SequenceEqual(previousEnds))
            {
                converged = true;
                break;
            }

            (ends, previousEnds) = (previousEnds, ends);
        }

        return new KMeansResult(centroids, iterations, converged);
    }

    /// <summary>
    /// The largest value each cluster takes: the midpoint <c>c[i] + (c[i+1] − c[i]) / 2</c> to the
    /// next strictly larger centroid, +∞ for the last. A value exactly at a midpoint is equidistant
    /// and goes to the lower centroid. Equal centroids share one boundary, so the lowest index of a
    /// run of equal centroids takes all their values and the others stay empty. Non-decreasing.
    /// </summary>
    /// <param name="centroids">Ascending.</param>
    public static double[] UpperBoundaries(ReadOnlySpan<double> centroids)
    {
        var upper = new double[centroids.Length];
        for (int i = centroids.Length - 1; i >= 0; i--)
        {
            if (i == centroids.Length - 1)
            {
                upper[i] = double.PositiveInfinity;
            }
            else if (centroids[i + 1] == centroids[i])
            {
                upper[i] = upper[i + 1];
            }
            else
            {
                upper[i] = centroids[i] + ((centroids[i + 1] - centroids[i]) / 2);
            }
        }

        return upper;
    }

    /// <summary>The cluster of <paramref name="value"/>: the first whose upper boundary is ≥ it.</summary>
    /// <param name="upperBoundaries">From <see cref="UpperBoundaries"/>.</param>
    /// <param name="value">The value to assign.</param>
    public static int Assign(ReadOnlySpan<double> upperBoundaries, double value)
    {
        int lo = 0;
        int hi = upperBoundaries.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (value <= upperBoundaries[mid])
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>For each cluster, the end (exclusive) of its run in the ascending <paramref name="sorted"/> values.</summary>
    private static void Boundaries(double[] sorted, double[] centroids, int[] ends)
    {
        double[] upper = UpperBoundaries(centroids);
        for (var i = 0; i < centroids.Length; i++)
        {
            ends[i] = UpperBound(sorted, upper[i]);
        }
    }

    /// <summary>The number of elements of <paramref name="sorted"/> that are ≤ <paramref name="x"/>.</summary>
    private static int UpperBound(double[] sorted, double x)
    {
        int lo = 0;
        int hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (sorted[mid] <= x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// Running sums of the sorted values with Neumaier's compensation, so the sum of any run is
    /// two subtractions, accurate to about the last bit of the run's own sum.
    /// </summary>
    private sealed class PrefixSums
    {
        private readonly double[] _high;
        private readonly double[] _low;

        public PrefixSums(double[] values)
        {
            _high = new double[values.Length + 1];
            _low = new double[values.Length + 1];
            double sum = 0;
            double compensation = 0;
            for (var i = 0; i < values.Length; i++)
            {
                double v = values[i];
                double t = sum + v;
                compensation += Math.Abs(sum) >= Math.Abs(v) ? (sum - t) + v : (v - t) + sum;
                sum = t;
                _high[i + 1] = sum;
                _low[i + 1] = compensation;
            }
        }

        /// <summary>Σ values[start..end).</summary>
        public double Sum(int start, int end) => (_high[end] - _high[start]) + (_low[end] - _low[start]);
    }
}
