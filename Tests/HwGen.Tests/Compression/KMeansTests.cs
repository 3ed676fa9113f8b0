using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HwGen.Compression;
using HwGen.Configuration;

namespace HwGen.Tests.Compression;

public class KMeansTests
{
    [Fact]
    public void Linear_initialisation_spreads_the_centroids_over_min_to_max()
    {
        var result = KMeans.Cluster([0.0, 1.0, 2.0, 3.0, 4.0], clusters: 5, maxIterations: 0);

        result.Centroids.ShouldBe([0.0, 1.0, 2.0, 3.0, 4.0]);
        result.Iterations.ShouldBe(0);
    }

    [Fact]
    public void Well_separated_groups_converge_to_their_means()
    {
        double[] values = [-2.1, -2.0, -1.9, 0.9, 1.0, 1.1, 1.2, 5.0];

        var result = KMeans.Cluster(values, clusters: 3, maxIterations: 100);

        result.Converged.ShouldBeTrue();
        result.Centroids[0].ShouldBe(-2.0, 1e-12);
        result.Centroids[1].ShouldBe(1.05, 1e-12);
        result.Centroids[2].ShouldBe(5.0, 1e-12);
    }

    [Fact]
    public void A_value_exactly_halfway_goes_to_the_lower_centroid()
    {
        var result = new KMeansResult([0.0, 1.0, 3.0], 0, true);

        result.Assign(0.5).ShouldBe(0);
        result.Assign(0.5000001).ShouldBe(1);
        result.Assign(2.0).ShouldBe(1);
        result.Assign(-7).ShouldBe(0);
        result.Assign(7).ShouldBe(2);
    }

    [Fact]
    public void Equal_centroids_give_every_value_to_the_lowest_of_them()
    {
        var result = new KMeansResult([1.0, 1.0, 1.0, 2.0], 0, true);

        result.Assign(1.0).ShouldBe(0);
        result.Assign(1.4).ShouldBe(0);
        result.Assign(1.6).ShouldBe(3);
    }

    [Fact]
    public void An_empty_cluster_keeps_its_centroid()
    {
        // Linear init at 0, 5, 10; nothing lies near 5, so that cluster stays empty at 5.
        var result = KMeans.Cluster([0.0, 0.1, 9.9, 10.0], clusters: 3, maxIterations: 100);

        result.Centroids[0].ShouldBe(0.05, 1e-12);
        result.Centroids[1].ShouldBe(5.0);
        result.Centroids[2].ShouldBe(9.95, 1e-12);
    }

    [Fact]
    public void Stops_at_the_iteration_bound()
    {
        var values = Networks.Normal(new Random(3), 5000);

        var result = KMeans.Cluster(values, clusters: 15, maxIterations: 2);

        result.Iterations.ShouldBe(2);
        result.Converged.ShouldBeFalse();
    }

    [Fact]
    public void A_single_value_and_no_values_are_handled()
    {
        KMeans.Cluster([0.7], 3, 10).Centroids.ShouldBe([0.7, 0.7, 0.7]);
        KMeans.Cluster([], 3, 10).Centroids.ShouldBe([0.0, 0.0, 0.0]);
    }

    [Property(Arbitrary = [typeof(ShareCases)], MaxTest = 200)]
    public void Shared_weights_have_at_most_2_pow_b_minus_1_centroids_and_each_kept_weight_gets_its_nearest(ShareCase c)
    {
        var weights = Networks.Normal(new Random(c.Seed), c.Rows * c.Cols, 0.1);
        var layer = Networks.Float("fc", c.Rows, c.Cols, weights);
        var compression = new CompressionConfig { CodebookBits = c.CodebookBits, KMeansIterations = c.Iterations };
        var config = Networks.Config([layer], 3, compression, density: c.Density);

        var compressed = Compressor.Compress(config, Networks.Data(layer)).Layers[0];

        compressed.Codebook.Length.ShouldBe(1 << c.CodebookBits, c.ToString());
        compressed.Codebook[0].ShouldBe(0.0, c.ToString());
        compressed.Codebook.Skip(1).Count(x => x != 0).ShouldBeLessThanOrEqualTo((1 << c.CodebookBits) - 1);
        compressed.Codebook.Skip(1).ShouldBeInOrder(SortDirection.Ascending, c.ToString());
        int[] kept = Pruning.Magnitude(weights, c.Density);
        compressed.Codes.Count(x => x != 0).ShouldBe(kept.Length, c.ToString());
        foreach (int i in kept)
        {
            double own = Math.Abs(weights[i] - compressed.Codebook[compressed.Codes[i]]);
            double nearest = compressed.Codebook.Skip(1).Min(x => Math.Abs(weights[i] - x));
            own.ShouldBe(nearest, c.ToString());
        }
    }

    /// <summary>One random weight-sharing case: printed by FsCheck when a property fails.</summary>
    public sealed record ShareCase(int Seed, int Rows, int Cols, int CodebookBits, double Density, int Iterations);

    /// <summary>The random cases of one property; FsCheck prints the failing case and the seed to replay it.</summary>
    public static class ShareCases
    {
        public static Arbitrary<ShareCase> Cases() =>
            (from seed in Gen.Choose(0, int.MaxValue)
             from rows in Gen.Choose(1, 30)
             from cols in Gen.Choose(1, 30)
             from codebookBits in Gen.Choose(1, 5)
             from densityPercent in Gen.Choose(0, 100)
             from iterations in Gen.Elements(0, 1, 5, 100)
             select new ShareCase(seed, rows, cols, codebookBits, densityPercent / 100.0, iterations)).ToArbitrary();
    }
}
