using System.Diagnostics;
using System.Text;

namespace HwGen.Tests.Cli;

/// <summary>
/// The command line as a real process (<c>dotnet hwgen.dll …</c>), for what only a process shows:
/// signals, two runs at once, the memory .NET gives a process.
/// </summary>
internal sealed class HwGenProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private HwGenProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet hwgen.dll</c> with the arguments, in <paramref name="workingDirectory"/>.</summary>
    public static HwGenProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hwgen.dll"));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var run = new HwGenProcess(process);
        process.OutputDataReceived += (_, e) => Append(run._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(run._stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Runs to the end and returns the exit code and output.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var run = Start(workingDirectory, environment, args);
        int exitCode = run.WaitForExit(TimeSpan.FromMinutes(5));
        return (exitCode, run.Stdout, run.Stderr);
    }

    /// <summary>Sends SIGINT (2) or SIGTERM (15).</summary>
    public void Signal(int signal) => HwGen.Platform.Posix.Signal(_process.Id, signal).ShouldBe(0, $"kill({_process.Id}, {signal})");

    /// <summary>Waits for the exit; a process still running after <paramref name="timeout"/> fails the test.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        _process.WaitForExit(timeout).ShouldBeTrue($"hwgen still runs after {timeout}: {Stderr}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    /// <summary>The processes whose working folder is <paramref name="folder"/> or lies in it.</summary>
    public static IReadOnlyList<int> WorkingIn(string folder)
    {
        var found = new List<int>();
        foreach (string entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                string? cwd = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
                if (cwd is not null && (cwd == folder || cwd.StartsWith(folder + "/", StringComparison.Ordinal)) && Tools.ProcessRunnerTests.IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to look at.
            }
        }

        return found;
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.Append(line).Append('\n');
            }
        }
    }
}
