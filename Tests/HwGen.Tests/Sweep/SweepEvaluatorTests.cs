using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Hardware;
using HwGen.Model;
using HwGen.Sweep;

namespace HwGen.Tests.Sweep;

/// <summary>
/// The evaluator shares compression between points and re-encodes instead of compressing again;
/// every metric must still be what a fresh <c>Design.FromConfig</c> and the estimate give (dut vs gold).
/// </summary>
public class SweepEvaluatorTests
{
    [Fact]
    public void Cached_and_reencoded_points_equal_freshly_compressed_designs_metric_for_metric()
    {
        using var folder = new TempFolder();
        string path = SweepFiles.Arrange(folder, """
            base: base.yaml
            vectors: 3
            axes:
              compression.pruning: [magnitude, load_balanced]
              hardware.pes: [1, 3, 4]
              compression.row_assignment: [interleaved, balanced]
              compression.index_bits: [2, 4]
              hardware.fifo_depth: [1, 8]
            """);
        var definition = SweepDefinition.Load(path, synth: false);
        var configs = definition.Points.Select(p => p.Config!).ToList();
        var evaluator = new SweepEvaluator(definition.Spec.Vectors, configs);

        foreach (var config in configs)
        {
            var (point, numbers, _) = evaluator.Evaluate(config);

            var design = Design.FromConfig(config);
            var vectors = SweepEvaluator.Vectors(config, design.Data, 3);
            var report = EstimateReport.Build(design.Network, vectors);
            var layout = HardwareLayout.For(design.Network);
            string where = $"pes {config.Hardware.Pes}, {config.Compression.Pruning}, {config.Compression.RowAssignment}, Z {config.Compression.IndexBits}, FIFO {config.Hardware.FifoDepth}";
            for (var l = 0; l < design.Network.Layers.Count; l++)
            {
                var expected = design.Network.Layers[l];
                var actual = point.Design.Network.Layers[l];
                actual.Codes.ShouldBe(expected.Codes, where);
                actual.CodebookFixed.ShouldBe(expected.CodebookFixed, where);
                actual.HwRowToRow.ShouldBe(expected.HwRowToRow, where);
                actual.Statistics.ShouldBe(expected.Statistics, where);
                for (var pe = 0; pe < config.Hardware.Pes; pe++)
                {
                    actual.PeEncodings[pe].ColumnPointers.ShouldBe(expected.PeEncodings[pe].ColumnPointers, where);
                    actual.PeEncodings[pe].EntryCodes.ShouldBe(expected.PeEncodings[pe].EntryCodes, where);
                    actual.PeEncodings[pe].EntryIndices.ShouldBe(expected.PeEncodings[pe].EntryIndices, where);
                }
            }

            numbers["cycles"].ShouldBe(report.Cycles.Average(c => (double)c.Cycles), where);
            numbers["cycles_max"].ShouldBe(report.Cycles.Max(c => c.Cycles), where);
            numbers["load_efficiency"].ShouldBe((double)report.Cycles.Sum(c => c.IdealCycles) / report.Cycles.Sum(c => c.Cycles), where);
            numbers["latency_us"].ShouldBe(report.Cycles.Average(c => (double)c.Cycles) / config.Hardware.ClockMhz, where);
            numbers["nonzeros"].ShouldBe(design.Network.Statistics.NonZeros, where);
            numbers["padding"].ShouldBe(design.Network.Statistics.Padding, where);
            numbers["huffman_bits"].ShouldBe(design.Network.Statistics.HuffmanCompressedBits, where);
            numbers["memory_bits_total"].ShouldBe(layout.MemoryBitsTotal, where);
            numbers["luts"].ShouldBe(ResourceModel.Estimate(layout).Luts, where);
            numbers["accuracy"].ShouldBe(report.Accuracy.For(AccuracyStage.FixedPoint).VersusDense.ArgmaxAgreement, where);
            numbers["output_error_max"].ShouldBe(report.Accuracy.For(AccuracyStage.FixedPoint).VersusDense.MaxAbsError, where);
        }
    }

