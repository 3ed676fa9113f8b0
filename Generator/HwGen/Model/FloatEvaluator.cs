using System.Numerics;
using System.Runtime.InteropServices;
using HwGen.Compression;
using HwGen.Data;

namespace HwGen.Model;

/// <summary>
/// Fast double-precision inference of a float network — an imported <see cref="FloatNetwork"/>, or
/// a compressed network's dense, pruned or shared weights (<see cref="WeightStage"/>) — for accuracy
/// at every stage on whole datasets. It gives exactly the numbers of the naive
/// <see cref="FloatReference"/> and <see cref="FloatNetwork.Run"/>: each output is the bias plus the
/// products in column order, each product rounded and added as they do (separate multiply and
/// add, no fused multiply-add); terms whose weight or input is zero are skipped, which changes at
/// most the sign of a zero. Blocks of vectors run in SIMD lanes on several threads.
/// </summary>
public sealed class FloatEvaluator
{
    private static readonly int Block = 2 * Vector<double>.Count;

    private readonly Layer[] _layers;

    private FloatEvaluator(Layer[] layers) => _layers = layers;

    public int InputSize => _layers[0].Lstm?.InputLength ?? _layers[0].Cols;

    /// <summary>An imported float network.</summary>
    public static FloatEvaluator For(FloatNetwork network) =>
        new(network.Layers.Select(l => Layer.From(l.Outputs, l.Inputs, i => l.Weights[i], l.Bias, l.Activation, l.Lstm)).ToArray());

    /// <summary>A compressed network's float weights at one stage (the shared weights where a stage's are not available).</summary>
    public static FloatEvaluator For(CompressedNetwork network, WeightStage stage) =>
        new(network.Layers.Select(l => Layer.From(
            l.Rows, l.Cols, i => FloatReference.Weight(l, i, stage), l.Bias, l.Activation, l.Lstm)).ToArray());

    /// <summary>Runs every vector of a dataset; returns the last layer's outputs, one array per vector.</summary>
    public double[][] Run(Dataset data, int maxThreads = 0)
    {
        if (data.Width != InputSize)
        {
            throw new ArgumentException($"vectors have {data.Width} elements, the network takes {InputSize}", nameof(data));
        }

        var outputs = new double[data.Count][];
        int blocks = (data.Count + Block - 1) / Block;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount };
        if (_layers.Any(l => l.Lstm is not null))
        {
            Parallel.For(0, data.Count, options, v => outputs[v] = RunVector(data.Input(v)));
            return outputs;
        }

