using System.Numerics;

namespace HwGen.Compression;

/// <summary>
/// The fixed-point rules of DESIGN §4, in one place: quantization (round half away from zero,
/// then saturate), the choice of a codebook's fractional bits Fw, and the widths derived from them.
/// </summary>
public static class FixedPoint
{
    /// <summary>
    /// Upper bound on Fw, in multiples of W: a codebook whose largest magnitude is tiny would
    /// otherwise ask for ever more fractional bits (and ever longer output shifts).
    /// Fw ≤ 2W keeps the shift below 2W while still giving such codebooks W significant bits
    /// down to magnitudes of 2^−W.
    /// </summary>
    public const int MaxWeightFracPerWeightBit = 2;

    /// <summary>The widest accumulator HwGen builds: the golden model computes in <c>long</c> exactly.</summary>
    public const int MaxAccumulatorBits = 62;

    /// <summary>
    /// Rounds to the nearest integer, halves away from zero (2.5 → 3, −2.5 → −3).
    /// </summary>
    public static double RoundHalfAwayFromZero(double value) => Math.Round(value, MidpointRounding.AwayFromZero);

    /// <summary>Largest value of a signed two's complement number of <paramref name="bits"/> bits.</summary>
    public static long SignedMax(int bits) => (1L << (bits - 1)) - 1;

    /// <summary>Smallest value of a signed two's complement number of <paramref name="bits"/> bits.</summary>
    public static long SignedMin(int bits) => -(1L << (bits - 1));

    /// <summary>Clamps <paramref name="value"/> to the signed range of <paramref name="bits"/> bits.</summary>
    public static long Saturate(long value, int bits) => Math.Clamp(value, SignedMin(bits), SignedMax(bits));

    /// <summary>
    /// <c>value × 2^frac</c>, rounded half away from zero and saturated to signed
    /// <paramref name="bits"/> bits (2 ≤ bits ≤ 63). ±∞ saturate; NaN is rejected.
    /// </summary>
    public static long Quantize(double value, int frac, int bits)
    {
        if (double.IsNaN(value))
        {
            throw new ArgumentException("cannot quantize NaN", nameof(value));
        }

        double scaled = RoundHalfAwayFromZero(Math.ScaleB(value, frac));
        if (scaled >= SignedMax(bits))
        {
            return SignedMax(bits);
        }

        if (scaled <= SignedMin(bits))
        {
            return SignedMin(bits);
        }

        return (long)scaled;
    }

    /// <summary>
    /// Fw for a codebook (DESIGN §4): the largest number of fractional bits at which every entry,
    /// in particular the largest-magnitude one, quantizes into signed <paramref name="weightBits"/>
    /// bits without saturating. Edge cases, chosen so the output shift stays well defined:
    /// <list type="bullet">
    /// <item>an all-zero codebook (a layer with no surviving weights) gets Fw = 0, so its biases are
    /// kept at the activations' own scale and pass through exactly;</item>
    /// <item>Fw is at most <see cref="MaxWeightFracPerWeightBit"/> × W (tiny codebooks);</item>
    /// <item>Fw is at least 0: a codebook whose largest magnitude does not fit even at Fw = 0
    /// (|c| &gt; 2^(W−1) − ½) saturates there, which the accuracy report shows.</item>
    /// </list>
    /// </summary>
    public static int ChooseWeightFrac(ReadOnlySpan<double> codebook, int weightBits)
    {
        double maxAbs = 0;
        foreach (double c in codebook)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(c));
        }

        if (maxAbs == 0)
        {
            return 0;
        }

        for (int frac = MaxWeightFracPerWeightBit * weightBits; frac > 0; frac--)
        {
            if (FitsWithoutSaturation(codebook, frac, weightBits))
            {
                return frac;
            }
        }

        return 0;
    }

    /// <summary>True when every entry of <paramref name="values"/> quantizes at <paramref name="frac"/> without saturating.</summary>
    public static bool FitsWithoutSaturation(ReadOnlySpan<double> values, int frac, int bits)
    {
        foreach (double v in values)
        {
            double scaled = RoundHalfAwayFromZero(Math.ScaleB(v, frac));
            if (scaled > SignedMax(bits) || scaled < SignedMin(bits))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Bits of a signed two's complement number that holds every value in [−magnitude, magnitude]:
    /// 1 for 0, 2 for 1, 3 for 2..3, and so on.
    /// </summary>
    public static int SignedBitsFor(Int128 magnitude)
    {
        if (magnitude < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(magnitude), "magnitude must be non-negative");
        }

        return magnitude == 0 ? 1 : 128 - (int)Int128.LeadingZeroCount(magnitude) + 1;
    }

    /// <summary>Bits of an unsigned number that holds <paramref name="value"/> (at least 1).</summary>
    public static int UnsignedBitsFor(long value) => value <= 0 ? 1 : 64 - BitOperations.LeadingZeroCount((ulong)value);

    /// <summary>
    /// <see cref="WorstCaseAccumulator(ReadOnlySpan{byte}, int, int, ReadOnlySpan{long}, ReadOnlySpan{long}, int, int)"/>
    /// for linear weights: the same bound with each weight's own value (Rows × Cols, 0 where pruned)
    /// in place of its codebook value.
    /// </summary>
    public static Int128 WorstCaseAccumulator(
        ReadOnlySpan<long> weights, int rows, int cols, ReadOnlySpan<long> biasFixed, int activationBits, int weightFrac)
    {
        Int128 maxActivation = Int128.One << (activationBits - 1);
        Int128 rounding = weightFrac > 0 ? Int128.One << (weightFrac - 1) : Int128.Zero;
        Int128 worst = 0;
        for (var i = 0; i < rows; i++)
        {
            Int128 sumAbs = 0;
            foreach (long w in weights.Slice(i * cols, cols))
            {
                sumAbs += Math.Abs(w);
            }

            worst = Int128.Max(worst, Int128.Abs(biasFixed[i]) + (sumAbs * maxActivation) + rounding);
        }

        return worst;
    }

    /// <summary>
    /// The largest magnitude a layer's accumulator reaches (DESIGN §4): for the worst row,
    /// |bias| + Σ |c| × 2^(A−1) over the row's non-zero weights (the activation of largest
    /// magnitude is −2^(A−1)), plus the output stage's rounding term 2^(Fw−1) which is added to
    /// the accumulator before the shift.
    /// </summary>
    public static Int128 WorstCaseAccumulator(
        ReadOnlySpan<byte> codes, int rows, int cols, ReadOnlySpan<long> codebookFixed, ReadOnlySpan<long> biasFixed, int activationBits, int weightFrac)
    {
        Int128 maxActivation = Int128.One << (activationBits - 1);
        Int128 rounding = weightFrac > 0 ? Int128.One << (weightFrac - 1) : Int128.Zero;
        Int128 worst = 0;
        Span<long> histogram = stackalloc long[256];
        for (var i = 0; i < rows; i++)
        {
            histogram.Clear();
            foreach (byte code in codes.Slice(i * cols, cols))
            {
                histogram[code]++;
            }

            Int128 sumAbsCodes = 0;
            for (var code = 1; code < codebookFixed.Length; code++)
            {
                sumAbsCodes += (Int128)histogram[code] * Math.Abs(codebookFixed[code]);
            }

            Int128 row = Int128.Abs(biasFixed[i]) + (sumAbsCodes * maxActivation) + rounding;
            worst = Int128.Max(worst, row);
        }

        return worst;
    }
}
