using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Emit;
using HwGen.Model;
using HwGen.Simulation;
using Xunit.Abstractions;

namespace HwGen.Tests.Simulation;

/// <summary>
/// EIE's alex8 layer on 64 PEs with its entries in external DRAM (examples/external/): a port wide
/// enough for its PEs (64 bytes a cycle) and a narrow one (8 bytes), against the on-chip engine and
/// against the bounds, and co-simulated in Verilator (bit-exact, cycle-exact) with the DRAM model.
/// </summary>
public class Alex8ExternalTests(ITestOutputHelper output)
{
    [Fact]
    public void With_a_64_byte_port_alex8_runs_within_5_percent_of_its_on_chip_cycles()
    {
        var external = Load("alex8-64b.yaml", RowAssignmentMethod.Interleaved);
        var onChip = Design.FromConfig(external.Config with { Hardware = external.Config.Hardware with { WeightMemory = WeightMemory.OnChip } });
        long ext = Cycles(external).Cycles;
        long chip = Cycles(onChip).Cycles;

        output.WriteLine($"alex8, 64 B/cycle: external {ext} cycles, on chip {chip} ({(double)ext / chip:F3}×)");
        ext.ShouldBeLessThanOrEqualTo((long)Math.Floor(1.05 * chip));
    }

    [Fact]
    public void With_an_8_byte_port_alex8_runs_within_5_percent_of_the_larger_bound()
    {
        var design = Load("alex8-8b.yaml", RowAssignmentMethod.Interleaved);
        var layer = Cycles(design).Layers.ShouldHaveSingleItem();
        long bound = Math.Max(layer.ComputeBoundCycles, layer.BandwidthBoundCycles);

        output.WriteLine($"alex8, 8 B/cycle: {layer.Cycles} cycles; compute bound {layer.ComputeBoundCycles}, bandwidth bound {layer.BandwidthBoundCycles} ({(double)layer.Cycles / bound:F3}×)");
        layer.BandwidthBoundCycles.ShouldBeGreaterThan(layer.ComputeBoundCycles, "a port of 8 bytes cannot feed 64 PEs");
        // The bandwidth bound counts whole beats: the entries of the broadcast columns, each beat once.
        layer.DramBytes.ShouldBeGreaterThanOrEqualTo(layer.Entries);
        layer.Cycles.ShouldBeLessThanOrEqualTo((long)Math.Floor(1.05 * bound));
    }

    [Theory]
    [Trait("Category", "Tools")]
    [InlineData("alex8-64b.yaml", RowAssignmentMethod.Interleaved)]
    [InlineData("alex8-64b.yaml", RowAssignmentMethod.Balanced)]
    [InlineData("alex8-8b.yaml", RowAssignmentMethod.Interleaved)]
    [InlineData("alex8-8b.yaml", RowAssignmentMethod.Balanced)]
    public void Alex8_with_external_weights_is_bit_exact_and_cycle_exact_in_verilator(string example, RowAssignmentMethod assignment)
    {
        var design = Load(example, assignment);
        using var dir = new TempFolder($"alex8-ext-{assignment}");

        var options = new SimulationOptions();
        DesignWriter.Write(dir.Path, options.Design(design.Network));
        var result = Simulator.Run(design.Network, design.Vectors(1, 1), dir.Path, options);

        output.WriteLine($"{example} {assignment}: RTL {result.Cycles[0]} cycles, model {result.ModelCycles[0]}, ideal {result.IdealCycles[0]}; "
            + $"Verilator build {result.BuildSeconds:F0} s, run {result.RunSeconds:F2} s");
        result.FirstMismatch.ShouldBeNull();
        result.Cycles.ShouldBe(result.ModelCycles);
    }

    private static Design Load(string example, RowAssignmentMethod assignment)
    {
        var loaded = Design.Load(Examples.Path(Path.Combine("external", example)));
        var design = Design.FromConfig(loaded.Config with { Compression = loaded.Config.Compression with { RowAssignment = assignment } });
        design.Network.Pes.ShouldBe(64);
        design.Network.Spec.External.ShouldNotBeNull();
        return design;
    }

    private static CycleReport Cycles(Design design)
    {
        var input = GoldenModel.QuantizeInput(design.Network.Format, design.Vectors(1, 1)[0]);
        return CycleModel.Run(design.Network, GoldenModel.Run(design.Network, input));
    }
}
