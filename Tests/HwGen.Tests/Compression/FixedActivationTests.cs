using HwGen.Compression;
using HwGen.Data;
using Xunit.Abstractions;

namespace HwGen.Tests.Compression;

public class FixedActivationTests
{
    private readonly ITestOutputHelper _output;

    public FixedActivationTests(ITestOutputHelper output) => _output = output;

    /// <summary>Largest |fixed − exact| over every A-bit input, in units of the last place (2^−Fa).</summary>
    public static (double Tanh, double Sigmoid) MaxErrorLsb(int bits, int frac)
    {
        double tanh = 0;
        double sigmoid = 0;
        double scale = Math.ScaleB(1.0, frac);
        for (long s = FixedPoint.SignedMin(bits); s <= FixedPoint.SignedMax(bits); s++)
        {
            double x = s / scale;
            tanh = Math.Max(tanh, Math.Abs(FixedActivation.Apply(ActivationKind.Tanh, s, bits, frac) - (Math.Tanh(x) * scale)));
            sigmoid = Math.Max(sigmoid, Math.Abs(FixedActivation.Apply(ActivationKind.Sigmoid, s, bits, frac) - (Activations.Logistic(x) * scale)));
        }

        return (tanh, sigmoid);
    }

    [Theory]
    [InlineData(16, 8)]
    [InlineData(8, 4)]
    [InlineData(12, 6)]
    [InlineData(16, 12)]
    [InlineData(10, 8)]
    [InlineData(6, 2)]
    [InlineData(4, 0)]
    public void Tanh_and_sigmoid_are_within_one_lsb_of_the_exact_functions_on_every_input(int bits, int frac)
    {
        var (tanh, sigmoid) = MaxErrorLsb(bits, frac);
        _output.WriteLine($"A = {bits}, Fa = {frac}: max error tanh {tanh:F3} LSB, sigmoid {sigmoid:F3} LSB");

        // Rounding to Fa bits alone costs 0.5 LSB; the table and the interpolation add the rest.
        tanh.ShouldBeLessThan(1.0);
        sigmoid.ShouldBeLessThan(1.0);
    }

    [Theory]
    [InlineData(16, 8)]
    [InlineData(7, 3)]
    [InlineData(12, 11)]
    public void Tanh_is_odd_and_both_functions_are_monotone_and_in_range(int bits, int frac)
    {
        long one = 1L << frac;
        long previousTanh = long.MinValue;
        long previousSigmoid = long.MinValue;
        for (long s = FixedPoint.SignedMin(bits); s <= FixedPoint.SignedMax(bits); s++)
        {
            long t = FixedActivation.Apply(ActivationKind.Tanh, s, bits, frac);
            long g = FixedActivation.Apply(ActivationKind.Sigmoid, s, bits, frac);
            t.ShouldBeGreaterThanOrEqualTo(previousTanh);
            g.ShouldBeGreaterThanOrEqualTo(previousSigmoid);
            Math.Abs(t).ShouldBeLessThanOrEqualTo(Math.Min(one, FixedPoint.SignedMax(bits)));
            g.ShouldBeInRange(0, Math.Min(one, FixedPoint.SignedMax(bits)));
            if (s > FixedPoint.SignedMin(bits))
            {
                FixedActivation.Apply(ActivationKind.Tanh, -s, bits, frac).ShouldBe(-t);
            }

            previousTanh = t;
            previousSigmoid = g;
        }
    }

    [Fact]
    public void Worked_values_at_a16_fa8()
    {
        // tanh(0.5) = 0.46212 → 118.3 / 256; tanh(1) = 0.76159 → 194.97; sigmoid(0) = 0.5 → 128;
        // sigmoid(2) = 0.88080 → 225.48 (226: 0.52 LSB off, within the bound); |x| ≥ 8 saturates to ±256 / 256 and 256.
        FixedActivation.Apply(ActivationKind.Tanh, 128, 16, 8).ShouldBe(118);
        FixedActivation.Apply(ActivationKind.Tanh, 256, 16, 8).ShouldBe(195);
        FixedActivation.Apply(ActivationKind.Tanh, -256, 16, 8).ShouldBe(-195);
        FixedActivation.Apply(ActivationKind.Sigmoid, 0, 16, 8).ShouldBe(128);
        FixedActivation.Apply(ActivationKind.Sigmoid, 512, 16, 8).ShouldBe(226);
        FixedActivation.Apply(ActivationKind.Tanh, 32767, 16, 8).ShouldBe(256);
        FixedActivation.Apply(ActivationKind.Tanh, -32768, 16, 8).ShouldBe(-256);
        FixedActivation.Apply(ActivationKind.Sigmoid, -32768, 16, 8).ShouldBe(0);
        FixedActivation.Apply(ActivationKind.Relu, -5, 16, 8).ShouldBe(0);
        FixedActivation.Apply(ActivationKind.None, -5, 16, 8).ShouldBe(-5);
    }

    [Fact]
    public void The_table_image_holds_step_and_sample_per_word()
    {
        var table = ActivationTable.For(8);

        (table.SegmentBits, table.TableFrac, table.Entries, table.ValueBits, table.DeltaBits).ShouldBe((4, 11, 128, 12, 8));
        string[] lines = table.HexImage().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(128);
        lines[0].ShouldBe($"{(table.Value(1) << 12):x5}"); // tanh(0) = 0, step t[1]
        table.Value(0).ShouldBe(0);
        table.Value(128).ShouldBe(2048); // tanh(8) rounds to 1 at 11 fractional bits
        Convert.ToInt64(lines[127], 16).ShouldBe(table.Word(127));
    }

    [Fact]
    public void A_pure_fraction_format_saturates_one_to_the_largest_value()
    {
        // A = 8, Fa = 7: 1.0 is not representable (the largest value is 127 / 128).
        FixedActivation.Apply(ActivationKind.Tanh, 127, 8, 7).ShouldBe(97); // tanh(0.9922) = 0.7581 → 97.04
        FixedActivation.Apply(ActivationKind.Sigmoid, 127, 8, 7).ShouldBe(93); // σ(0.9922) = 0.7295 → 93.4
        FixedActivation.Apply(ActivationKind.Tanh, -128, 8, 7).ShouldBe(-98); // tanh(−1) = −0.7616 → −97.48
        FixedActivation.Apply(ActivationKind.Sigmoid, 127 * 8, 11, 7).ShouldBe(128); // σ(7.94) = 0.99964 → 127.95: 1.0 fits 11 bits
    }
}
