using HwGen.Configuration;
using HwGen.Data;

namespace HwGen.Tests.Configuration;

/// <summary>The shared malformed inputs (<see cref="MalformedInputs"/>), through the library.</summary>
public class MalformedConfigTests
{
    public static TheoryData<string> Cases => MalformedInputs.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_malformed_input_gives_exactly_one_error_naming_the_config_file_line_and_key(string name)
    {
        var input = MalformedInputs.Get(name);
        using var folder = new TempFolder();
        string configPath = input.Arrange(folder);

        var exception = Should.Throw<ConfigException>(() => NetworkLoader.Load(ConfigLoader.Load(configPath)));

        exception.Errors.Count.ShouldBe(1, string.Join(Environment.NewLine, exception.Errors));
        var error = exception.Errors[0];
        error.File.ShouldBe(configPath);
        error.Line.ShouldBe(input.Line, error.ToString());
        error.Column.ShouldBeGreaterThan(0);
        error.Key.ShouldBe(input.Key, error.ToString());
        error.Message.ShouldContain(input.MessagePart, Case.Sensitive, error.ToString());
        error.ToString().ShouldStartWith($"{configPath}:{input.Line}:{error.Column}: {(input.Key.Length > 0 ? $"{input.Key}: " : string.Empty)}");
    }

    [Fact]
    public void The_shared_malformed_inputs_cover_at_least_sixteen_distinct_problems()
    {
        MalformedInputs.All.Count.ShouldBeGreaterThanOrEqualTo(16);
        MalformedInputs.All.Select(c => c.Name).ShouldBeUnique();
        MalformedInputs.All.ShouldAllBe(c => c.Line > 0);
    }

    [Fact]
    public void The_hostile_config_and_sweep_files_are_at_least_forty_distinct_cases()
    {
        var cases = HostileConfigs.Configs.Concat(HostileConfigs.Sweeps).ToList();

        cases.Count.ShouldBeGreaterThanOrEqualTo(40);
        cases.Select(c => $"{c.FileName}/{c.Name}").ShouldBeUnique();
        cases.ShouldAllBe(c => c.Line > 0);
    }
}
