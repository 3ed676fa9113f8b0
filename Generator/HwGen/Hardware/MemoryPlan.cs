using HwGen.Configuration;

namespace HwGen.Hardware;

/// <summary>
/// Which RAM holds each PE's sparse-matrix and activation memory in one generated design: the
/// config's <see cref="MemoryStyle"/> with <see cref="MemoryStyle.Auto"/> resolved. The core's
/// timing is the same for every plan; only the RAM cells differ.
/// </summary>
/// <param name="Spmat">The sparse-matrix memory (never <see cref="MemoryStyle.Auto"/>).</param>
/// <param name="Act">The activation memory (never <see cref="MemoryStyle.Auto"/>).</param>
public sealed record MemoryPlan(MemoryStyle Spmat, MemoryStyle Act)
{
    /// <summary>Every memory inferred: what every design gets unless a config or a board asks otherwise.</summary>
    public static MemoryPlan Inferred { get; } = new(MemoryStyle.Inferred, MemoryStyle.Inferred);

    /// <summary>Whether any memory is an iCE40 SPRAM (the design then needs hwgen_ram_ice40_spram and the iCE40 cell models).</summary>
    public bool UsesSpram => Spmat == MemoryStyle.Ice40Spram || Act == MemoryStyle.Ice40Spram;

    /// <summary>Whether the weights cannot be in the bitstream and must be loaded through the memory-load port.</summary>
    public bool NeedsRuntimeLoad => Spmat == MemoryStyle.Ice40Spram;

    /// <summary>The plan a config asks for when no board decides: <c>auto</c> means inferred.</summary>
    public static MemoryPlan FromConfig(HardwareConfig hardware) =>
        new(WithoutAuto(hardware.SpmatMemory), WithoutAuto(hardware.ActMemory));

    /// <summary>The value of a memory-style parameter of hwgen_pe: 0 inferred, 1 iCE40 SPRAM.</summary>
    public static int RtlStyle(MemoryStyle style) => style == MemoryStyle.Ice40Spram ? 1 : 0;

    private static MemoryStyle WithoutAuto(MemoryStyle style) => style == MemoryStyle.Auto ? MemoryStyle.Inferred : style;
}
