namespace HwGen.Compression;

/// <summary>Computes Deep Compression's storage figures (<see cref="LayerStatistics"/>) from a layer's encoding.</summary>
public static class StatisticsCalculator
{
    /// <summary>
    /// The statistics of one encoded layer. Pointers: each PE stores HwCols + 1 pointers (its
    /// <see cref="PeEncoding.ColumnPointers"/>, padding columns included), each as wide as that
    /// PE's entry count needs (unsigned). Codebook: 2^b entries of W bits, plus one bias per
    /// hardware row (Σ of the PEs' local rows: an LSTM layer's padding units included) at the
    /// accumulator width (biases are added at the accumulator's scale). Dense reference:
    /// <paramref name="rows"/> × <paramref name="cols"/> weights and <paramref name="rows"/> biases in float32. Huffman sizes are over all
    /// entries, padding included. Linear weights (<paramref name="linear"/>): the entry's weight
    /// field is W bits (<paramref name="codebookBits"/> is then W), there is no codebook (only the
    /// biases), and the Huffman size of the weight stream is over the stored W-bit values.
    /// </summary>
    public static LayerStatistics ForLayer(
        string name, int rows, int cols, IReadOnlyList<PeEncoding> encodings, int codebookBits, int indexBits, int weightBits, int accumulatorBits, bool linear = false)
    {
        long pointerBits = 0;
        var codeFrequencies = new long[256];
        var indexFrequencies = new long[256];
        var valueFrequencies = new Dictionary<long, long>();
        foreach (var pe in encodings)
        {
            for (var e = 0; e < pe.Entries; e++)
            {
                codeFrequencies[pe.EntryCodes[e]]++;
                indexFrequencies[pe.EntryIndices[e]]++;
                if (linear)
                {
                    long value = pe.EntryValues![e];
                    valueFrequencies[value] = valueFrequencies.GetValueOrDefault(value) + 1;
                }
            }

            pointerBits += (long)pe.ColumnPointers.Length * PointerWidth(pe);
        }

        long padding = codeFrequencies[0];
        long nonZeros = codeFrequencies.Sum() - padding;
        long entries = nonZeros + padding;
        long hwRows = encodings.Sum(pe => (long)pe.LocalRows);
        long codebookAndBias = (linear ? 0 : (1L << codebookBits) * weightBits) + (hwRows * accumulatorBits);
        long huffmanCodes = linear
            ? Huffman.EncodedBits(valueFrequencies.OrderBy(p => p.Key).Select(p => p.Value).ToArray())
            : Huffman.EncodedBits(codeFrequencies);
        long huffmanIndices = Huffman.EncodedBits(indexFrequencies);
        return new LayerStatistics
        {
            Name = name,
            Rows = rows,
            Cols = cols,
            NonZeros = nonZeros,
            Padding = padding,
            CodeBitsPerEntry = codebookBits,
            IndexBitsPerEntry = indexBits,
            PointerBits = pointerBits,
            CodebookBits = codebookAndBias,
            CompressedBits = (entries * (codebookBits + indexBits)) + pointerBits + codebookAndBias,
            HuffmanCodeBits = huffmanCodes,
            HuffmanIndexBits = huffmanIndices,
            HuffmanCompressedBits = huffmanCodes + huffmanIndices + pointerBits + codebookAndBias,
            DenseFp32Bits = (((long)rows * cols) + rows) * 32,
        };
    }

    /// <summary>Bits of one of a PE's column pointers: enough for its largest value, the entry count.</summary>
    public static int PointerWidth(PeEncoding pe) => FixedPoint.UnsignedBitsFor(pe.Entries);
}
