using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Model;

namespace HwGen.Tests.Model;

public class GoldenModelTests
{
    private static readonly FixedPointFormat Format = new(ActivationBits: 8, ActivationFrac: 4, WeightBits: 8, AccumulatorBits: 30);

    [Theory]
    [InlineData(6, 2, false, 2)]        // 1.5 → 2: halves round up
    [InlineData(-6, 2, false, -1)]      // −1.5 → −1: up, i.e. towards +∞
    [InlineData(5, 2, false, 1)]        // 1.25 → 1
    [InlineData(7, 2, false, 2)]        // 1.75 → 2
    [InlineData(-5, 2, false, -1)]      // −1.25 → −1
    [InlineData(-7, 2, false, -2)]      // −1.75 → −2
    [InlineData(1000, 2, false, 127)]   // 250 saturates up
    [InlineData(-1000, 2, false, -128)] // −250 saturates down
    [InlineData(-513, 2, false, -128)]  // −128.25 → −128 exactly at the bottom
    [InlineData(509, 2, false, 127)]    // 127.25 → 127 exactly at the top
    [InlineData(510, 2, false, 127)]    // 127.5 → 128 saturates to 127
    [InlineData(7, 0, false, 7)]        // Fw = 0: no shift, no rounding term
    [InlineData(-200, 0, false, -128)]
    [InlineData(-6, 2, true, 0)]        // ReLU after rounding
    [InlineData(6, 2, true, 2)]
    public void The_output_stage_rounds_half_up_shifts_saturates_then_applies_relu(long acc, int weightFrac, bool relu, long expected) =>
        GoldenModel.OutputStage(acc, weightFrac, activationBits: 8, relu).ShouldBe(expected);

    [Fact]
    public void Inputs_are_quantized_half_away_from_zero_and_saturated()
    {
        double[] input = [1.0, -0.5, 0.03125, -0.03125, 100, -100, 7.96875, 0.0];

        GoldenModel.QuantizeInput(Format, input).ShouldBe([16L, -8, 1, -1, 127, -128, 127, 0]);
    }

    [Fact]
    public void A_hand_computed_layer_gives_its_outputs_and_counts_only_nonzero_weight_times_nonzero_input()
    {
        // codebook (fixed, Fw = 2): 0, 3, −5. Row 0: codes 1 2 0, bias 10. Row 1: codes 2 0 1, bias −7.
        var network = OneLayer([1, 2, 0, 2, 0, 1], [0, 3, -5], bias: [10, -7], weightFrac: 2, relu: false);

        var result = GoldenModel.Run(network, [16, -8, 5]);

        // Row 0: 10 + 16·3 + (−8)·(−5) = 98 → (98 + 2) >> 2 = 25.
        // Row 1: −7 + 16·(−5) + 5·3 = −72 → (−72 + 2) >> 2 = −18 (−17.5 rounds up to −17.5 + ½ = −17, floor → −18).
        result.Output.ShouldBe([25L, -18]);
        result.UsefulMacs.ShouldBe([4L]);
    }

    [Fact]
    public void Zero_inputs_are_skipped_and_negative_inputs_are_not()
    {
        var network = OneLayer([1, 2, 0, 2, 0, 1], [0, 3, -5], bias: [10, -7], weightFrac: 2, relu: false);

        var result = GoldenModel.Run(network, [0, 0, -5]);

        // Row 0: only bias 10 → 12 >> 2 = 3, no MAC. Row 1: −7 + (−5)·3 = −22 → −20 >> 2 = −5, one MAC.
        result.Output.ShouldBe([3L, -5]);
        result.TotalUsefulMacs.ShouldBe(1);
    }

