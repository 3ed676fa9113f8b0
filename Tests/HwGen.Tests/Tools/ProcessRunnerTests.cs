using HwGen.Tools;

namespace HwGen.Tests.Tools;

public class ProcessRunnerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    [Fact]
    public void Arguments_reach_the_tool_one_by_one_without_a_shell()
    {
        using var dir = new TempFolder();

        var result = ProcessRunner.RunChecked("printf", ["%s\\n", "a b", "$HOME", "it's", "*", ""], dir.Path, Long);

        result.Stdout.ShouldBe("a b\n$HOME\nit's\n*\n\n");
    }

    [Fact]
    public void The_tool_runs_in_the_working_directory_and_in_a_process_group_of_its_own()
    {
        using var dir = new TempFolder();
        dir.Write("group.sh", "pwd\necho $$ $(cut -d' ' -f5 /proc/$$/stat)\n");

        var result = ProcessRunner.RunChecked("sh", ["group.sh"], dir.Path, Long);

        var lines = result.Stdout.Split('\n');
        lines[0].ShouldBe(dir.Path);
        var ids = lines[1].Split(' ');
        ids[1].ShouldBe(ids[0], "the script leads its own process group, so stopping it reaches its children");
        ids[1].ShouldNotBe(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_failing_tool_raises_an_error_with_the_command_and_its_own_error_lines()
    {
        using var dir = new TempFolder();
        dir.Write("fail.sh", "echo 'compiling x' \necho 'x.sv:3: error: no such module' >&2\nexit 3\n");

        var error = Should.Throw<ToolException>(() => ProcessRunner.RunChecked("sh", ["fail.sh", "two words"], dir.Path, Long));

        error.Message.ShouldStartWith("exit code 3: sh fail.sh 'two words'");
        error.Message.ShouldContain("x.sv:3: error: no such module");
        error.Result.Stdout.ShouldBe("compiling x\n");
    }

    [Fact]
    public void A_missing_program_is_a_failed_run_that_says_so()
    {
        using var dir = new TempFolder();

        var result = ProcessRunner.Run("hwgen-no-such-tool", [], dir.Path, Long);

        result.ExitCode.ShouldBe(127);
        result.Stderr.ShouldContain("cannot start hwgen-no-such-tool: not found on the PATH");
        Should.Throw<ToolException>(() => ProcessRunner.RunChecked(dir.File("missing.sh"), [], dir.Path, Long)).Message.ShouldContain("not found");
    }

    [Fact]
    public void A_timed_out_tool_leaves_no_process_behind()
    {
        using var dir = new TempFolder();
        dir.Write("hang.sh", "sleep 300 &\necho $! > child.pid\necho $$ > shell.pid\nsh -c 'sleep 300' &\necho $! > grandchild.pid\nwait\n");

        var result = ProcessRunner.Run("sh", ["hang.sh"], dir.Path, TimeSpan.FromSeconds(2));

        result.TimedOut.ShouldBeTrue();
        result.Succeeded.ShouldBeFalse();
        new ToolException(result).Message.ShouldStartWith("timed out after ");
        AssertGone(dir, "shell.pid", "child.pid", "grandchild.pid");
    }

    [Fact]
    public void A_tool_that_ignores_SIGTERM_is_killed_after_the_grace_period()
    {
        using var dir = new TempFolder();
        // An ignored signal stays ignored in the children the shell starts.
        dir.Write("stubborn.sh", "trap '' TERM\necho $$ > shell.pid\nsleep 300 &\necho $! > child.pid\nwait\n");

        var result = ProcessRunner.Run("sh", ["stubborn.sh"], dir.Path, TimeSpan.FromSeconds(1));

        result.TimedOut.ShouldBeTrue();
        result.Duration.ShouldBeGreaterThanOrEqualTo(ProcessRunner.GracePeriod);
        AssertGone(dir, "shell.pid", "child.pid");
    }

    [Fact]
    public void A_cancelled_tool_leaves_no_process_behind_and_the_run_throws()
    {
        using var dir = new TempFolder();
        dir.Write("hang.sh", "echo $$ > shell.pid\nsleep 300 &\necho $! > child.pid\nwait\n");
        using var cancel = new CancellationTokenSource();

        var run = Task.Run(() => ProcessRunner.Run("sh", ["hang.sh"], dir.Path, Long, cancel.Token));
        WaitFor(() => File.Exists(dir.File("child.pid")) && new FileInfo(dir.File("child.pid")).Length > 0);
        cancel.Cancel();

        Should.Throw<OperationCanceledException>(run);
        AssertGone(dir, "shell.pid", "child.pid");
    }

    [Fact]
    public void What_a_tool_leaves_running_in_the_background_is_ended_when_it_exits()
    {
        using var dir = new TempFolder();
        dir.Write("daemon.sh", "sleep 300 > /dev/null 2>&1 &\necho $! > child.pid\nexit 0\n");

        var result = ProcessRunner.RunChecked("sh", ["daemon.sh"], dir.Path, Long);

        result.TimedOut.ShouldBeFalse();
        AssertGone(dir, "child.pid");
    }

    /// <summary>The processes whose ids the files hold have exited (a zombie awaiting its reaper counts as gone).</summary>
    internal static void AssertGone(TempFolder dir, params string[] pidFiles)
    {
        foreach (string file in pidFiles)
        {
            int pid = int.Parse(File.ReadAllText(dir.File(file)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            WaitFor(() => !IsAlive(pid), TimeSpan.FromSeconds(5));
            IsAlive(pid).ShouldBeFalse($"process {pid} ({file}) is still running");
        }
    }

    /// <summary>True while <paramref name="pid"/> runs (not a zombie).</summary>
    internal static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static void WaitFor(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!condition() && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
    }
}
