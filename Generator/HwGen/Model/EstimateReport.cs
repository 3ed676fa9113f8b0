using HwGen.Compression;

namespace HwGen.Model;

/// <summary>
/// What <c>hwgen estimate</c> reports: Deep Compression's statistics, the cycle model on the
/// given vectors and the accuracy of the fixed-point network against the float reference.
/// </summary>
public sealed record EstimateReport(
    CompressedNetwork Network,
    IReadOnlyList<CycleReport> Cycles,
    AccuracyReport Accuracy)
{
    /// <summary>Cycle report of the first vector (the per-layer figures).</summary>
    public CycleReport First => Cycles[0];

    public double ClockMhz => Network.Spec.ClockMhz;

    /// <summary>Latency of the first vector's compute at the configured clock, in microseconds.</summary>
    public double LatencyUs => First.Cycles / ClockMhz;

    /// <summary>The cycle model and the accuracy on the given vectors.</summary>
    public static EstimateReport Build(CompressedNetwork network, IReadOnlyList<double[]> vectors) =>
        Build(network, vectors, AccuracyReport.Compute(network, vectors));

    /// <summary>
    /// The cycle model on a design's vectors and the accuracy at every stage: on its test set's
    /// first <paramref name="count"/> vectors (top-1 against their labels) when it has one,
    /// otherwise on <see cref="Design.Vectors"/>.
    /// </summary>
    public static EstimateReport Build(Design design, int count, int seed)
    {
        var vectors = design.Vectors(count, seed);
        var accuracy = design.Test is null
            ? AccuracyReport.Compute(design.Network, vectors)
            : AccuracyReport.Compute(design.Network, design.TestSet(count), design.Stages);
        return Build(design.Network, vectors, accuracy);
    }

    /// <summary>
    /// Whether the network has LSTM layers: <c>hwgen estimate</c> then reports per layer its kind,
    /// shape and cycles per step (<c>ModelEstimateJson</c>).
    /// </summary>
    public bool HasLstm => Network.FirstLstm is not null;

    private static EstimateReport Build(CompressedNetwork network, IReadOnlyList<double[]> vectors, AccuracyReport accuracy)
    {
        var cycles = new List<CycleReport>(vectors.Count);
        foreach (var vector in vectors)
        {
            var input = GoldenModel.QuantizeInput(network.Format, vector);
            cycles.Add(CycleModel.Run(network, GoldenModel.Run(network, input)));
        }

        return new EstimateReport(network, cycles, accuracy);
    }
}
