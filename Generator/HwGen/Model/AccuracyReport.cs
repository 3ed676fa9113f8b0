using HwGen.Compression;
using HwGen.Data;

namespace HwGen.Model;

/// <summary>The stages at which accuracy can be lost, in the order compression applies them.</summary>
public enum AccuracyStage
{
    /// <summary>Float, the weights as loaded.</summary>
    Dense,

    /// <summary>Float, pruned weights (not yet shared).</summary>
    Pruned,

    /// <summary>Float, pruned weights retrained with the mask (only when retraining ran).</summary>
    Retrained,

    /// <summary>Float, shared weights (the codebook, unquantized).</summary>
    Shared,

    /// <summary>Float, shared weights with the centroids retrained (only when that ran).</summary>
    SharedRetrained,

    /// <summary>The golden model: quantized input, codebook and biases; integer arithmetic.</summary>
    FixedPoint,
}

/// <summary>How far one output is from a reference output, over a set of input vectors, in real units.</summary>
/// <param name="MaxAbsError">Largest |output − reference| over all outputs of all vectors.</param>
/// <param name="MeanAbsError">Mean |output − reference| over all outputs of all vectors.</param>
/// <param name="ArgmaxAgreements">Vectors whose argmax (lowest index on ties) matches the reference's.</param>
/// <param name="Vectors">Vectors compared.</param>
public sealed record OutputError(double MaxAbsError, double MeanAbsError, int ArgmaxAgreements, int Vectors)
{
    /// <summary>Fraction of vectors whose argmax agrees (1 when there are none).</summary>
    public double ArgmaxAgreement => Vectors == 0 ? 1 : (double)ArgmaxAgreements / Vectors;

    /// <summary>Compares outputs with reference outputs, vector by vector.</summary>
    public static OutputError Compare(IReadOnlyList<double[]> outputs, IReadOnlyList<double[]> references)
    {
        double max = 0;
        double sum = 0;
        long count = 0;
        var agreements = 0;
        for (var v = 0; v < outputs.Count; v++)
        {
            for (var i = 0; i < outputs[v].Length; i++)
            {
                double error = Math.Abs(outputs[v][i] - references[v][i]);
                max = Math.Max(max, error);
                sum += error;
                count++;
            }

            if (Argmax(outputs[v]) == Argmax(references[v]))
            {
                agreements++;
            }
        }

        return new OutputError(max, count == 0 ? 0 : sum / count, agreements, outputs.Count);
    }

