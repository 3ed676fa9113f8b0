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

    public static EstimateReport Build(CompressedNetwork network, IReadOnlyList<double[]> vectors)
    {
        var cycles = new List<CycleReport>(vectors.Count);
        foreach (var vector in vectors)
        {
            var input = GoldenModel.QuantizeInput(network.Format, vector);
            var golden = GoldenModel.Run(network, input);
            cycles.Add(CycleModel.Run(network, input, golden.LayerOutputs));
        }

        return new EstimateReport(network, cycles, AccuracyReport.Compute(network, vectors));
    }
}
