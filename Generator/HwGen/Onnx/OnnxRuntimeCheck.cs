using System.Globalization;
using HwGen.Data;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace HwGen.Onnx;

/// <summary>
/// How closely HwGen's float network (double precision) must reproduce ONNX Runtime (float32):
/// an element agrees when <c>|hwgen − ort| ≤ Absolute + Relative × |hwgen|</c>.
/// </summary>
/// <remarks>
/// The defaults (10⁻⁴ and 10⁻⁴) leave room for float32 rounding in ONNX Runtime's sums — about
/// 10⁻⁷ of the sum of |w·x| per term, so well under 10⁻⁵ for the LeNet-300-100 example, where
/// the measured largest difference is given in docs — while any real import error (a transposed
/// or misplaced weight, a missing bias, a wrong activation) moves outputs by orders of magnitude more.
/// </remarks>
public sealed record OnnxTolerance(double Absolute = 1e-4, double Relative = 1e-4)
{
    public bool Agrees(double hwgen, double ort) => Math.Abs(hwgen - ort) <= Absolute + (Relative * Math.Abs(hwgen));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"|Δ| ≤ {Absolute:G3} + {Relative:G3}·|y|");
}

/// <summary>The first element where HwGen and ONNX Runtime disagree.</summary>
/// <param name="LayerIndex">0-based layer.</param>
/// <param name="Layer">The layer's name.</param>
/// <param name="Tensor">The graph tensor holding that layer's output.</param>
/// <param name="Vector">0-based input vector.</param>
/// <param name="Output">0-based output of the layer.</param>
/// <param name="OnnxRuntime">ONNX Runtime's value.</param>
/// <param name="HwGen">HwGen's value.</param>
/// <param name="EndToEnd">
/// False when the layer was given ONNX Runtime's own output of the layer before (so the layer
/// itself differs); true when every layer agreed on its own and the network's output differs
/// after running all layers on HwGen's values.
/// </param>
public sealed record OnnxMismatch(int LayerIndex, string Layer, string Tensor, int Vector, int Output, double OnnxRuntime, double HwGen, bool EndToEnd)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"layer '{Layer}' (tensor '{Tensor}'){(EndToEnd ? ", end to end," : "")} differs from ONNX Runtime at vector {Vector}, output {Output}: " +
        $"ONNX Runtime {OnnxRuntime:G9}, HwGen {HwGen:G9}");
}

/// <summary>How one layer agreed, over all vectors, given ONNX Runtime's output of the layer before.</summary>
public sealed record OnnxLayerAgreement(string Layer, string Tensor, double MaxAbsDifference);

/// <summary>The outcome of running the original model in ONNX Runtime beside HwGen's float network.</summary>
/// <param name="Vectors">Input vectors compared.</param>
/// <param name="Tolerance">The tolerance applied.</param>
/// <param name="Layers">Per layer, the largest difference when fed ONNX Runtime's previous output.</param>
/// <param name="MaxAbsOutputDifference">The largest difference of the network's outputs, each side running all its layers.</param>
/// <param name="ArgmaxAgreements">Vectors whose top-1 class (lowest index on ties) is the same on both sides.</param>
/// <param name="FirstMismatch">The first disagreement (vector by vector, layer by layer), or null.</param>
public sealed record OnnxCheckResult(
    int Vectors, OnnxTolerance Tolerance, IReadOnlyList<OnnxLayerAgreement> Layers, double MaxAbsOutputDifference, int ArgmaxAgreements, OnnxMismatch? FirstMismatch)
{
    public bool Agrees => FirstMismatch is null;
}

/// <summary>HwGen's float network disagrees with ONNX Runtime on the original model (the CLI exits 1).</summary>
public sealed class OnnxMismatchException(string file, OnnxMismatch mismatch, OnnxTolerance tolerance)
    : Exception($"{file}: {mismatch} (tolerance {tolerance})")
{
    public OnnxMismatch Mismatch { get; } = mismatch;
}

