using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Hardware;
using HwGen.Model;

namespace HwGen.Tests.Compression;

/// <summary>
/// Linear weight quantization (<c>compression.weights: linear</c>, ESE): kept weights become signed
/// W-bit values at the layer's Fw, stored in the entries themselves, with no codebook.
/// </summary>
public class LinearWeightsTests
{
    private static readonly CompressionConfig Linear = new() { Weights = WeightEncoding.Linear };

    [Fact]
    public void Kept_weights_are_quantized_to_w_bits_at_the_fw_that_fits_the_largest_and_pruned_ones_are_zero()
    {
        // 2 × 3, density 4/6: the two smallest magnitudes (0.01 and -0.02) are pruned.
        double[] weights = [0.75, 0.01, -0.3, -0.02, 0.125, -0.5];
        var layer = Networks.Float("fc", 2, 3, weights, [0.5, -0.25]);
        var config = Networks.Config([layer], 1, Linear, new QuantizationConfig { WeightBits = 8 }, density: 4.0 / 6);

        var network = Compressor.Compress(config, Networks.Data(layer));
        var compressed = network.Layers[0];

        compressed.IsLinear.ShouldBeTrue();
        compressed.WeightFrac.ShouldBe(7);                                    // 0.75 × 2^7 = 96 fits 8 bits; × 2^8 = 192 would not
        compressed.LinearFixed.ShouldBe([96L, 0, -38, 0, 16, -64]);           // -0.3 × 128 = -38.4 → -38
        compressed.Codes.ShouldBe(new byte[] { 1, 0, 1, 0, 1, 1 });
        compressed.BiasFixed.ShouldBe([64L << 8, -(32L << 8)]);               // at 2^(Fa + Fw) = 2^15
        compressed.Statistics.CodeBitsPerEntry.ShouldBe(8);
        compressed.Statistics.CodebookBits.ShouldBe(2L * network.Format.AccumulatorBits);   // the biases only: no codebook
        compressed.Statistics.NonZeros.ShouldBe(4);
    }

    [Fact]
    public void A_kept_weight_that_rounds_to_zero_stays_an_entry_and_counts_as_a_mac()
    {
        // W = 4: Fw is chosen for 1.0 (× 2^2 = 4 fits, × 2^3 = 8 does not), so 0.1 × 4 = 0.4 rounds to 0.
        double[] weights = [1.0, 0.1];
        var layer = Networks.Float("fc", 1, 2, weights);
        var config = Networks.Config([layer], 1, Linear, new QuantizationConfig { WeightBits = 4 }, activation: LayerActivation.None);
        var network = Compressor.Compress(config, Networks.Data(layer));

        network.Layers[0].WeightFrac.ShouldBe(2);
        network.Layers[0].LinearFixed.ShouldBe([4L, 0]);
        network.Statistics.Layers[0].NonZeros.ShouldBe(2);
        network.Layers[0].PeEncodings[0].EntryValues.ShouldBe([4L, 0]);

        var result = GoldenModel.Run(network, [256, 256]);                    // x = 1.0 at Fa = 8
        result.Output.ShouldBe([256L]);
        result.UsefulMacs.ShouldBe([2L]);
    }

    [Fact]
    public void Entries_pack_each_weight_as_w_bit_twos_complement_beside_its_index()
    {
        // One column, rows 0 and 2 kept on one PE: entries (w0, z = 0) and (w2, z = 1).
        double[] weights = [-0.5, 0, 0.25];
        var layer = Networks.Float("fc", 3, 1, weights);
        var config = Networks.Config([layer], 1, Linear with { IndexBits = 4 }, new QuantizationConfig { WeightBits = 6 }, density: 2.0 / 3);
        var network = Compressor.Compress(config, Networks.Data(layer));
        var layout = HardwareLayout.For(network);

        network.Layers[0].WeightFrac.ShouldBe(6);                             // -0.5 × 2^6 = -32 is the 6-bit minimum
        network.Layers[0].PeEncodings[0].EntryValues.ShouldBe([-32L, 16]);
        layout.EntryBits.ShouldBe(10);
        layout.LinearWeights.ShouldBeTrue();
        ulong first = (0b100000UL << 4) | 0;                                  // -32 in 6 bits, z = 0
        ulong second = (0b010000UL << 4) | 1;                                 // 16, z = 1
        layout.SpmatLines(0)[0][0].ShouldBe(first | (second << 10));
    }

