using HwGen.Emit;
using CommandLine = HwGen.Cli.Cli;

namespace HwGen.Tests.Cli;

/// <summary>
/// Runs that are stopped, run twice at once, or asked for more memory than they have — each as a
/// real <c>hwgen</c> process, since only a process gets signals and a memory limit of its own.
/// </summary>
public class InterruptedRunTests
{
    private const string Small = "name: little\ninput:\n  size: 16\nlayers:\n  - outputs: 8\nhardware:\n  pes: 2\n";

    /// <summary>Many PEs, so many memory images: writing the design takes a while, long enough to stop it mid-way.</summary>
    private const string Many = """
        name: many
        seed: 3
        input: { size: 512, density: 0.3 }
        layers:
          - { name: fc1, outputs: 512, weights: { density: 0.1 } }
          - { name: fc2, outputs: 256, weights: { density: 0.1 } }
        hardware: { pes: 1024 }
        """;

    [Theory]
    [InlineData(2, "SIGINT (Ctrl+C)")]
    [InlineData(15, "SIGTERM")]
    public void A_generate_stopped_while_writing_leaves_the_old_design_and_the_rerun_works(int signal, string signalName)
    {
        using var dir = new TempFolder();
        string small = dir.Write("small.yaml", Small);
        string many = dir.Write("many.yaml", Many);
        string output = dir.File("out");
        Generate(small, output).ShouldBe(CommandLine.Success);
        var old = HostileInputCliTests.Snapshot(output);

        bool stoppedWhileWriting = false;
        for (var attempt = 0; attempt < 5 && !stoppedWhileWriting; attempt++)
        {
            using var run = HwGenProcess.Start(dir.Path, null, "generate", many, "-o", output);

            // The new design is built in a temporary sibling of the folder: stop the run there.
            ProcessRunnerWait(() => run.HasExited || Directory.EnumerateDirectories(dir.Path, ".out.hwgen-*").Any(), TimeSpan.FromMinutes(3));
            if (!run.HasExited)
            {
                run.Signal(signal);
            }

            int exitCode = run.WaitForExit(TimeSpan.FromMinutes(1));
            if (exitCode == 128 + signal)
            {
                stoppedWhileWriting = true;
                run.Stderr.ShouldContain($"hwgen: stopped by {signalName}");
                run.Stderr.ShouldNotContain("   at ");
                HostileInputCliTests.Snapshot(output).ShouldBe(old, "the old design, whole");
            }
            else
            {
                // The signal came after the new design was in place: that is the other allowed outcome.
                exitCode.ShouldBe(CommandLine.Success, run.Stderr);
                File.ReadAllText(Path.Combine(output, "config.yaml")).ShouldContain("name: many");
                Generate(small, output).ShouldBe(CommandLine.Success);
                old = HostileInputCliTests.Snapshot(output);
            }

            Directory.EnumerateDirectories(dir.Path, ".out.hwgen-*").ShouldBeEmpty("the temporary folder is removed");
        }

        stoppedWhileWriting.ShouldBeTrue("in 5 runs the signal never arrived while the design was being written");
        Generate(many, output).ShouldBe(CommandLine.Success, "the rerun works");
        AssertOneCompleteDesign(output).ShouldBe("many");
    }

    [Fact]
    public void A_simulate_stopped_by_SIGTERM_ends_the_build_and_nothing_writes_into_the_folder_afterwards()
    {
        using var dir = new TempFolder();
        string config = dir.Write("small.yaml", Small);
        string output = dir.File("out");
        using var run = HwGenProcess.Start(dir.Path, null, "simulate", config, "-o", output);

        // Verilator's build runs in the folder (the script, verilator, make, the compiler).
        ProcessRunnerWait(() => run.HasExited || HwGenProcess.WorkingIn(output).Count > 0, TimeSpan.FromMinutes(3));
        run.HasExited.ShouldBeFalse(run.Stderr);
        run.Signal(15);
        int exitCode = run.WaitForExit(TimeSpan.FromMinutes(1));

        exitCode.ShouldBe(143, run.Stderr);
        run.Stderr.ShouldContain("hwgen: stopped by SIGTERM");
        HwGenProcess.WorkingIn(output).ShouldBeEmpty("no tool keeps running in the folder");
        var files = Times(output);
        Thread.Sleep(TimeSpan.FromSeconds(2));
        Times(output).ShouldBe(files, "nothing writes into the folder after hwgen exited");
        File.Exists(Path.Combine(output, "obj_dir", ".hwgen-build-verilator")).ShouldBeFalse("an interrupted build is not marked as built");
    }

