using HwGen.Compression;

namespace HwGen.Model;

/// <summary>The stages at which accuracy can be lost, in the order compression applies them.</summary>
public enum AccuracyStage
{
    /// <summary>Float, the weights as loaded.</summary>
    Dense,

    /// <summary>Float, pruned weights (not yet shared).</summary>
    Pruned,

    /// <summary>Float, shared weights (the codebook, unquantized).</summary>
    Shared,

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
public sealed record StageAccuracy(AccuracyStage Stage, bool Available, OutputError VersusDense, OutputError VersusPrevious);

/// <summary>
/// Accuracy by stage (dense → pruned → shared → fixed point) of the network's final output, in
/// real units (fixed-point outputs are divided by 2^Fa).
/// </summary>
/// <param name="Stages">One entry per <see cref="AccuracyStage"/>, in order.</param>
public sealed record AccuracyReport(IReadOnlyList<StageAccuracy> Stages)
{
    /// <summary>The entry of one stage.</summary>
    public StageAccuracy For(AccuracyStage stage) => Stages.Single(s => s.Stage == stage);

    /// <summary>Runs the float stages and the golden model on every input and compares their outputs.</summary>
    public static AccuracyReport Compute(CompressedNetwork network, IReadOnlyList<double[]> inputs)
    {
        var stages = new (AccuracyStage Stage, bool Available, List<double[]> Outputs)[]
        {
            (AccuracyStage.Dense, FloatReference.IsAvailable(network, WeightStage.Dense), []),
            (AccuracyStage.Pruned, FloatReference.IsAvailable(network, WeightStage.Pruned), []),
            (AccuracyStage.Shared, true, []),
            (AccuracyStage.FixedPoint, true, []),
        };
        double scale = Math.ScaleB(1.0, -network.Format.ActivationFrac);
        foreach (double[] input in inputs)
        {
            stages[0].Outputs.Add(FloatReference.Run(network, input, WeightStage.Dense).Output);
            stages[1].Outputs.Add(FloatReference.Run(network, input, WeightStage.Pruned).Output);
            stages[2].Outputs.Add(FloatReference.Run(network, input, WeightStage.Shared).Output);
            long[] fixedOutput = GoldenModel.Run(network, GoldenModel.QuantizeInput(network.Format, input)).Output;
            stages[3].Outputs.Add(fixedOutput.Select(y => y * scale).ToArray());
        }

        var report = new List<StageAccuracy>();
        for (var s = 0; s < stages.Length; s++)
        {
            report.Add(new StageAccuracy(
                stages[s].Stage,
                stages[s].Available,
                OutputError.Compare(stages[s].Outputs, stages[0].Outputs),
                OutputError.Compare(stages[s].Outputs, stages[Math.Max(0, s - 1)].Outputs)));
        }

        return new AccuracyReport(report);
    }
}
