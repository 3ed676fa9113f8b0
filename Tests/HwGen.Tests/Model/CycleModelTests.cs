using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Model;
using Xunit.Abstractions;

namespace HwGen.Tests.Model;

/// <summary>
/// The cycle model's fast event form against its cycle-by-cycle reference (which mirrors the
/// RTL's registers); the co-simulation tests hold both to the RTL itself.
/// </summary>
public class CycleModelTests(ITestOutputHelper output)
{
    [Fact]
    public void Event_form_equals_the_stepped_reference_on_random_layers_and_fifo_depths()
    {
        int cases = 0;
        for (int seed = 1; seed <= 60; seed++)
        {
            var design = Design.FromConfig(RandomDesigns.Create(seed));
            var random = new Random(seed);
            foreach (var layer in design.Network.Layers)
            {
                foreach (int depth in new[] { 1, 2, 3, 8, 16 })
                {
                    double density = random.Next(5) == 0 ? 1.0 : random.NextDouble();
                    var nonZero = Enumerable.Range(0, layer.Cols).Select(_ => random.NextDouble() < density).ToArray();

                    var fast = CycleModel.RunLayer(layer, design.Network.Pes, depth, nonZero);
                    var stepped = CycleModel.RunLayerStepped(layer, design.Network.Pes, depth, nonZero);

                    fast.ShouldBe(stepped, $"seed {seed}, layer {layer.Name}, {design.Network.Pes} PEs, FIFO depth {depth}");
                    cases++;
                }
            }
        }

        output.WriteLine($"{cases} layer/depth cases agree");
    }

    [Fact]
    public void Event_form_equals_the_stepped_reference_on_real_alex8()
    {
        var design = Design.Load(Examples.Path("alex8.yaml"));
        var input = GoldenModel.QuantizeInput(design.Network.Format, design.Data.Inputs[0]);
        var nonZero = input.Select(a => a != 0).ToArray();

        foreach (int depth in new[] { 1, 4, 8, 32 })
        {
            var fast = CycleModel.RunLayer(design.Network.Layers[0], 64, depth, nonZero);
            var stepped = CycleModel.RunLayerStepped(design.Network.Layers[0], 64, depth, nonZero);
            fast.ShouldBe(stepped, $"FIFO depth {depth}");
        }
    }

    [Fact]
    public void Losses_add_up_to_the_cycles_on_random_layers()
    {
        int cases = 0;
        for (int seed = 1; seed <= 40; seed++)
        {
            var design = Design.FromConfig(RandomDesigns.Create(seed));
            var random = new Random(seed);
            foreach (var layer in design.Network.Layers)
            {
                int depth = random.Next(1, 9);
                var nonZero = Enumerable.Range(0, layer.Cols).Select(_ => random.Next(3) > 0).ToArray();

                var c = CycleModel.RunLayer(layer, design.Network.Pes, depth, nonZero);

                double sum = c.UsefulCycles + c.PaddingLoss + c.StallLoss + c.TailLoss + c.ScanLoss + c.SwitchCycles + c.WritebackCycles;
                sum.ShouldBe(c.Cycles, 1e-6, $"seed {seed}, layer {layer.Name}");
                c.StallIdlePeCycles.ShouldBeGreaterThanOrEqualTo(0);
                c.TailIdlePeCycles.ShouldBeGreaterThanOrEqualTo(0);
                c.ScanIdlePeCycles.ShouldBeGreaterThanOrEqualTo(0);
                c.SwitchCycles.ShouldBeGreaterThanOrEqualTo(c.Entries == 0 ? c.ComputeCycles : 6, $"seed {seed}, layer {layer.Name}: start-up ≥ 3, drain 3");
                if (c.StallCycles == 0)
                {
                    c.StallIdlePeCycles.ShouldBe(0);
                }

                cases++;
            }
        }

        output.WriteLine($"{cases} layers");
    }

    [Fact]
    public void A_layer_with_no_work_costs_the_scan_and_the_writeback_only()
    {
        var design = Design.FromConfig(new HwGenConfig
        {
            Name = "empty",
            Input = new InputConfig { Size = 10 },
            Layers = [new LayerConfig { Name = "fc1", Outputs = 6, Weights = new WeightsConfig { Density = 0 } }],
            Hardware = new HardwareConfig { Pes = 2 },
        });
        var layer = design.Network.Layers[0];

        var cycles = CycleModel.RunLayer(layer, 2, 8, new bool[10]);

        // The scanner passes 5 empty groups (done at cycle 6), compute ends at cycle 6 (counted:
        // 7 cycles) with the read of accumulator 0; 2 more reads, and the last activation write
        // 3 cycles after the last read: 5 writeback cycles.
        cycles.ComputeCycles.ShouldBe(7);
        cycles.WritebackCycles.ShouldBe(5);
        cycles.UsefulMacs.ShouldBe(0);
        cycles.SwitchCycles.ShouldBe(7);
    }

