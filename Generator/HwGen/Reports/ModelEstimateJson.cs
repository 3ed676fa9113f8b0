using HwGen.Compression;
using HwGen.Emit;
using HwGen.Model;

namespace HwGen.Reports;

/// <summary>
/// <c>hwgen estimate --json</c> for a network with LSTM layers: per layer its kind and shape,
/// compression statistics and the cycle model's figures (an LSTM layer's summed over its steps,
/// and per step), memory size and accuracy at every stage.
/// </summary>
/// <param name="Design">The design's name.</param>
/// <param name="Pes">Processing elements N (the encoding's).</param>
/// <param name="FifoDepth">Activation queue entries per PE.</param>
/// <param name="ClockMhz">The clock the latency is computed at, in MHz.</param>
/// <param name="AccumulatorBits">Width of the accumulators, in bits.</param>
/// <param name="Layers">Per layer: its shape, Deep Compression's statistics and the first vector's cycles.</param>
/// <param name="Total">The whole network's statistics and the first vector's cycles.</param>
/// <param name="Vectors">Input vectors evaluated.</param>
/// <param name="ModelCycles">Cycles per vector (cycle model).</param>
/// <param name="IdealCycles">Useful MACs / N, rounded up per layer (per step of an LSTM layer), per vector.</param>
/// <param name="UsefulMacs">Useful MACs of the first vector (golden model), per layer; an LSTM layer's over all its steps.</param>
/// <param name="Accuracy">The fixed-point network against the float references, top-1 per stage.</param>
public sealed record ModelEstimateJson(
    string Design,
    int Pes,
    int FifoDepth,
    double ClockMhz,
    int AccumulatorBits,
    IReadOnlyList<ModelEstimateLayerJson> Layers,
    ModelEstimateTotalJson Total,
    int Vectors,
    IReadOnlyList<long> ModelCycles,
    IReadOnlyList<long> IdealCycles,
    IReadOnlyList<long> UsefulMacs,
    AccuracyJson Accuracy)
{
    /// <summary>The figures of an estimate of a network with LSTM layers.</summary>
    /// <param name="report">The estimate.</param>
    public static ModelEstimateJson From(EstimateReport report)
    {
        var network = report.Network;
        var t = network.Statistics;
        var first = report.First;
        return new ModelEstimateJson(
            network.Name, network.Pes, network.Spec.FifoDepth, report.ClockMhz, network.Format.AccumulatorBits,
            [.. network.Layers.Select((layer, l) => ModelEstimateLayerJson.From(layer, first.Layers[l]))],
            new ModelEstimateTotalJson(
                t.NonZeros, t.Padding, t.Entries, t.CompressedBits, t.HuffmanCompressedBits, t.DenseFp32Bits, t.CompressionRatio, t.HuffmanCompressionRatio,
                first.UsefulMacs, first.Cycles, first.IdealCycles, first.LoadEfficiency, first.StallCycles, report.LatencyUs),
            report.Cycles.Count,
            [.. report.Cycles.Select(c => c.Cycles)],
            [.. report.Cycles.Select(c => c.IdealCycles)],
            [.. first.Layers.Select(l => l.UsefulMacs)],
            AccuracyJson.From(report.Accuracy));
    }
}

