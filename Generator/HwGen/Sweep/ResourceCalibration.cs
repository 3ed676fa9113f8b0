using System.Globalization;
using HwGen.Hardware;
using HwGen.IO;

namespace HwGen.Sweep;

/// <summary>One calibration design: its layout and what yosys made of it.</summary>
/// <param name="Name">Calibration set and point, e.g. <c>small#3</c>.</param>
/// <param name="Values">The point's axis values.</param>
/// <param name="Layout">Its hardware layout (what the model reads).</param>
/// <param name="Yosys">yosys synth_ice40 -dsp's cell counts.</param>
public sealed record CalibrationPoint(string Name, string Values, HardwareLayout Layout, Ice40Resources Yosys);

/// <summary>How far the model is from yosys over the calibration designs, per resource.</summary>
/// <param name="Resource">luts, ffs, brams or dsps.</param>
/// <param name="MeanAbsPercent">Mean |model − yosys| / yosys, in percent.</param>
/// <param name="MaxAbsPercent">Largest |model − yosys| / yosys, in percent.</param>
/// <param name="Exact">Designs where the model gives yosys's number.</param>
/// <param name="Points">Designs.</param>
public sealed record CalibrationError(string Resource, double MeanAbsPercent, double MaxAbsPercent, int Exact, int Points);

/// <summary>
/// The designs the resource model is calibrated against (Generator/HwGen/Sweep/Calibration/): each
/// <c>NAME.yaml</c> there is a sweep run with <c>--synth</c>, and <c>NAME.csv</c> its results.csv. The
/// configs are rebuilt from the sweep files, so the model is always checked on today's layouts
/// against the stored yosys numbers.
/// </summary>
public static class ResourceCalibration
{
    /// <summary>The calibration designs of every sweep in <paramref name="directory"/> that has its results.</summary>
    public static IReadOnlyList<CalibrationPoint> Load(string directory)
    {
        var points = new List<CalibrationPoint>();
        foreach (string sweep in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            string csv = Path.ChangeExtension(sweep, ".csv");
            if (!File.Exists(csv))
            {
                continue;
            }

            var definition = SweepDefinition.Load(sweep, synth: true);
            var table = CsvTable.Read(csv);
            int Column(string name) => table.Header.Contains(name) ? table.Column(name) : throw new InvalidDataException($"{csv}: no column {name}");
            var evaluator = new SweepEvaluator(definition.Spec.Vectors, []);
            foreach (var cells in table.Rows)
            {
                int index = int.Parse(cells[Column("index")], CultureInfo.InvariantCulture);
                var point = definition.Points[index];
                string values = SweepDefinition.Describe(definition.Spec, point.Values);
                if (cells[Column("status")] != SweepRecord.Ok || point.Config is null)
                {
                    continue;
                }

                if (!point.Values.Select(v => v.Text).SequenceEqual(cells.Skip(1).Take(definition.Spec.Axes.Count)))
                {
                    throw new InvalidDataException($"{csv}: point {index} holds other values than {sweep} gives it ({values})");
                }

                long Cell(string name) => long.Parse(cells[Column(name)], CultureInfo.InvariantCulture);
                var layout = HardwareLayout.For(evaluator.Build(point.Config).Point.Design.Network);
                var yosys = new Ice40Resources(Cell("synth_luts"), Cell("synth_ffs"), Cell("synth_brams"), Cell("synth_dsps"));
                points.Add(new CalibrationPoint($"{Path.GetFileNameWithoutExtension(sweep)}#{index}", values, layout, yosys));
            }
        }

        return points;
    }

    /// <summary>The model's error against yosys, per resource.</summary>
    public static IReadOnlyList<CalibrationError> Errors(IReadOnlyList<CalibrationPoint> points, Func<HardwareLayout, Ice40Resources>? model = null)
    {
        model ??= ResourceModel.Estimate;
        var estimates = points.Select(p => model(p.Layout)).ToList();
        CalibrationError Error(string name, Func<Ice40Resources, long> get)
        {
            var errors = points.Select((p, i) => Percent(get(estimates[i]), get(p.Yosys))).ToList();
            int exact = points.Where((p, i) => get(estimates[i]) == get(p.Yosys)).Count();
            return new CalibrationError(name, errors.Count == 0 ? 0 : errors.Average(), errors.Count == 0 ? 0 : errors.Max(), exact, points.Count);
        }

        return [Error("luts", r => r.Luts), Error("ffs", r => r.Ffs), Error("brams", r => r.Brams), Error("dsps", r => r.Dsps)];
    }

    /// <summary>|model − actual| / actual in percent (0 when both are 0).</summary>
    public static double Percent(long model, long actual) =>
        actual == 0 ? (model == 0 ? 0 : 100) : 100.0 * Math.Abs(model - actual) / actual;
}
