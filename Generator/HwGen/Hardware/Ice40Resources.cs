namespace HwGen.Hardware;

/// <summary>
/// iCE40 resources of a design: LUT4s, flip-flops, 4-kbit block RAMs, MAC16 DSPs, 256-kbit SPRAMs
/// and carry cells, as <c>yosys synth_ice40 -dsp</c> counts its cells (<c>hwgen synth</c>, <c>hwgen sweep --synth</c>)
/// or the sweep's resource model estimates them.
/// </summary>
/// <param name="Luts">SB_LUT4 cells.</param>
/// <param name="Ffs">SB_DFF* cells.</param>
/// <param name="Brams">SB_RAM40_4K cells.</param>
/// <param name="Dsps">SB_MAC16 cells.</param>
/// <param name="Sprams">SB_SPRAM256KA cells.</param>
/// <param name="Carries">SB_CARRY cells (carry chains, not LUTs); yosys's count only, the model leaves it 0.</param>
public sealed record Ice40Resources(long Luts, long Ffs, long Brams, long Dsps, long Sprams = 0, long Carries = 0);