    /// <summary>The index of the largest element, the lowest on ties (−1 when empty).</summary>
    public static int Argmax(ReadOnlySpan<double> values)
    {
        int best = values.IsEmpty ? -1 : 0;
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

/// <summary>The accuracy of one stage, against the dense float network and against the stage before it.</summary>
/// <param name="Stage">Which stage.</param>
/// <param name="Available">
/// False when the network lacks this stage's weights (precompressed layers have no dense or
/// merely pruned weights); the stage then shows the shared weights' figures.
/// </param>
/// <param name="VersusDense">Against the dense float output (the whole loss up to this stage).</param>
/// <param name="VersusPrevious">Against the previous stage's output (this stage's own loss).</param>
/// <param name="Top1">The fraction of vectors whose top-1 class is the label; null for unlabelled data.</param>
public sealed record StageAccuracy(AccuracyStage Stage, bool Available, OutputError VersusDense, OutputError VersusPrevious, double? Top1 = null);

/// <summary>
/// Accuracy by stage (dense → pruned → [retrained] → shared → [shared retrained] → fixed point;
/// linear weights have no shared stages: dense → pruned → [retrained] → fixed point)
/// of the network's final output, in real units (fixed-point outputs are divided by 2^Fa), and
/// top-1 against the labels when the data has them. The float stages run on
/// <see cref="FloatEvaluator"/> and the fixed point on <see cref="FastEvaluator"/>, which give
/// exactly the naive references' numbers (tested), so whole datasets are cheap.
/// </summary>
/// <param name="Stages">One entry per stage that ran, in order.</param>
/// <param name="Vectors">Vectors evaluated.</param>
/// <param name="Labelled">Whether top-1 was measured against labels.</param>
/// <param name="SaturatedOutputs">Per layer: fixed-point outputs that saturated (the rounded sum beyond A bits), over all vectors.</param>
/// <param name="ClippedInputs">Input elements that clipped when quantized to A bits.</param>
public sealed record AccuracyReport(
    IReadOnlyList<StageAccuracy> Stages, int Vectors, bool Labelled, IReadOnlyList<long> SaturatedOutputs, long ClippedInputs)
{
    /// <summary>The entry of one stage.</summary>
    public StageAccuracy For(AccuracyStage stage) => Stages.Single(s => s.Stage == stage);

    /// <summary>The entry of one stage, or null when it did not run.</summary>
    public StageAccuracy? Find(AccuracyStage stage) => Stages.SingleOrDefault(s => s.Stage == stage);

    /// <summary>Runs the float stages and the fixed-point network on every input and compares their outputs.</summary>
    public static AccuracyReport Compute(CompressedNetwork network, IReadOnlyList<double[]> inputs)
    {
        return Compute(network, Dataset.FromVectors("input vectors", inputs, network.InputSize), []);
    }

    /// <summary>
    /// Runs the float stages and the fixed-point network on every vector of a dataset, compares
    /// their outputs and, when it is labelled, measures top-1 at every stage.
    /// </summary>
    /// <param name="network">The compressed network (the fixed-point stage; without <paramref name="stages"/>, also the float stages).</param>
    /// <param name="data">The vectors.</param>
    /// <param name="stages">The float network of each stage when retraining ran (<see cref="Design.Stages"/>); empty otherwise.</param>
    /// <param name="maxThreads">Threads to use; 0 for all cores.</param>
    public static AccuracyReport Compute(CompressedNetwork network, Dataset data, IReadOnlyList<StageNetwork> stages, int maxThreads = 0)
    {
        var floats = stages.Count > 0
            ? stages.Select(s => (Stage: ToAccuracyStage(s.Stage), Available: true, Evaluator: FloatEvaluator.For(s.Network))).ToList()
            : [
                (AccuracyStage.Dense, FloatReference.IsAvailable(network, WeightStage.Dense), FloatEvaluator.For(network, WeightStage.Dense)),
                (AccuracyStage.Pruned, FloatReference.IsAvailable(network, WeightStage.Pruned), FloatEvaluator.For(network, WeightStage.Pruned)),
            ];

        // Linear weights are not shared: the pruned stage goes straight to fixed point.
        if (stages.Count == 0 && !network.Spec.LinearWeights)
        {
            floats.Add((AccuracyStage.Shared, true, FloatEvaluator.For(network, WeightStage.Shared)));
        }

        var outputs = new List<(AccuracyStage Stage, bool Available, double[][] Outputs)>();
        foreach (var (stage, available, evaluator) in floats)
        {
            outputs.Add((stage, available, data.Count == 0 ? [] : evaluator.Run(data, maxThreads)));
        }

        var fast = new FastEvaluator(network);
        var evaluation = data.Count == 0
            ? new FastEvaluation([[]], null, [])
            : fast.Run(fast.Quantize(data), countMacs: true, maxThreads: maxThreads);
        double scale = Math.ScaleB(1.0, -network.Format.ActivationFrac);
        outputs.Add((AccuracyStage.FixedPoint, true, evaluation.Outputs.Select(o => o.Select(y => y * scale).ToArray()).ToArray()));

        var report = new List<StageAccuracy>();
        for (var s = 0; s < outputs.Count; s++)
        {
            report.Add(new StageAccuracy(
                outputs[s].Stage,
                outputs[s].Available,
                OutputError.Compare(outputs[s].Outputs, outputs[0].Outputs),
                OutputError.Compare(outputs[s].Outputs, outputs[Math.Max(0, s - 1)].Outputs),
                data.Labels is { } labels ? FloatEvaluator.Top1(outputs[s].Outputs.Select(o => OutputError.Argmax(o)).ToArray(), labels) : null));
        }

        long[] saturated = new long[network.Layers.Count];
        foreach (long[] perVector in evaluation.SaturatedOutputs ?? [])
        {
            for (var l = 0; l < saturated.Length; l++)
            {
                saturated[l] += perVector[l];
            }
        }

        return new AccuracyReport(report, data.Count, data.IsLabelled, saturated, FastEvaluator.CountClippedInputs(network.Format, data));
    }

    private static AccuracyStage ToAccuracyStage(CompressionStage stage) => stage switch
    {
        CompressionStage.Dense => AccuracyStage.Dense,
        CompressionStage.Pruned => AccuracyStage.Pruned,
        CompressionStage.Retrained => AccuracyStage.Retrained,
        CompressionStage.Shared => AccuracyStage.Shared,
        CompressionStage.SharedRetrained => AccuracyStage.SharedRetrained,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };
}
