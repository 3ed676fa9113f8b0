using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Hardware;

namespace HwGen.Tests.Boards;

/// <summary>Where memories go: inferred everywhere by default, into iCE40 SPRAM when a UP5K's EBRs do not suffice.</summary>
public class MemoryPlannerTests
{
    [Fact]
    public void Lenet_on_the_up5k_moves_the_sparse_matrices_and_activations_into_spram()
    {
        var design = Design.Load(Examples.Path("lenet-up5k.yaml"));
        var layout = HardwareLayout.For(design.Network);

        var plan = MemoryPlanner.Plan(layout, BoardCatalog.Load("icebreaker"));

        plan.ShouldBe(new MemoryPlan(MemoryStyle.Ice40Spram, MemoryStyle.Ice40Spram));
        MemoryPlanner.Ebrs(layout, MemoryPlan.Inferred).ShouldBeGreaterThan(30);
        MemoryPlanner.Ebrs(layout, plan).ShouldBeLessThanOrEqualTo(30);
        MemoryPlanner.Sprams(layout, plan).ShouldBe(4);
    }

    [Fact]
    public void A_design_whose_memories_fit_the_ebrs_keeps_them_inferred()
    {
        var layout = HardwareLayout.For(Design.Load(Examples.Path("icebreaker-mlp.yaml")).Network);

        MemoryPlanner.Ebrs(layout, MemoryPlan.Inferred).ShouldBeLessThanOrEqualTo(30);
        MemoryPlanner.Plan(layout, BoardCatalog.Load("icebreaker")).ShouldBe(MemoryPlan.Inferred);
        MemoryPlanner.Plan(HardwareLayout.For(Design.Load(Examples.Path("lenet-up5k.yaml")).Network), null).ShouldBe(MemoryPlan.Inferred);
    }

    [Fact]
    public void Explicit_styles_are_kept_whatever_the_estimate_says()
    {
        var config = BoardDesigns.Mini(MemoryStyle.Inferred) with
        {
            Hardware = BoardDesigns.Mini(MemoryStyle.Inferred).Hardware with { ActMemory = MemoryStyle.Ice40Spram },
        };
        var layout = HardwareLayout.For(Design.FromConfig(config).Network);

        MemoryPlanner.Plan(layout, BoardCatalog.Load("icebreaker")).ShouldBe(new MemoryPlan(MemoryStyle.Inferred, MemoryStyle.Ice40Spram));
    }

    [Fact]
    public void Boards_without_spram_keep_auto_memories_inferred_and_refuse_ice40_spram_at_its_key()
    {
        var layout = HardwareLayout.For(Design.Load(Examples.Path("lenet-up5k.yaml")).Network);
        var config = BoardDesigns.Mini(MemoryStyle.Ice40Spram);
        var spramLayout = HardwareLayout.For(Design.FromConfig(config).Network);

        MemoryPlanner.Plan(layout, BoardCatalog.Load("arty-a7-100t")).ShouldBe(MemoryPlan.Inferred);
        var error = Should.Throw<HardwareSpecException>(() => MemoryPlanner.Plan(spramLayout, BoardCatalog.Load("zcu104")));
        error.Key.ShouldBe("hardware.spmat_memory");
    }
}
