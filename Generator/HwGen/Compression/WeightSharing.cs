namespace HwGen.Compression;

/// <summary>A layer's weights after sharing: a code per weight and the codebook the codes index.</summary>
/// <param name="Codes">Rows × Cols row-major; 0 = pruned.</param>
/// <param name="Codebook">Length 2^b; entry 0 is 0.0, entries 1.. are the centroids in ascending order.</param>
/// <param name="Iterations">k-means iterations run (0 for a precompressed layer).</param>
/// <param name="Converged">Whether k-means settled within its bound (true for a precompressed layer).</param>
public sealed record SharedWeights(byte[] Codes, double[] Codebook, int Iterations, bool Converged);

/// <summary>Weight sharing (DESIGN §3): from kept weights to codes and a codebook.</summary>
public static class WeightSharing
{
    /// <summary>
    /// Clusters the kept weights of a layer with <c>2^b − 1</c> centroids (<see cref="KMeans"/>) and
    /// codes each kept weight by its nearest centroid: code <c>1 + cluster</c>, so codes follow the
    /// centroids' ascending order. Code 0 is reserved for 0.0 (pruned weights and padding).
    /// </summary>
    /// <param name="weights">Dense Rows × Cols row-major.</param>
    /// <param name="kept">Flat indices of the weights that survive pruning, ascending.</param>
    /// <param name="codebookBits">b, 1..8.</param>
    /// <param name="maxIterations">k-means iteration bound.</param>
    public static SharedWeights Share(ReadOnlySpan<double> weights, ReadOnlySpan<int> kept, int codebookBits, int maxIterations)
    {
        CheckCodebookBits(codebookBits);
        var values = new double[kept.Length];
        for (var k = 0; k < kept.Length; k++)
        {
            values[k] = weights[kept[k]];
        }

        var result = KMeans.Cluster(values, (1 << codebookBits) - 1, maxIterations);
        var codes = new byte[weights.Length];
        for (var k = 0; k < kept.Length; k++)
        {
            codes[kept[k]] = (byte)(1 + result.Assign(values[k]));
        }

        var codebook = new double[1 << codebookBits];
        result.Centroids.CopyTo(codebook, 1);
        return new SharedWeights(codes, codebook, result.Iterations, result.Converged);
    }

    /// <summary>
    /// A precompressed layer's codebook padded with zeros to 2^b entries (codes and values kept as
    /// given: no pruning, no k-means).
    /// </summary>
    public static double[] PadCodebook(ReadOnlySpan<double> codebook, int codebookBits)
    {
        CheckCodebookBits(codebookBits);
        if (codebook.Length > 1 << codebookBits)
        {
            throw new ArgumentException($"a codebook of {codebook.Length} entries does not fit {codebookBits} code bits", nameof(codebook));
        }

        var padded = new double[1 << codebookBits];
        codebook.CopyTo(padded);
        return padded;
    }

    private static void CheckCodebookBits(int codebookBits)
    {
        if (codebookBits is < 1 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(codebookBits), codebookBits, "codebook bits must be 1..8");
        }
    }
}
