using HwGen.Compression;
using HwGen.Configuration;

namespace HwGen.Tests.Compression;

public class CompressorTests
{
    [Theory]
    [InlineData(PruningMethod.Magnitude, RowAssignmentMethod.Interleaved)]
    [InlineData(PruningMethod.LoadBalanced, RowAssignmentMethod.Balanced)]
    public void Compressing_the_same_input_twice_gives_identical_codes_codebooks_and_encodings(PruningMethod pruning, RowAssignmentMethod assignment)
    {
        var random = new Random(5);
        var first = Networks.Float("fc1", 48, 40, Networks.Normal(random, 48 * 40, 0.05), Networks.Normal(random, 48, 0.1));
        var second = Networks.Float("fc2", 10, 48, Networks.Normal(random, 10 * 48, 0.05));
        var config = Networks.Config([first, second], 5, new CompressionConfig { Pruning = pruning, RowAssignment = assignment }, density: 0.3);

        var a = Compressor.Compress(config, Networks.Data(first, second));
        var b = Compressor.Compress(config, Networks.Data(first, second));

        a.Format.ShouldBe(b.Format);
        for (var l = 0; l < 2; l++)
        {
            var (x, y) = (a.Layers[l], b.Layers[l]);
            x.Codes.ShouldBe(y.Codes);
            x.Codebook.ShouldBe(y.Codebook);
            x.CodebookFixed.ShouldBe(y.CodebookFixed);
            x.BiasFixed.ShouldBe(y.BiasFixed);
            x.WeightFrac.ShouldBe(y.WeightFrac);
            x.HwRowToRow.ShouldBe(y.HwRowToRow);
            x.HwColToCol.ShouldBe(y.HwColToCol);
            for (var pe = 0; pe < 5; pe++)
            {
                x.PeEncodings[pe].ColumnPointers.ShouldBe(y.PeEncodings[pe].ColumnPointers);
                x.PeEncodings[pe].EntryCodes.ShouldBe(y.PeEncodings[pe].EntryCodes);
                x.PeEncodings[pe].EntryIndices.ShouldBe(y.PeEncodings[pe].EntryIndices);
            }

            x.Statistics.ShouldBe(y.Statistics);
        }
    }

    [Fact]
    public void A_precompressed_codebook_is_padded_with_zeros_and_its_codes_kept_as_given()
    {
        byte[] codes = [0, 1, 2, 0, 2, 1];

        var layer = Networks.CompressCodes(2, 3, codes, [0.0, 0.5, -0.25], pes: 1).Layers[0];

        layer.Codes.ShouldBe(codes);
        layer.Codebook.ShouldBe([0.0, 0.5, -0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        layer.WeightFrac.ShouldBe(15);                              // 0.5 × 2^15 = 16384 fits 16 bits; × 2^16 would not
        layer.CodebookFixed.Take(3).ShouldBe([0L, 16384, -8192]);
        layer.DenseWeights.ShouldBeNull();
        layer.KMeansIterations.ShouldBe(0);
    }

    [Fact]
    public void A_precompressed_layer_with_a_full_256_entry_codebook_compresses()
    {
        // 8-bit codes use every byte value; the range check must not wrap 256 to 0 and reject code 0.
        byte[] codes = [0, 255, 1, 128, 0, 7];
        double[] codebook = [0.0, .. Enumerable.Range(1, 255).Select(i => i / 256.0)];

        var layer = Networks.CompressCodes(2, 3, codes, codebook, pes: 2, new CompressionConfig { CodebookBits = 8 }).Layers[0];

        layer.Codes.ShouldBe(codes);
        layer.Codebook.Length.ShouldBe(256);
        layer.Statistics.NonZeros.ShouldBe(4);
    }

    [Fact]
    public void Biases_are_quantized_at_the_accumulators_scale_and_the_accumulator_fits_the_worst_row()
    {
        // Fw = 15 (as above), Fa = 8: bias scale 2^23. Worst row: |bias| + Σ|c| × 2^15 + 2^14.
        byte[] codes = [0, 1, 2, 0, 2, 1];
        double[] bias = [0.75, -1.0000001];

        var network = Networks.CompressCodes(2, 3, codes, [0.0, 0.5, -0.25], pes: 2, bias: bias);

        var layer = network.Layers[0];
        layer.BiasFixed.ShouldBe([6291456L, -8388609]);                // 0.75 × 2^23; −1.0000001 × 2^23 = −8388608.84 → −8388609
        long worst = Math.Max(6291456 + ((16384 + 8192) * 32768L), 8388609 + ((8192 + 16384) * 32768L)) + 16384;
        network.Format.AccumulatorBits.ShouldBe(FixedPoint.SignedBitsFor(worst));
        network.Format.ShouldBe(new FixedPointFormat(16, 8, 16, FixedPoint.SignedBitsFor(worst)));
    }

    [Fact]
    public void A_design_whose_accumulator_would_exceed_62_bits_is_rejected_under_quantization()
    {
        var layer = Networks.Precompressed("fc", 1, 8, [1, 1, 1, 1, 1, 1, 1, 1], [0.0, 1.0]);
        var config = Networks.Config([layer], 1) with
        {
            Quantization = new QuantizationConfig { ActivationBits = 32, ActivationFrac = 16, WeightBits = 32 },
        };

        var error = Should.Throw<ConfigException>(() => Compressor.Compress(config, Networks.Data(layer)));

        error.Errors.ShouldHaveSingleItem().Key.ShouldBe("quantization");
        error.Message.ShouldContain("accumulator");
    }

    [Fact]
    public void Bad_data_and_out_of_range_knobs_are_all_reported_at_once()
    {
        var codes = Networks.Precompressed("fc1", 2, 2, [0, 5, 1, 0], [0.0, 0.5]);
        var weights = Networks.Float("fc2", 2, 2, [1, double.NaN, 0, 1]);
        var config = Networks.Config([codes, weights], 0, new CompressionConfig { IndexBits = 9 });

        var error = Should.Throw<ConfigException>(() => Compressor.Compress(config, Networks.Data(codes, weights)));

        error.Errors.Select(e => e.Key).ShouldBe(
            ["compression.index_bits", "hardware.pes", "layers[0].weights.codes", "layers[1].weights"],
            ignoreOrder: true);
    }

    [Fact]
    public void A_float_layer_keeps_its_dense_weights_for_the_float_reference()
    {
        var weights = Networks.Normal(new Random(2), 30);
        var layer = Networks.Float("fc", 5, 6, weights);

        var compressed = Compressor.Compress(Networks.Config([layer], 2, density: 0.5), Networks.Data(layer)).Layers[0];

        compressed.DenseWeights.ShouldBeSameAs(weights);
        compressed.Codes.Count(c => c != 0).ShouldBe(15);
        compressed.KMeansIterations.ShouldBeGreaterThan(0);
        compressed.KMeansConverged.ShouldBeTrue();
    }

    [Fact]
    public void A_layer_pruned_to_nothing_has_an_all_zero_codebook_and_fw_0()
    {
        var layer = Networks.Float("fc", 3, 4, Networks.Normal(new Random(4), 12), [0.5, -0.25, 0]);

        var network = Compressor.Compress(Networks.Config([layer], 2, density: 0), Networks.Data(layer));

        var compressed = network.Layers[0];
        compressed.Codes.ShouldAllBe(c => c == 0);
        compressed.Codebook.ShouldAllBe(c => c == 0);
        compressed.WeightFrac.ShouldBe(0);
        compressed.BiasFixed.ShouldBe([128L, -64, 0]);
        compressed.Statistics.Entries.ShouldBe(0);
    }
}
