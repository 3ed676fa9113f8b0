using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HwGen.Compression;

namespace HwGen.Tests.Compression;

public class PruningTests
{
    [Fact]
    public void Keeps_the_largest_magnitudes_whatever_their_sign()
    {
        double[] weights = [0.1, -0.9, 0.5, -0.2, 0.8, 0.3];

        Pruning.Magnitude(weights, density: 0.5).ShouldBe([1, 2, 4]);
    }

    [Fact]
    public void Ties_at_the_threshold_go_to_the_lower_flat_index()
    {
        double[] weights = [0.5, -0.5, 0.9, 0.5, -0.5, 0.1];

        Pruning.Magnitude(weights, density: 0.5).ShouldBe([0, 1, 2]);
    }

    [Fact]
    public void Exact_zeros_are_never_kept_even_when_the_density_asks_for_more()
    {
        double[] weights = [0.0, 0.3, -0.0, 0.0, -0.7, 0.0];

        Pruning.Magnitude(weights, density: 1.0).ShouldBe([1, 4]);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.25, 3)] // 2.5 rounds half away from zero
    [InlineData(0.24, 2)]
    [InlineData(1.0, 10)]
    public void The_kept_count_is_density_times_size_rounded_half_away_from_zero(double density, int expected)
    {
        Pruning.KeepCount(density, 10).ShouldBe(expected);
        Pruning.Magnitude(Enumerable.Range(1, 10).Select(i => (double)i).ToArray(), density).Length.ShouldBe(expected);
    }

    [Fact]
    public void Load_balanced_pruning_keeps_the_same_density_in_every_pes_rows()
    {
        // 4 rows × 3 cols on 2 PEs; PE0 owns rows 0 and 2, PE1 rows 1 and 3. Row 0 and row 2 hold
        // all the large weights, so plain pruning would keep nothing of PE1.
        double[] weights =
        [
            9, 8, 7,
            0.1, 0.2, 0.3,
            6, 5, 4,
            0.4, 0.5, 0.6,
        ];

        Pruning.Magnitude(weights, 0.5).ShouldBe([0, 1, 2, 6, 7, 8]);
        Pruning.LoadBalanced(weights, rows: 4, cols: 3, density: 0.5, pes: 2).ShouldBe([0, 1, 2, 9, 10, 11]);
    }

    [Property(Arbitrary = [typeof(MagnitudeCases)], MaxTest = 300)]
    public void Magnitude_pruning_matches_a_naive_sort_on_random_matrices_with_ties_and_zeros(PruneCase c)
    {
        double[] weights = c.Weights();

        int[] kept = Pruning.Magnitude(weights, c.Density);

        kept.ShouldBe(NaiveKeep(weights, Enumerable.Range(0, weights.Length), Pruning.KeepCount(c.Density, weights.Length)), c.ToString());
        long nonZeros = weights.Count(w => w != 0);
        kept.Length.ShouldBe((int)Math.Min(Pruning.KeepCount(c.Density, weights.Length), nonZeros), c.ToString());
    }

    [Property(Arbitrary = [typeof(BalancedCases)], MaxTest = 300)]
    public void Load_balanced_pruning_matches_a_naive_sort_of_each_pes_rows(PruneCase c)
    {
        double[] weights = c.Weights();

        int[] kept = Pruning.LoadBalanced(weights, c.Rows, c.Cols, c.Density, c.Pes);

        var expected = new List<int>();
        for (var pe = 0; pe < c.Pes; pe++)
        {
            var indices = Enumerable.Range(0, weights.Length).Where(i => i / c.Cols % c.Pes == pe).ToList();
            expected.AddRange(NaiveKeep(weights, indices, Pruning.KeepCount(c.Density, indices.Count)));
        }

        kept.ShouldBe(expected.Order().ToArray(), c.ToString());
    }

    /// <summary>A random matrix whose values come from a few levels (so ties and zeros are common).</summary>
    public sealed record PruneCase(int Seed, int Rows, int Cols, int Pes, int Levels, double Density)
    {
        public double[] Weights()
        {
            var random = new Random(Seed);
            return Enumerable.Range(0, Rows * Cols).Select(_ => (random.Next(Levels) - (Levels / 2)) * 0.125).ToArray();
        }
    }

    /// <summary>The k largest |w| among <paramref name="indices"/>, by a full sort: (−|w|, index), zeros excluded.</summary>
    private static int[] NaiveKeep(double[] weights, IEnumerable<int> indices, long k) =>
        indices.Where(i => weights[i] != 0)
            .OrderByDescending(i => Math.Abs(weights[i]))
            .ThenBy(i => i)
            .Take((int)k)
            .Order()
            .ToArray();

    /// <summary>The random cases of one property; FsCheck prints the failing case and the seed to replay it.</summary>
    public static class MagnitudeCases
    {
        public static Arbitrary<PruneCase> Cases() =>
            (from seed in Gen.Choose(0, int.MaxValue)
             from size in Gen.Choose(0, 200)
             from levels in Gen.Elements(3, 10, 1000)
             from densityPercent in Gen.Choose(0, 100)
             select new PruneCase(seed, 1, size, 1, levels, densityPercent / 100.0)).ToArbitrary();
    }

    /// <summary>The random cases of one property; FsCheck prints the failing case and the seed to replay it.</summary>
    public static class BalancedCases
    {
        public static Arbitrary<PruneCase> Cases() =>
            (from seed in Gen.Choose(0, int.MaxValue)
             from rows in Gen.Choose(1, 20)
             from cols in Gen.Choose(1, 12)
             from pes in Gen.Choose(1, 6)
             from levels in Gen.Elements(3, 1000)
             from densityPercent in Gen.Choose(0, 100)
             select new PruneCase(seed, rows, cols, pes, levels, densityPercent / 100.0)).ToArbitrary();
    }
}
