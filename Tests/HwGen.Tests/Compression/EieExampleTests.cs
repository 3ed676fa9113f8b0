using HwGen.Compression;
using HwGen.Configuration;

namespace HwGen.Tests.Compression;

/// <summary>DESIGN §3's worked example: the EIE paper's Fig. 2/3, and padding with a narrow index.</summary>
public class EieExampleTests
{
    /// <summary>
    /// The 16 × 8 matrix of EIE's Fig. 2. PE0's non-zeros are exactly the paper's; the other PEs
    /// get a few weights of their own so the example is not PE0 alone.
    /// </summary>
    private static (byte[] Codes, int[] Pe0Order) Fig2Matrix()
    {
        (int Row, int Col)[] pe0 =
        [
            (0, 0), (8, 0), (12, 0),
            (4, 1),
            (0, 2), (12, 2),
            (0, 4), (4, 4),
            (0, 5), (12, 5),
            (0, 6),
            (8, 7), (12, 7),
        ];
        (int Row, int Col)[] others = [(1, 0), (2, 1), (3, 3), (5, 3), (6, 6), (15, 7), (14, 2), (13, 0)];
        var codes = new byte[16 * 8];
        var code = 1;
        foreach (var (row, col) in pe0.Concat(others))
        {
            codes[(row * 8) + col] = (byte)code;
            code = (code % 15) + 1;
        }

        return (codes, Enumerable.Range(1, pe0.Length).ToArray());
    }

    private static readonly double[] Codebook = [.. Enumerable.Range(0, 16).Select(i => i * 0.125)];

    [Fact]
    public void Pe0_of_the_eie_paper_example_has_exactly_its_relative_indices_and_column_pointers()
    {
        var (codes, pe0Codes) = Fig2Matrix();

        var network = Networks.CompressCodes(16, 8, codes, Codebook, pes: 4);

        var pe0 = network.Layers[0].PeEncodings[0];
        pe0.LocalRows.ShouldBe(4);
        pe0.EntryIndices.Select(z => (int)z).ShouldBe([0, 1, 0, 1, 0, 2, 0, 0, 0, 2, 0, 2, 0]);
        pe0.ColumnPointers.ShouldBe([0, 3, 4, 6, 6, 8, 10, 11, 13]);
        pe0.EntryCodes.Select(c => (int)c).ShouldBe(pe0Codes);
        network.Layers[0].Statistics.Padding.ShouldBe(0);
    }

    [Fact]
    public void The_eie_paper_example_decodes_back_to_its_matrix_on_every_pe()
    {
        var (codes, _) = Fig2Matrix();

        var network = Networks.CompressCodes(16, 8, codes, Codebook, pes: 4);

        CscDecoder.Decode(network.Layers[0]).ShouldBe(codes);
        network.Layers[0].PeEncodings.Sum(p => p.Entries).ShouldBe(codes.Count(c => c != 0));
    }

    [Fact]
    public void Gaps_wider_than_the_index_are_bridged_by_padding_entries_of_index_2_pow_z_minus_1()
    {
        // Z = 2 (span 4), 2 PEs, 40 rows: PE0 has local rows 0..19 (original rows 0, 2, 4, …).
        // Column 0: local rows 9, 18, 19 → gaps 9, 8, 0. Column 1: local rows 3, 8 → gaps 3, 4.
        var codes = new byte[40 * 2];
        codes[(2 * 9 * 2) + 0] = 5;
        codes[(2 * 18 * 2) + 0] = 6;
        codes[(2 * 19 * 2) + 0] = 7;
        codes[(2 * 3 * 2) + 1] = 8;
        codes[(2 * 8 * 2) + 1] = 9;

        var network = Networks.CompressCodes(40, 2, codes, Codebook, pes: 2, new CompressionConfig { IndexBits = 2 });

        var pe0 = network.Layers[0].PeEncodings[0];
        var entries = pe0.EntryCodes.Zip(pe0.EntryIndices, (c, z) => ((int)c, (int)z)).ToArray();
        entries.ShouldBe(
        [
            (0, 3), (0, 3), (5, 1),   // gap 9 = 2 × 4 + 1
            (0, 3), (0, 3), (6, 0),   // gap 8 = 2 × 4 + 0
            (7, 0),                   // gap 0
            (8, 3),                   // gap 3 = 2^Z − 1: fits, no padding
            (0, 3), (9, 0),           // gap 4 = 1 × 4 + 0
        ]);
        pe0.ColumnPointers.ShouldBe([0, 7, 10]);
        network.Layers[0].PeEncodings[1].Entries.ShouldBe(0);
        network.Layers[0].Statistics.Padding.ShouldBe(5);
        network.Layers[0].Statistics.NonZeros.ShouldBe(5);
        CscDecoder.Decode(network.Layers[0]).ShouldBe(codes);
    }
}
