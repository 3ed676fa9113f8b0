using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HwGen.Compression;

namespace HwGen.Tests.Compression;

public class FixedPointTests
{
    [Theory]
    [InlineData(2.5, 3)]
    [InlineData(-2.5, -3)]
    [InlineData(2.4999, 2)]
    [InlineData(-0.5, -1)]
    [InlineData(0.5, 1)]
    public void Rounds_half_away_from_zero(double value, double expected) =>
        FixedPoint.RoundHalfAwayFromZero(value).ShouldBe(expected);

    [Theory]
    [InlineData(1.0, 4, 8, 16)]
    [InlineData(7.96875, 4, 8, 127)]       // 127.5 rounds to 128, saturates to 127
    [InlineData(-8.0, 4, 8, -128)]
    [InlineData(-9.0, 4, 8, -128)]
    [InlineData(double.PositiveInfinity, 0, 16, 32767)]
    [InlineData(double.NegativeInfinity, 0, 16, -32768)]
    [InlineData(0.03125, 4, 8, 1)]         // 0.5 rounds away from zero
    [InlineData(-0.03125, 4, 8, -1)]
    public void Quantizes_with_rounding_and_saturation(double value, int frac, int bits, long expected) =>
        FixedPoint.Quantize(value, frac, bits).ShouldBe(expected);

    [Fact]
    public void Quantizing_nan_is_rejected() =>
        Should.Throw<ArgumentException>(() => FixedPoint.Quantize(double.NaN, 4, 8));

    [Theory]
    [InlineData(new[] { 0.0, 0.9, -0.5 }, 8, 7)]     // 0.9 × 128 = 115 fits; × 256 would not
    [InlineData(new[] { 0.0, 1.0 }, 8, 6)]           // 1.0 × 128 = 128 > 127
    [InlineData(new[] { 0.0, -1.0 }, 8, 7)]          // −1.0 × 128 = −128 fits
    [InlineData(new[] { 0.0, 0.5, -1.0 }, 8, 7)]
    [InlineData(new[] { 0.0, 127.0 }, 8, 0)]
    [InlineData(new[] { 0.0, 300.0 }, 8, 0)]         // does not fit even at Fw = 0: saturates there
    [InlineData(new[] { 0.0, 0.0, 0.0 }, 8, 0)]      // all-zero codebook
    [InlineData(new[] { 0.0, 1e-30 }, 8, 16)]        // tiny codebook: clamped to 2W
    public void Chooses_the_largest_weight_frac_that_represents_the_largest_centroid(double[] codebook, int bits, int expected) =>
        FixedPoint.ChooseWeightFrac(codebook, bits).ShouldBe(expected);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    [InlineData(32767, 16)]
    [InlineData(32768, 17)]
    public void Signed_width_holds_plus_and_minus_the_magnitude(long magnitude, int bits) =>
        FixedPoint.SignedBitsFor(magnitude).ShouldBe(bits);

    [Fact]
    public void The_worst_case_accumulator_is_bias_plus_sum_of_abs_codes_times_max_activation_plus_rounding()
    {
        // 2 rows × 3 cols; codebook (fixed) 0, 3, −5; A = 8 → max |a| = 128; Fw = 2 → rounding 2.
        byte[] codes = [1, 2, 0, 2, 2, 2];
        long[] codebook = [0, 3, -5];
        long[] bias = [-1000, 7];

        var worst = FixedPoint.WorstCaseAccumulator(codes, 2, 3, codebook, bias, activationBits: 8, weightFrac: 2);

        worst.ShouldBe((Int128)Math.Max(1000 + (8 * 128) + 2, 7 + (15 * 128) + 2));
    }

    [Property(Arbitrary = [typeof(FracCases)], MaxTest = 500)]
    public void The_chosen_weight_frac_never_overflows_and_is_the_largest_that_does_not(FracCase c)
    {
        var random = new Random(c.Seed);
        double[] codebook = [0.0, .. Enumerable.Range(0, c.Entries).Select(_ => (random.NextDouble() - 0.5) * Math.ScaleB(1, c.Exponent))];

        int frac = FixedPoint.ChooseWeightFrac(codebook, c.Bits);

        frac.ShouldBeInRange(0, 2 * c.Bits, c.ToString());
        if (FixedPoint.FitsWithoutSaturation(codebook, 0, c.Bits))
        {
            FixedPoint.FitsWithoutSaturation(codebook, frac, c.Bits).ShouldBeTrue(c.ToString());
            if (frac < 2 * c.Bits)
            {
                FixedPoint.FitsWithoutSaturation(codebook, frac + 1, c.Bits).ShouldBeFalse(c.ToString());
            }

            double max = codebook.MaxBy(Math.Abs);
            double represented = FixedPoint.Quantize(max, frac, c.Bits) / Math.ScaleB(1, frac);
            Math.Abs(represented - max).ShouldBeLessThanOrEqualTo(Math.ScaleB(1, -frac - 1), c.ToString());
        }
        else
        {
            frac.ShouldBe(0, c.ToString());
        }
    }

    /// <summary>A random codebook of magnitude about 2^Exponent: printed by FsCheck when a property fails.</summary>
    public sealed record FracCase(int Seed, int Bits, int Entries, int Exponent);

    /// <summary>The random cases of one property; FsCheck prints the failing case and the seed to replay it.</summary>
    public static class FracCases
    {
        public static Arbitrary<FracCase> Cases() =>
            (from seed in Gen.Choose(0, int.MaxValue)
             from bits in Gen.Choose(2, 24)
             from entries in Gen.Choose(1, 16)
             from exponent in Gen.Choose(-40, 40)
             select new FracCase(seed, bits, entries, exponent)).ToArbitrary();
    }
}