    [Fact]
    public void Two_generates_into_one_folder_leave_one_complete_design()
    {
        using var dir = new TempFolder();
        string many = dir.Write("many.yaml", Many);
        string small = dir.Write("small.yaml", Small);
        string output = dir.File("out");
        Generate(small, output).ShouldBe(CommandLine.Success);

        using var first = HwGenProcess.Start(dir.Path, null, "generate", many, "-o", output);
        using var second = HwGenProcess.Start(dir.Path, null, "generate", small, "-o", output);
        int firstCode = first.WaitForExit(TimeSpan.FromMinutes(3));
        int secondCode = second.WaitForExit(TimeSpan.FromMinutes(3));

        foreach (var (code, run) in new[] { (firstCode, first), (secondCode, second) })
        {
            if (code != CommandLine.Success)
            {
                code.ShouldBe(CommandLine.BadInput, run.Stderr);
                run.Stderr.ShouldContain("another HwGen run is writing into this folder");
            }
        }

        (firstCode == CommandLine.Success || secondCode == CommandLine.Success).ShouldBeTrue();
        AssertOneCompleteDesign(output).ShouldBeOneOf("many", "little");
        Directory.EnumerateDirectories(dir.Path, ".out.hwgen-*").ShouldBeEmpty();
    }

    [Fact]
    public void A_layer_larger_than_the_memory_hwgen_has_is_refused_before_anything_is_allocated()
    {
        using var dir = new TempFolder();
        string config = dir.Write("huge.yaml", "name: huge\ninput:\n  size: 1000000\nlayers:\n  - name: wide\n    outputs: 2000\n");

        var (exitCode, _, errors) = HwGenProcess.Run(dir.Path, OneGigabyte, "estimate", config);

        exitCode.ShouldBe(CommandLine.BadInput, errors);
        errors.ShouldContain($"{config}:6:14: layers[0].outputs: the network has 2,000,000,000 weights (layer 'wide' 2,000,000,000, the largest); compressing them needs about 32.0 GB");
        errors.ShouldContain("more than the 1.1 GB this machine gives HwGen");
    }

    [Fact]
    public void More_vectors_than_the_memory_hwgen_has_are_refused_and_fewer_run()
    {
        using var dir = new TempFolder();
        string config = dir.Write("small.yaml", Small);

        var refused = HwGenProcess.Run(dir.Path, OneGigabyte, "estimate", config, "--vectors", "2000000");
        var accepted = HwGenProcess.Run(dir.Path, OneGigabyte, "estimate", config, "--vectors", "100");

        refused.ExitCode.ShouldBe(CommandLine.BadInput, refused.Stderr);
        refused.Stderr.ShouldContain("--vectors: 2000000 vectors of little (24 activations each) need about 1.5 GB of memory, more than the 1.1 GB this machine gives HwGen; use at most 1398101");
        accepted.ExitCode.ShouldBe(CommandLine.Success, accepted.Stderr);
    }

    /// <summary>.NET's GC takes a hard heap limit as the memory the machine gives the process.</summary>
    private static readonly Dictionary<string, string> OneGigabyte = new() { ["DOTNET_GCHeapHardLimit"] = "0x40000000" };

    private static int Generate(string config, string output)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        return CommandLine.Run(["generate", config, "-o", output], stdout, stderr);
    }

    /// <summary>The folder holds exactly the files its manifest lists, of one design; returns the design's name.</summary>
    private static string AssertOneCompleteDesign(string output)
    {
        var listed = File.ReadAllLines(Path.Combine(output, OutputWriter.ManifestName));
        var present = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(output, f))
            .Where(f => f is not OutputWriter.ManifestName and not OutputWriter.LockName)
            .Order(StringComparer.Ordinal);
        present.ShouldBe(listed);
        string name = File.ReadAllLines(Path.Combine(output, "config.yaml")).Single(l => l.StartsWith("name: ", StringComparison.Ordinal))[6..];
        listed.ShouldContain($"rtl/{name}_top.sv");
        listed.Where(f => f.StartsWith("rtl/", StringComparison.Ordinal) && f.Contains("_top.sv", StringComparison.Ordinal)).ShouldHaveSingleItem();
        return name;
    }

    /// <summary>Every file under the folder with its size and time.</summary>
    private static Dictionary<string, (long, DateTime)> Times(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f)));

    private static void ProcessRunnerWait(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
        }
    }
}
