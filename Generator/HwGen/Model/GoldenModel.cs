using HwGen.Compression;

namespace HwGen.Model;

/// <summary>One inference of the golden model.</summary>
/// <param name="Input">The quantized input (A bits, Fa fractional bits).</param>
/// <param name="LayerOutputs">
/// Every layer's output (A bits, Fa fractional bits), in original row order; an LSTM layer's is
/// its last hidden state, or every step's, step-major.
/// </param>
/// <param name="UsefulMacs">
/// Per layer: multiply-accumulates of a non-zero weight (code ≠ 0, whatever its fixed-point
/// value) with a non-zero input activation (an LSTM layer's, summed over its steps). Biases are not counted: they start the accumulation
/// rather than occupy a multiply-accumulate slot. (So on alex8 this gives 452,789, where the data's
/// README counts 453,748 with its 959 non-zero biases.) This is the count DESIGN §5's lower bound
/// <c>ceil(useful MACs / N)</c> divides.
/// </param>
/// <param name="HiddenStates">
/// Per layer: an LSTM layer's hidden state after every step, h_1 … h_T (each of length H, original
/// unit order; element t − 1 is h_t), whatever its output; null for a fully connected layer. The
/// co-simulation compares the RTL's per-step writes with them, and the cycle model reads which
/// units of h_(t−1) are non-zero.
/// </param>
public sealed record GoldenResult(long[] Input, IReadOnlyList<long[]> LayerOutputs, IReadOnlyList<long> UsefulMacs, IReadOnlyList<long[][]?> HiddenStates)
{
    /// <summary>The network's output: the last layer's.</summary>
    public long[] Output => LayerOutputs[^1];

    /// <summary>Σ of <see cref="UsefulMacs"/> over the layers.</summary>
    public long TotalUsefulMacs => UsefulMacs.Sum();
}

/// <summary>
/// Bit-exact integer inference of a <see cref="CompressedNetwork"/> (DESIGN §4). Deliberately naive:
/// it works in original coordinates from <see cref="CompressedLayer.Codes"/>,
/// <see cref="CompressedLayer.CodebookFixed"/>, <see cref="CompressedLayer.BiasFixed"/> and
/// <see cref="CompressedLayer.WeightFrac"/> only, never from the per-PE encoding or the row
/// permutation, so that comparing the RTL and the cycle model with it checks those too.
/// </summary>
public static class GoldenModel
{
    /// <summary>
    /// Quantizes a float vector to activations: <c>x × 2^Fa</c> rounded half away from zero,
    /// saturated to A bits (±∞ saturate).
    /// </summary>
    /// <exception cref="ArgumentException">An element is NaN.</exception>
    public static long[] QuantizeInput(FixedPointFormat format, ReadOnlySpan<double> input)
    {
        var result = new long[input.Length];
        for (var i = 0; i < input.Length; i++)
        {
            result[i] = FixedPoint.Quantize(input[i], format.ActivationFrac, format.ActivationBits);
        }

        return result;
    }

    /// <summary>Quantizes a float vector to the network's activation format (see the other overload).</summary>
    public static long[] QuantizeInput(CompressedNetwork network, ReadOnlySpan<double> input) =>
        QuantizeInput(network.Format, input);

    /// <summary>Runs every layer on a quantized input.</summary>
    /// <exception cref="ArgumentException">The input has the wrong length or a value outside A bits.</exception>
    /// <exception cref="InvalidOperationException">
    /// An accumulator left the range of <see cref="FixedPointFormat.AccumulatorBits"/>: the
    /// compressor's width derivation would be wrong.
    /// </exception>
    public static GoldenResult Run(CompressedNetwork network, long[] input)
    {
        var format = network.Format;
        if (input.Length != network.InputSize)
        {
            throw new ArgumentException($"input has {input.Length} elements, the network takes {network.InputSize}", nameof(input));
        }

        foreach (long a in input)
        {
            if (a < format.ActivationMin || a > format.ActivationMax)
            {
                throw new ArgumentException($"input value {a} does not fit {format.ActivationBits} bits", nameof(input));
            }
        }

        var outputs = new List<long[]>();
        var macs = new List<long>();
        var states = new List<long[][]?>();
        long[] x = input;
        foreach (var layer in network.Layers)
        {
            long[][]? hidden = null;
            x = layer.Lstm is null ? RunLayer(layer, format, x, out long layerMacs) : RunLstm(layer, format, x, out layerMacs, out hidden);
            outputs.Add(x);
            macs.Add(layerMacs);
            states.Add(hidden);
        }

        return new GoldenResult(input, outputs, macs, states);
    }

    /// <summary>One layer: y[i] = output(bias[i] + Σ_j x[j] × codebook[code[i, j]]) (with linear weights, × w[i, j]).</summary>
    private static long[] RunLayer(CompressedLayer layer, FixedPointFormat format, long[] x, out long macs)
    {
        var y = new long[layer.Rows];
        macs = 0;
        for (var i = 0; i < layer.Rows; i++)
        {
            y[i] = OutputStage(Accumulate(layer, format, x, i, ref macs), layer.WeightFrac, format, layer.Activation);
        }

        return y;
    }

