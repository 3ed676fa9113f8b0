using System.Globalization;
using HwGen.Compression;
using HwGen.Data;

namespace HwGen.Bench;

/// <summary>
/// Accuracy of the fixed-point tanh and sigmoid (Compression/FixedActivation): the largest error
/// against Math.Tanh and the logistic function over every A-bit input, for several (A, Fa), in
/// units of the last place (2^−Fa) and absolute. The time is that of the exhaustive sweep.
/// </summary>
internal sealed class ActivationAccuracyBenchmark : IBenchmark
{
    private static readonly (int Bits, int Frac)[] Settings = [(16, 8), (16, 10), (16, 12), (12, 6), (8, 4), (8, 6), (20, 14), (24, 16)];

    public string Name => "activation";

    public string Description => "fixed-point tanh and sigmoid: largest error over every A-bit input against Math.Tanh and 1/(1+e^-x)";

    public void Prepare(BenchOptions options)
    {
    }

    public string Measure()
    {
        var parts = new List<string>();
        foreach (var (bits, frac) in Settings)
        {
            double tanh = 0;
            double sigmoid = 0;
            double scale = Math.ScaleB(1.0, frac);
            for (long s = FixedPoint.SignedMin(bits); s <= FixedPoint.SignedMax(bits); s++)
            {
                double x = s / scale;
                tanh = Math.Max(tanh, Math.Abs((FixedActivation.Apply(ActivationKind.Tanh, s, bits, frac) / scale) - Math.Tanh(x)));
                sigmoid = Math.Max(sigmoid, Math.Abs((FixedActivation.Apply(ActivationKind.Sigmoid, s, bits, frac) / scale) - Activations.Logistic(x)));
            }

            var table = ActivationTable.For(frac);
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"A={bits} Fa={frac} ({table.Entries}×{table.WordBits}-bit table): tanh {tanh:G3} ({tanh * scale:F2} LSB), sigmoid {sigmoid:G3} ({sigmoid * scale:F2} LSB)"));
        }

        return string.Join("; ", parts);
    }
}
