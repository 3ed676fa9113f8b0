using HwGen.Data;

namespace HwGen.Compression;

/// <summary>
/// The element-wise unit of an LSTM layer in fixed point (docs/microarchitecture.md, "LSTM
/// layers"): the contract the golden model, the fast evaluator and the RTL share. Its inputs are
/// the four gate pre-activations of one hidden unit as the output stage gives them,
/// <c>s = sat_A((acc + 2^(Fw−1)) >>> Fw)</c> (A bits, Fa fractional bits); the cell state has Fa
/// fractional bits and <see cref="CellBits"/> bits.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>i = σ(s_i), f = σ(s_f), o = σ(s_o), g = tanh(s_g): <see cref="FixedActivation"/>, the MLP's functions;</item>
/// <item>c_t = (f · c_(t−1) + i · g + 2^(Fa−1)) >>> Fa — exact products and sum, round half up,
/// arithmetic shift (no rounding term when Fa = 0); no saturation: <see cref="CellBits"/> holds it;</item>
/// <item>h_t = sat_A((o · tanh(sat_A(c_t)) + 2^(Fa−1)) >>> Fa).</item>
/// </list>
/// </remarks>
public static class FixedLstm
{
    /// <summary>
    /// Bits of the cell state after <paramref name="steps"/> steps: since |i|, |f|, |g| ≤ 2^Fa,
    /// |c_t| ≤ |c_(t−1)| + 2^Fa, so |c_T| ≤ T · 2^Fa; a signed number holding that.
    /// </summary>
    public static int CellBits(int steps, int activationFrac) => FixedPoint.SignedBitsFor((Int128)steps << activationFrac);

    /// <summary>
    /// Bits of the cell update's sum before the shift, <c>f · c_(t−1) + i · g + 2^(Fa−1)</c>:
    /// at most 2^Fa · (T − 1) · 2^Fa + 2^(2Fa) + 2^(Fa−1) = T · 2^(2Fa) + 2^(Fa−1) in magnitude.
    /// </summary>
    public static int CellSumBits(int steps, int activationFrac) =>
        FixedPoint.SignedBitsFor(((Int128)steps << (2 * activationFrac)) + (activationFrac > 0 ? Int128.One << (activationFrac - 1) : 0));

    /// <summary>
    /// One hidden unit's step: from the gate pre-activations (output-stage values) and the previous
    /// cell state, the new cell state and hidden state.
    /// </summary>
    public static (long Cell, long Hidden) Step(long si, long sf, long sg, long so, long cell, int activationBits, int activationFrac)
    {
        long i = FixedActivation.Apply(ActivationKind.Sigmoid, si, activationBits, activationFrac);
        long f = FixedActivation.Apply(ActivationKind.Sigmoid, sf, activationBits, activationFrac);
        long g = FixedActivation.Apply(ActivationKind.Tanh, sg, activationBits, activationFrac);
        long o = FixedActivation.Apply(ActivationKind.Sigmoid, so, activationBits, activationFrac);
        long rounding = activationFrac > 0 ? 1L << (activationFrac - 1) : 0;
        long c = ((f * cell) + (i * g) + rounding) >> activationFrac;
        long t = FixedActivation.Apply(ActivationKind.Tanh, FixedPoint.Saturate(c, activationBits), activationBits, activationFrac);
        long h = FixedPoint.Saturate(((o * t) + rounding) >> activationFrac, activationBits);
        return (c, h);
    }
}
