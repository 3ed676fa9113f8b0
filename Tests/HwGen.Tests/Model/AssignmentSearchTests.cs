using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Model;
using Xunit.Abstractions;

namespace HwGen.Tests.Model;

public class AssignmentSearchTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void The_searchs_work_table_after_its_swaps_is_the_encoders_padding_included(int seed, int indexBits)
    {
        // Low density and few index bits: many padding entries, which a swap moves around.
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        const int rows = 90;
        const int cols = 70;
        const int pes = 7;
        byte[] codes = Networks.RandomCodes(random, rows, cols, 0.12, 15);
        int[] hwColToCol = [.. Enumerable.Range(0, cols).OrderBy(_ => random.Next())];
        bool[] mask = [.. Enumerable.Range(0, cols).Select(_ => random.NextDouble() < 0.5)];
        int[] start = RowAssignment.Balanced(codes, rows, cols, pes);
        var search = new AssignmentSearch.LayerSearch("fc", codes, rows, cols, pes, indexBits, 4, hwColToCol, start, [mask]);
        long before = search.Cycles;

        search.Run(200);

        search.Kept.ShouldBeGreaterThan(0);
        search.Cycles.ShouldBeLessThan(before);
        int[] hwRowToRow = search.HwRowToRow();
        hwRowToRow.Order().ShouldBe(Enumerable.Range(0, rows));
        var layer = Layer(codes, rows, cols, pes, indexBits, hwRowToRow, hwColToCol);
        var encoded = WorkTable.For(layer, pes);
        search.Table.Work.ShouldBe(encoded.Work);
        search.Table.Useful.ShouldBe(encoded.Useful);
        CycleModel.RunLayer(layer, pes, 4, mask).Cycles.ShouldBe(search.Cycles);
        CscDecoder.Decode(layer).ShouldBe(codes);
    }

    [Fact]
    public void A_searched_network_is_deterministic_never_slower_on_its_vectors_and_decodes_to_the_same_weights()
    {
        var random = new Random(7);
        var first = Networks.Precompressed("fc1", 96, 40, Networks.RandomCodes(random, 96, 40, 0.3, 15), [.. Enumerable.Range(0, 16).Select(i => i == 0 ? 0 : (i - 8) / 16.0)]);
        var second = Networks.Precompressed("fc2", 30, 96, Networks.RandomCodes(random, 30, 96, 0.3, 15), [.. Enumerable.Range(0, 16).Select(i => i == 0 ? 0 : (i - 8) / 16.0)]);
        var config = Networks.Config([first, second], 8, new CompressionConfig
        {
            RowAssignment = RowAssignmentMethod.Balanced,
            BalanceSearch = new BalanceSearchConfig { Vectors = 3 },
        }) with { Input = new InputConfig { Size = 40, Density = 0.5 } };
        var proxyOnly = config with { Compression = config.Compression with { BalanceSearch = new BalanceSearchConfig { Evaluations = 0 } } };
        var data = Networks.Data(first, second);

        var searched = Compressor.Compress(config, data);
        var again = Compressor.Compress(config, data);
        var proxy = Compressor.Compress(proxyOnly, data);

        var vectors = AssignmentSearch.Vectors(config, data, 3).Select(v => GoldenModel.QuantizeInput(searched.Format, v)).ToList();
        long Cycles(CompressedNetwork network) => vectors.Sum(v => CycleModel.Run(network, v, GoldenModel.Run(network, v).LayerOutputs).Cycles);
        output.WriteLine($"weight-only swaps {Cycles(proxy)} cycles over 3 vectors, searched {Cycles(searched)}");
        Cycles(searched).ShouldBeLessThanOrEqualTo(Cycles(proxy));
        for (var l = 0; l < 2; l++)
        {
            searched.Layers[l].HwRowToRow.ShouldBe(again.Layers[l].HwRowToRow);
            CscDecoder.Decode(searched.Layers[l]).ShouldBe(l == 0 ? first.Codes : second.Codes);
        }

        searched.Layers[1].HwColToCol.ShouldBe(searched.Layers[0].HwRowToRow);
        searched.Layers.Zip(proxy.Layers).Any(p => !p.First.HwRowToRow.SequenceEqual(p.Second.HwRowToRow)).ShouldBeTrue();
    }

    /// <summary>
    /// With column pairs the search also orders the first layer's columns: a permutation the
    /// network decodes through to the same weights, the same for the same config, never slower on
    /// the search vectors than the rows-only search, and the next layer's columns untouched.
    /// </summary>
    [Fact]
    public void With_column_pairs_the_first_layers_column_order_is_searched_too()
    {
        var random = new Random(11);
        var first = Networks.Precompressed("fc1", 64, 90, Networks.RandomCodes(random, 64, 90, 0.12, 15), [.. Enumerable.Range(0, 16).Select(i => i == 0 ? 0 : (i - 8) / 16.0)]);
        var second = Networks.Precompressed("fc2", 10, 64, Networks.RandomCodes(random, 10, 64, 0.4, 15), [.. Enumerable.Range(0, 16).Select(i => i == 0 ? 0 : (i - 8) / 16.0)]);
        var config = Networks.Config([first, second], 8, new CompressionConfig
        {
            RowAssignment = RowAssignmentMethod.Balanced,
            BalanceSearch = new BalanceSearchConfig { Vectors = 2, Evaluations = 2000 },
        }) with { Input = new InputConfig { Size = 90, Density = 1.0 } };
        config = config with { Hardware = config.Hardware with { ColumnPairs = true, FifoDepth = 2 } };
        var data = Networks.Data(first, second);

        var searched = Compressor.Compress(config, data);
        var again = Compressor.Compress(config, data);

        var order = searched.Layers[0].HwColToCol;
        order.Order().ShouldBe(Enumerable.Range(0, 90));
        order.SequenceEqual(Enumerable.Range(0, 90)).ShouldBeFalse();
        order.ShouldBe(again.Layers[0].HwColToCol);
        CscDecoder.Decode(searched.Layers[0]).ShouldBe(first.Codes);
        CscDecoder.Decode(searched.Layers[1]).ShouldBe(second.Codes);
        searched.Layers[1].HwColToCol.ShouldBe(searched.Layers[0].HwRowToRow);

        // The rows-only result: the same rows, the columns in their first order.
        var rowsOnly = Compressor.Reassign(config, searched, [.. searched.Layers.Select(l => l.HwRowToRow)], [.. Enumerable.Range(0, 90)]);
        var vectors = AssignmentSearch.Vectors(config, data, 2).Select(v => GoldenModel.QuantizeInput(searched.Format, v)).ToList();
        long Cycles(CompressedNetwork network) => vectors.Sum(v => CycleModel.Run(network, v, GoldenModel.Run(network, v).LayerOutputs).Layers[0].Cycles);
        output.WriteLine($"rows only {Cycles(rowsOnly)} cycles over 2 vectors, with the column order {Cycles(searched)}");
        Cycles(searched).ShouldBeLessThanOrEqualTo(Cycles(rowsOnly));
    }

    private static CompressedLayer Layer(byte[] codes, int rows, int cols, int pes, int indexBits, int[] hwRowToRow, int[] hwColToCol)
    {
        var encodings = CscEncoder.Encode(codes, rows, cols, pes, indexBits, hwRowToRow, hwColToCol);
        return new CompressedLayer
        {
            Name = "fc",
            Rows = rows,
            Cols = cols,
            Activation = HwGen.Data.ActivationKind.None,
            Codes = codes,
            Codebook = new double[16],
            Bias = new double[rows],
            WeightFrac = 0,
            CodebookFixed = new long[16],
            BiasFixed = new long[rows],
            HwRowToRow = hwRowToRow,
            HwColToCol = hwColToCol,
            PeEncodings = encodings,
            Statistics = StatisticsCalculator.ForLayer("fc", rows, cols, encodings, 4, indexBits, 16, 32),
        };
    }
}