/// <summary>
/// Checks an import against ONNX Runtime, the reference that is not HwGen's own: the original
/// model runs on a dataset's inputs with every layer's output added as a graph output, and each
/// layer of HwGen's <see cref="FloatNetwork"/> (double precision) is run on ONNX Runtime's output of
/// the layer before, so a disagreement names the layer that causes it; the whole network is also
/// run end to end and compared with the model's output.
/// </summary>
public static class OnnxRuntimeCheck
{
    /// <summary>Vectors per ONNX Runtime call when the batch is dynamic.</summary>
    public const int DefaultBatch = 256;

    /// <summary>Runs the check on the model file the import came from.</summary>
    /// <exception cref="OnnxImportException">The model cannot be read again.</exception>
    public static OnnxCheckResult Run(OnnxImport import, string modelPath, Dataset data, OnnxTolerance? tolerance = null, int threads = 0)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(modelPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxImportException(import.File, $"cannot be read ({e.Message})");
        }

        return Run(import, bytes, data, tolerance, threads);
    }

    /// <summary>
    /// Runs the check on the model's bytes. <paramref name="import"/> may be the import of these
    /// bytes or a network derived from it with the same layer shapes (a test mutates a weight).
    /// </summary>
    /// <param name="import">The import whose network is checked.</param>
    /// <param name="modelBytes">The original model.</param>
    /// <param name="data">Inputs; their width must be the network's input size.</param>
    /// <param name="tolerance">The agreement criterion (<see cref="OnnxTolerance"/>'s defaults when null).</param>
    /// <param name="threads">ONNX Runtime's intra-op threads (0: its default).</param>
    public static OnnxCheckResult Run(OnnxImport import, byte[] modelBytes, Dataset data, OnnxTolerance? tolerance = null, int threads = 0)
    {
        tolerance ??= new OnnxTolerance();
        var network = import.Network;
        if (data.Width != network.InputSize)
        {
            throw new DatasetException(data.Origin, data.InputsArray, $"vectors have {data.Width} elements but the model takes {network.InputSize} inputs");
        }

        var model = OnnxImporter.Parse(modelBytes, import.File);
        var existing = model.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string tensor in import.LayerOutputTensors.Where(t => !existing.Contains(t)))
        {
            model.Graph.Output.Add(new ValueInfoProto
            {
                Name = tensor,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
        }

        InferenceSession session;
        try
        {
            session = new InferenceSession(OnnxTensor.Serialize(model), options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxImportException(import.File, $"ONNX Runtime cannot load the model: {e.Message}");
        }

        using var sessionScope = session;
        using var runOptions = new RunOptions();
        var outputNames = import.LayerOutputTensors.ToList();
        int layers = network.Layers.Count;
        var maxLayer = new double[layers];
        double maxOutput = 0;
        var argmax = 0;
        OnnxMismatch? first = null;
        OnnxMismatch? firstEndToEnd = null;
        long[] shape = [.. import.InputShape];
        int batch = import.FixedBatch is long fixedBatch ? checked((int)fixedBatch) : DefaultBatch;
        int width = network.InputSize;

        for (var start = 0; start < data.Count; start += batch)
        {
            int count = Math.Min(batch, data.Count - start);
            int rows = import.FixedBatch is null ? count : batch;
            var input = new float[rows * width];
            for (var i = 0; i < count * width; i++)
            {
                input[i] = (float)data.Inputs[(start * width) + i];
            }

            shape[0] = rows;
            using var inputValue = OrtValue.CreateTensorValueFromMemory(input, shape);
            using var results = RunSession(session, runOptions, import, inputValue, outputNames);
            var ort = new float[layers][];
            for (var l = 0; l < layers; l++)
            {
                ort[l] = results[l].GetTensorDataAsSpan<float>().ToArray();
                int expected = rows * network.Layers[l].OutputLength;
                if (ort[l].Length != expected)
                {
                    throw new InvalidOperationException($"ONNX Runtime gave {ort[l].Length} values for tensor '{outputNames[l]}', expected {expected}");
                }

                if (l < import.LayerOutputTimeMajor.Count && import.LayerOutputTimeMajor[l] && network.Layers[l].Lstm is { } lstm)
                {
                    ort[l] = BatchMajor(ort[l], lstm.Steps, rows, lstm.Hidden);
                }
            }

            for (var v = 0; v < count; v++)
            {
                double[] x = input.AsSpan(v * width, width).ToArray().Select(f => (double)f).ToArray();
                double[] own = x;
                for (var l = 0; l < layers; l++)
                {
                    var layer = network.Layers[l];
                    var ortOut = ort[l].AsSpan(v * layer.OutputLength, layer.OutputLength);
                    double[] fromOrt = FloatNetwork.RunLayer(layer, l == 0 ? x : ToDoubles(ort[l - 1].AsSpan(v * layer.InputLength, layer.InputLength)));
                    own = FloatNetwork.RunLayer(layer, own);
                    for (var i = 0; i < layer.OutputLength; i++)
                    {
                        maxLayer[l] = Math.Max(maxLayer[l], Math.Abs(fromOrt[i] - ortOut[i]));
                        if (first is null && !tolerance.Agrees(fromOrt[i], ortOut[i]))
                        {
                            first = new OnnxMismatch(l, layer.Name, outputNames[l], start + v, i, ortOut[i], fromOrt[i], false);
                        }
                    }

                    if (l == layers - 1)
                    {
                        for (var i = 0; i < layer.OutputLength; i++)
                        {
                            maxOutput = Math.Max(maxOutput, Math.Abs(own[i] - ortOut[i]));
                            if (firstEndToEnd is null && !tolerance.Agrees(own[i], ortOut[i]))
                            {
                                firstEndToEnd = new OnnxMismatch(l, layer.Name, outputNames[l], start + v, i, ortOut[i], own[i], true);
                            }
                        }

                        if (Argmax(own) == Argmax(ToDoubles(ortOut)))
                        {
                            argmax++;
                        }
                    }
                }
            }
        }

        var agreements = network.Layers.Select((l, i) => new OnnxLayerAgreement(l.Name, outputNames[i], maxLayer[i])).ToList();
        return new OnnxCheckResult(data.Count, tolerance, agreements, maxOutput, argmax, first ?? firstEndToEnd);
    }

    /// <summary>A time-major sequence (steps, batch, hidden) as batch-major (batch, steps, hidden).</summary>
    private static float[] BatchMajor(float[] values, int steps, int batch, int hidden)
    {
        var result = new float[values.Length];
        for (var t = 0; t < steps; t++)
        {
            for (var v = 0; v < batch; v++)
            {
                Array.Copy(values, ((t * batch) + v) * hidden, result, ((v * steps) + t) * hidden, hidden);
            }
        }

        return result;
    }

    /// <summary>Runs the check and throws when it fails.</summary>
    /// <exception cref="OnnxMismatchException">HwGen's network disagrees with ONNX Runtime.</exception>
    public static OnnxCheckResult Ensure(OnnxImport import, string modelPath, Dataset data, OnnxTolerance? tolerance = null)
    {
        var result = Run(import, modelPath, data, tolerance);
        return result.FirstMismatch is { } m ? throw new OnnxMismatchException(import.File, m, result.Tolerance) : result;
    }

    private static IDisposableReadOnlyCollection<OrtValue> RunSession(
        InferenceSession session, RunOptions runOptions, OnnxImport import, OrtValue input, List<string> outputNames)
    {
        try
        {
            return session.Run(runOptions, [import.InputName], [input], outputNames);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxImportException(import.File, $"ONNX Runtime cannot run the model: {e.Message}");
        }
    }

    private static double[] ToDoubles(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    private static int Argmax(ReadOnlySpan<double> values)
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
}
