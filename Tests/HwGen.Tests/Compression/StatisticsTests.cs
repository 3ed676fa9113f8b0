using HwGen.Configuration;

namespace HwGen.Tests.Compression;

public class StatisticsTests
{
    [Fact]
    public void A_hand_counted_layer_has_the_expected_storage_figures()
    {
        // 4 rows × 2 cols on 2 PEs, b = 2, Z = 1 (span 2). PE0 owns rows 0, 2; PE1 rows 1, 3.
        // PE0: column 0 has row 2 only (local 1, gap 1: fits); column 1 nothing.
        // PE1: column 0 nothing; column 1 has row 3 (local 1, gap 1) → entries (c, 1).
        // A 6-row variant below forces padding.
        byte[] codes =
        [
            0, 0,
            0, 0,
            1, 0,
            0, 3,
        ];
        var compression = new CompressionConfig { CodebookBits = 2, IndexBits = 1 };

        var network = Networks.CompressCodes(4, 2, codes, [0, 0.5, -0.5, 0.25], pes: 2, compression);

        var s = network.Layers[0].Statistics;
        s.NonZeros.ShouldBe(2);
        s.Padding.ShouldBe(0);
        s.CodeBitsPerEntry.ShouldBe(2);
        s.IndexBitsPerEntry.ShouldBe(1);
        s.PointerBits.ShouldBe(2 * 3 * 1);                                   // each PE: 3 pointers of 1 bit (max value 1)
        int acc = network.Format.AccumulatorBits;
        s.CodebookBits.ShouldBe((4 * 16) + (4 * acc));                       // 2^b × W + rows × accumulator
        s.CompressedBits.ShouldBe((2 * 3) + s.PointerBits + s.CodebookBits);
        s.HuffmanCodeBits.ShouldBe(2);                                       // codes 1 and 3: one bit each
        s.HuffmanIndexBits.ShouldBe(2);                                      // a single index value: one bit each
        s.DenseFp32Bits.ShouldBe(((4 * 2) + 4) * 32);
    }

    [Fact]
    public void Padding_entries_count_in_entries_pointers_and_huffman_streams()
    {
        // 1 PE, Z = 1: column 0 has rows 0 and 5 → gap 4 = 2 × 2 + 0: two padding entries.
        var codes = new byte[6];
        codes[0] = 1;
        codes[5] = 2;
        var compression = new CompressionConfig { CodebookBits = 2, IndexBits = 1 };

        var network = Networks.CompressCodes(6, 1, codes, [0, 0.5, -0.5, 0.25], pes: 1, compression);

        var s = network.Layers[0].Statistics;
        s.NonZeros.ShouldBe(2);
        s.Padding.ShouldBe(2);
        s.Entries.ShouldBe(4);
        s.PointerBits.ShouldBe(2 * 3);                                       // 2 pointers of 3 bits (max value 4)
        s.HuffmanCodeBits.ShouldBe(2 + 2 + 2);                               // code 0 twice (1 bit), codes 1, 2 (2 bits)
        s.HuffmanIndexBits.ShouldBe(4);                                      // indices 0, 1, 1, 0: one bit each
        s.BitsPerWeight.ShouldBe(4 * 3 / 2.0);
    }

    [Fact]
    public void Alex8_statistics_add_up_and_compress_about_as_deep_compression_reports()
    {
        var network = Alex8.Compress(64);

        var s = network.Layers[0].Statistics;
        s.NonZeros.ShouldBe(Alex8.NonZeros);
        s.Entries.ShouldBe(network.Layers[0].PeEncodings.Sum(p => (long)p.Entries));
        s.CompressedBits.ShouldBe((s.Entries * 8) + s.PointerBits + s.CodebookBits);
        s.HuffmanCodeBits.ShouldBeLessThan(s.Entries * 4);
        s.HuffmanIndexBits.ShouldBeLessThan(s.Entries * 4);
        s.Density.ShouldBe(0.2566, 0.0001);

        s.HuffmanCompressionRatio.ShouldBeGreaterThan(s.CompressionRatio);
        s.CompressionRatio.ShouldBeGreaterThan(1);
        network.Statistics.NonZeros.ShouldBe(s.NonZeros);
        network.Statistics.CompressedBits.ShouldBe(s.CompressedBits);
    }
}