    /// <summary>
    /// An LSTM layer (docs/microarchitecture.md, "LSTM layers"): zero initial state; at each step
    /// t, every gate row r gives s[r] = output stage(bias[r] + Σ_j v[j] × w[r, j]) without an
    /// activation, over v = [x_t ; h_(t−1)], skipping pruned weights and zero inputs as a fully
    /// connected layer does; then each hidden unit k goes through <see cref="FixedLstm.Step"/> with
    /// s[k], s[H + k], s[2H + k], s[3H + k] (i, f, g, o).
    /// </summary>
    private static long[] RunLstm(CompressedLayer layer, FixedPointFormat format, long[] x, out long macs, out long[][] states)
    {
        var shape = layer.Lstm!;
        int hidden = shape.Hidden;
        var h = new long[hidden];
        var c = new long[hidden];
        var v = new long[layer.Cols];
        var s = new long[layer.Rows];
        var output = new long[shape.OutputLength];
        states = new long[shape.Steps][];
        macs = 0;
        for (var t = 0; t < shape.Steps; t++)
        {
            Array.Copy(x, t * shape.Features, v, 0, shape.Features);
            Array.Copy(h, 0, v, shape.Features, hidden);
            for (var r = 0; r < layer.Rows; r++)
            {
                s[r] = OutputStage(Accumulate(layer, format, v, r, ref macs), layer.WeightFrac, format.ActivationBits, relu: false);
            }

            for (var k = 0; k < hidden; k++)
            {
                (c[k], h[k]) = FixedLstm.Step(s[k], s[hidden + k], s[(2 * hidden) + k], s[(3 * hidden) + k], c[k], format.ActivationBits, format.ActivationFrac);
                if (c[k] < FixedPoint.SignedMin(layer.CellBits) || c[k] > FixedPoint.SignedMax(layer.CellBits))
                {
                    throw new InvalidOperationException($"lstm layer '{layer.Name}', step {t}, unit {k}: cell state {c[k]} does not fit {layer.CellBits} bits");
                }
            }

            states[t] = (long[])h.Clone();
            if (shape.ReturnSequence)
            {
                Array.Copy(h, 0, output, t * hidden, hidden);
            }
        }

        if (!shape.ReturnSequence)
        {
            Array.Copy(h, output, hidden);
        }

        return output;
    }

    /// <summary>
    /// Row <paramref name="row"/>'s accumulator: bias[row] + Σ_j x[j] × w[row, j] over the stored
    /// weights and non-zero inputs, each partial sum (and the sum with the output stage's rounding
    /// term) checked against the accumulator's width; counts the multiply-accumulates in <paramref name="macs"/>.
    /// </summary>
    private static long Accumulate(CompressedLayer layer, FixedPointFormat format, long[] x, int row, ref long macs)
    {
        long acc = CheckAccumulator(layer, row, format, layer.BiasFixed[row]);
        for (var j = 0; j < layer.Cols; j++)
        {
            if (layer.Codes[(row * layer.Cols) + j] == 0 || x[j] == 0)
            {
                continue;
            }

            acc = CheckAccumulator(layer, row, format, checked(acc + (x[j] * layer.FixedWeight((row * layer.Cols) + j))));
            macs++;
        }

        long rounding = layer.WeightFrac > 0 ? 1L << (layer.WeightFrac - 1) : 0;
        CheckAccumulator(layer, row, format, checked(acc + rounding));
        return acc;
    }

    private static long CheckAccumulator(CompressedLayer layer, int row, FixedPointFormat format, long acc)
    {
        if (acc < FixedPoint.SignedMin(format.AccumulatorBits) || acc > FixedPoint.SignedMax(format.AccumulatorBits))
        {
            throw new InvalidOperationException(
                $"layer '{layer.Name}', row {row}: accumulator value {acc} does not fit {format.AccumulatorBits} bits");
        }

        return acc;
    }

    /// <summary>
    /// The output stage with the layer's activation: <see cref="OutputStage(long, int, int, bool)"/>
    /// without ReLU, then <see cref="FixedActivation.Apply"/> (ReLU, tanh, sigmoid or the identity).
    /// </summary>
    public static long OutputStage(long acc, int weightFrac, FixedPointFormat format, HwGen.Data.ActivationKind activation) =>
        FixedActivation.Apply(activation, OutputStage(acc, weightFrac, format.ActivationBits, relu: false), format.ActivationBits, format.ActivationFrac);

    /// <summary>
    /// The output stage (DESIGN §4): <c>sat_A((acc + 2^(Fw−1)) >>> Fw)</c> — round half up, arithmetic
    /// shift, saturate to A bits; no rounding term when Fw = 0 — then ReLU if the layer has one.
    /// </summary>
    public static long OutputStage(long acc, int weightFrac, int activationBits, bool relu)
    {
        if (weightFrac is < 0 or > FixedPoint.MaxAccumulatorBits)
        {
            throw new ArgumentOutOfRangeException(nameof(weightFrac), weightFrac, "Fw must be 0..62");
        }

        long rounded = weightFrac > 0 ? checked(acc + (1L << (weightFrac - 1))) >> weightFrac : acc;
        long y = FixedPoint.Saturate(rounded, activationBits);
        return relu ? Math.Max(0, y) : y;
    }
}
