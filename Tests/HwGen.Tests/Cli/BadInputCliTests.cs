using CommandLine = HwGen.Cli.Cli;

namespace HwGen.Tests.Cli;

/// <summary>
/// The shared malformed inputs (<see cref="MalformedInputs"/>) through the command line: exit code 2,
/// the file, line and key on stderr, nothing on stdout, and no file written (DESIGN §8).
/// </summary>
public class BadInputCliTests
{
    public static TheoryData<string> Cases => MalformedInputs.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Estimate_of_a_malformed_input_exits_2_naming_file_line_and_key_and_writes_nothing(string name)
    {
        var input = MalformedInputs.Get(name);
        using var folder = new TempFolder();
        string configPath = input.Arrange(folder);
        var filesBefore = folder.Files();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        int exitCode = CommandLine.Run(["estimate", configPath, "--json"], stdout, stderr);

        string errors = stderr.ToString();
        exitCode.ShouldBe(CommandLine.BadInput, errors);
        errors.ShouldContain($"{configPath}:{input.Line}:");
        errors.ShouldContain(input.Key);
        stdout.ToString().ShouldBeEmpty();
        folder.Files().ShouldBe(filesBefore);
    }
}
