using System.Globalization;

namespace HwGen.Configuration;

/// <summary>
/// The allowed values of one numeric config key. Integer ranges are inclusive (<c>1..1024</c>);
/// real ranges are closed (<c>[0, 1]</c>) unless <see cref="MinExclusive"/> (<c>(0, 1000]</c>).
/// </summary>
/// <param name="Key">The key as docs/config.md names it; list items as <c>layers[].outputs</c>.</param>
/// <param name="Min">The least allowed value (excluded when <paramref name="MinExclusive"/>).</param>
/// <param name="Max">The greatest allowed value.</param>
/// <param name="IsInteger">Whether only integers are allowed.</param>
/// <param name="MinExclusive">Whether <paramref name="Min"/> itself is excluded.</param>
/// <param name="BoundText">Replaces the computed <see cref="Text"/> when the bound depends on another key.</param>
public sealed record ConfigRange(
    string Key,
    double Min,
    double Max,
    bool IsInteger,
    bool MinExclusive = false,
    string? BoundText = null)
{
    /// <summary>The range as messages and docs/config.md write it, e.g. <c>1..1024</c> or <c>(0, 1000]</c>.</summary>
    public string Text => BoundText ?? (IsInteger
        ? $"{Format(Min)}..{Format(Max)}"
        : $"{(MinExclusive ? "(" : "[")}{Format(Min)}, {Format(Max)}]");

    public bool Contains(double value) => (MinExclusive ? value > Min : value >= Min) && value <= Max;

    private static string Format(double value) => value.ToString("0.########", CultureInfo.InvariantCulture);
}

/// <summary>
/// The range of every numeric config key: the one table that the loader checks against and that
/// docs/config.md shows (a test keeps the two in agreement).
/// </summary>
public static class ConfigRanges
{
    public static ConfigRange Seed { get; } = new("seed", 0, int.MaxValue, IsInteger: true);

    public static ConfigRange InputSize { get; } = new("input.size", 1, 1_000_000, IsInteger: true);

    public static ConfigRange InputDensity { get; } = new("input.density", 0, 1, IsInteger: false);

    public static ConfigRange LayerOutputs { get; } = new("layers[].outputs", 1, 1_000_000, IsInteger: true);

    public static ConfigRange WeightsDensity { get; } = new("layers[].weights.density", 0, 1, IsInteger: false);

    public static ConfigRange CodebookBits { get; } = new("compression.codebook_bits", 1, 8, IsInteger: true);

    public static ConfigRange IndexBits { get; } = new("compression.index_bits", 1, 8, IsInteger: true);

    public static ConfigRange KMeansIterations { get; } = new("compression.kmeans_iterations", 1, 10_000, IsInteger: true);

    public static ConfigRange ActivationBits { get; } = new("quantization.activation_bits", 2, 24, IsInteger: true);

    /// <summary>0..activation_bits − 1; the static bound is the widest activation_bits allows.</summary>
    public static ConfigRange ActivationFrac { get; } =
        new("quantization.activation_frac", 0, 23, IsInteger: true, BoundText: "0..activation_bits-1");

    public static ConfigRange WeightBits { get; } = new("quantization.weight_bits", 2, 24, IsInteger: true);

    public static ConfigRange Pes { get; } = new("hardware.pes", 1, 1024, IsInteger: true);

    public static ConfigRange FifoDepth { get; } = new("hardware.fifo_depth", 1, 1024, IsInteger: true);

    public static ConfigRange SpmatLineEntries { get; } = new("hardware.spmat_line_entries", 1, 64, IsInteger: true);

    public static ConfigRange ClockMhz { get; } = new("hardware.clock_mhz", 0, 1000, IsInteger: false, MinExclusive: true);

    /// <summary>Every range, in the order docs/config.md lists the keys.</summary>
    public static IReadOnlyList<ConfigRange> All { get; } =
    [
        Seed, InputSize, InputDensity, LayerOutputs, WeightsDensity,
        CodebookBits, IndexBits, KMeansIterations,
        ActivationBits, ActivationFrac, WeightBits,
        Pes, FifoDepth, SpmatLineEntries, ClockMhz,
    ];
}