    [Fact]
    public void A_searched_balanced_assignment_keeps_every_linear_weight_with_its_row_and_column()
    {
        // The cycle-model search re-encodes the layers with its own row permutation: every entry must
        // still carry the weight of the (row, column) it lands on.
        var random = new Random(7);
        int rows = 24, cols = 20;
        var layer = Networks.Float("fc", rows, cols, Enumerable.Range(0, rows * cols).Select(_ => random.NextDouble() - 0.5).ToArray());
        var compression = Linear with { RowAssignment = RowAssignmentMethod.Balanced, BalanceSearch = new BalanceSearchConfig { Evaluations = 500 } };
        var network = Compressor.Compress(Networks.Config([layer], 3, compression, new QuantizationConfig { WeightBits = 8 }, density: 0.4), Networks.Data(layer));
        var compressed = network.Layers[0];

        long checkedEntries = 0;
        foreach (var encoding in compressed.PeEncodings)
        {
            for (var col = 0; col < cols; col++)
            {
                int local = -1;
                for (int e = encoding.ColumnPointers[col]; e < encoding.ColumnPointers[col + 1]; e++)
                {
                    local += encoding.EntryIndices[e] + 1;
                    if (encoding.EntryCodes[e] == 0)
                    {
                        continue;
                    }

                    int row = compressed.HwRowToRow[(local * network.Pes) + encoding.Pe];
                    int column = compressed.HwColToCol[col];
                    encoding.EntryValues![e].ShouldBe(compressed.LinearFixed![(row * cols) + column], $"PE {encoding.Pe}, column {col}, entry {e}");
                    checkedEntries++;
                }
            }
        }

        checkedEntries.ShouldBe(compressed.Statistics.NonZeros);
    }

    [Fact]
    public void A_linear_design_has_no_codebook_memory_to_load_or_count()
    {
        var random = new Random(3);
        var layer = Networks.Float("fc", 12, 10, Networks.Normal(random, 120, 0.1));
        var linear = Compressor.Compress(Networks.Config([layer], 3, Linear, density: 0.4), Networks.Data(layer));
        var codebook = Compressor.Compress(Networks.Config([layer], 3, density: 0.4), Networks.Data(layer));
        var linearLayout = HardwareLayout.For(linear);
        var codebookLayout = HardwareLayout.For(codebook);

        MemoryMap.Contents(linearLayout).ShouldNotContain(m => m.Region == MemoryRegion.Codebook);
        MemoryMap.Contents(codebookLayout).ShouldContain(m => m.Region == MemoryRegion.Codebook);
        linearLayout.CodebookBits.ShouldBe(0);
        linearLayout.MemoryBitsTotal.ShouldBe(linearLayout.MemoryBitsPerPe * 3);
        HwGen.Sweep.ResourceModel.Terms(linearLayout).Memories.ShouldNotContain(m => m.Name == "codebook");

        // The same entries, each a 16-bit value and a 4-bit index; pointers and biases, no codebook.
        var s = linear.Statistics.Layers[0];
        s.Entries.ShouldBe(codebook.Statistics.Entries);
        s.CompressedBits.ShouldBe((s.Entries * (16 + 4)) + s.PointerBits + (12L * linear.Format.AccumulatorBits));
    }

