using System.Numerics;
using System.Runtime.InteropServices;
using HwGen.Compression;
using HwGen.Data;

namespace HwGen.Model;

/// <summary>Outputs of many inferences: <c>LayerOutputs[layer][vector]</c>, each in original row order.</summary>
/// <param name="LayerOutputs">Every layer's outputs when asked for, otherwise only the last layer's (one entry).</param>
/// <param name="UsefulMacs">Per vector, per layer, the useful multiply-accumulates (as <see cref="GoldenResult.UsefulMacs"/>), or null.</param>
/// <param name="SaturatedOutputs">
/// Per vector, per layer, the outputs whose rounded value did not fit A bits and saturated (an
/// LSTM layer's gate sums, over its steps), or null.
/// </param>
public sealed record FastEvaluation(IReadOnlyList<long[][]> LayerOutputs, long[][]? UsefulMacs, long[][]? SaturatedOutputs = null)
{
    /// <summary>The network's outputs, one array per vector.</summary>
    public long[][] Outputs => LayerOutputs[^1];

    /// <summary>Per vector, the index of the largest output (the lowest on ties).</summary>
    public int[] Top1() => Outputs.Select(FastEvaluator.Argmax).ToArray();
}

/// <summary>
/// Bit-exact integer inference of a <see cref="CompressedNetwork"/>, fast: the same results as
/// <see cref="GoldenModel"/> (which stays the naive reference it is tested against), computed over
/// each layer's non-zero weights column by column, skipping zero activations, for blocks of
/// vectors at once with SIMD lanes, on several threads.
/// </summary>
/// <remarks>
/// When the accumulator is at most 53 bits wide (<see cref="ExactInDouble"/>, true for HwGen's
/// defaults), the sums run in double precision: every product and every partial sum is an integer
/// below 2^52 in magnitude (the accumulator width bounds them, in any order), so each double
/// operation is exact and the result equals the golden model's integer sum. Wider accumulators
/// use 64-bit integers, one vector at a time. The output stage is
/// <see cref="GoldenModel.OutputStage(long, int, FixedPointFormat, HwGen.Data.ActivationKind)"/> itself. Results do not depend on the thread count.
/// </remarks>
public sealed class FastEvaluator
{
    /// <summary>Vectors per block: two SIMD registers of doubles on AVX2 (whatever the hardware, a multiple of its width).</summary>
    private static readonly int Block = 2 * Vector<double>.Count;

    private readonly CompressedNetwork _network;
    private readonly SparseLayer[] _layers;

    /// <summary>Prepares the network's layers (column lists of non-zero weights).</summary>
    public FastEvaluator(CompressedNetwork network)
    {
        _network = network;
        _layers = network.Layers.Select(SparseLayer.From).ToArray();
        ExactInDouble = network.Format.AccumulatorBits <= 53 && network.FirstLstm is null;
    }

    /// <summary>
    /// True when sums run in (exact) double precision, blocks of vectors at once; false for 64-bit
    /// integer sums, one vector at a time (wide accumulators, and networks with LSTM layers).
    /// </summary>
    public bool ExactInDouble { get; }

    /// <summary>Quantizes float vectors to the network's activations (as <see cref="GoldenModel.QuantizeInput(FixedPointFormat, ReadOnlySpan{double})"/>).</summary>
    public long[][] Quantize(Dataset data)
    {
        var result = new long[data.Count][];
        for (var v = 0; v < data.Count; v++)
        {
            result[v] = GoldenModel.QuantizeInput(_network.Format, data.Input(v));
        }

        return result;
    }

    /// <summary>
    /// How many elements of a dataset's inputs clip when quantized to the activations (|x| · 2^Fa
    /// beyond A bits) — feeding 0–255 pixels to an 8-bit fraction, say.
    /// </summary>
    public static long CountClippedInputs(FixedPointFormat format, Dataset data)
    {
        long clipped = 0;
        foreach (double x in data.Inputs)
        {
            double scaled = FixedPoint.RoundHalfAwayFromZero(Math.ScaleB(x, format.ActivationFrac));
            if (scaled > format.ActivationMax || scaled < format.ActivationMin)
            {
                clipped++;
            }
        }

        return clipped;
    }

