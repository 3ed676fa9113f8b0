using System.Globalization;
using HwGen.Hardware;
using HwGen.Sweep;

namespace HwGen.Bench;

/// <summary>
/// <c>HwGen.Bench resource-fit [--dir Generator/HwGen/Sweep/Calibration]</c>: prints the model's error
/// against the stored yosys results of the calibration sweeps, per design and per resource, and fits the
/// LUT coefficients of <see cref="ResourceModel"/> to them (least squares on relative error, coefficients
/// kept non-negative) with the fitted model's leave-one-out error, so that a re-calibration after an RTL
/// change is one command
/// (docs/sweeps.md, "Resource model").
/// </summary>
internal static class ResourceFit
{
    public const string Name = "resource-fit";

    private static readonly string[] Terms = ["mux inputs", "arithmetic bits", "block-RAM port bits", "core"];

    public static int Run(string[] args, TextWriter stdout)
    {
        string dir = args.Length == 2 && args[0] == "--dir" ? args[1] : Path.Combine("Generator", "HwGen", "Sweep", "Calibration");
        var points = ResourceCalibration.Load(dir);
        if (points.Count == 0)
        {
            stdout.WriteLine($"no calibration results in {dir} (NAME.yaml with NAME.csv)");
            return 2;
        }

        stdout.WriteLine($"{points.Count} calibration designs from {dir}");
        stdout.WriteLine();
        stdout.WriteLine("| design | values | LUTs yosys | model | FFs yosys | model | BRAMs yosys | model | DSPs yosys | model |");
        stdout.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in points)
        {
            var m = ResourceModel.Estimate(p.Layout);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {p.Name} | {p.Values} | {p.Yosys.Luts} | {m.Luts} | {p.Yosys.Ffs} | {m.Ffs} | {p.Yosys.Brams} | {m.Brams} | {p.Yosys.Dsps} | {m.Dsps} |"));
        }

        stdout.WriteLine();
        Print(stdout, "current model", ResourceCalibration.Errors(points));

        var features = points.Select(p => Features(p.Layout)).ToList();
        var targets = points.Select(p => (double)p.Yosys.Luts).ToList();
        var coefficients = Fit(features, targets);
        stdout.WriteLine();
        stdout.WriteLine("fitted LUT coefficients: " + string.Join(", ", Terms.Select((t, i) => string.Create(CultureInfo.InvariantCulture, $"{t} {coefficients[i]:G4}"))));
        var fitted = points.Select((p, i) => Apply(coefficients, features[i])).ToList();
        var errors = points.Select((p, i) => ResourceCalibration.Percent((long)Math.Round(fitted[i]), p.Yosys.Luts)).ToList();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fitted model, LUTs: mean error {errors.Average():F1} %, max {errors.Max():F1} %"));

        // Leave one out: each design predicted by coefficients fitted without it.
        var loo = new List<double>();
        for (var i = 0; i < points.Count; i++)
        {
            var c = Fit([.. features.Where((_, j) => j != i)], [.. targets.Where((_, j) => j != i)]);
            loo.Add(ResourceCalibration.Percent((long)Math.Round(Apply(c, features[i])), points[i].Yosys.Luts));
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"leave-one-out, LUTs: mean error {loo.Average():F1} %, max {loo.Max():F1} %"));
        for (var i = 0; i < points.Count; i++)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {points[i].Name,-12} yosys {points[i].Yosys.Luts,7}  fitted {fitted[i],9:F0} ({errors[i],5:F1} %)  left out {loo[i],5:F1} %"));
        }

        return 0;
    }

    private static void Print(TextWriter stdout, string title, IReadOnlyList<CalibrationError> errors)
    {
        stdout.WriteLine($"{title}:");
        foreach (var e in errors)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {e.Resource,-6} mean error {e.MeanAbsPercent,5:F1} %, max {e.MaxAbsPercent,5:F1} %, exact on {e.Exact} of {e.Points}"));
        }
    }

    private static double[] Features(HardwareLayout layout)
    {
        var t = ResourceModel.Terms(layout);
        return [t.MuxInputs, t.ArithmeticBits, t.BramPortBits, 1];
    }

    private static double Apply(double[] coefficients, double[] features) => coefficients.Zip(features).Sum(p => p.First * p.Second);

    /// <summary>Least squares on relative error with non-negative coefficients (terms that want a negative weight are dropped).</summary>
    private static double[] Fit(List<double[]> features, List<double> targets)
    {
        int k = features[0].Length;
        var active = Enumerable.Range(0, k).ToHashSet();
        while (true)
        {
            var columns = active.Order().ToArray();
            var a = new double[columns.Length, columns.Length + 1];
            for (var r = 0; r < features.Count; r++)
            {
                double weight = 1 / (targets[r] * targets[r]);
                for (var i = 0; i < columns.Length; i++)
                {
                    for (var j = 0; j < columns.Length; j++)
                    {
                        a[i, j] += weight * features[r][columns[i]] * features[r][columns[j]];
                    }

                    a[i, columns.Length] += weight * features[r][columns[i]] * targets[r];
                }
            }

            var solution = Solve(a, columns.Length);
            var coefficients = new double[k];
            for (var i = 0; i < columns.Length; i++)
            {
                coefficients[columns[i]] = solution[i];
            }

            int negative = Array.FindIndex(coefficients, c => c < 0);
            if (negative < 0)
            {
                return coefficients;
            }

            active.Remove(negative);
        }
    }

    /// <summary>Gaussian elimination with partial pivoting on an augmented n × (n + 1) matrix.</summary>
    private static double[] Solve(double[,] a, int n)
    {
        for (var col = 0; col < n; col++)
        {
            int pivot = col;
            for (var r = col + 1; r < n; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            for (var c = 0; c <= n; c++)
            {
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            }

            for (var r = 0; r < n; r++)
            {
                if (r != col && a[col, col] != 0)
                {
                    double factor = a[r, col] / a[col, col];
                    for (var c = col; c <= n; c++)
                    {
                        a[r, c] -= factor * a[col, c];
                    }
                }
            }
        }

        return [.. Enumerable.Range(0, n).Select(i => a[i, i] == 0 ? 0 : a[i, n] / a[i, i])];
    }
}
