using System.Security.Cryptography;
using HwGen.Emit;
using CommandLine = HwGen.Cli.Cli;

namespace HwGen.Tests.Cli;

/// <summary>
/// The hostile command lines (<see cref="HostileInputs"/>) through the command line: exit code 2, the
/// file, key or option named, no stack trace, nothing on stdout, and every file as it was — no
/// output folder appears and no input changes.
/// </summary>
public class HostileInputCliTests
{
    public static TheoryData<string> Cases => HostileInputs.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_hostile_command_line_exits_2_naming_what_is_wrong_and_touches_nothing(string name)
    {
        var input = HostileInputs.Get(name);
        using var folder = new TempFolder();
        string[] args = input.Arrange(folder);
        var before = Snapshot(folder.Path);

        var (exitCode, stdout, errors) = Run(args);

        exitCode.ShouldBe(CommandLine.BadInput, errors);
        errors.ShouldContain(input.Named, Case.Sensitive, errors);
        errors.ShouldContain(input.MessagePart, Case.Sensitive, errors);
        errors.ShouldNotContain("   at ", Case.Sensitive, "no stack trace");
        errors.ShouldNotContain("Exception", Case.Sensitive, "no exception names");
        stdout.ShouldBeEmpty();
        Snapshot(folder.Path).ShouldBe(before, "nothing written, nothing changed");
        foreach (string option in new[] { "-o", "--output" })
        {
            int at = Array.IndexOf(args, option);
            if (at >= 0 && args[at + 1].Length > 0 && !before.ContainsKey(Path.GetRelativePath(folder.Path, args[at + 1])))
            {
                Path.Exists(args[at + 1]).ShouldBeFalse($"{args[at + 1]} was created");
            }
        }
    }

    [Fact]
    public void An_npz_member_that_inflates_to_256_MB_is_refused_after_reading_its_header_only()
    {
        using var folder = new TempFolder();
        HostileInputs.Bomb(folder.File("w.npz"), megabytes: 256);
        string config = folder.Write("config.yaml", """
            name: bomb
            input:
              size: 8
            layers:
              - name: fc1
                outputs: 4
                weights:
                  source: npz
                  path: w.npz
                  weights: w
            """);
        new FileInfo(folder.File("w.npz")).Length.ShouldBeLessThan(1 << 20, "a small file");

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var (exitCode, _, errors) = Run(["estimate", config]);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        exitCode.ShouldBe(CommandLine.BadInput, errors);
        errors.ShouldContain("layers[0].weights.weights: w.npz['w'] has shape (33554432,); layer 'fc1' needs (outputs, inputs) = (4, 8)");
        allocated.ShouldBeLessThan(64L << 20, "the 256 MB member was never inflated");
    }

    [Fact]
    public async Task A_second_run_into_a_folder_another_run_holds_exits_2_and_leaves_the_folder_as_it_was()
    {
        using var folder = new TempFolder();
        string config = folder.Write("config.yaml", "name: held\ninput:\n  size: 8\nlayers:\n  - outputs: 4\n");
        string output = folder.File("out");
        Run(["generate", config, "-o", output]).ExitCode.ShouldBe(CommandLine.Success);
        File.WriteAllText(config, "name: other\ninput:\n  size: 8\nlayers:\n  - outputs: 6\n");
        var before = Snapshot(output);
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = Task.Run(() =>
        {
            using var hold = OutputWriter.Lock(output);
            held.Set();
            release.Wait();
        });
        held.Wait();

        var (exitCode, _, errors) = Run(["generate", config, "-o", output]);
        release.Set();
        await holder;

        exitCode.ShouldBe(CommandLine.BadInput, errors);
        errors.ShouldContain("-o: another HwGen run is writing into this folder");
        Snapshot(output).ShouldBe(before);
    }

    [Fact]
    public void Sweep_merge_help_shows_its_own_usage()
    {
        var (exitCode, stdout, _) = Run(["sweep", "merge", "--help"]);

        exitCode.ShouldBe(CommandLine.Success);
        stdout.ShouldContain(" sweep merge <DIR>... [options]");
        stdout.ShouldNotContain("<SWEEP>", Case.Sensitive);
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exitCode = CommandLine.Run(args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Every file under the folder (relative path → SHA-256 of its content).</summary>
    internal static Dictionary<string, string> Snapshot(string path) =>
        Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories)
            .ToDictionary(
                f => Path.GetRelativePath(path, f),
                f => File.Exists(f) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))) : "folder");
}
