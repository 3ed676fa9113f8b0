using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Hardware;

namespace HwGen.Tests.Hardware;

/// <summary>The pointer banks as <see cref="HardwareLayout"/> lays them out, decoded back to the encoder's pointers.</summary>
public class HardwareLayoutTests
{
    private static HwGenConfig Config(bool pairs) => new()
    {
        Name = "layout",
        Seed = 4,
        Input = new InputConfig { Size = 13, Density = 0.7 },
        Layers =
        [
            new LayerConfig { Name = "fc1", Outputs = 9, Weights = new WeightsConfig { Density = 0.5 } },
            new LayerConfig { Name = "fc2", Outputs = 4, Weights = new WeightsConfig { Density = 0.6 } },
        ],
        // Interleaved rows: both designs encode the same matrices (the balance search follows pairs).
        Compression = new CompressionConfig { RowAssignment = RowAssignmentMethod.Interleaved },
        Hardware = new HardwareConfig { Pes = 4, SpmatLineEntries = 2, ColumnPairs = pairs },
    };

    [Fact]
    public void Column_pairs_put_both_columns_words_in_one_bank_word_and_count_pairs_in_the_layer_bases()
    {
        var single = HardwareLayout.For(Design.FromConfig(Config(pairs: false)).Network);
        var paired = HardwareLayout.For(Design.FromConfig(Config(pairs: true)).Network);

        // 13 columns are 7 pairs (the last one column): 8 indices, base of fc2 rounded up to 8.
        single.Layers.Select(l => l.PtrBase).ShouldBe([0, 14]);
        paired.Layers.Select(l => l.PtrBase).ShouldBe([0, 8]);
        paired.PointerIndices.ShouldBe(8 + 5 + 1);
        paired.PtrBankBits.ShouldBe(2 * paired.PtrWordBits);
        paired.LoadBits.ShouldBeGreaterThanOrEqualTo(paired.PtrBankBits);

        long mask = (1L << single.PtrWordBits) - 1;
        for (int pe = 0; pe < 4; pe++)
        {
            var (se, so) = single.PointerBanks(pe);
            var (pe0, po) = paired.PointerBanks(pe);
            long SingleWord(int i) => (i % 2 == 0 ? se : so)[i / 2];
            long PairWord(int i) => (i % 2 == 0 ? pe0 : po)[i / 2];
            for (int l = 0; l < 2; l++)
            {
                int cols = single.Layers[l].Cols;
                long end = SingleWord(single.Layers[l].PtrBase + cols);
                for (int q = 0; q <= (cols + 1) / 2; q++)
                {
                    long word = PairWord(paired.Layers[l].PtrBase + q);
                    // Each half is the column's single word; past the layer's last column, its end pointer.
                    long Expected(int j) => j <= cols ? SingleWord(single.Layers[l].PtrBase + j) : end;
                    (word & mask).ShouldBe(Expected(2 * q), $"PE {pe}, layer {l}, pair {q}, column {2 * q}");
                    (word >> single.PtrWordBits).ShouldBe(Expected((2 * q) + 1), $"PE {pe}, layer {l}, pair {q}, column {(2 * q) + 1}");
                }
            }
        }
    }

    [Fact]
    public void A_spec_built_in_code_with_pairs_on_an_odd_number_of_pes_is_refused()
    {
        var config = Config(pairs: false) with { Hardware = new HardwareConfig { Pes = 3 } };
        var network = Design.FromConfig(config).Network;
        var odd = network with { Spec = network.Spec with { ColumnPairs = true } };

        Should.Throw<ArgumentException>(() => HardwareLayout.For(odd)).Message.ShouldContain("even number of PEs");
    }
}
