using System.Globalization;
using System.Text.Json.Serialization;
using HwGen.Configuration;

namespace HwGen.Synthesis;

/// <summary><c>hwgen synth --json</c>: a design on a board, what it uses and whether it fits and meets timing.</summary>
/// <param name="Design">The design's name.</param>
/// <param name="Board">The board's name (a folder under Boards/).</param>
/// <param name="Part">The FPGA part.</param>
/// <param name="Flow">The tools that ran, e.g. <c>yosys synth_ice40 -dsp + nextpnr-ice40 + icepack</c>.</param>
/// <param name="Estimate">True when the numbers come from yosys only (Xilinx), not from the vendor's tools.</param>
/// <param name="Fits">Whether every resource fits the part.</param>
/// <param name="FitProblem">What ran out and by how much; null when it fits.</param>
/// <param name="TimingMet">Whether Fmax reaches target_mhz; null without place and route.</param>
/// <param name="FmaxMhz">nextpnr's Fmax of the core clock, in MHz; null without place and route.</param>
/// <param name="TargetMhz">The clock the design is built for (the PLL's output on iCE40), in MHz.</param>
/// <param name="RequestedMhz">The config's <c>hardware.clock_mhz</c>.</param>
/// <param name="Pll">The iCE40 PLL's setting; null when the core runs on the oscillator (or on Xilinx).</param>
/// <param name="Pes">Processing elements N.</param>
/// <param name="Memory">Where the memories live on this board.</param>
/// <param name="Signature">The design's signature, 8 hex digits, which the board reports.</param>
/// <param name="Resources">By resource (lc, ebr, spram, dsp, io, pll on iCE40; lut, ff, bram, dsp, uram on Xilinx): use and availability.</param>
/// <param name="Bitstream">The bitstream's path; null when none was built.</param>
/// <param name="Output">The output folder, as given.</param>
/// <param name="Seconds">Seconds per step (synth, pnr, pack).</param>
/// <param name="Notes">What a reader of the numbers should know about them.</param>
/// <param name="Passed">It fits and, where timing is known, meets it.</param>
public sealed record SynthesisJson(
    string Design,
    string Board,
    string Part,
    string Flow,
    bool Estimate,
    bool Fits,
    string? FitProblem,
    bool? TimingMet,
    double? FmaxMhz,
    double TargetMhz,
    double RequestedMhz,
    PllJson? Pll,
    int Pes,
    MemoryPlacementJson Memory,
    string Signature,
    OrderedDictionary<string, ResourceJson> Resources,
    string? Bitstream,
    string Output,
    IReadOnlyDictionary<string, double> Seconds,
    IReadOnlyList<string> Notes,
    bool Passed)
{
    public static SynthesisJson From(SynthesisResult result, string directory)
    {
        var build = result.Build ?? throw new ArgumentException("a board build's result", nameof(result));
        var resources = new OrderedDictionary<string, ResourceJson>(StringComparer.Ordinal);
        foreach (var r in result.Resources)
        {
            resources[r.Name] = new ResourceJson(r.Used, r.Available, Math.Round(r.Fraction, 4), r.Fits);
        }

        return new SynthesisJson(
            build.Name,
            build.Board.Name,
            build.Board.Part,
            result.Flow,
            result.IsEstimate,
            result.Fits,
            result.FitProblem,
            result.TimingMet,
            result.FmaxMhz is { } fmax ? Math.Round(fmax, 2) : null,
            Math.Round(result.TargetMhz, 6),
            build.RequestedMhz,
            build.Pll is { } pll ? new PllJson(pll.DivR, pll.DivF, pll.DivQ, pll.FilterRange, pll.InputMhz, pll.OutputMhz) : null,
            build.Layout.Pes,
            new MemoryPlacementJson(ConfigNames.Snake(build.Plan.Spmat.ToString()), ConfigNames.Snake(build.Plan.Act.ToString()), build.Plan.NeedsRuntimeLoad),
            build.Signature.ToString("x8", CultureInfo.InvariantCulture),
            resources,
            result.Bitstream is null ? null : Path.Combine(directory, result.Bitstream),
            directory,
            result.Seconds,
            result.Notes,
            result.Passed);
    }
}

/// <summary>One resource of <see cref="SynthesisJson"/>.</summary>
/// <param name="Used">Used, after place and route where the flow has one, else after synthesis.</param>
/// <param name="Available">What the part has.</param>
/// <param name="Fraction">used / available, to 4 decimals.</param>
/// <param name="Fits">used ≤ available.</param>
public sealed record ResourceJson(double Used, double Available, double Fraction, bool Fits);

/// <summary>The iCE40 PLL's setting in <see cref="SynthesisJson"/>: f_out = f_in × (DIVF + 1) / ((DIVR + 1) × 2^DIVQ).</summary>
/// <param name="DivR">DIVR, the reference divider.</param>
/// <param name="DivF">DIVF, the feedback divider.</param>
/// <param name="DivQ">DIVQ, the output divider's exponent.</param>
/// <param name="FilterRange">The loop filter's range.</param>
/// <param name="InputMhz">The oscillator, in MHz.</param>
/// <param name="OutputMhz">The core's clock, in MHz.</param>
public sealed record PllJson(
    [property: JsonPropertyName("divr")] int DivR,
    [property: JsonPropertyName("divf")] int DivF,
    [property: JsonPropertyName("divq")] int DivQ,
    int FilterRange,
    double InputMhz,
    double OutputMhz);

/// <summary>Where the memories live, in <see cref="SynthesisJson"/>.</summary>
/// <param name="Spmat">The sparse-matrix memory: <c>inferred</c> (block RAM or logic) or <c>ice40_spram</c>.</param>
/// <param name="Act">The activation memory: <c>inferred</c> or <c>ice40_spram</c>.</param>
/// <param name="WeightsLoadedAtRunTime">Whether the weights are loaded through the memory-load port after configuration (SPRAM cannot be initialised).</param>
public sealed record MemoryPlacementJson(string Spmat, string Act, bool WeightsLoadedAtRunTime);