/// <summary>One layer of <see cref="ModelEstimateJson"/>.</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Kind"><c>fc</c> or <c>lstm</c>.</param>
/// <param name="Rows">Rows of the weight matrix (an LSTM's 4 × hidden gate rows).</param>
/// <param name="Cols">Columns (an LSTM's features + hidden).</param>
/// <param name="Hidden">An LSTM's hidden size; 0 for fc.</param>
/// <param name="Steps">An LSTM's steps; 1 for fc.</param>
/// <param name="CellBits">An LSTM's cell-state width in bits; 0 for fc.</param>
/// <param name="Density">Non-zero weights / (rows × cols).</param>
/// <param name="Nonzeros">Non-zero weights.</param>
/// <param name="Padding">Zero entries inserted where a relative index would overflow.</param>
/// <param name="CompressedBits">Entries + pointers + codebook (or biases), in bits.</param>
/// <param name="HuffmanCompressedBits">The layer with Huffman-coded codes and indices, in bits.</param>
/// <param name="DenseFp32Bits">The dense layer in 32-bit floats, in bits.</param>
/// <param name="CompressionRatio">dense_fp32_bits / compressed_bits.</param>
/// <param name="WeightFrac">Fraction bits of the layer's fixed-point weights.</param>
/// <param name="UsefulMacs">Non-zero weight × non-zero activation products (an LSTM's over all its steps).</param>
/// <param name="Broadcasts">Non-zero activations broadcast to the PEs (an LSTM's over all its steps).</param>
/// <param name="ModelCycles">Compute + writeback cycles (cycle model; an LSTM's over all its steps).</param>
/// <param name="CyclesPerStep">model_cycles / steps: an LSTM's mean cycles per step; model_cycles for fc.</param>
/// <param name="ComputeCycles">Cycles until the last PE's last product (an LSTM's over all its steps).</param>
/// <param name="WritebackCycles">Cycles of the writeback phases (an LSTM step's: 4 × ceil(hidden / N) + the element-wise unit's latency − 1).</param>
/// <param name="IdealCycles">Useful MACs / N, rounded up (per step, summed, for an LSTM).</param>
/// <param name="LoadEfficiency">ideal_cycles / model_cycles.</param>
/// <param name="StallCycles">Cycles a non-zero activation waited for a full queue.</param>
public sealed record ModelEstimateLayerJson(
    string Name,
    string Kind,
    int Rows,
    int Cols,
    int Hidden,
    int Steps,
    int CellBits,
    double Density,
    long Nonzeros,
    long Padding,
    long CompressedBits,
    long HuffmanCompressedBits,
    long DenseFp32Bits,
    double CompressionRatio,
    int WeightFrac,
    long UsefulMacs,
    long Broadcasts,
    long ModelCycles,
    double CyclesPerStep,
    long ComputeCycles,
    long WritebackCycles,
    long IdealCycles,
    double LoadEfficiency,
    long StallCycles)
{
    public static ModelEstimateLayerJson From(CompressedLayer layer, LayerCycles c)
    {
        var s = layer.Statistics;
        return new ModelEstimateLayerJson(
            layer.Name, layer.Lstm is null ? "fc" : "lstm", layer.Rows, layer.Cols, layer.Lstm?.Hidden ?? 0, layer.Lstm?.Steps ?? 1, layer.CellBits,
            s.Density, s.NonZeros, s.Padding, s.CompressedBits, s.HuffmanCompressedBits, s.DenseFp32Bits, s.CompressionRatio, layer.WeightFrac,
            c.UsefulMacs, c.Broadcasts, c.Cycles, c.CyclesPerStep, c.ComputeCycles, c.WritebackCycles, c.IdealCycles, c.LoadEfficiency, c.StallCycles);
    }
}

/// <summary>The whole network in <see cref="ModelEstimateJson"/>.</summary>
/// <param name="Nonzeros">Non-zero weights.</param>
/// <param name="Padding">Padding entries.</param>
/// <param name="Entries">Stored entries.</param>
/// <param name="CompressedBits">The compressed network (the memory it needs), in bits.</param>
/// <param name="HuffmanCompressedBits">With Huffman-coded codes and indices, in bits.</param>
/// <param name="DenseFp32Bits">The dense network in 32-bit floats, in bits.</param>
/// <param name="CompressionRatio">dense_fp32_bits / compressed_bits.</param>
/// <param name="HuffmanCompressionRatio">dense_fp32_bits / huffman_compressed_bits.</param>
/// <param name="UsefulMacs">Non-zero weight × non-zero activation products, the first vector.</param>
/// <param name="ModelCycles">Cycles of the first vector's inference (cycle model).</param>
/// <param name="IdealCycles">Σ over layers of useful MACs / N, rounded up.</param>
/// <param name="LoadEfficiency">ideal_cycles / model_cycles.</param>
/// <param name="StallCycles">Cycles a non-zero activation waited for a full queue.</param>
/// <param name="LatencyUs">model_cycles / clock_mhz, in µs.</param>
public sealed record ModelEstimateTotalJson(
    long Nonzeros,
    long Padding,
    long Entries,
    long CompressedBits,
    long HuffmanCompressedBits,
    long DenseFp32Bits,
    double CompressionRatio,
    double HuffmanCompressionRatio,
    long UsefulMacs,
    long ModelCycles,
    long IdealCycles,
    double LoadEfficiency,
    long StallCycles,
    double LatencyUs);
