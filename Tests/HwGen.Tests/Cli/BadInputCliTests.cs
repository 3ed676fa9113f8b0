using CommandLine = HwGen.Cli.Cli;

namespace HwGen.Tests.Cli;

/// <summary>
/// The shared malformed inputs (<see cref="MalformedInputs"/>) and the hostile config and sweep
/// files (<see cref="HostileInputs"/>) through the command line: exit code 2, the file, line and
/// key on stderr, no stack trace, nothing on stdout, and nothing written (DESIGN §8).
/// </summary>
public class BadInputCliTests
{
    public static TheoryData<string> Cases => MalformedInputs.Names;

    public static TheoryData<string> Sweeps => [.. HostileConfigs.Sweeps.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Estimate_of_a_malformed_input_exits_2_naming_file_line_and_key_and_writes_nothing(string name)
    {
        var input = MalformedInputs.Get(name);
        using var folder = new TempFolder();
        string configPath = input.Arrange(folder);
        var filesBefore = folder.Files();

        var (exitCode, stdout, stderr) = Run("estimate", configPath, "--json");

        ShouldBeBadInput(input, configPath, exitCode, stderr);
        stdout.ShouldBeEmpty();
        folder.Files().ShouldBe(filesBefore);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generate_of_a_malformed_input_exits_2_and_creates_no_output_folder(string name)
    {
        var input = MalformedInputs.Get(name);
        using var folder = new TempFolder();
        string configPath = input.Arrange(folder);
        var filesBefore = folder.Files();

        var (exitCode, _, stderr) = Run("generate", configPath, "-o", folder.File("out"));

        ShouldBeBadInput(input, configPath, exitCode, stderr);
        Directory.Exists(folder.File("out")).ShouldBeFalse();
        folder.Files().ShouldBe(filesBefore);
    }

    [Theory]
    [MemberData(nameof(Sweeps))]
    public void A_hostile_sweep_file_exits_2_naming_file_line_and_key_and_creates_no_output_folder(string name)
    {
        var input = HostileConfigs.Sweeps.Single(c => c.Name == name);
        using var folder = new TempFolder();
        string sweepPath = input.Arrange(folder);
        var filesBefore = folder.Files();

        var (exitCode, stdout, stderr) = Run("sweep", sweepPath, "-o", folder.File("out"));

        ShouldBeBadInput(input, sweepPath, exitCode, stderr);
        stdout.ShouldBeEmpty();
        Directory.Exists(folder.File("out")).ShouldBeFalse();
        folder.Files().ShouldBe(filesBefore);
    }

    [Fact]
    public void A_config_larger_than_4_mib_is_refused_before_it_is_parsed()
    {
        using var folder = new TempFolder();
        string configPath = folder.Write("big.yaml", "name: big\n" + new string('#', 5 << 20) + "\n");

        var (exitCode, _, stderr) = Run("generate", configPath, "-o", folder.File("out"));

        exitCode.ShouldBe(CommandLine.BadInput, stderr);
        stderr.ShouldBe($"hwgen: {configPath}: is larger than 4 MiB; a config file is a short text file\n");
        Directory.Exists(folder.File("out")).ShouldBeFalse();
    }

    [Fact]
    public void An_empty_config_names_both_required_keys_at_line_1()
    {
        using var folder = new TempFolder();
        string configPath = folder.Write("empty.yaml", string.Empty);

        var (exitCode, _, stderr) = Run("estimate", configPath);

        exitCode.ShouldBe(CommandLine.BadInput, stderr);
        stderr.ShouldContain($"{configPath}:1:1: input.size: missing");
        stderr.ShouldContain($"{configPath}:1:1: layers: missing: give at least one layer");
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exitCode = CommandLine.Run(args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private static void ShouldBeBadInput(MalformedInput input, string path, int exitCode, string stderr)
    {
        exitCode.ShouldBe(CommandLine.BadInput, stderr);
        stderr.ShouldStartWith($"hwgen: {path}:{input.Line}:");
        stderr.ShouldContain(input.Key.Length > 0 ? $": {input.Key}: " : $"{path}:{input.Line}:");
        stderr.ShouldContain(input.MessagePart);
        stderr.ShouldNotContain("   at ");
        stderr.ShouldNotContain("Exception");
    }
}
