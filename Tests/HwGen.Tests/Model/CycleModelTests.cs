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
    public void A_layer_with_no_work_costs_bias_init_scan_and_writeback_only()
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

        // 3 local rows: the scanner passes 5 empty groups (done at cycle 6), compute ends at cycle 6
        // (counted: 7 cycles), writeback 3 + 1.
        cycles.ComputeCycles.ShouldBe(7);
        cycles.WritebackCycles.ShouldBe(4);
        cycles.UsefulMacs.ShouldBe(0);
    }
}
