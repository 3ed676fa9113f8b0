using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HwGen.Emit;
using HwGen.Hardware;
using HwGen.Tools;

namespace HwGen.Synthesis;

/// <summary>One resource of the board: how much the design uses and how much there is.</summary>
/// <param name="Name">lc, ebr, spram, dsp, io, pll (iCE40); lut, ff, bram, dsp, uram (Xilinx, bram in RAMB36 units).</param>
/// <param name="Used">Used, after place and route where the flow has one, else from synthesis.</param>
/// <param name="Available">What the part has.</param>
public sealed record ResourceUse(string Name, double Used, double Available)
{
    public bool Fits => Used <= Available;

    public double Fraction => Available > 0 ? Used / Available : double.PositiveInfinity;
}

/// <summary>How to synthesize.</summary>
public sealed record SynthesisOptions
{
    public TimeSpan SynthTimeout { get; init; } = TimeSpan.FromMinutes(60);

    public TimeSpan PlaceRouteTimeout { get; init; } = TimeSpan.FromMinutes(60);
}

/// <summary>
/// The outcome of a synthesis flow: <c>hwgen synth</c>'s on a board (<see cref="Synthesizer.Run"/>), or
/// the core's alone for iCE40 (<see cref="Synthesizer.RunCore"/>, <c>hwgen sweep --synth</c>).
/// </summary>
public sealed record SynthesisResult
{
    /// <summary>The board build; null for the core synthesized alone.</summary>
    public BoardBuild? Build { get; init; }

    /// <summary>The tools that ran, e.g. <c>yosys synth_ice40 -dsp + nextpnr-ice40 + icepack</c>.</summary>
    public required string Flow { get; init; }

    /// <summary>True when the numbers come from yosys only (Xilinx): an estimate, not Vivado's result.</summary>
    public required bool IsEstimate { get; init; }

    /// <summary>The board's resources, used and available; empty for the core alone.</summary>
    public required IReadOnlyList<ResourceUse> Resources { get; init; }

    /// <summary>iCE40 flows: yosys's cells after synthesis (before place and route); null for Xilinx.</summary>
    public Ice40Resources? Ice40Cells { get; init; }

    /// <summary>Whether every resource fits the part.</summary>
    public bool Fits => Resources.All(r => r.Fits);

    /// <summary>What ran out and by how much, when the design does not fit.</summary>
    public string? FitProblem => Fits ? null : string.Join("; ", Resources.Where(r => !r.Fits).Select(Describe));

    /// <summary>The Fmax nextpnr reports for the core clock; null without place and route.</summary>
    public double? FmaxMhz { get; init; }

    /// <summary>The clock the design is built for: the PLL's output (iCE40) or <c>hardware.clock_mhz</c>; 0 for the core alone.</summary>
    public double TargetMhz => Build?.ClockMhz ?? 0;

    /// <summary>Whether Fmax reaches the target; null without place and route.</summary>
    public bool? TimingMet => FmaxMhz is { } fmax ? fmax >= TargetMhz : null;

    /// <summary>The bitstream, relative to the output folder; null when none was built.</summary>
    public string? Bitstream { get; init; }

    /// <summary>What a reader of the numbers should know about them.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Seconds per step (synth, pnr, pack).</summary>
    public required IReadOnlyDictionary<string, double> Seconds { get; init; }

    /// <summary>Success: it fits and, where timing is known, meets it.</summary>
    public bool Passed => Fits && TimingMet != false;

    public static string Describe(ResourceUse r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Name.ToUpperInvariant()}: {r.Used:0.#} used of {r.Available:0.#} available ({r.Used - r.Available:0.#} over, {r.Fraction:P0})");
}

/// <summary>
/// Runs a board's flow on a build written by <see cref="DesignWriter"/> (<see cref="DesignRequest.For"/>):
/// its scripts step by step through <see cref="ProcessRunner"/>, so a run can be repeated by hand. iCE40: yosys → fit check from the cell counts → nextpnr-ice40 (the clock constraint and
/// the pins) → icepack, giving the utilization, Fmax and the .bin. Xilinx: yosys synth_xilinx for
/// a resource estimate checked against the part; Vivado's script is written, not run.
/// </summary>
public static partial class Synthesizer
{
    private static readonly Dictionary<string, double> XilinxLutCells = new(StringComparer.Ordinal)
    {
        ["LUT1"] = 1, ["LUT2"] = 1, ["LUT3"] = 1, ["LUT4"] = 1, ["LUT5"] = 1, ["LUT6"] = 1, ["LUT6_2"] = 1,
        ["RAM16X1S"] = 1, ["RAM16X1D"] = 2, ["RAM32X1S"] = 1, ["RAM32X1D"] = 2, ["RAM64X1S"] = 1, ["RAM64X1D"] = 2,
        ["RAM128X1S"] = 2, ["RAM128X1D"] = 4, ["RAM256X1S"] = 4, ["RAM32M"] = 4, ["RAM64M"] = 4, ["RAM32M16"] = 8,
        ["RAM64M8"] = 8, ["SRL16E"] = 1, ["SRLC16E"] = 1, ["SRLC32E"] = 1,
    };