    /// <summary>True when the output stage saturates: the rounded accumulator does not fit A bits.</summary>
    public static bool Saturates(long acc, int weightFrac, FixedPointFormat format)
    {
        long rounded = weightFrac > 0 ? (acc + (1L << (weightFrac - 1))) >> weightFrac : acc;
        return rounded > format.ActivationMax || rounded < format.ActivationMin;
    }

    /// <summary>Runs quantized input vectors.</summary>
    /// <param name="inputs">Each of <see cref="CompressedNetwork.InputSize"/> values within A bits.</param>
    /// <param name="allLayers">Keep every layer's outputs (otherwise only the last layer's).</param>
    /// <param name="countMacs">Count useful multiply-accumulates, and saturated outputs, per vector and layer.</param>
    /// <param name="maxThreads">Threads to use; 0 for all cores.</param>
    /// <exception cref="ArgumentException">An input has the wrong length or a value outside A bits.</exception>
    public FastEvaluation Run(IReadOnlyList<long[]> inputs, bool allLayers = false, bool countMacs = false, int maxThreads = 0)
    {
        var format = _network.Format;
        foreach (long[] input in inputs)
        {
            if (input.Length != _network.InputSize)
            {
                throw new ArgumentException($"input has {input.Length} elements, the network takes {_network.InputSize}", nameof(inputs));
            }

            foreach (long a in input)
            {
                if (a < format.ActivationMin || a > format.ActivationMax)
                {
                    throw new ArgumentException($"input value {a} does not fit {format.ActivationBits} bits", nameof(inputs));
                }
            }
        }

        int keptLayers = allLayers ? _layers.Length : 1;
        var outputs = new long[keptLayers][][];
        for (var l = 0; l < keptLayers; l++)
        {
            outputs[l] = new long[inputs.Count][];
        }

        long[][]? macs = countMacs ? new long[inputs.Count][] : null;
        long[][]? saturated = countMacs ? new long[inputs.Count][] : null;
        int blocks = (inputs.Count + Block - 1) / Block;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount };
        if (ExactInDouble)
        {
            Parallel.For(0, blocks, options, () => new DoubleBuffers(_layers), (b, _, buffers) =>
            {
                RunBlockDouble(inputs, b * Block, Math.Min(Block, inputs.Count - (b * Block)), buffers, outputs, allLayers, macs, saturated);
                return buffers;
            }, _ => { });
        }
        else
        {
            Parallel.For(0, inputs.Count, options, v =>
            {
                RunVectorLong(inputs[v], v, outputs, allLayers, macs, saturated);
            });
        }

