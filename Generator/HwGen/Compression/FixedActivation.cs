using System.Collections.Concurrent;
using System.Globalization;
using HwGen.Data;

namespace HwGen.Compression;

/// <summary>
/// The interpolation table behind fixed-point tanh and sigmoid: <c>tanh</c> sampled on
/// <c>[0, 8]</c> every <c>2^−G</c>, at <c>P = Fa + 3</c> fractional bits. The golden model computes
/// with it (<see cref="FixedActivation"/>) and the RTL (<c>Rtl/hwgen_act_fn.sv</c>) reads the same
/// numbers from <see cref="HexImage"/>, so both agree bit for bit by construction.
/// </summary>
public sealed class ActivationTable
{
    /// <summary>The table covers |x| &lt; 2^DomainBits = 8, beyond which tanh rounds to 1 at every supported P.</summary>
    public const int DomainBits = 3;

    /// <summary>Guard bits of the table beyond the activations' Fa.</summary>
    public const int GuardBits = 3;

    /// <summary>The most segments per unit of x: 2^6 = 64 (513-entry tables from Fa = 11 on).</summary>
    public const int MaxSegmentBits = 6;

    /// <summary>The largest Fa a table is built for.</summary>
    public const int MaxActivationFrac = 40;

    private readonly long[] _values;

    private ActivationTable(int activationFrac)
    {
        ActivationFrac = activationFrac;
        _values = new long[Entries + 1];
        for (var k = 0; k <= Entries; k++)
        {
            _values[k] = FixedPoint.Quantize(Math.Tanh(Math.ScaleB(k, -SegmentBits)), TableFrac, TableFrac + 2);
        }

        for (var k = 0; k < Entries; k++)
        {
            long delta = _values[k + 1] - _values[k];
            if (delta < 0 || delta >= 1L << DeltaBits)
            {
                throw new InvalidOperationException($"tanh table for Fa = {activationFrac}: step {k} is {delta}, outside {DeltaBits} bits");
            }
        }
    }

    /// <summary>Fa, the activations' fractional bits.</summary>
    public int ActivationFrac { get; }

    /// <summary>G = min(⌈Fa / 2⌉, 6): 2^G segments per unit of x, so the interpolation error (≤ 0.1 × 2^−2G) stays near 0.1 LSB.</summary>
    public int SegmentBits => Math.Min((ActivationFrac + 1) / 2, MaxSegmentBits);

    /// <summary>P = Fa + 3: the table's fractional bits.</summary>
    public int TableFrac => ActivationFrac + GuardBits;

    /// <summary>Segments (and words of the memory image): 2^(3 + G).</summary>
    public int Entries => 1 << (DomainBits + SegmentBits);

    /// <summary>Bits of a sample: values 0..2^P.</summary>
    public int ValueBits => TableFrac + 1;

    /// <summary>Bits of a step between samples: tanh' ≤ 1, so a step is at most 2^(P−G) (+1 from rounding).</summary>
    public int DeltaBits => TableFrac - SegmentBits + 1;

    /// <summary>Bits of a memory word: the step above the sample.</summary>
    public int WordBits => ValueBits + DeltaBits;

    /// <summary>t[k] = round(tanh(k · 2^−G) · 2^P), k = 0..Entries (the last one only as t[N−1] + step).</summary>
    public long Value(int k) => _values[k];

    /// <summary>t[k+1] − t[k], k = 0..Entries−1.</summary>
    public long Delta(int k) => _values[k + 1] - _values[k];

    /// <summary>Memory word k: <c>{step, sample}</c> (step in the high <see cref="DeltaBits"/> bits).</summary>
    public long Word(int k) => (Delta(k) << ValueBits) | _values[k];

