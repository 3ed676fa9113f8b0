using System.Globalization;

namespace HwGen.Hardware;

/// <summary>
/// One setting of the iCE40 PLL (SB_PLL40_PAD/CORE, SIMPLE feedback):
/// f_out = f_in × (DIVF + 1) / ((DIVR + 1) × 2^DIVQ).
/// </summary>
/// <param name="DivR">Reference divider, 0..15.</param>
/// <param name="DivF">Feedback divider, 0..127.</param>
/// <param name="DivQ">Output divider exponent, 1..6.</param>
/// <param name="FilterRange">Loop filter setting for the phase detector frequency, 1..6.</param>
/// <param name="InputMhz">f_in.</param>
/// <param name="OutputMhz">The frequency this setting gives.</param>
public sealed record Ice40PllSetting(int DivR, int DivF, int DivQ, int FilterRange, double InputMhz, double OutputMhz)
{
    /// <summary>The phase detector's input, f_in / (DIVR + 1).</summary>
    public double PfdMhz => InputMhz / (DivR + 1);

    /// <summary>The VCO, f_pfd × (DIVF + 1).</summary>
    public double VcoMhz => PfdMhz * (DivF + 1);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{InputMhz:0.###} MHz × {DivF + 1} / ({DivR + 1} × 2^{DivQ}) = {OutputMhz:0.###} MHz");
}

/// <summary>
/// Chooses iCE40 PLL dividers for a wanted frequency, within the ranges of Lattice's iCE40 sysCLOCK
/// PLL design guide (TN1251): f_in and f_pfd 10–133 MHz, f_vco 533–1066 MHz, f_out 16–275 MHz.
/// From the iCEBreaker's 12 MHz the reachable frequencies are 12 × n / 2^q with n = 45..88
/// (so that the VCO stays in range) and q = 1..6: steps of 1.5 MHz from 67.5 to 132 MHz,
/// 0.75 MHz from 33.75 to 66 MHz, 0.375 MHz from 16.875 to 33 MHz, and so on.
/// </summary>
public static class Ice40Pll
{
    public const double MinInputMhz = 10;
    public const double MaxInputMhz = 133;
    public const double MinPfdMhz = 10;
    public const double MaxPfdMhz = 133;
    public const double MinVcoMhz = 533;
    public const double MaxVcoMhz = 1066;
    public const double MinOutputMhz = 16;
    public const double MaxOutputMhz = 275;

    /// <summary>
    /// The setting whose output is nearest <paramref name="wantedMhz"/> (the first found on a tie,
    /// searching DIVR, then DIVF, then DIVQ upwards, as icestorm's icepll does; unlike icepll it
    /// never picks an output outside 16–275 MHz), or null when the input or the wanted frequency
    /// is outside the PLL's range.
    /// </summary>
    public static Ice40PllSetting? Find(double inputMhz, double wantedMhz)
    {
        if (inputMhz < MinInputMhz || inputMhz > MaxInputMhz || wantedMhz < MinOutputMhz || wantedMhz > MaxOutputMhz)
        {
            return null;
        }

        Ice40PllSetting? best = null;
        foreach (var setting in Settings(inputMhz))
        {
            if (best is null || Math.Abs(setting.OutputMhz - wantedMhz) < Math.Abs(best.OutputMhz - wantedMhz))
            {
                best = setting;
            }
        }

        return best;
    }

    /// <summary>Every output frequency reachable from <paramref name="inputMhz"/>, ascending, without repeats.</summary>
    public static IReadOnlyList<double> Reachable(double inputMhz) =>
        [.. Settings(inputMhz).Select(s => s.OutputMhz).Distinct().Order()];

    /// <summary>Every divider setting that keeps the phase detector, the VCO and the output in range.</summary>
    private static IEnumerable<Ice40PllSetting> Settings(double inputMhz)
    {
        for (int divr = 0; divr <= 15; divr++)
        {
            double pfd = inputMhz / (divr + 1);
            if (pfd < MinPfdMhz || pfd > MaxPfdMhz)
            {
                continue;
            }

            for (int divf = 0; divf <= 127; divf++)
            {
                double vco = pfd * (divf + 1);
                if (vco < MinVcoMhz || vco > MaxVcoMhz)
                {
                    continue;
                }

                for (int divq = 1; divq <= 6; divq++)
                {
                    double output = vco / (1 << divq);
                    if (output >= MinOutputMhz && output <= MaxOutputMhz)
                    {
                        yield return new Ice40PllSetting(divr, divf, divq, FilterRange(pfd), inputMhz, output);
                    }
                }
            }
        }
    }

    /// <summary>The loop filter setting for a phase detector frequency (TN1251).</summary>
    public static int FilterRange(double pfdMhz) => pfdMhz switch
    {
        < 17 => 1,
        < 26 => 2,
        < 44 => 3,
        < 66 => 4,
        < 101 => 5,
        _ => 6,
    };
}
