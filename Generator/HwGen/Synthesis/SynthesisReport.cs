using System.Text.Json.Nodes;
using HwGen.Configuration;

namespace HwGen.Synthesis;

/// <summary>The machine-readable summary of <c>hwgen synth --json</c> (snake_case keys).</summary>
public static class SynthesisReport
{
    public static JsonObject Json(SynthesisResult result, string directory)
    {
        var build = result.Build;
        var resources = new JsonObject();
        foreach (var r in result.Resources)
        {
            resources[r.Name] = new JsonObject
            {
                ["used"] = r.Used,
                ["available"] = r.Available,
                ["fraction"] = Math.Round(r.Fraction, 4),
                ["fits"] = r.Fits,
            };
        }

        var seconds = new JsonObject();
        foreach (var (step, value) in result.Seconds)
        {
            seconds[step] = value;
        }

        return new JsonObject
        {
            ["design"] = build.Name,
            ["board"] = build.Board.Name,
            ["part"] = build.Board.Part,
            ["flow"] = result.Flow,
            ["estimate"] = result.IsEstimate,
            ["fits"] = result.Fits,
            ["fit_problem"] = result.FitProblem,
            ["timing_met"] = result.TimingMet,
            ["fmax_mhz"] = result.FmaxMhz is { } fmax ? Math.Round(fmax, 2) : null,
            ["target_mhz"] = Math.Round(result.TargetMhz, 6),
            ["requested_mhz"] = build.RequestedMhz,
            ["pll"] = build.Pll is { } pll
                ? new JsonObject
                {
                    ["divr"] = pll.DivR,
                    ["divf"] = pll.DivF,
                    ["divq"] = pll.DivQ,
                    ["filter_range"] = pll.FilterRange,
                    ["input_mhz"] = pll.InputMhz,
                    ["output_mhz"] = pll.OutputMhz,
                }
                : null,
            ["pes"] = build.Layout.Pes,
            ["memory"] = new JsonObject
            {
                ["spmat"] = ConfigNames.Snake(build.Plan.Spmat.ToString()),
                ["act"] = ConfigNames.Snake(build.Plan.Act.ToString()),
                ["weights_loaded_at_run_time"] = build.Plan.NeedsRuntimeLoad,
            },
            ["signature"] = build.Signature.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
            ["resources"] = resources,
            ["bitstream"] = result.Bitstream is null ? null : Path.Combine(directory, result.Bitstream),
            ["output"] = directory,
            ["seconds"] = seconds,
            ["notes"] = new JsonArray([.. result.Notes.Select(n => (JsonNode?)JsonValue.Create(n))]),
            ["passed"] = result.Passed,
        };
    }
}