    /// <summary>
    /// <c>hardware.overlap_writeback</c> on the demo (3 fully connected layers, 8 PEs): the first two
    /// layers' writebacks cost 3 cycles instead of R + 2, the last one's is unchanged, and every
    /// compute phase is the same (docs/microarchitecture.md quotes these figures).
    /// </summary>
    [Fact]
    public void Overlapped_writeback_on_the_demo_costs_three_cycles_for_every_layer_but_the_last()
    {
        var plain = Design.Load(Examples.Path("demo.yaml"));
        var overlapped = Design.FromConfig(plain.Config with { Hardware = plain.Config.Hardware with { OverlapWriteback = true } });
        var before = EstimateReport.Build(plain, 1, plain.Config.Seed).First;
        var after = EstimateReport.Build(overlapped, 1, overlapped.Config.Seed).First;

        Enumerable.Range(0, 3).Select(overlapped.Network.OverlapsNext).ShouldBe([true, true, false]);
        after.Layers.Select(l => l.ComputeCycles).ShouldBe(before.Layers.Select(l => l.ComputeCycles));
        after.Layers.Select(l => l.WritebackCycles).ShouldBe([3, 3, before.Layers[2].WritebackCycles]);
        before.Layers.Select(l => l.WritebackCycles).ShouldBe([14, 8, 4]);
        (before.Cycles, after.Cycles).ShouldBe((351, 335));
        after.WritebackCycles.ShouldBe(10);
    }

    [Fact]
    public void Event_form_equals_the_stepped_reference_with_column_pairs()
    {
        int cases = 0;
        for (int seed = 1; seed <= 60; seed++)
        {
            var design = Design.FromConfig(RandomDesigns.WithColumnPairs(RandomDesigns.Create(seed)));
            var random = new Random(seed);
            foreach (var layer in design.Network.Layers)
            {
                foreach (int depth in new[] { 1, 2, 3, 8, 16 })
                {
                    double density = random.Next(4) == 0 ? 1.0 : random.NextDouble();
                    var nonZero = Enumerable.Range(0, layer.Cols).Select(_ => random.NextDouble() < density).ToArray();

                    var fast = CycleModel.RunLayer(layer, design.Network.Pes, depth, nonZero, columnPairs: true);
                    var stepped = CycleModel.RunLayerStepped(layer, design.Network.Pes, depth, nonZero, columnPairs: true);

                    fast.ShouldBe(stepped, $"seed {seed}, layer {layer.Name}, {design.Network.Pes} PEs, FIFO depth {depth}");
                    cases++;
                }
            }
        }

        output.WriteLine($"{cases} layer/depth cases agree");
    }

    [Fact]
    public void Event_form_equals_the_stepped_reference_on_real_alex8_with_column_pairs()
    {
        var design = Design.Load(Examples.Path("alex8.yaml"));
        var input = GoldenModel.QuantizeInput(design.Network.Format, design.Data.Inputs[0]);
        var nonZero = input.Select(a => a != 0).ToArray();

        foreach (int depth in new[] { 1, 8, 32 })
        {
            var fast = CycleModel.RunLayer(design.Network.Layers[0], 64, depth, nonZero, columnPairs: true);
            var stepped = CycleModel.RunLayerStepped(design.Network.Layers[0], 64, depth, nonZero, columnPairs: true);
            fast.ShouldBe(stepped, $"FIFO depth {depth}");
        }
    }

    [Fact]
    public void Losses_add_up_to_the_cycles_with_column_pairs()
    {
        for (int seed = 1; seed <= 40; seed++)
        {
            var design = Design.FromConfig(RandomDesigns.WithColumnPairs(RandomDesigns.Create(seed)));
            var random = new Random(seed);
            foreach (var layer in design.Network.Layers)
            {
                var nonZero = Enumerable.Range(0, layer.Cols).Select(_ => random.Next(3) > 0).ToArray();

                var c = CycleModel.RunLayer(layer, design.Network.Pes, random.Next(1, 9), nonZero, columnPairs: true);

                double sum = c.UsefulCycles + c.PaddingLoss + c.StallLoss + c.TailLoss + c.ScanLoss + c.SwitchCycles + c.WritebackCycles;
                sum.ShouldBe(c.Cycles, 1e-6, $"seed {seed}, layer {layer.Name}");
                c.StallIdlePeCycles.ShouldBeGreaterThanOrEqualTo(0);
                c.ScanIdlePeCycles.ShouldBeGreaterThanOrEqualTo(0);
            }
        }
    }

    /// <summary>
    /// A layer with every input non-zero and about 0.6 entries per PE and column: one column a
    /// broadcast holds the compute phase to at least the 512 columns; pairs break that bound.
    /// </summary>
    [Fact]
    public void Column_pairs_lift_the_one_column_a_cycle_bound_on_a_dense_input()
    {
        var config = new HwGenConfig
        {
            Name = "dense",
            Seed = 5,
            Input = new InputConfig { Size = 512, Density = 1.0 },
            Layers = [new LayerConfig { Name = "fc1", Outputs = 160, Weights = new WeightsConfig { Density = 0.06 } }],
            Hardware = new HardwareConfig { Pes = 16, FifoDepth = 8 },
        };
        var single = EstimateReport.Build(Design.FromConfig(config), 1, config.Seed).First.Layers[0];
        var paired = EstimateReport.Build(Design.FromConfig(RandomDesigns.WithColumnPairs(config)), 1, config.Seed).First.Layers[0];

        single.Broadcasts.ShouldBe(512);
        paired.Broadcasts.ShouldBe(256);
        single.ComputeCycles.ShouldBeGreaterThan(512);
        paired.ComputeCycles.ShouldBeLessThan(512);
        paired.IdealCycles.ShouldBe(single.IdealCycles);
        output.WriteLine($"compute cycles: {single.ComputeCycles} one column a broadcast, {paired.ComputeCycles} pairs (ideal {single.IdealCycles})");
    }
}
