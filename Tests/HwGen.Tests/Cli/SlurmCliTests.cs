using HwGen.Tests.Sweep;
using HwGen.Tools;
using CommandLine = HwGen.Cli.Cli;

namespace HwGen.Tests.Cli;

/// <summary><c>hwgen sweep --slurm</c>'s options and environment, checked before anything reaches a scheduler.</summary>
public class SlurmCliTests
{
    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exitCode = CommandLine.Run(args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Without_sbatch_a_Slurm_run_fails_in_one_line_with_exit_1_and_writes_nothing()
    {
        using var folder = new TempFolder();
        SweepFiles.Arrange(folder, SweepFiles.Grid);

        // The PATH holds no Slurm: hwgen runs as a process of its own with a PATH of one empty folder.
        string empty = Directory.CreateDirectory(folder.File("bin")).FullName;
        var run = ProcessRunner.Run("/usr/bin/env", [$"PATH={empty}", Hwgen.Command.Dotnet, Hwgen.Command.Dll, "sweep", "sweep.yaml", "-o", "cluster", "--slurm"],
            folder.Path, TimeSpan.FromMinutes(2));

        run.ExitCode.ShouldBe(CommandLine.CheckFailed, run.ToString());
        run.Stderr.Trim().Split('\n').ShouldHaveSingleItem().ShouldBe(
            "hwgen: sbatch not found on the PATH: --slurm submits through Slurm's client commands (sbatch, squeue, scancel); run it where they are installed, such as a cluster's login node");
        run.Stdout.ShouldBeEmpty();
        Directory.Exists(folder.File("cluster")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("--tasks 0", "--tasks: must be at least 1, not 0")]
    [InlineData("--tasks 13", "--tasks: 13 tasks for 12 point(s): give at most one task per point")]
    [InlineData("--sbatch-arg mem=4G", "--sbatch-arg: 'mem=4G' is not one sbatch option (e.g. --sbatch-arg=--mem=4G)")]
    [InlineData("--time 1:00 --partition", "Required argument missing for option: '--partition'")]
    [InlineData("--shard 1/2", "--shard: not with --slurm: the Slurm run gives every array task its shard")]
    public void Bad_Slurm_options_are_bad_input(string options, string message)
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);

        var (exitCode, stdout, stderr) = Run(["sweep", sweep, "-o", folder.File("out"), "--slurm", .. options.Split(' ')]);

        exitCode.ShouldBe(CommandLine.BadInput, stderr);
        stderr.ShouldContain(message);
        stdout.ShouldBeEmpty();
        Directory.Exists(folder.File("out")).ShouldBeFalse();
    }

    [Fact]
    public void Slurm_options_without_slurm_are_bad_input()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);

        var (exitCode, _, stderr) = Run("sweep", sweep, "-o", folder.File("out"), "--tasks", "4");

        exitCode.ShouldBe(CommandLine.BadInput);
        stderr.ShouldBe("hwgen: command line: --tasks: only with --slurm\n");
    }

    [Fact]
    public void Resume_needs_a_folder_that_holds_a_Slurm_run_and_no_other_sweep_options()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);

        var notARun = Run("sweep", "--slurm", "--resume", folder.Path);
        var withSweep = Run("sweep", sweep, "--slurm", "--resume", folder.Path, "--tasks", "2");

        notARun.ExitCode.ShouldBe(CommandLine.BadInput);
        notARun.Stderr.ShouldContain("--resume: holds no Slurm run of a sweep (no slurm/job.json)");
        withSweep.ExitCode.ShouldBe(CommandLine.BadInput);
        withSweep.Stderr.ShouldContain("--resume: takes the sweep and its options from");
        withSweep.Stderr.ShouldContain("drop --tasks, SWEEP");
    }

    [Fact]
    public void Without_resume_a_sweep_needs_its_file_and_output_folder()
    {
        var (exitCode, _, stderr) = Run("sweep", "--slurm");

        exitCode.ShouldBe(CommandLine.BadInput);
        stderr.ShouldContain("SWEEP: give the sweep file (or --resume DIR to finish an earlier Slurm run)");
        stderr.ShouldContain("-o: give the output folder");
    }
}
