using System.Text;

namespace HwGen.Data;

/// <summary>
/// A small pseudo-random generator whose every output is fixed by its seed on every platform,
/// CPU and .NET version: xoshiro256** (Blackman and Vigna) seeded through SplitMix64.
/// </summary>
/// <remarks>
/// <para>
/// Why not <see cref="System.Random"/>: the sequence it produces for a given seed is an
/// implementation detail (.NET 6 replaced its algorithm and keeps the old one only for seeded
/// instances, for compatibility, with no promise for the future), and it has no normal draw.
/// HwGen's random weights and inputs end up in memory images, expected outputs and cycle counts,
/// so the same config and seed must give the same bits everywhere.
/// </para>
/// <para>
/// The normal draw (Box–Muller) needs a logarithm, a sine and a cosine. <see cref="Math.Log(double)"/>
/// and <see cref="Math.Cos"/> come from the platform's C library and may differ in the last bit
/// between platforms, so this class computes them itself with polynomials that use only
/// +, −, ×, ÷ and <see cref="Math.Sqrt"/>, which IEEE 754 defines exactly (and .NET never contracts
/// into fused multiply-adds on its own).
/// </para>
/// </remarks>
public sealed class DeterministicRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15;
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Sqrt2 = 1.4142135623730951;
    private const double QuarterPi = 0.7853981633974483;

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double? _spareNormal;

    /// <summary>A generator whose 256-bit state is filled from <paramref name="seed"/> by SplitMix64.</summary>
    public DeterministicRandom(ulong seed)
    {
        ulong state = seed;
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>
    /// An independent stream for one purpose, e.g. <c>("weights", 2)</c> for layer 2's weights or
    /// <c>("input", 5)</c> for input vector 5. Streams for different (seed, purpose, index) are
    /// unrelated, so changing one layer never changes the random data of another.
    /// </summary>
    public static DeterministicRandom ForStream(long seed, string purpose, long index)
    {
        ulong z = Mix(unchecked((ulong)seed + Golden));
        z = Mix(z ^ Fnv1a64(purpose));
        z = Mix(unchecked(z + Golden) ^ unchecked((ulong)index));
        return new DeterministicRandom(z);
    }

    /// <summary>The next 64 random bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        ulong result = unchecked(RotateLeft(_s1 * 5, 7) * 9);
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1), a multiple of 2^−53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong bound = (ulong)maxExclusive;
        ulong threshold = unchecked(0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold)
            {
                return (int)(r % bound);
            }
        }
    }

    /// <summary>Standard normal (mean 0, standard deviation 1) by Box–Muller; draws come in pairs.</summary>
    public double NextNormal()
    {
        if (_spareNormal is { } spare)
        {
            _spareNormal = null;
            return spare;
        }

        double u1 = 1.0 - NextDouble(); // (0, 1]: the logarithm stays finite
        double u2 = NextDouble();
        double radius = Math.Sqrt(-2.0 * Log(u1));
        var (sin, cos) = SinCosTurns(u2);
        _spareNormal = radius * sin;
        return radius * cos;
    }

    /// <summary>Normal with the given mean and standard deviation.</summary>
    public double NextNormal(double mean, double standardDeviation) => mean + (standardDeviation * NextNormal());

    /// <summary>Natural logarithm of a positive finite number, from +, −, ×, ÷ only (within 2 ulp of the true value).</summary>
    internal static double Log(double x)
    {
        if (!(x > 0) || double.IsInfinity(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "logarithm of a non-positive or non-finite number");
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF);
        if (exponent == 0)
        {
            // Subnormal: scale by 2^54 into the normal range.
            bits = BitConverter.DoubleToInt64Bits(x * 18014398509481984.0);
            exponent = (int)((bits >> 52) & 0x7FF) - 54;
        }

        exponent -= 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000);
        if (m > Sqrt2)
        {
            m *= 0.5;
            exponent++;
        }

        // ln m = 2 atanh(s) = 2 (s + s³/3 + s⁵/5 + …) with s = (m − 1)/(m + 1), |s| ≤ 0.172.
        double s = (m - 1.0) / (m + 1.0);
        double s2 = s * s;
        double p = 1.0 / 25.0;
        for (var k = 11; k >= 0; k--)
        {
            p = (p * s2) + (1.0 / ((2 * k) + 1));
        }

        return (exponent * Ln2Hi) + ((2.0 * s * p) + (exponent * Ln2Lo));
    }

    /// <summary>(sin 2πu, cos 2πu) for u in [0, 1), from +, −, ×, ÷ only (within 2e−15 of the true values).</summary>
    internal static (double Sin, double Cos) SinCosTurns(double turns)
    {
        if (!(turns >= 0.0 && turns < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(turns), turns, "expected a fraction of a turn in [0, 1)");
        }

        // Eighths of a turn are exact in binary: reduce to a quadrant q and an angle of at most π/4.
        double eighths = turns * 8.0;
        int quadrant = (int)Math.Floor(eighths) >> 1;
        double g = eighths - (2 * quadrant);
        double s;
        double c;
        if (g <= 1.0)
        {
            double t = g * QuarterPi;
            s = SinPolynomial(t);
            c = CosPolynomial(t);
        }
        else
        {
            double t = (2.0 - g) * QuarterPi;
            s = CosPolynomial(t);
            c = SinPolynomial(t);
        }

        return quadrant switch
        {
            0 => (s, c),
            1 => (c, -s),
            2 => (-s, -c),
            _ => (-c, s),
        };
    }

    /// <summary>Taylor series of sin to t¹⁷ for |t| ≤ π/4, nested.</summary>
    private static double SinPolynomial(double t)
    {
        double t2 = t * t;
        double p = 1.0;
        for (var n = 17; n >= 3; n -= 2)
        {
            p = 1.0 - (t2 / (n * (n - 1)) * p);
        }

        return t * p;
    }

    /// <summary>Taylor series of cos to t¹⁸ for |t| ≤ π/4, nested.</summary>
    private static double CosPolynomial(double t)
    {
        double t2 = t * t;
        double p = 1.0;
        for (var n = 18; n >= 2; n -= 2)
        {
            p = 1.0 - (t2 / (n * (n - 1)) * p);
        }

        return p;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        state = unchecked(state + Golden);
        return Mix(state);
    }

    /// <summary>SplitMix64's output function (a bijective 64-bit mixer).</summary>
    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EB);
        return z ^ (z >> 31);
    }

    /// <summary>FNV-1a over UTF-8: a hash that, unlike <see cref="string.GetHashCode()"/>, is the same in every process.</summary>
    private static ulong Fnv1a64(string text)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 1099511628211);
        }

        return hash;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>The raw SplitMix64 sequence from a seed (exposed for tests against its reference values).</summary>
    internal static ulong[] SplitMix64Sequence(ulong seed, int count)
    {
        var result = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = SplitMix64(ref seed);
        }

        return result;
    }
}
