using HwGen.Benchmarks;

namespace HwGen.Tests.Benchmarks;

public class EieBenchmarkTests
{
    [Fact]
    public void Benchmark_layer_has_the_papers_shape_and_densities_and_sane_cycles()
    {
        var result = EieBenchmark.Run(alex8Config: null, only: ["NT-LSTM"]);

        var row = result.Rows.ShouldHaveSingleItem();
        row.Rows.ShouldBe(2400);
        row.Cols.ShouldBe(1201);
        row.WeightDensity.ShouldBe(0.10, 0.001);
        row.ActivationDensity.ShouldBe(1.0);
        row.Cycles.ShouldBeGreaterThanOrEqualTo(row.WorkCycles);
        row.WorkCycles.ShouldBeGreaterThanOrEqualTo(row.IdealCycles);
        row.BalancedCycles.ShouldBeLessThanOrEqualTo(row.Cycles);
        row.EieMeasuredUs.ShouldBe(7.5);

        // Column pairs at 100 % activation density: half the broadcasts, and this layer's
        // searched assignment is faster than without pairs.
        row.PairedCycles.ShouldBeGreaterThanOrEqualTo((row.PairedEntries + 63) / 64);
        row.PairedCycles.ShouldBeLessThan(row.BalancedCycles);
    }

    [Fact]
    public void Figures_cover_every_fifo_depth_and_pe_count_and_deeper_fifos_never_hurt()
    {
        var result = EieBenchmark.Run(alex8Config: null, only: ["NT-LSTM"]);
        using var folder = new TempFolder();

        var files = EieBenchmark.Write(result, folder.Path);

        result.FifoSweep.Select(f => f.FifoDepth).ShouldBe(EieBenchmark.FifoDepths);
        result.FifoSweep.Select(f => f.LoadEfficiency).ShouldBeInOrder(SortDirection.Ascending);
        result.PeSweep.Select(p => p.Pes).ShouldBe(EieBenchmark.PeCounts);
        result.PeSweep[0].Speedup.ShouldBe(1.0);
        result.PeSweep[^1].Speedup.ShouldBeGreaterThan(50);
        files.Select(Path.GetFileName).ShouldBe(["eie.md", "eie.csv", "eie_external.csv", "fifo_depth.csv", "fifo_depth.svg", "pe_scaling.csv", "pe_scaling.svg", "padding.svg"]);
        File.ReadAllText(folder.File("fifo_depth.svg")).ShouldStartWith("<svg");
    }

    [Fact]
    public void External_columns_run_each_layer_at_each_boards_dram_bandwidth_between_its_bounds()
    {
        var result = EieBenchmark.Run(alex8Config: null, figures: false, only: ["NT-LSTM"]);

        var row = result.Rows.ShouldHaveSingleItem();
        result.ExternalRows.Select(r => (r.Board, r.BytesPerCycle)).ShouldBe([("arty-a7-100t", 13), ("pynq-z2", 8), ("zcu104", 16)]);
        foreach (var r in result.ExternalRows)
        {
            r.OnChipCycles.ShouldBe(row.Cycles);
            r.ComputeBound.ShouldBe(row.IdealCycles);
            r.Cycles.ShouldBeGreaterThanOrEqualTo(Math.Max(r.OnChipCycles, r.BandwidthBound), r.Board);
            r.BandwidthBound.ShouldBe((r.DramBytes + r.BytesPerCycle - 1) / r.BytesPerCycle, r.Board);
            r.LimitedBy.ShouldBe("bandwidth", $"{r.Board}: 64 PEs need far more than 16 bytes a cycle");
            r.OverBound.ShouldBeLessThan(1.05, r.Board);
        }

        EieBenchmark.Markdown(result).ShouldContain("| NT-LSTM | pynq-z2 | 8 |");
    }
}
