using HwGen.Compression;
using HwGen.Emit;
using HwGen.Model;

namespace HwGen.Reports;

/// <summary>
/// <c>hwgen estimate --json</c> for a network the cycle model does not run yet (one with LSTM
/// layers): compression statistics, memory size and accuracy at every stage, no cycles.
/// </summary>
/// <param name="Design">The design's name.</param>
/// <param name="Pes">Processing elements N (the encoding's).</param>
/// <param name="AccumulatorBits">Width of the accumulators, in bits.</param>
/// <param name="CycleModel">Why there are no cycle figures.</param>
/// <param name="Layers">Per layer: its shape and Deep Compression's statistics.</param>
/// <param name="Total">The whole network's statistics.</param>
/// <param name="Vectors">Input vectors evaluated.</param>
/// <param name="UsefulMacs">Useful MACs of the first vector (golden model), per layer; an LSTM layer's over all its steps.</param>
/// <param name="Accuracy">The fixed-point network against the float references, top-1 per stage.</param>
public sealed record ModelEstimateJson(
    string Design,
    int Pes,
    int AccumulatorBits,
    string CycleModel,
    IReadOnlyList<ModelEstimateLayerJson> Layers,
    ModelEstimateTotalJson Total,
    int Vectors,
    IReadOnlyList<long> UsefulMacs,
    AccuracyJson Accuracy)
{
    /// <summary>The model-only figures of an estimate.</summary>
    /// <param name="report">The estimate (without cycles).</param>
    /// <param name="firstVector">The first vector, quantized, for the MAC counts.</param>
    public static ModelEstimateJson From(EstimateReport report, long[] firstVector)
    {
        var network = report.Network;
        var t = network.Statistics;
        string reason = network.FirstLstm is { } lstm
            ? $"not run: layer '{lstm.Name}' is an lstm layer, which the cycle model does not run yet"
            : "not run";
        return new ModelEstimateJson(
            network.Name, network.Pes, network.Format.AccumulatorBits, reason,
            [.. network.Layers.Select(ModelEstimateLayerJson.From)],
            new ModelEstimateTotalJson(t.NonZeros, t.Padding, t.Entries, t.CompressedBits, t.HuffmanCompressedBits, t.DenseFp32Bits, t.CompressionRatio, t.HuffmanCompressionRatio),
            report.Accuracy.Vectors,
            GoldenModel.Run(network, firstVector).UsefulMacs,
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
    int WeightFrac)
{
    public static ModelEstimateLayerJson From(CompressedLayer layer)
    {
        var s = layer.Statistics;
        return new ModelEstimateLayerJson(
            layer.Name, layer.Lstm is null ? "fc" : "lstm", layer.Rows, layer.Cols, layer.Lstm?.Hidden ?? 0, layer.Lstm?.Steps ?? 1, layer.CellBits,
            s.Density, s.NonZeros, s.Padding, s.CompressedBits, s.HuffmanCompressedBits, s.DenseFp32Bits, s.CompressionRatio, layer.WeightFrac);
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
public sealed record ModelEstimateTotalJson(
    long Nonzeros,
    long Padding,
    long Entries,
    long CompressedBits,
    long HuffmanCompressedBits,
    long DenseFp32Bits,
    double CompressionRatio,
    double HuffmanCompressionRatio);
