using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HwGen.Compression;
using HwGen.Configuration;

namespace HwGen.Tests.Compression;

public class CscEncodingTests
{
    public static TheoryData<int, int> PeCountsAndIndexWidths()
    {
        var data = new TheoryData<int, int>();
        foreach (int pes in new[] { 1, 2, 3, 4, 7, 16, 64 })
        {
            foreach (int indexBits in new[] { 2, 3, 4, 8 })
            {
                data.Add(pes, indexBits);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PeCountsAndIndexWidths))]
    public void Alex8_decodes_back_to_its_codes_with_exactly_the_padding_its_column_gaps_need(int pes, int indexBits)
    {
        var network = Alex8.Compress(pes, indexBits);

        var layer = network.Layers[0];
        CscDecoder.Decode(layer).ShouldBeSameCodes(Alex8.Codes, Alex8.Cols);
        layer.Statistics.NonZeros.ShouldBe(Alex8.NonZeros);
        layer.Statistics.Padding.ShouldBe(NaivePadding(Alex8.Codes, Alex8.Rows, Alex8.Cols, pes, indexBits));
        AssertWellFormed(layer, pes, indexBits);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(64)]
    public void Alex8_with_balanced_rows_decodes_back_to_its_codes(int pes)
    {
        var network = Alex8.Compress(pes, assignment: RowAssignmentMethod.Balanced);

        var layer = network.Layers[0];
        layer.HwRowToRow.ShouldNotBe(RowAssignment.Interleaved(Alex8.Rows));
        CscDecoder.Decode(layer).ShouldBeSameCodes(Alex8.Codes, Alex8.Cols);
        AssertWellFormed(layer, pes, 4);
    }

    [Property(Arbitrary = [typeof(LayerCases)], MaxTest = 300)]
    public void Encode_then_decode_is_the_identity_for_random_layers_and_both_row_assignments(LayerCase c)
    {
        var codes = Networks.RandomCodes(new Random(c.Seed), c.Rows, c.Cols, c.Density, (1 << c.CodebookBits) - 1);
        var codebook = Enumerable.Range(0, 1 << c.CodebookBits).Select(i => i * 0.25).ToArray();
        var compression = new CompressionConfig
        {
            CodebookBits = c.CodebookBits,
            IndexBits = c.IndexBits,
            RowAssignment = c.Balanced ? RowAssignmentMethod.Balanced : RowAssignmentMethod.Interleaved,
        };

        var layer = Networks.CompressCodes(c.Rows, c.Cols, codes, codebook, c.Pes, compression).Layers[0];

        CscDecoder.Decode(layer).ShouldBeSameCodes(codes, c.Cols, c.ToString());
        layer.Statistics.Padding.ShouldBe(NaivePadding(codes, c.Rows, c.Cols, c.Pes, c.IndexBits, layer.HwRowToRow), c.ToString());
        AssertWellFormed(layer, c.Pes, c.IndexBits);
    }

    [Fact]
    public void The_decoder_rejects_an_entry_past_the_pes_rows()
    {
        var bad = new PeEncoding { Pe = 0, LocalRows = 2, ColumnPointers = [0, 2], EntryCodes = [1, 1], EntryIndices = [0, 5] };

        Should.Throw<InvalidDataException>(() => CscDecoder.DecodeHardware([bad], rows: 2, cols: 1));
    }

    /// <summary>One random layer: printed by FsCheck when a property fails.</summary>
    public sealed record LayerCase(int Seed, int Rows, int Cols, int Pes, int IndexBits, int CodebookBits, double Density, bool Balanced);

    /// <summary>
    /// Padding counted straight from DESIGN §3 on the original matrix: for every PE and column,
    /// each gap d between consecutive non-zero local rows (from local row −1) needs d div 2^Z.
    /// </summary>
    private static long NaivePadding(byte[] codes, int rows, int cols, int pes, int indexBits, int[]? hwRowToRow = null)
    {
        long padding = 0;
        for (var pe = 0; pe < pes; pe++)
        {
            for (var col = 0; col < cols; col++)
            {
                int previous = -1;
                for (var local = 0; (local * pes) + pe < rows; local++)
                {
                    int hwRow = (local * pes) + pe;
                    int row = hwRowToRow is null ? hwRow : hwRowToRow[hwRow];
                    if (codes[(row * cols) + col] != 0)
                    {
                        padding += (local - previous - 1) / (1 << indexBits);
                        previous = local;
                    }
                }
            }
        }

        return padding;
    }

    /// <summary>Pointers start at 0, never decrease and end at the entry count; padding is (0, 2^Z − 1).</summary>
    internal static void AssertWellFormed(CompressedLayer layer, int pes, int indexBits)
    {
        layer.PeEncodings.Count.ShouldBe(pes);
        foreach (var pe in layer.PeEncodings)
        {
            pe.LocalRows.ShouldBe(CompressedLayer.LocalRows(layer.HwRows, pes, pe.Pe));
            pe.ColumnPointers.Length.ShouldBe(layer.HwCols + 1);
            pe.ColumnPointers[0].ShouldBe(0);
            pe.ColumnPointers[^1].ShouldBe(pe.Entries);
            for (var j = 0; j < layer.HwCols; j++)
            {
                if (pe.ColumnPointers[j + 1] < pe.ColumnPointers[j])
                {
                    throw new ShouldAssertException($"PE {pe.Pe}: pointer of column {j + 1} is below column {j}'s");
                }
            }

            for (var e = 0; e < pe.Entries; e++)
            {
                int z = pe.EntryIndices[e];
                if (z >= 1 << indexBits || (pe.EntryCodes[e] == 0 && z != (1 << indexBits) - 1))
                {
                    throw new ShouldAssertException($"PE {pe.Pe}, entry {e}: ({pe.EntryCodes[e]}, {z}) is not a valid entry for Z = {indexBits}");
                }
            }
        }
    }

    /// <summary>The random cases of one property; FsCheck prints the failing case and the seed to replay it.</summary>
    public static class LayerCases
    {
        public static Arbitrary<LayerCase> Cases() =>
            (from seed in Gen.Choose(0, int.MaxValue)
             from rows in Gen.Choose(1, 40)
             from cols in Gen.Choose(1, 12)
             from pes in Gen.Choose(1, 9)
             from indexBits in Gen.Choose(1, 4)
             from codebookBits in Gen.Choose(1, 4)
             from densityPercent in Gen.Elements(0, 3, 10, 30, 70, 100)
             from balanced in Gen.Elements(false, true)
             select new LayerCase(seed, rows, cols, pes, indexBits, codebookBits, densityPercent / 100.0, balanced)).ToArbitrary();
    }
}
