using System.Globalization;
using HwGen.Synthesis;
using Spectre.Console;

namespace HwGen.Cli;

/// <summary>The readable terminal output of <c>hwgen synth</c>.</summary>
internal static class SynthTables
{
    public static void Write(IAnsiConsole console, SynthesisResult result, string directory)
    {
        var build = result.Build!;
        var table = new Table().Title($"[bold]{build.Name}[/] on the {Markup.Escape(build.Board.Description)} ({build.Board.Part}): {Markup.Escape(result.Flow)}");
        foreach (var column in new[] { "resource", "used", "available", "utilization" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var r in result.Resources)
        {
            string use = $"{r.Fraction:P0}";
            table.AddRow(r.Name.ToUpperInvariant(), N(r.Used), N(r.Available), r.Fits ? use : $"[red]{use}[/]");
        }

        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Memories: sparse matrix {Snake(build.Plan.Spmat)}, activations {Snake(build.Plan.Act)}{(build.Plan.NeedsRuntimeLoad ? " (weights are loaded at run time through the host link)" : "")}."));
        if (build.Pll is { } pll)
        {
            console.WriteLine($"Clock: {pll} (PLL DIVR {pll.DivR}, DIVF {pll.DivF}, DIVQ {pll.DivQ}, FILTER_RANGE {pll.FilterRange}).");
        }

        if (result.FmaxMhz is { } fmax)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Fmax {fmax:0.##} MHz against {result.TargetMhz:0.###} MHz: timing {(result.TimingMet == true ? "met" : "NOT met")}."));
        }

        foreach (var note in result.Notes)
        {
            console.WriteLine($"Note: {note}.");
        }

        if (result.IsEstimate)
        {
            console.WriteLine("This is yosys's estimate: Vivado is not run here. Build the bitstream with: vivado -mode batch -source "
                + Path.Combine(directory, "build_vivado.tcl"));
        }

        if (result.Bitstream is not null)
        {
            console.WriteLine($"Bitstream: {Path.Combine(directory, result.Bitstream)} (iceprog it); rebuild by hand with {Path.Combine(directory, "build_ice40.sh")}.");
        }

        console.WriteLine(result.Fits ? "It fits." : $"It does not fit: {result.FitProblem}.");
        console.WriteLine("Time: " + string.Join(", ", result.Seconds.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value:0.#} s"))) + ".");
    }

    private static string N(double value) => value.ToString(value == Math.Floor(value) ? "N0" : "N1", CultureInfo.InvariantCulture);

    private static string Snake(Configuration.MemoryStyle style) => Configuration.ConfigNames.Snake(style);
}
