using HwGen.Compression;
using HwGen.Model;
using Xunit.Abstractions;

namespace HwGen.Tests.Model;

/// <summary>
/// The golden model on the real AlexNet fc8 layer against the float output stored with it.
/// </summary>
/// <remarks>
/// The bound each output must meet follows from the arithmetic alone. With x̂ = x_q / 2^Fa,
/// ŵ = c_q / 2^Fw, b̂ = b_q / 2^(Fa+Fw), s the unquantized shared weight and w the stored weight:
/// <code>
/// |y/2^Fa − stored| ≤ ½·2^−Fa                                  (output rounding, no saturation)
///                  + Σ_j |x̂_j ŵ_ij − x_j w_ij|                 (products)
///                  + |b̂_i − b_i| ≤ ½·2^−(Fa+Fw)                  (bias)
///                  + |Σ_j x_j w_ij + b_i − stored_i|            (float32 rounding of the stored output)
/// |x̂ŵ − xw| = |x̂(ŵ − w) + (x̂ − x)w| ≤ (|x| + ex)(ew + |s − w|) + ex·|w|, ex = ½·2^−Fa, ew = ½·2^−Fw,
/// </code>
/// only over weights with a code and inputs that are non-zero (zeros are exact). The float32 term is
/// Higham's bound for a sum of n rounded products in any order, γ_(n+2)·(Σ|x w| + |b|) with
/// γ_k = k·u / (1 − k·u), u = 2^−24. Preconditions checked: no input and no output saturates, and
/// the codebook does not saturate at Fw.
/// </remarks>
public class Alex8AccuracyTests(ITestOutputHelper output)
{
    /// <summary>README: 453,748 useful MACs "bias included", with 959 non-zero biases fed by a constant 1.</summary>
    private const long WeightMacs = 453_748 - 959;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_fixed_point_output_tracks_the_stored_float_output_within_its_derived_bound(bool precompressed)
    {
        var network = Alex8.Compress(64, precompressed: precompressed);
        var layer = network.Layers[0];
        var format = network.Format;

        var result = GoldenModel.Run(network, GoldenModel.QuantizeInput(format, Alex8.Input));

        double scale = Math.ScaleB(1.0, -format.ActivationFrac);
        double[] fixedOutput = result.Output.Select(y => y * scale).ToArray();
        double[] bound = Bounds(layer, format);
        double maxError = 0;
        double worstSlack = double.MaxValue;
        for (var i = 0; i < Alex8.Rows; i++)
        {
            double error = Math.Abs(fixedOutput[i] - Alex8.Output[i]);
            maxError = Math.Max(maxError, error);
            worstSlack = Math.Min(worstSlack, bound[i] - error);
            error.ShouldBeLessThanOrEqualTo(bound[i], $"row {i}");
        }

        int argmax = OutputError.Argmax(fixedOutput);
        int expectedArgmax = OutputError.Argmax(Alex8.Output);
        double[] sorted = [.. Alex8.Output.OrderDescending()];
        string form = precompressed ? "precompressed" : "float, pruned and shared by HwGen";
        output.WriteLine($"alex8 {form}, 64 PEs: Fw = {layer.WeightFrac}, accumulator {format.AccumulatorBits} bits");
        output.WriteLine($"  max |fixed − float| = {maxError:E3}, mean = {fixedOutput.Zip(Alex8.Output, (a, b) => Math.Abs(a - b)).Average():E3}");
        output.WriteLine($"  derived bound: max {bound.Max():E3}, min {bound.Min():E3}; smallest slack {worstSlack:E3}");
        output.WriteLine($"  argmax fixed {argmax}, float {expectedArgmax}; float top-2 gap {sorted[0] - sorted[1]:F4}");
        output.WriteLine($"  useful MACs {result.UsefulMacs[0]:N0}; codebook {string.Join(", ", layer.Codebook.Select(c => c.ToString("F5")))}");
        argmax.ShouldBe(expectedArgmax);
        result.UsefulMacs.ShouldBe([WeightMacs]);
    }

    [Fact]
    public void The_float_reference_with_shared_weights_reproduces_the_stored_output_to_float32_rounding()
    {
        var network = Alex8.Compress(64);

        var reference = FloatReference.Run(network, Alex8.Input, WeightStage.Shared).Output;

        for (var i = 0; i < Alex8.Rows; i++)
        {
            Math.Abs(reference[i] - Alex8.Output[i]).ShouldBeLessThanOrEqualTo(Float32Bound(i), $"row {i}");
        }
    }

    /// <summary>The bound of the class remarks, per row.</summary>
    private static double[] Bounds(CompressedLayer layer, FixedPointFormat format)
    {
        double ex = Math.ScaleB(0.5, -format.ActivationFrac);
        double ew = Math.ScaleB(0.5, -layer.WeightFrac);
        double inputLimit = Math.ScaleB(1.0, format.ActivationBits - 1 - format.ActivationFrac);
        Alex8.Input.Max(Math.Abs).ShouldBeLessThan(inputLimit - ex, "an input would saturate");
        FixedPoint.FitsWithoutSaturation(layer.Codebook, layer.WeightFrac, format.WeightBits).ShouldBeTrue();

        var bound = new double[layer.Rows];
        for (var i = 0; i < layer.Rows; i++)
        {
            double products = 0;
            for (var j = 0; j < layer.Cols; j++)
            {
                int k = (i * layer.Cols) + j;
                double x = Alex8.Input[j];
                if (x == 0)
                {
                    continue;
                }

                double w = Alex8.Weights[k];
                double shared = layer.Codebook[layer.Codes[k]];
                double weightError = (layer.Codes[k] == 0 ? 0 : ew) + Math.Abs(shared - w);
                products += ((Math.Abs(x) + ex) * weightError) + (ex * Math.Abs(w));
            }

            bound[i] = ex + products + Math.ScaleB(0.5, -(format.ActivationFrac + layer.WeightFrac)) + Float32Bound(i);
            (Math.Abs(Alex8.Output[i]) + bound[i]).ShouldBeLessThan(inputLimit - ex, $"row {i} could saturate");
        }

        return bound;
    }

    /// <summary>γ_(n+2)·(Σ_j |x_j w_ij| + |b_i|) for float32, plus the same for our own double sums.</summary>
    private static double Float32Bound(int row)
    {
        double magnitude = Math.Abs(Alex8.Bias[row]);
        for (var j = 0; j < Alex8.Cols; j++)
        {
            magnitude += Math.Abs(Alex8.Input[j] * Alex8.Weights[(row * Alex8.Cols) + j]);
        }

        static double Gamma(int n, double u) => n * u / (1 - (n * u));
        return (Gamma(Alex8.Cols + 2, Math.ScaleB(1, -24)) + Gamma(Alex8.Cols + 2, Math.ScaleB(1, -53))) * magnitude;
    }
}
