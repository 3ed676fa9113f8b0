namespace HwGen.Compression;

/// <summary>Deep Compression's storage figures for one layer (sizes in bits).</summary>
public sealed record LayerStatistics
{
    public required string Name { get; init; }

    public required int Rows { get; init; }

    public required int Cols { get; init; }

    /// <summary>Non-zero weights kept.</summary>
    public required long NonZeros { get; init; }

    /// <summary>Padding entries (code 0) the encoding needed for gaps wider than 2^Z − 1.</summary>
    public required long Padding { get; init; }

    /// <summary>NonZeros + Padding.</summary>
    public long Entries => NonZeros + Padding;

    /// <summary>Bits of an entry's weight field: the codebook index bits b, or W for linear weights.</summary>
    public required int CodeBitsPerEntry { get; init; }

    /// <summary>Relative index bits Z per entry.</summary>
    public required int IndexBitsPerEntry { get; init; }

    /// <summary>
    /// Bits of all column pointers of all PEs: each PE stores Cols + 1 pointers, each as wide as
    /// its own entry count needs (unsigned).
    /// </summary>
    public required long PointerBits { get; init; }

    /// <summary>Bits of the codebook (2^b entries of W bits; none for linear weights) and the biases (one per row at the accumulator width).</summary>
    public required long CodebookBits { get; init; }

    /// <summary>Entries × (b + Z) + pointers + codebook: what the hardware stores.</summary>
    public required long CompressedBits { get; init; }

    /// <summary>Huffman-coded size of the code stream (all entries, padding included; a lone symbol costs 1 bit).</summary>
    public required long HuffmanCodeBits { get; init; }

    /// <summary>Huffman-coded size of the relative index stream (all entries, padding included).</summary>
    public required long HuffmanIndexBits { get; init; }

    /// <summary>Huffman-coded codes + indices + pointers + codebook.</summary>
    public required long HuffmanCompressedBits { get; init; }

    /// <summary>Rows × Cols × 32 (+ bias × 32).</summary>
    public required long DenseFp32Bits { get; init; }

    public double CompressionRatio => CompressedBits == 0 ? 0 : (double)DenseFp32Bits / CompressedBits;

    public double HuffmanCompressionRatio => HuffmanCompressedBits == 0 ? 0 : (double)DenseFp32Bits / HuffmanCompressedBits;

    /// <summary>Average stored bits per non-zero weight (code + index + share of padding).</summary>
    public double BitsPerWeight => NonZeros == 0 ? 0 : (double)(Entries * (CodeBitsPerEntry + IndexBitsPerEntry)) / NonZeros;

    public double Density => Rows * (double)Cols == 0 ? 0 : NonZeros / (Rows * (double)Cols);
}

/// <summary>Totals over all layers.</summary>
public sealed record NetworkStatistics
{
    public required IReadOnlyList<LayerStatistics> Layers { get; init; }

    public long NonZeros => Layers.Sum(l => l.NonZeros);

    public long Padding => Layers.Sum(l => l.Padding);

    public long Entries => Layers.Sum(l => l.Entries);

    public long CompressedBits => Layers.Sum(l => l.CompressedBits);

    public long HuffmanCompressedBits => Layers.Sum(l => l.HuffmanCompressedBits);

    public long DenseFp32Bits => Layers.Sum(l => l.DenseFp32Bits);

    public double CompressionRatio => CompressedBits == 0 ? 0 : (double)DenseFp32Bits / CompressedBits;

    public double HuffmanCompressionRatio => HuffmanCompressedBits == 0 ? 0 : (double)DenseFp32Bits / HuffmanCompressedBits;
}