    /// <summary>The <c>$readmemh</c> image: one word per line, hex, word 0 first.</summary>
    public string HexImage()
    {
        int digits = (WordBits + 3) / 4;
        var text = new System.Text.StringBuilder();
        for (var k = 0; k < Entries; k++)
        {
            text.Append(Word(k).ToString("x" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }

    private static readonly ConcurrentDictionary<int, ActivationTable> Cache = new();

    /// <summary>The table for activations with <paramref name="activationFrac"/> fractional bits.</summary>
    public static ActivationTable For(int activationFrac)
    {
        if (activationFrac is < 0 or > MaxActivationFrac)
        {
            throw new ArgumentOutOfRangeException(nameof(activationFrac), activationFrac, $"tanh and sigmoid tables exist for Fa = 0..{MaxActivationFrac}");
        }

        return Cache.GetOrAdd(activationFrac, fa => new ActivationTable(fa));
    }
}

/// <summary>
/// Activation functions in fixed point, exactly as the RTL computes them (<c>Rtl/hwgen_act_fn.sv</c>).
/// The input is the output stage's saturated value <c>s = sat_A((acc + 2^(Fw−1)) >>> Fw)</c> —
/// A bits, Fa fractional bits — and so is the result.
/// </summary>
/// <remarks>
/// <para>tanh, with u = |s| and S = Fa − G:</para>
/// <list type="number">
/// <item>k = u >> S and f = u mod 2^S; when u ≥ 2^(3+Fa) (|x| ≥ 8), k = N − 1 and f = 2^S instead
/// (the end of the last segment, t[N]);</item>
/// <item>y = t[k] + ((Δ[k] · f + 2^(S−1)) >> S) — linear interpolation at P = Fa + 3 fractional
/// bits (no rounding term when S = 0);</item>
/// <item>m = (y + 4) >> 3 (round half up to Fa bits); the result is sat_A(±m) with the sign of s.</item>
/// </list>
/// <para>
/// sigmoid uses σ(x) = (1 + tanh(x / 2)) / 2: the same steps with S = Fa + 1 − G and the end at
/// u ≥ 2^(4+Fa) (the table is read at x / 2), then z = 2^P ± y and the result is
/// sat_A((z + 8) >> 4). ReLU and the identity are exact. All arithmetic is on integers; the
/// accuracy against <see cref="Math.Tanh"/> and the logistic function is in docs/microarchitecture.md.
/// </para>
/// </remarks>
public static class FixedActivation
{
    /// <summary>The activation of a saturated output-stage value <paramref name="s"/> (A bits, Fa fractional bits).</summary>
    public static long Apply(ActivationKind kind, long s, int activationBits, int activationFrac) => kind switch
    {
        ActivationKind.None => s,
        ActivationKind.Relu => Math.Max(0, s),
        ActivationKind.Tanh => Tanh(s, activationBits, ActivationTable.For(activationFrac)),
        ActivationKind.Sigmoid => Sigmoid(s, activationBits, ActivationTable.For(activationFrac)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>tanh in fixed point (see the class remarks).</summary>
    public static long Tanh(long s, int activationBits, ActivationTable table)
    {
        long y = Interpolate(Math.Abs(s), table.ActivationFrac - table.SegmentBits, table.ActivationFrac + ActivationTable.DomainBits, table);
        long m = (y + (1L << (ActivationTable.GuardBits - 1))) >> ActivationTable.GuardBits;
        return FixedPoint.Saturate(s < 0 ? -m : m, activationBits);
    }

    /// <summary>The logistic function in fixed point (see the class remarks).</summary>
    public static long Sigmoid(long s, int activationBits, ActivationTable table)
    {
        long y = Interpolate(Math.Abs(s), table.ActivationFrac + 1 - table.SegmentBits, table.ActivationFrac + 1 + ActivationTable.DomainBits, table);
        long one = 1L << table.TableFrac;
        long z = s < 0 ? one - y : one + y;
        long m = (z + (1L << ActivationTable.GuardBits)) >> (ActivationTable.GuardBits + 1);
        return FixedPoint.Saturate(m, activationBits);
    }

    /// <summary>tanh(u · 2^−(S+G)) at P fractional bits by linear interpolation between table samples.</summary>
    private static long Interpolate(long u, int shift, int endBits, ActivationTable table)
    {
        int k;
        long f;
        if (u >= 1L << endBits)
        {
            k = table.Entries - 1;
            f = 1L << shift;
        }
        else
        {
            k = (int)(u >> shift);
            f = u & ((1L << shift) - 1);
        }

        long rounding = shift > 0 ? 1L << (shift - 1) : 0;
        return table.Value(k) + (((table.Delta(k) * f) + rounding) >> shift);
    }
}