    /// <summary>Runs the flow of <paramref name="build"/>, written in <paramref name="directory"/>.</summary>
    /// <exception cref="ToolException">A tool failed for another reason than a full device.</exception>
    public static SynthesisResult Run(BoardBuild build, string directory, SynthesisOptions options, Action<string>? progress = null)
    {
        progress ??= _ => { };
        return build.Board.Family == BoardFamily.Ice40
            ? RunIce40(build, directory, options, progress)
            : RunXilinx(build, directory, options, progress);
    }

    private static SynthesisResult RunIce40(BoardBuild build, string directory, SynthesisOptions options, Action<string> progress)
    {
        var board = build.Board;
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        const string Flow = "yosys synth_ice40 -dsp + nextpnr-ice40 + icepack";

        progress("synthesizing with yosys (synth_ice40 -dsp)");
        Step(directory, "build_ice40.sh", "synth", options.SynthTimeout, seconds);
        var cells = Ice40Cells(directory);
        var r = board.Resources;
        var synthesized = new List<ResourceUse>
        {
            // A logic cell holds one LUT4, its carry and one flip-flop: a lower bound before packing.
            new("lc", Math.Max(cells.Luts, Math.Max(cells.Ffs, cells.Carries)), r.Luts),
            new("ebr", cells.Brams, r.BlockRams),
            new("spram", cells.Sprams, r.Spram),
            new("dsp", cells.Dsps, r.Dsps),
        };
        if (synthesized.Any(u => !u.Fits))
        {
            return new SynthesisResult { Build = build, Flow = "yosys synth_ice40 -dsp (stopped before place and route)", IsEstimate = false, Resources = synthesized, Ice40Cells = cells, Seconds = seconds };
        }

        progress(string.Create(CultureInfo.InvariantCulture, $"placing and routing with nextpnr-ice40 at {build.ClockMhz:0.###} MHz"));
        var pnr = Step(directory, "build_ice40.sh", "pnr", options.PlaceRouteTimeout, seconds, check: false);
        if (!pnr.Succeeded)
        {
            var full = LoggedUtilization(Path.Combine(directory, "nextpnr.log"), pnr);
            if (full.Count > 0 && full.Any(u => !u.Fits))
            {
                return new SynthesisResult { Build = build, Flow = "yosys synth_ice40 -dsp + nextpnr-ice40 (failed: device full)", IsEstimate = false, Resources = full, Ice40Cells = cells, Seconds = seconds };
            }

            throw new ToolException(pnr);
        }

        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "nextpnr_report.json")))!;
        var resources = new List<ResourceUse>();
        foreach (var (name, cell) in new[] { ("lc", "ICESTORM_LC"), ("ebr", "ICESTORM_RAM"), ("spram", "ICESTORM_SPRAM"), ("dsp", "ICESTORM_DSP"), ("io", "SB_IO"), ("pll", "ICESTORM_PLL") })
        {
            if (report["utilization"]?[cell] is { } use)
            {
                resources.Add(new ResourceUse(name, use["used"]!.GetValue<double>(), use["available"]!.GetValue<double>()));
            }
        }

        double? fmax = CoreFmax(report);
        progress("packing the bitstream with icepack");
        Step(directory, "build_ice40.sh", "pack", options.SynthTimeout, seconds);
        return new SynthesisResult
        {
            Build = build,
            Flow = Flow,
            IsEstimate = false,
            Resources = resources,
            Ice40Cells = cells,
            FmaxMhz = fmax,
            Bitstream = $"{build.Name}.bin",
            Seconds = seconds,
        };
    }

    /// <summary>
    /// Synthesizes the core alone for iCE40 with the iCE40 flow's yosys script, written in
    /// <paramref name="directory"/> by <see cref="DesignWriter"/> with <see cref="DesignRequest.CoreSynthesis"/>:
    /// the cells of <c>hwgen sweep --synth</c> and of the resource model's calibration.
    /// </summary>
    /// <exception cref="ToolException">yosys failed or timed out.</exception>
    public static SynthesisResult RunCore(string directory, TimeSpan timeout)
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        var stopwatch = Stopwatch.StartNew();
        ProcessRunner.RunChecked("yosys", ["-q", "-l", "yosys.log", "-s", DesignEmitter.CoreSynthesisScript], directory, timeout);
        seconds["synth"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 1);
        return new SynthesisResult { Flow = "yosys synth_ice40 -dsp (the core alone)", IsEstimate = false, Resources = [], Ice40Cells = Ice40Cells(directory), Seconds = seconds };
    }

    /// <summary>The iCE40 cells of the <c>yosys_stat.json</c> in <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">The file is missing or has no cell counts.</exception>
    public static Ice40Resources Ice40Cells(string directory)
    {
        var cells = CellCounts(Path.Combine(directory, "yosys_stat.json"));
        long Count(string prefix) => (long)cells.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(c => c.Value);
        return new Ice40Resources(Count("SB_LUT4"), Count("SB_DFF"), Count("SB_RAM40_4K"), Count("SB_MAC16"), Count("SB_SPRAM256KA"), Count("SB_CARRY"));
    }

    private static SynthesisResult RunXilinx(BoardBuild build, string directory, SynthesisOptions options, Action<string> progress)
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        progress($"estimating resources with yosys (synth_xilinx -family {(build.Board.Family == BoardFamily.Xcup ? "xcup" : "xc7")})");
        var notes = new List<string>();
        var first = Step(directory, "build_estimate.sh", null, options.SynthTimeout, seconds, check: false, stepName: "synth");
        bool abc9 = false;
        if (!first.Succeeded)
        {
            string log = Path.Combine(directory, "yosys.log");
            if (!AbcAborted(File.Exists(log) ? File.ReadAllText(log) : first.Stdout + first.Stderr))
            {
                throw new ToolException(first);
            }

            progress("yosys's ABC aborted on this netlist; estimating again with ABC9 (synth_xilinx -abc9)");
            Step(directory, "build_estimate.sh", "abc9", options.SynthTimeout, seconds, stepName: "synth_abc9");
            abc9 = true;
            notes.Add("yosys's ABC aborted on an internal assertion while mapping this netlist (build_estimate.sh, estimate.ys); the figures are from yosys's ABC9 flow (estimate_abc9.ys: synth_xilinx -abc9), whose LUT counts differ a little from ABC's");
        }

        var cells = CellCounts(Path.Combine(directory, "yosys_stat.json"));
        double Sum(Func<string, double> weight) => cells.Sum(c => weight(c.Key) * c.Value);
        var r = build.Board.Resources;
        var resources = new List<ResourceUse>
        {
            new("lut", Sum(c => XilinxLutCells.GetValueOrDefault(c)), r.Luts),
            new("ff", Sum(c => FlipFlop().IsMatch(c) ? 1 : 0), r.FlipFlops),
            new("bram", Sum(c => c.StartsWith("RAMB36", StringComparison.Ordinal) ? 1 : c.StartsWith("RAMB18", StringComparison.Ordinal) ? 0.5 : 0), r.BlockRams),
            new("dsp", Sum(c => c.StartsWith("DSP48", StringComparison.Ordinal) ? 1 : 0), r.Dsps),
        };
        if (r.Uram > 0)
        {
            resources.Add(new ResourceUse("uram", Sum(c => c.StartsWith("URAM", StringComparison.Ordinal) ? 1 : 0), r.Uram));
        }

        if (cells.GetValueOrDefault("INV") is > 0 and var inverters)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"yosys left {inverters:0} INV cells (mostly the active-low reset at each flip-flop's clear input), which Vivado folds into neighbouring LUTs and flip-flops; they are not counted as LUTs"));
        }

        notes.AddRange(DramNotes(build));
        return new SynthesisResult
        {
            Build = build,
            Notes = notes,
            Flow = $"yosys synth_xilinx -family {(build.Board.Family == BoardFamily.Xcup ? "xcup" : "xc7")}{(abc9 ? " -abc9" : "")} (estimate; Vivado not run)",
            IsEstimate = true,
            Resources = resources,
            Seconds = seconds,
        };
    }

    /// <summary>
    /// Whether a failed yosys run's log shows ABC aborting on one of its internal assertions (Debian
    /// 12's yosys 0.23 and its berkeley-abc do on some large netlists), which ABC9 may map instead.
    /// </summary>
    public static bool AbcAborted(string log) =>
        log.Contains("ERROR: ABC: execution of command", StringComparison.Ordinal)
        && (log.Contains("Assertion", StringComparison.Ordinal) || log.Contains("return code 134", StringComparison.Ordinal));

    /// <summary>
    /// A design with external weights on a board: where the image goes, and whether the board's
    /// DRAM delivers the bytes a cycle the cycle model assumed (<c>hardware.dram.bytes_per_cycle</c>).
    /// </summary>
    public static IEnumerable<string> DramNotes(BoardBuild build)
    {
        if (build.Layout.External is not { } external || build.Board.Dram is not { } dram)
        {
            yield break;
        }

        var system = external.System;
        int register = HostFiles.Registers.Single(r => r.Name == "DRAM_BASE").Offset;
        yield return string.Create(CultureInfo.InvariantCulture,
            $"weights in DRAM: the host writes {DesignEmitter.DramBinaryPath(build.Network)} ({external.Layout.Bytes:N0} bytes) to the {dram.Kind} on a 4 KB page and that address to DRAM_BASE (0x{register:x3})");
        double board = dram.BytesPerCycle(build.ClockMhz);
        double assumed = system.Dram.BytesPerCycle;
        string verdict = assumed > board + 1e-9
            ? "the cycle counts of estimate and simulate are optimistic on this board; set it to what the board delivers for figures that hold here"
            : "the board keeps up with it";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"DRAM bandwidth: at {build.ClockMhz:0.###} MHz the {dram.Kind} delivers at most {board:0.##} bytes a cycle ({dram.MbytesPerSecond(build.ClockMhz):0} MB/s: the memory's {dram.PeakMbytesPerSecond:0} MB/s or the {dram.PortBits}-bit port's, the lower); hardware.dram.bytes_per_cycle is {assumed:0.##}: {verdict}");
    }

    /// <summary>Runs one step of a build script, timing it.</summary>
    private static ProcessResult Step(string directory, string script, string? step, TimeSpan timeout, Dictionary<string, double> seconds, bool check = true, string? stepName = null)
    {
        var stopwatch = Stopwatch.StartNew();
        List<string> arguments = step is null ? [script] : [script, step];
        var result = ProcessRunner.Run("sh", arguments, directory, timeout);
        seconds[stepName ?? step ?? script] = Math.Round(stopwatch.Elapsed.TotalSeconds, 1);
        return !check || result.Succeeded ? result : throw new ToolException(result);
    }

    /// <summary>The design's cells by type from <c>stat -json</c>.</summary>
    /// <exception cref="InvalidDataException">The file is missing or has no cell counts.</exception>
    public static IReadOnlyDictionary<string, double> CellCounts(string statJson)
    {
        if (!File.Exists(statJson))
        {
            throw new InvalidDataException($"{statJson}: yosys wrote no statistics");
        }

        var json = JsonNode.Parse(File.ReadAllText(statJson))!;
        var byType = json["design"]?["num_cells_by_type"]?.AsObject()
            ?? throw new InvalidDataException($"{statJson}: no design.num_cells_by_type");
        return byType.ToDictionary(p => p.Key, p => p.Value!.GetValue<double>(), StringComparer.Ordinal);
    }

    /// <summary>The highest Fmax among the report's clocks other than the oscillator pin (the PLL's output).</summary>
    private static double? CoreFmax(JsonNode report)
    {
        var clocks = report["fmax"]?.AsObject();
        if (clocks is null || clocks.Count == 0)
        {
            return null;
        }

        // With a PLL the oscillator net only feeds the PLL and has no paths; the core clock is
        // the one with the lowest achieved frequency that nextpnr analysed.
        return clocks.Select(c => c.Value!["achieved"]!.GetValue<double>()).Min();
    }

    /// <summary>The "Device utilisation" lines nextpnr logs before it gives up on a full device.</summary>
    public static IReadOnlyList<ResourceUse> LoggedUtilization(string log, ProcessResult result)
    {
        string text = (File.Exists(log) ? File.ReadAllText(log) : "") + "\n" + result.Stdout + "\n" + result.Stderr;
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ICESTORM_LC"] = "lc", ["ICESTORM_RAM"] = "ebr", ["ICESTORM_SPRAM"] = "spram", ["ICESTORM_DSP"] = "dsp", ["SB_IO"] = "io", ["ICESTORM_PLL"] = "pll",
        };
        var found = new Dictionary<string, ResourceUse>(StringComparer.Ordinal);
        foreach (Match m in UtilisationLine().Matches(text))
        {
            if (names.TryGetValue(m.Groups[1].Value, out var name))
            {
                found[name] = new ResourceUse(name, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
            }
        }

        return [.. found.Values];
    }

    [GeneratedRegex(@"^FD[RSCP]E(_1)?$")]
    private static partial Regex FlipFlop();

    [GeneratedRegex(@"^\s*(?:Info:\s*)?(\w+):\s+(\d+)/\s*(\d+)\s+\d+%", RegexOptions.Multiline)]
    private static partial Regex UtilisationLine();
}
