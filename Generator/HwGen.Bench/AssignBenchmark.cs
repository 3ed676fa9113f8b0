using System.Globalization;
using HwGen.Compression;
using HwGen.IO;

namespace HwGen.Bench;

/// <summary>
/// Balanced row assignment alone (<see cref="RowAssignment.Balanced"/>) on one layer: by default
/// an EIE Alex-6-sized layer (9216 inputs × 4096 outputs, 9 % of the weights non-zero at uniformly
/// random positions, fixed seed) on 64 PEs; <c>--npz FILE</c> takes the <c>codes</c> array of an
/// .npz instead (e.g. the real alex8 layer). Options: <c>--rows</c>, <c>--cols</c>,
/// <c>--density</c>, <c>--pes</c>, <c>--seed</c>, <c>--npz</c>.
/// </summary>
internal sealed class AssignBenchmark : IBenchmark
{
    private byte[] _codes = [];
    private int _rows;
    private int _cols;
    private int _pes;
    private LoadBalance? _before;
    private string _description = "balanced row assignment of one layer";

    public string Name => "assign";

    public string Description => _description;

    public void Prepare(BenchOptions options)
    {
        _pes = int.Parse(options.Get("pes", "64"), CultureInfo.InvariantCulture);
        string npz = options.Get("npz", "");
        if (npz.Length > 0)
        {
            var codes = Npy.ReadNpz(npz)["codes"];
            _rows = codes.Shape[0];
            _cols = codes.Shape[1];
            _codes = codes.ToBytes();
            _description = $"balanced row assignment of the codes in {Path.GetFileName(npz)} ({_cols} × {_rows}, inputs × outputs), {_pes} PEs";
            _before = RowAssignment.Measure(_codes, _rows, _cols, _pes, RowAssignment.Interleaved(_rows));
            return;
        }

        _rows = int.Parse(options.Get("rows", "4096"), CultureInfo.InvariantCulture);
        _cols = int.Parse(options.Get("cols", "9216"), CultureInfo.InvariantCulture);
        double density = double.Parse(options.Get("density", "0.09"), CultureInfo.InvariantCulture);
        int seed = int.Parse(options.Get("seed", "1"), CultureInfo.InvariantCulture);
        var random = new Random(seed);
        _codes = new byte[checked(_rows * _cols)];
        for (var i = 0; i < _codes.Length; i++)
        {
            if (random.NextDouble() < density)
            {
                _codes[i] = (byte)random.Next(1, 16);
            }
        }

        _description = $"balanced row assignment of a {_cols} × {_rows} layer (inputs × outputs), density {density}, " +
            $"uniformly random positions (seed {seed}), {_pes} PEs";
        _before = RowAssignment.Measure(_codes, _rows, _cols, _pes, RowAssignment.Interleaved(_rows));
    }

    /// <summary>Times <see cref="RowAssignment.Balanced"/> and one <see cref="RowAssignment.Measure"/> of its result.</summary>
    public string Measure()
    {
        int[] balanced = RowAssignment.Balanced(_codes, _rows, _cols, _pes);
        var before = _before!;
        var after = RowAssignment.Measure(_codes, _rows, _cols, _pes, balanced);
        return $"largest PE total {before.MaxPeTotal:N0} → {after.MaxPeTotal:N0} (ideal {after.LowerBound:N0}), " +
            $"Σ_j max_p work {before.SumOfColumnMax:N0} → {after.SumOfColumnMax:N0}";
    }
}