        return new FastEvaluation(outputs, macs, saturated);
    }

    /// <summary>Quantizes and runs a dataset; returns each vector's top-1 class.</summary>
    public int[] Classify(Dataset data, int maxThreads = 0) => Run(Quantize(data), maxThreads: maxThreads).Top1();

    /// <summary>The index of the largest element, the lowest on ties.</summary>
    public static int Argmax(long[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private void RunBlockDouble(
        IReadOnlyList<long[]> inputs, int first, int count, DoubleBuffers buffers, long[][][] outputs, bool allLayers, long[][]? macs, long[][]? saturated)
    {
        int lanes = Block;
        var x = buffers.X;
        var y = buffers.Y;
        int width = _network.InputSize;
        Array.Clear(x, 0, width * lanes);
        for (var v = 0; v < count; v++)
        {
            long[] input = inputs[first + v];
            for (var j = 0; j < width; j++)
            {
                x[(j * lanes) + v] = input[j];
            }

            if (macs is not null)
            {
                macs[first + v] = new long[_layers.Length];
                saturated![first + v] = new long[_layers.Length];
            }
        }

        var format = _network.Format;
        for (var l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            int rows = layer.Rows;
            var acc = y.AsSpan(0, rows * lanes);
            for (var i = 0; i < rows; i++)
            {
                acc.Slice(i * lanes, lanes).Fill(layer.BiasDouble[i]);
            }

            var accV = MemoryMarshal.Cast<double, Vector<double>>(acc);
            var xV = MemoryMarshal.Cast<double, Vector<double>>(x.AsSpan(0, layer.Cols * lanes));
            for (var j = 0; j < layer.Cols; j++)
            {
                var x0 = xV[2 * j];
                var x1 = xV[(2 * j) + 1];
                if (Vector.EqualsAll(x0, Vector<double>.Zero) && Vector.EqualsAll(x1, Vector<double>.Zero))
                {
                    continue;
                }

                if (macs is not null)
                {
                    int entries = layer.ColumnStart[j + 1] - layer.ColumnStart[j];
                    for (var v = 0; v < count; v++)
                    {
                        if (x[(j * lanes) + v] != 0)
                        {
                            macs[first + v][l] += entries;
                        }
                    }
                }

                for (int e = layer.ColumnStart[j], end = layer.ColumnStart[j + 1]; e < end; e++)
                {
                    int i = layer.RowIndex[e];
                    double w = layer.ValueDouble[e];
                    accV[2 * i] += x0 * w;
                    accV[(2 * i) + 1] += x1 * w;
                }
            }

            // Output stage, then the result becomes the next layer's input.
            bool keep = allLayers || l == _layers.Length - 1;
            long[][] kept = outputs[allLayers ? l : 0];
            if (keep)
            {
                for (var v = 0; v < count; v++)
                {
                    kept[first + v] = new long[rows];
                }
            }

            for (var i = 0; i < rows; i++)
            {
                for (var v = 0; v < lanes; v++)
                {
                    long sum = (long)acc[(i * lanes) + v];
                    long result = GoldenModel.OutputStage(sum, layer.WeightFrac, format, layer.Activation);
                    x[(i * lanes) + v] = v < count ? result : 0;
                    if (saturated is not null && v < count && Saturates(sum, layer.WeightFrac, format))
                    {
                        saturated[first + v][l]++;
                    }

                    if (keep && v < count)
                    {
                        kept[first + v][i] = result;
                    }
                }
            }
        }
    }

    private void RunVectorLong(long[] input, int vector, long[][][] outputs, bool allLayers, long[][]? macs, long[][]? saturated)
    {
        var format = _network.Format;
        long[] x = input;
        if (macs is not null)
        {
            macs[vector] = new long[_layers.Length];
            saturated![vector] = new long[_layers.Length];
        }

        for (var l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            if (_network.Layers[l].Lstm is { } lstm)
            {
                x = RunLstm(layer, lstm, x, out long lstmMacs, out long lstmSaturated);
                if (macs is not null)
                {
                    macs[vector][l] = lstmMacs;
                    saturated![vector][l] = lstmSaturated;
                }

                if (allLayers || l == _layers.Length - 1)
                {
                    outputs[allLayers ? l : 0][vector] = x;
                }

                continue;
            }

            long[] acc = (long[])layer.BiasFixed.Clone();
            for (var j = 0; j < layer.Cols; j++)
            {
                long a = x[j];
                if (a == 0)
                {
                    continue;
                }

                int start = layer.ColumnStart[j];
                int end = layer.ColumnStart[j + 1];
                if (macs is not null)
                {
                    macs[vector][l] += end - start;
                }

                for (int e = start; e < end; e++)
                {
                    acc[layer.RowIndex[e]] += a * layer.ValueFixed[e];
                }
            }

            var y = new long[layer.Rows];
            for (var i = 0; i < y.Length; i++)
            {
                y[i] = GoldenModel.OutputStage(acc[i], layer.WeightFrac, format, layer.Activation);
                if (saturated is not null && Saturates(acc[i], layer.WeightFrac, format))
                {
                    saturated[vector][l]++;
                }
            }

            if (allLayers || l == _layers.Length - 1)
            {
                outputs[allLayers ? l : 0][vector] = y;
            }

            x = y;
        }
    }

    /// <summary>
    /// An LSTM layer on one vector: per step, the gate rows' sums over the non-zero columns of
    /// [x_t ; h_(t−1)] (as a fully connected layer's), the output stage without activation, then
    /// <see cref="FixedLstm.Step"/> per hidden unit. Counts useful MACs and saturated gate sums over all steps.
    /// </summary>
    private long[] RunLstm(SparseLayer layer, HwGen.Data.LstmShape shape, long[] x, out long macs, out long saturated)
    {
        var format = _network.Format;
        int hidden = shape.Hidden;
        var h = new long[hidden];
        var c = new long[hidden];
        var v = new long[layer.Cols];
        var acc = new long[layer.Rows];
        var s = new long[layer.Rows];
        var output = new long[shape.OutputLength];
        macs = 0;
        saturated = 0;
        for (var t = 0; t < shape.Steps; t++)
        {
            Array.Copy(x, t * shape.Features, v, 0, shape.Features);
            Array.Copy(h, 0, v, shape.Features, hidden);
            Array.Copy(layer.BiasFixed, acc, acc.Length);
            for (var j = 0; j < v.Length; j++)
            {
                long a = v[j];
                if (a == 0)
                {
                    continue;
                }

                int start = layer.ColumnStart[j];
                int end = layer.ColumnStart[j + 1];
                macs += end - start;
                for (int e = start; e < end; e++)
                {
                    acc[layer.RowIndex[e]] += a * layer.ValueFixed[e];
                }
            }

            for (var r = 0; r < s.Length; r++)
            {
                s[r] = GoldenModel.OutputStage(acc[r], layer.WeightFrac, format.ActivationBits, relu: false);
                if (Saturates(acc[r], layer.WeightFrac, format))
                {
                    saturated++;
                }
            }

            for (var k = 0; k < hidden; k++)
            {
                (c[k], h[k]) = FixedLstm.Step(s[k], s[hidden + k], s[(2 * hidden) + k], s[(3 * hidden) + k], c[k], format.ActivationBits, format.ActivationFrac);
            }

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

    /// <summary>Per-thread buffers of one block: the layer input and the accumulators, lanes innermost.</summary>
    private sealed class DoubleBuffers(SparseLayer[] layers)
    {
        public double[] X { get; } = new double[layers.Max(l => Math.Max(l.Cols, l.Rows)) * Block];

        public double[] Y { get; } = new double[layers.Max(l => l.Rows) * Block];
    }

    /// <summary>A layer's non-zero weights (code ≠ 0) by column, rows ascending within a column.</summary>
    private sealed class SparseLayer
    {
        public required int Rows { get; init; }

        public required int Cols { get; init; }

        public required int WeightFrac { get; init; }

        public required HwGen.Data.ActivationKind Activation { get; init; }

        public required int[] ColumnStart { get; init; }

        public required int[] RowIndex { get; init; }

        public required long[] ValueFixed { get; init; }

        public required double[] ValueDouble { get; init; }

        public required long[] BiasFixed { get; init; }

        public required double[] BiasDouble { get; init; }

        public static SparseLayer From(CompressedLayer layer)
        {
            var start = new int[layer.Cols + 1];
            for (var i = 0; i < layer.Rows; i++)
            {
                var row = layer.Codes.AsSpan(i * layer.Cols, layer.Cols);
                for (var j = 0; j < row.Length; j++)
                {
                    if (row[j] != 0)
                    {
                        start[j + 1]++;
                    }
                }
            }

            for (var j = 0; j < layer.Cols; j++)
            {
                start[j + 1] += start[j];
            }

            var next = (int[])start.Clone();
            var rows = new int[start[^1]];
            var values = new long[start[^1]];
            for (var i = 0; i < layer.Rows; i++)
            {
                var row = layer.Codes.AsSpan(i * layer.Cols, layer.Cols);
                for (var j = 0; j < row.Length; j++)
                {
                    if (row[j] != 0)
                    {
                        int e = next[j]++;
                        rows[e] = i;
                        values[e] = layer.FixedWeight((i * layer.Cols) + j);
                    }
                }
            }

            return new SparseLayer
            {
                Rows = layer.Rows,
                Cols = layer.Cols,
                WeightFrac = layer.WeightFrac,
                Activation = layer.Activation,
                ColumnStart = start,
                RowIndex = rows,
                ValueFixed = values,
                ValueDouble = values.Select(v => (double)v).ToArray(),
                BiasFixed = layer.BiasFixed,
                BiasDouble = layer.BiasFixed.Select(b => (double)b).ToArray(),
            };
        }
    }
}
