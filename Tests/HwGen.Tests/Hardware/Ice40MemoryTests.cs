using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Hardware;
using HwGen.Sweep;

namespace HwGen.Tests.Hardware;

/// <summary>The one iCE40 memory mapping: yosys's block-RAM rules, the SPRAM tiling, and both its users agreeing.</summary>
public class Ice40MemoryTests
{
    /// <summary>
    /// Measured with yosys 0.23 on hwgen_ram_1r1w alone (synth_ice40, Width × Depth; read-during-write
    /// marked don't-care): 0 where yosys kept the memory in flip-flops.
    /// </summary>
    [Theory]
    [InlineData(4, 16, 0)]
    [InlineData(4, 32, 1)]
    [InlineData(4, 1100, 2)]
    [InlineData(16, 4, 0)]
    [InlineData(16, 6, 1)]
    [InlineData(16, 256, 1)]
    [InlineData(16, 300, 2)]
    [InlineData(16, 600, 3)]
    [InlineData(16, 1100, 5)]
    [InlineData(34, 4, 0)]
    [InlineData(34, 6, 3)]
    [InlineData(34, 8, 3)]
    [InlineData(34, 300, 5)]
    [InlineData(34, 600, 7)]
    [InlineData(34, 1100, 11)]
    [InlineData(64, 4, 0)]
    [InlineData(64, 6, 4)]
    [InlineData(64, 600, 12)]
    [InlineData(64, 1100, 20)]
    public void Memories_map_to_block_rams_as_yosys_maps_them(int width, int depth, int brams)
    {
        Ice40Memory.Map("ram", width, depth).Brams.ShouldBe(brams);
    }

    [Theory]
    [InlineData(13, 595, 3)]    // a LeNet pointer bank: 3 × 256×16
    [InlineData(16, 392, 2)]    // activations of 2 banks
    [InlineData(37, 75, 3)]     // 37-bit accumulators
    [InlineData(8, 512, 1)]     // exactly one 512×8
    [InlineData(2, 2048, 1)]
    [InlineData(64, 3000, 48)]  // 12 × 4 in 256×16
    [InlineData(17, 600, 4)]    // 3 × 256×16 + 1 × 2048×2: fewer than any single configuration (5)
    public void Block_ram_count_is_the_cheapest_mix_of_ice40_configurations(int width, int depth, int brams)
    {
        Ice40Memory.BramCount(width, depth).ShouldBe(brams);
    }

    [Theory]
    [InlineData(64, 100, 4)]
    [InlineData(16, 3397, 1)]
    [InlineData(16, 16384, 1)]
    [InlineData(16, 16385, 2)]
    [InlineData(40, 20000, 6)]
    public void Memories_in_spram_take_16_bit_columns_of_16k_words(int width, int depth, int sprams)
    {
        var mapping = Ice40Memory.Spram("spmat", width, depth);

        mapping.Sprams.ShouldBe(sprams);
        mapping.Brams.ShouldBe(0);
        mapping.InLogic.ShouldBeFalse();
    }

    [Theory]
    [InlineData("lenet-up5k.yaml", MemoryStyle.Inferred, MemoryStyle.Inferred)]
    [InlineData("lenet-up5k.yaml", MemoryStyle.Ice40Spram, MemoryStyle.Inferred)]
    [InlineData("lenet-up5k.yaml", MemoryStyle.Ice40Spram, MemoryStyle.Ice40Spram)]
    [InlineData("icebreaker-mlp.yaml", MemoryStyle.Inferred, MemoryStyle.Inferred)]
    [InlineData("tiny.yaml", MemoryStyle.Inferred, MemoryStyle.Ice40Spram)]
    public void The_memory_planner_and_the_resource_model_count_the_same_rams(string example, MemoryStyle spmat, MemoryStyle act)
    {
        var network = Design.Load(Examples.Path(example)).Network;
        var plan = new MemoryPlan(spmat, act);
        var layout = HardwareLayout.For(network with { Spec = network.Spec with { Memory = plan } });

        var estimate = ResourceModel.Estimate(layout);

        MemoryPlanner.Ebrs(layout, plan).ShouldBe((int)estimate.Brams);
        MemoryPlanner.Sprams(layout, plan).ShouldBe((int)estimate.Sprams);
    }
}
