using System.Globalization;
using System.Text.RegularExpressions;
using HwGen.Compression;
using HwGen.Emit;
using HwGen.Tools;

namespace HwGen.Sweep;

/// <summary>What yosys reported for one design.</summary>
/// <param name="Luts">SB_LUT4 cells.</param>
/// <param name="Ffs">SB_DFF* cells.</param>
/// <param name="Brams">SB_RAM40_4K cells.</param>
/// <param name="Dsps">SB_MAC16 cells.</param>
/// <param name="Carries">SB_CARRY cells (carry chains; not LUTs).</param>
/// <param name="Sprams">SB_SPRAM256KA cells.</param>
public sealed record SynthesisResult(long Luts, long Ffs, long Brams, long Dsps, long Carries, long Sprams = 0);

/// <summary>
/// Synthesizes a generated design with yosys for iCE40 (<c>synth_ice40 -dsp</c>, the same flow the
/// resource model is calibrated against) and reads the cell counts of <c>stat</c>.
/// </summary>
public static partial class SweepSynthesis
{
    /// <summary>The yosys script after reading the sources.</summary>
    public static string Script(string top) => $"synth_ice40 -dsp -top {top}; tee -o stat.txt stat";

    /// <summary>
    /// Writes the design into <paramref name="directory"/> (<see cref="DesignWriter"/>), runs yosys
    /// there, keeps its log as <c>yosys.log</c> and the statistics as <c>stat.txt</c>.
    /// </summary>
    /// <exception cref="ToolException">yosys failed or timed out.</exception>
    public static SynthesisResult Run(CompressedNetwork network, string directory, TimeSpan timeout)
    {
        DesignWriter.Write(directory, new DesignRequest(network), force: true);
        var sources = DesignEmitter.RtlSources(network);
        string script = $"read_verilog -sv {string.Join(' ', sources)}; {Script($"{network.Name}_top")}";
        var result = ProcessRunner.RunChecked("yosys", ["-q", "-l", "yosys.log", "-p", script], directory, timeout);
        string stat = Path.Combine(directory, "stat.txt");
        if (!File.Exists(stat))
        {
            throw new ToolException(result with { ExitCode = 1, Stderr = result.Stderr + "\nerror: yosys wrote no stat.txt" });
        }

        return Parse(File.ReadAllText(stat));
    }

    /// <summary>Reads the cell counts of yosys's <c>stat</c> output.</summary>
    public static SynthesisResult Parse(string stat)
    {
        long luts = 0, ffs = 0, brams = 0, dsps = 0, carries = 0, sprams = 0;
        foreach (Match match in CellLine().Matches(stat))
        {
            string cell = match.Groups["cell"].Value;
            long count = long.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture);
            if (cell == "SB_LUT4")
            {
                luts += count;
            }
            else if (cell.StartsWith("SB_DFF", StringComparison.Ordinal))
            {
                ffs += count;
            }
            else if (cell.StartsWith("SB_RAM40_4K", StringComparison.Ordinal))
            {
                brams += count;
            }
            else if (cell == "SB_MAC16")
            {
                dsps += count;
            }
            else if (cell == "SB_CARRY")
            {
                carries += count;
            }
            else if (cell == "SB_SPRAM256KA")
            {
                sprams += count;
            }
        }

        return new SynthesisResult(luts, ffs, brams, dsps, carries, sprams);
    }

    [GeneratedRegex(@"^\s+(?<cell>SB_[A-Z0-9_]+)\s+(?<count>\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex CellLine();
}