    [Fact]
    public void Relu_clamps_negative_outputs_and_the_next_layer_reads_them()
    {
        var first = OneLayer([1, 2, 0, 2, 0, 1], [0, 3, -5], bias: [10, -7], weightFrac: 2, relu: true).Layers[0];
        var second = OneLayer([1, 1], [0, 4], bias: [0], weightFrac: 2, relu: false).Layers[0] with { Name = "fc2" };
        var network = OneLayer([1, 2, 0, 2, 0, 1], [0, 3, -5], [10, -7], 2, true) with { Layers = [first, second] };

        var result = GoldenModel.Run(network, [16, -8, 5]);

        result.LayerOutputs[0].ShouldBe([25L, 0]);
        result.LayerOutputs[1].ShouldBe([25L]);                   // 25 · 4 = 100 → (100 + 2) >> 2 = 25
        result.UsefulMacs.ShouldBe([4L, 1]);                      // the ReLU's zero is skipped
    }

    [Fact]
    public void Inputs_of_the_wrong_length_or_range_are_rejected()
    {
        var network = OneLayer([1, 2, 0, 2, 0, 1], [0, 3, -5], [10, -7], 2, false);

        Should.Throw<ArgumentException>(() => GoldenModel.Run(network, [1, 2]));
        Should.Throw<ArgumentException>(() => GoldenModel.Run(network, [1, 2, 128]));
    }

    [Fact]
    public void An_accumulator_wider_than_the_format_claims_is_caught()
    {
        var network = OneLayer([1, 1, 1], [0, 100], [0], 2, false);
        network = network with { Format = network.Format with { AccumulatorBits = 12 } };

        Should.Throw<InvalidOperationException>(() => GoldenModel.Run(network, [127, 127, 127]))
            .Message.ShouldContain("does not fit 12 bits");
    }

    [Fact]
    public void A_compressed_layers_accumulator_holds_its_worst_row_under_adversarial_inputs()
    {
        var random = new Random(9);
        var layer = Networks.Float("fc1", 20, 30, Networks.Normal(random, 600), Networks.Normal(random, 20));
        var config = Networks.Config([layer], 3, density: 0.6, activation: LayerActivation.None) with
        {
            Quantization = new QuantizationConfig { ActivationBits = 8, ActivationFrac = 3, WeightBits = 6 },
        };
        var network = Compressor.Compress(config, Networks.Data(layer));
        var compressed = network.Layers[0];

        // For each row, the input that drives its sum furthest down: −2^(A−1) against positive
        // weights and 2^(A−1) − 1 against negative ones. The golden model checks every partial sum.
        for (var i = 0; i < 20; i++)
        {
            long[] input = Enumerable.Range(0, 30)
                .Select(j => compressed.CodebookFixed[compressed.Codes[(i * 30) + j]] > 0 ? -128L : 127L)
                .ToArray();

            Should.NotThrow(() => GoldenModel.Run(network, input));
        }

        network.Format.AccumulatorBits.ShouldBe(FixedPoint.SignedBitsFor(FixedPoint.WorstCaseAccumulator(
            compressed.Codes, 20, 30, compressed.CodebookFixed, compressed.BiasFixed, 8, compressed.WeightFrac)));
    }

    /// <summary>One layer of rows × (codes / rows) with the given fixed-point codebook, biases and Fw.</summary>
    private static CompressedNetwork OneLayer(byte[] codes, long[] codebookFixed, long[] bias, int weightFrac, bool relu)
    {
        int rows = bias.Length;
        int cols = codes.Length / rows;
        var codebook = codebookFixed.Select(c => c / 4.0).ToArray();
        var network = Networks.CompressCodes(rows, cols, codes, codebook, pes: 2);
        var layer = network.Layers[0] with
        {
            Activation = relu ? HwGen.Data.ActivationKind.Relu : HwGen.Data.ActivationKind.None,
            WeightFrac = weightFrac,
            CodebookFixed = [.. codebookFixed, .. new long[16 - codebookFixed.Length]],
            BiasFixed = bias,
        };
        return network with { Layers = [layer], Format = Format };
    }
}
