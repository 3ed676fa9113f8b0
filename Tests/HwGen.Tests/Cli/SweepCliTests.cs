using System.Text.Json.Nodes;
using HwGen.Tests.Sweep;
using CommandLine = HwGen.Cli.Cli;

namespace HwGen.Tests.Cli;

/// <summary><c>hwgen sweep</c> and <c>hwgen sweep merge</c> through the command line (DESIGN §8).</summary>
public class SweepCliTests
{
    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exitCode = CommandLine.Run(args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    public static TheoryData<string, string, string, string> BadSweeps => new()
    {
        {
            "unknown key",
            SweepFiles.Grid.Replace("vectors: 3", "vector: 3", StringComparison.Ordinal),
            "vector", "unknown key 'vector' at the top level of a sweep file; did you mean 'vectors'?"
        },
        {
            "empty axis",
            SweepFiles.Grid.Replace("hardware.fifo_depth: [1, 4]", "hardware.fifo_depth: []", StringComparison.Ordinal),
            "axes.hardware.fifo_depth", "is an empty axis"
        },
        {
            "bad expression",
            SweepFiles.Grid.Replace("cycles < 1000", "cycles < 1000 && luts", StringComparison.Ordinal),
            "constraints[0]", "error CS0019: Operator '&&' cannot be applied to operands of type 'bool' and 'double'"
        },
        {
            "contradictory constraints",
            SweepFiles.Grid.Replace("cycles < 1000", "cycles < 10 && cycles > 100", StringComparison.Ordinal),
            "constraints[0]", "no point satisfies the constraints (0 of 12 valid points)"
        },
    };

    [Theory]
    [MemberData(nameof(BadSweeps))]
    public void A_bad_sweep_file_exits_2_naming_file_line_and_key_and_writes_no_results(string what, string yaml, string key, string message)
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, yaml);
        string output = folder.File("out");

        var (exitCode, stdout, stderr) = Run("sweep", sweep, "-o", output);

        exitCode.ShouldBe(CommandLine.BadInput, $"{what}: {stderr}");
        stderr.ShouldStartWith($"hwgen: {sweep}:");
        stderr.ShouldContain($": {key}: ");
        stderr.ShouldContain(message);
        stdout.ShouldBeEmpty();
        File.Exists(Path.Combine(output, "results.csv")).ShouldBeFalse(what);
        File.Exists(Path.Combine(output, "report.html")).ShouldBeFalse(what);
    }

    [Fact]
    public void A_bad_expression_shows_the_expression_and_a_caret_under_the_position()
    {
        using var folder = new TempFolder();
        string yaml = SweepFiles.Grid.Replace("cycles < 1000", "cycles < 1000 && lutz < 5", StringComparison.Ordinal);
        string sweep = SweepFiles.Arrange(folder, yaml);

        var (exitCode, _, stderr) = Run("sweep", sweep, "-o", folder.File("out"));

        exitCode.ShouldBe(CommandLine.BadInput);
        int line = SweepFiles.LineOf(yaml, "lutz");
        stderr.ShouldContain($"{sweep}:{line}:22: constraints[0]: unknown metric 'lutz'; did you mean 'luts'?");
        stderr.ShouldContain("    cycles < 1000 && lutz < 5\n                     ^^^^");
        Directory.Exists(folder.File("out")).ShouldBeFalse("bad input leaves nothing behind");
    }

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("two")]
    public void A_bad_shard_is_bad_input(string shard)
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);

        var (exitCode, _, stderr) = Run("sweep", sweep, "-o", folder.File("out"), "--shard", shard);

        exitCode.ShouldBe(CommandLine.BadInput);
        stderr.ShouldContain("--shard");
    }

    [Fact]
    public void A_sweep_with_json_prints_one_object_with_the_pareto_front()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);

        var (exitCode, stdout, stderr) = Run("sweep", sweep, "-o", folder.File("out"), "--jobs", "2", "--json");

        exitCode.ShouldBe(CommandLine.Success, stderr);
        var json = JsonNode.Parse(stdout)!.AsObject();
        json["points"]!.GetValue<int>().ShouldBe(12);
        json["computed"]!.GetValue<int>().ShouldBe(12);
        json["pareto"]!.AsArray().Count.ShouldBeGreaterThan(0);
        json["pareto"]![0]!["values"]!["hardware.pes"].ShouldNotBeNull();
        json["files"]!.AsArray().Count.ShouldBe(4);
    }

    [Fact]
    public void Shards_merged_through_the_command_line_give_the_single_runs_results()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);
        Run("sweep", sweep, "-o", folder.File("single")).ExitCode.ShouldBe(CommandLine.Success);
        Run("sweep", sweep, "-o", folder.File("a"), "--shard", "1/2").ExitCode.ShouldBe(CommandLine.Success);
        Run("sweep", sweep, "-o", folder.File("b"), "--shard", "2/2").ExitCode.ShouldBe(CommandLine.Success);

        var (exitCode, stdout, stderr) = Run("sweep", "merge", folder.File("a"), folder.File("b"), "-o", folder.File("merged"));

        exitCode.ShouldBe(CommandLine.Success, stderr);
        stdout.ShouldContain("12 points");
        File.ReadAllBytes(folder.File("merged/results.csv")).ShouldBe(File.ReadAllBytes(folder.File("single/results.csv")));
    }

    [Fact]
    public void Merging_folders_that_are_not_sweeps_is_bad_input()
    {
        using var folder = new TempFolder();
        folder.Write("a/notes.txt", "mine");

        var (exitCode, _, stderr) = Run("sweep", "merge", folder.File("a"), "-o", folder.File("merged"));

        exitCode.ShouldBe(CommandLine.BadInput);
        stderr.ShouldContain("not a sweep output folder");
    }
}