        int maxWidth = _layers.Max(l => Math.Max(l.Rows, l.Cols));
        Parallel.For(0, blocks, options, () => (X: new double[maxWidth * Block], Y: new double[maxWidth * Block]), (b, _, buffers) =>
        {
            RunBlock(data, b * Block, Math.Min(Block, data.Count - (b * Block)), buffers.X, buffers.Y, outputs);
            return buffers;
        }, _ => { });
        return outputs;
    }

    /// <summary>Per vector, the index of the largest output (the lowest on ties).</summary>
    public int[] Classify(Dataset data, int maxThreads = 0) =>
        Run(data, maxThreads).Select(o => OutputError.Argmax(o)).ToArray();

    /// <summary>The fraction of vectors whose top-1 class equals the label.</summary>
    public static double Top1(IReadOnlyList<int> predicted, IReadOnlyList<int> labels)
    {
        if (predicted.Count != labels.Count)
        {
            throw new ArgumentException($"{predicted.Count} predictions for {labels.Count} labels", nameof(predicted));
        }

        return predicted.Count == 0 ? 0 : (double)predicted.Where((p, i) => p == labels[i]).Count() / predicted.Count;
    }

    private void RunBlock(Dataset data, int first, int count, double[] x, double[] y, double[][] outputs)
    {
        int lanes = Block;
        int width = InputSize;
        Array.Clear(x, 0, width * lanes);
        for (var v = 0; v < count; v++)
        {
            var input = data.Input(first + v);
            for (var j = 0; j < width; j++)
            {
                x[(j * lanes) + v] = input[j];
            }
        }

        foreach (var layer in _layers)
        {
            var acc = y.AsSpan(0, layer.Rows * lanes);
            for (var i = 0; i < layer.Rows; i++)
            {
                acc.Slice(i * lanes, lanes).Fill(layer.Bias[i]);
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

                for (int e = layer.ColumnStart[j], end = layer.ColumnStart[j + 1]; e < end; e++)
                {
                    int i = layer.RowIndex[e];
                    double w = layer.Value[e];
                    var p0 = x0 * w;
                    var p1 = x1 * w;
                    accV[2 * i] += p0;
                    accV[(2 * i) + 1] += p1;
                }
            }

            for (var k = 0; k < acc.Length; k++)
            {
                x[k] = Activations.Apply(layer.Activation, acc[k]);
            }
        }

        int rows = _layers[^1].Rows;
        for (var v = 0; v < count; v++)
        {
            var output = new double[rows];
            for (var i = 0; i < rows; i++)
            {
                output[i] = x[(i * lanes) + v];
            }

            outputs[first + v] = output;
        }
    }

    /// <summary>
    /// One vector through every layer (the path of networks with LSTM layers): each row's sum is
    /// its bias plus its products in column order, as in <see cref="FloatReference"/>; an LSTM
    /// layer computes its gates so at each step and then <see cref="FloatLstm.Step"/>.
    /// </summary>
    private double[] RunVector(ReadOnlySpan<double> input)
    {
        double[] x = input.ToArray();
        foreach (var layer in _layers)
        {
            if (layer.Lstm is not { } lstm)
            {
                var y = (double[])layer.Bias.Clone();
                Accumulate(layer, x, y);
                for (var i = 0; i < y.Length; i++)
                {
                    y[i] = Activations.Apply(layer.Activation, y[i]);
                }

                x = y;
                continue;
            }

            int hidden = lstm.Hidden;
            var h = new double[hidden];
            var c = new double[hidden];
            var v = new double[layer.Cols];
            var z = new double[layer.Rows];
            var output = new double[lstm.OutputLength];
            for (var t = 0; t < lstm.Steps; t++)
            {
                Array.Copy(x, t * lstm.Features, v, 0, lstm.Features);
                Array.Copy(h, 0, v, lstm.Features, hidden);
                Array.Copy(layer.Bias, z, z.Length);
                Accumulate(layer, v, z);
                FloatLstm.Step(z, c, h);
                if (lstm.ReturnSequence)
                {
                    Array.Copy(h, 0, output, t * hidden, hidden);
                }
            }

            x = lstm.ReturnSequence ? output : h;
        }

        return x;
    }

    /// <summary>Adds each non-zero weight times its non-zero input to its row's sum, column by column.</summary>
    private static void Accumulate(Layer layer, double[] x, double[] sums)
    {
        for (var j = 0; j < layer.Cols; j++)
        {
            double a = x[j];
            if (a == 0)
            {
                continue;
            }

            for (int e = layer.ColumnStart[j], end = layer.ColumnStart[j + 1]; e < end; e++)
            {
                sums[layer.RowIndex[e]] += layer.Value[e] * a;
            }
        }
    }

    /// <summary>A layer's non-zero weights by column, rows ascending within a column.</summary>
    private sealed class Layer
    {
        public required int Rows { get; init; }

        public required int Cols { get; init; }

        public required ActivationKind Activation { get; init; }

        public required int[] ColumnStart { get; init; }

        public required int[] RowIndex { get; init; }

        public required double[] Value { get; init; }

        public required double[] Bias { get; init; }

        /// <summary>An LSTM layer's shape (the weights are its gate matrix), or null.</summary>
        public LstmShape? Lstm { get; init; }

        public static Layer From(int rows, int cols, Func<int, double> weight, double[] bias, ActivationKind activation, LstmShape? lstm = null)
        {
            var columns = new List<(int Row, double Value)>[cols];
            for (var j = 0; j < cols; j++)
            {
                columns[j] = [];
            }

            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    double w = weight((i * cols) + j);
                    if (w != 0)
                    {
                        columns[j].Add((i, w));
                    }
                }
            }

            var start = new int[cols + 1];
            for (var j = 0; j < cols; j++)
            {
                start[j + 1] = start[j] + columns[j].Count;
            }

            return new Layer
            {
                Rows = rows,
                Cols = cols,
                Activation = activation,
                ColumnStart = start,
                RowIndex = columns.SelectMany(c => c.Select(e => e.Row)).ToArray(),
                Value = columns.SelectMany(c => c.Select(e => e.Value)).ToArray(),
                Bias = bias,
                Lstm = lstm,
            };
        }
    }
}