    /// <summary>
    /// Points that differ only in <c>hardware.column_pairs</c> with balanced rows are searched
    /// apart (pairs also order the first layer's columns), in either order of evaluation.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Column_pairs_and_single_columns_do_not_share_a_searched_encoding(bool pairsFirst)
    {
        using var folder = new TempFolder();
        string path = SweepFiles.Arrange(folder, $$"""
            base: base.yaml
            vectors: 2
            axes:
              hardware.column_pairs: [{{(pairsFirst ? "true, false" : "false, true")}}]
              compression.row_assignment: [balanced]
            """);
        // Every input non-zero and about half an entry per PE and column: broadcasts stall, so the
        // pairs' search moves the first layer's columns.
        folder.Write("base.yaml", """
            name: dense
            seed: 3
            input: {size: 96, density: 1.0}
            layers:
              - {name: fc1, outputs: 24, weights: {density: 0.1}}
              - {name: fc2, outputs: 6, activation: none, weights: {density: 0.5}}
            hardware: {pes: 4, fifo_depth: 1}
            """);
        var definition = SweepDefinition.Load(path, synth: false);
        var configs = definition.Points.Select(p => p.Config!).ToList();
        var evaluator = new SweepEvaluator(definition.Spec.Vectors, configs);

        foreach (var config in configs)
        {
            var (point, numbers, _) = evaluator.Evaluate(config);

            var design = Design.FromConfig(config);
            var report = EstimateReport.Build(design.Network, SweepEvaluator.Vectors(config, design.Data, 2));
            string where = $"column_pairs {config.Hardware.ColumnPairs}";
            design.Network.Layers[0].HwColToCol.SequenceEqual(Enumerable.Range(0, 96)).ShouldBe(!config.Hardware.ColumnPairs, where);
            for (var l = 0; l < design.Network.Layers.Count; l++)
            {
                point.Design.Network.Layers[l].HwColToCol.ShouldBe(design.Network.Layers[l].HwColToCol, where);
                point.Design.Network.Layers[l].HwRowToRow.ShouldBe(design.Network.Layers[l].HwRowToRow, where);
            }

            numbers["cycles"].ShouldBe(report.Cycles.Average(c => (double)c.Cycles), where);
        }
    }

    [Fact]
    public void Memories_the_config_puts_in_spram_count_as_sprams_not_block_rams()
    {
        var config = Design.Load(Examples.Path("tiny.yaml")).Config;
        var spram = config with { Hardware = config.Hardware with { SpmatMemory = MemoryStyle.Ice40Spram, ActMemory = MemoryStyle.Ice40Spram } };
        var evaluator = new SweepEvaluator(1, [config, spram]);

        var inferred = evaluator.Evaluate(config).Numbers;
        var moved = evaluator.Evaluate(spram).Numbers;

        inferred["sprams"].ShouldBe(0);
        moved["sprams"].ShouldBe(3 * (4 + 1), "per PE: 64-bit sparse-matrix lines in 4 SPRAM columns, 16-bit activations in 1");
        moved["brams"].ShouldBeLessThan(inferred["brams"]);
        moved["cycles"].ShouldBe(inferred["cycles"], "the memory style does not change the timing");
    }

    [Fact]
    public void A_random_inputs_vectors_are_distinct_and_start_with_the_configs_own()
    {
        var design = Design.Load(Examples.Path("tiny.yaml"));

        var vectors = SweepEvaluator.Vectors(design.Config, design.Data, 4);

        vectors.Count.ShouldBe(4);
        vectors[0].ShouldBe(design.Data.Inputs[0]);
        vectors.Select(v => string.Join(",", v)).ShouldBeUnique();
    }

    [Fact]
    public void Points_differing_only_in_hardware_share_a_compression_key_and_load_balanced_pruning_does_not()
    {
        var config = Design.Load(Examples.Path("tiny.yaml")).Config;
        var other = config with { Hardware = config.Hardware with { Pes = 7, FifoDepth = 2 }, Compression = config.Compression with { IndexBits = 2 } };
        var balanced = config with { Compression = config.Compression with { Pruning = PruningMethod.LoadBalanced } };

        SweepEvaluator.CompressionKey(other).ShouldBe(SweepEvaluator.CompressionKey(config));
        SweepEvaluator.CompressionKey(balanced with { Hardware = balanced.Hardware with { Pes = 7 } })
            .ShouldNotBe(SweepEvaluator.CompressionKey(balanced));
        SweepEvaluator.CompressionKey(config with { Compression = config.Compression with { CodebookBits = 3 } })
            .ShouldNotBe(SweepEvaluator.CompressionKey(config));
    }
}