    [Fact]
    public void A_layer_takes_the_same_cycles_with_linear_weights_as_with_a_codebook_on_the_same_input()
    {
        // One entry per PE per cycle either way: with one layer (the same input activations), the
        // encoding alone sets the cycles, and it is the same for the same pruning.
        var random = new Random(11);
        var layer = Networks.Float("fc", 37, 29, Networks.Normal(random, 37 * 29, 0.1));
        var input = Networks.Normal(random, 29, 0.5);
        foreach (int pes in new[] { 1, 3, 4 })
        {
            var linear = Compressor.Compress(Networks.Config([layer], pes, Linear, density: 0.3), Networks.Data(layer));
            var codebook = Compressor.Compress(Networks.Config([layer], pes, density: 0.3), Networks.Data(layer));
            long[] x = GoldenModel.QuantizeInput(linear, input);

            var linearCycles = CycleModel.Run(linear, x, GoldenModel.Run(linear, x).LayerOutputs);
            var codebookCycles = CycleModel.Run(codebook, x, GoldenModel.Run(codebook, x).LayerOutputs);

            linearCycles.Cycles.ShouldBe(codebookCycles.Cycles, $"{pes} PEs");
            linearCycles.UsefulMacs.ShouldBe(codebookCycles.UsefulMacs, $"{pes} PEs");
        }
    }

    [Fact]
    public void Linear_weights_keep_the_pruned_float_networks_accuracy_stages_without_a_shared_stage()
    {
        var random = new Random(8);
        var layer = Networks.Float("fc", 8, 20, Networks.Normal(random, 160, 0.2));
        var network = Compressor.Compress(Networks.Config([layer], 2, Linear, density: 0.5), Networks.Data(layer));
        var inputs = Enumerable.Range(0, 5).Select(_ => Networks.Normal(random, 20, 0.5)).ToList();

        var report = AccuracyReport.Compute(network, inputs);

        report.Stages.Select(s => s.Stage).ShouldBe([AccuracyStage.Dense, AccuracyStage.Pruned, AccuracyStage.FixedPoint]);
        for (var i = 0; i < network.Layers[0].Codes.Length; i++)
        {
            FloatReference.Weight(network.Layers[0], i, WeightStage.Shared).ShouldBe(FloatReference.Weight(network.Layers[0], i, WeightStage.Pruned));
        }
    }

    [Fact]
    public void The_lenet300_linear_example_retrains_with_the_mask_skips_sharing_and_keeps_its_top1()
    {
        var design = Design.Load(Path.Combine(TestData.RepoRoot, "examples", "mnist", "lenet300-linear.yaml"));

        design.Stages.Select(s => s.Stage).ShouldBe([CompressionStage.Dense, CompressionStage.Pruned, CompressionStage.Retrained]);
        design.Network.Layers.ShouldAllBe(l => l.IsLinear);
        design.Network.Format.WeightBits.ShouldBe(12);
        var report = AccuracyReport.Compute(design.Network, design.Test!, design.Stages);

        // examples/mnist/README.md: 95.80 % after retraining and at fixed point, on all 2,000 test digits.
        report.Stages.Select(s => s.Stage).ShouldBe([AccuracyStage.Dense, AccuracyStage.Pruned, AccuracyStage.Retrained, AccuracyStage.FixedPoint]);
        report.For(AccuracyStage.Retrained).Top1.ShouldBe(0.958);
        report.For(AccuracyStage.FixedPoint).Top1.ShouldBe(0.958);
    }

    [Fact]
    public void A_precompressed_layer_cannot_be_compressed_to_linear_weights()
    {
        var layer = Networks.Precompressed("fc", 2, 2, [0, 1, 1, 0], [0.0, 0.5]);

        var error = Should.Throw<ConfigException>(() => Compressor.Compress(Networks.Config([layer], 1, Linear), Networks.Data(layer)));

        error.Errors.ShouldContain(e => e.Key == "layers[0].weights.codes" && e.Message.Contains("linear"));
    }
}
