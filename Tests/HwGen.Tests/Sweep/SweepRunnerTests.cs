using HwGen.Configuration;
using HwGen.Sweep;

namespace HwGen.Tests.Sweep;

/// <summary>Running sweeps: determinism, resuming, shards and merging, constraints, Pareto front.</summary>
public class SweepRunnerTests
{
    private static readonly string[] Outputs = [SweepRunner.ResultsCsv, SweepRunner.ResultsJson, SweepRunner.ParetoCsv, SweepRunner.ReportHtml];

    private static SweepOutcome Run(string sweep, string output, int jobs = 1, int shard = 1, int shards = 1) =>
        SweepRunner.Run(new SweepOptions { SweepFile = sweep, OutputDirectory = output, Jobs = jobs, Shard = shard, Shards = shards });

    [Fact]
    public void A_sweep_writes_results_pareto_and_report_for_every_point_in_index_order()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);

        var outcome = Run(sweep, folder.File("out"));

        outcome.Points.ShouldBe(12);
        outcome.Computed.ShouldBe(12);
        foreach (string name in Outputs)
        {
            File.Exists(folder.File(Path.Combine("out", name))).ShouldBeTrue(name);
        }

        var csv = File.ReadAllLines(folder.File("out/results.csv"));
        csv.Length.ShouldBe(13);
        csv[0].ShouldStartWith("index,hardware.pes,hardware.fifo_depth,compression.codebook_bits,status,feasible,pareto,");
        csv.Skip(1).Select(l => int.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(Enumerable.Range(0, 12));
        csv[1].ShouldStartWith("0,1,1,3,ok,");
        csv[12].ShouldStartWith("11,3,4,4,ok,");
    }

    [Fact]
    public void Results_are_byte_identical_whatever_the_job_count()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);

        Run(sweep, folder.File("one"), jobs: 1);
        Run(sweep, folder.File("four"), jobs: 4);

        foreach (string name in Outputs)
        {
            File.ReadAllBytes(folder.File(Path.Combine("four", name))).ShouldBe(File.ReadAllBytes(folder.File(Path.Combine("one", name))), name);
        }
    }

    [Fact]
    public void Sharded_runs_merged_give_byte_identical_results_to_a_single_run()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);
        Run(sweep, folder.File("single"));

        var shards = new List<string>();
        for (int shard = 1; shard <= 3; shard++)
        {
            string dir = folder.File($"shard{shard}");
            var outcome = Run(sweep, dir, jobs: 2, shard: shard, shards: 3);
            outcome.Points.ShouldBe(4);
            outcome.Results.ShouldBeNull();
            File.Exists(Path.Combine(dir, SweepRunner.ResultsCsv)).ShouldBeFalse("a shard writes no partial results");
            shards.Add(dir);
        }

        var merged = SweepRunner.Merge(shards, folder.File("merged"), force: false);

        merged.Points.ShouldBe(12);
        foreach (string name in Outputs)
        {
            File.ReadAllBytes(folder.File(Path.Combine("merged", name))).ShouldBe(File.ReadAllBytes(folder.File(Path.Combine("single", name))), name);
        }
    }

    [Fact]
    public void Merging_without_every_shard_names_the_missing_points()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);
        Run(sweep, folder.File("shard1"), shard: 1, shards: 3);
        Run(sweep, folder.File("shard3"), shard: 3, shards: 3);

        var error = Should.Throw<ConfigException>(() => SweepRunner.Merge([folder.File("shard1"), folder.File("shard3")], folder.File("merged"), force: false));

        error.Message.ShouldContain("4 of 12 points are missing (points 4–7)");
        Directory.Exists(folder.File("merged")).ShouldBeFalse();
    }

    [Fact]
    public void A_second_run_reuses_every_point_and_a_half_written_last_line_is_computed_again()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);
        string output = folder.File("out");
        Run(sweep, output);
        var before = File.ReadAllBytes(folder.File("out/results.csv"));

        var again = Run(sweep, output);

        again.Reused.ShouldBe(12);
        again.Computed.ShouldBe(0);

        // A run stopped while writing its last point.
        string points = Path.Combine(output, SweepRunner.PointsFile);
        var lines = File.ReadAllLines(points);
        File.WriteAllText(points, string.Join('\n', lines[..^1]) + "\n" + lines[^1][..20]);

        var resumed = Run(sweep, output, jobs: 2);

        resumed.Reused.ShouldBe(11);
        resumed.Computed.ShouldBe(1);
        File.ReadAllBytes(folder.File("out/results.csv")).ShouldBe(before);
    }

    [Fact]
    public void Changing_only_the_constraints_reuses_the_points_and_reapplies_them()
    {
        using var folder = new TempFolder();
        string output = folder.File("out");
        Run(SweepFiles.Arrange(folder, SweepFiles.Grid), output);

        var outcome = Run(SweepFiles.Arrange(folder, SweepFiles.Grid.Replace("cycles < 1000", "pes >= 2", StringComparison.Ordinal)), output);

        outcome.Computed.ShouldBe(0);
        outcome.Results!.Feasible.Count().ShouldBe(8);
        outcome.Results.Rows.Where(r => r.Record.Numbers["pes"] < 2).ShouldAllBe(r => !r.Feasible && !r.Pareto);
    }

    [Fact]
    public void Constraints_that_leave_no_point_are_bad_input_that_explains_each_constraint_and_writes_no_results()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid.Replace("- cycles < 1000", "- luts < 10\n  - pes >= 2", StringComparison.Ordinal));

        var error = Should.Throw<ConfigException>(() => Run(sweep, folder.File("out"))).Errors.ShouldHaveSingleItem();

        error.Key.ShouldBe("constraints[0]");
        error.Line.ShouldBe(SweepFiles.LineOf(File.ReadAllText(sweep), "luts < 10"));
        error.Message.ShouldContain("no point satisfies the constraints (0 of 12 valid points)");
        error.Message.ShouldContain("constraints[0]: 'luts < 10' holds for 0 of 12 (luts ");
        error.Message.ShouldContain("constraints[1]: 'pes >= 2' holds for 8 of 12");
        foreach (string name in Outputs)
        {
            File.Exists(folder.File(Path.Combine("out", name))).ShouldBeFalse(name);
        }

        File.Exists(folder.File(Path.Combine("out", SweepRunner.PointsFile))).ShouldBeTrue("computed points are kept for the rerun");
    }

    [Fact]
    public void The_pareto_front_holds_exactly_the_feasible_points_no_feasible_point_dominates()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid.Replace("- minimize: luts", "- maximize: load_efficiency", StringComparison.Ordinal));

        var results = Run(sweep, folder.File("out")).Results!;

        bool Dominates(SweepRow a, SweepRow b) =>
            a.Objectives[0] <= b.Objectives[0] && a.Objectives[1] >= b.Objectives[1]
            && (a.Objectives[0] < b.Objectives[0] || a.Objectives[1] > b.Objectives[1]);
        var feasible = results.Feasible.ToList();
        feasible.Count.ShouldBeGreaterThan(2);
        foreach (var row in results.Rows)
        {
            bool dominated = feasible.Any(other => Dominates(other, row));
            row.Pareto.ShouldBe(row.Feasible && !dominated, $"point {row.Record.Index}");
        }

        File.ReadAllLines(folder.File("out/pareto.csv")).Length.ShouldBe(results.Pareto.Count + 1);
    }

    [Fact]
    public void Impossible_points_are_listed_with_their_reason_and_kept_off_the_front()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, """
            base: base.yaml
            vectors: 2
            axes:
              quantization.activation_bits: [8, 12]
              quantization.activation_frac: [6, 9]
            """);

        var results = Run(sweep, folder.File("out")).Results!;

        results.Rows.Select(r => r.Record.Status).ShouldBe(["ok", "invalid", "ok", "ok"]);
        results.Rows[1].Record.Error!.ShouldContain("quantization.activation_frac: must be in 0..7");
        results.Rows[1].Pareto.ShouldBeFalse();
        File.ReadAllLines(folder.File("out/results.csv"))[2].ShouldStartWith("1,8,9,invalid,false,false,");
    }

    [Fact]
    public void A_folder_with_files_that_are_not_a_sweeps_is_refused()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);
        folder.Write("out/notes.txt", "mine");

        var error = Should.Throw<ConfigException>(() => Run(sweep, folder.File("out"))).Errors.ShouldHaveSingleItem();

        error.Message.ShouldContain("--force");
        Directory.GetFiles(folder.File("out")).Length.ShouldBe(1);
    }
}
