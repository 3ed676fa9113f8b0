using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CliWrap;
using HwGen.Platform;

namespace HwGen.Tools;

/// <summary>The outcome of one external tool run.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Stdout, string Stderr, TimeSpan Duration, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>The tool's own error lines (or the last lines of its output when none look like errors).</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            var lines = (Stderr + "\n" + Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var errors = lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)
                || l.StartsWith("%Warning", StringComparison.Ordinal) || l.Contains("FATAL", StringComparison.Ordinal)).Take(20).ToList();
            return errors.Count > 0 ? errors : lines.TakeLast(20).ToList();
        }
    }
}

/// <summary>An external tool failed: shows the command and the tool's error lines.</summary>
public sealed class ToolException(ProcessResult result)
    : Exception(Describe(result))
{
    public ProcessResult Result { get; } = result;

    private static string Describe(ProcessResult result)
    {
        var text = new StringBuilder();
        text.Append(result.TimedOut ? "timed out after " + result.Duration.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s" : $"exit code {result.ExitCode}")
            .Append(": ").Append(result.CommandLine);
        foreach (var line in result.ErrorLines)
        {
            text.Append('\n').Append("  ").Append(line);
        }

        return text.ToString();
    }
}

/// <summary>
/// Runs external tools (verilator, iverilog, yosys, nextpnr, the generated scripts) through CliWrap:
/// arguments as a list, never a shell string; a working directory; captured output; a timeout.
/// </summary>
/// <remarks>
/// Each tool starts in a process group of its own (through util-linux <c>setsid</c> where it is
/// installed), so that stopping it reaches everything it started — the generated scripts run make,
/// which runs the compiler. On a timeout, a cancellation or a signal to HwGen
/// (<see cref="Interruption"/>), the group gets SIGTERM (make then removes half-built targets), and
/// SIGKILL together with the tool's remaining process tree after <see cref="GracePeriod"/>. Whatever
/// of the group outlives a tool that exited on its own is killed too. Nothing the tool started is
/// left running when <see cref="Run"/> returns.
/// </remarks>
public static class ProcessRunner
{
    /// <summary>How long a stopped tool may take to exit after SIGTERM before it is killed.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(3);

    /// <summary>Captured output beyond this many characters per stream is dropped (and said so).</summary>
    private const int MaxCapturedChars = 64 << 20;

    private static readonly string? Setsid = Posix.Supported ? FindOnPath("setsid") : null;

    /// <summary>
    /// Runs <paramref name="fileName"/> and returns its result, whatever its exit code; a timed-out
    /// run has <see cref="ProcessResult.TimedOut"/> set.
    /// </summary>
    /// <param name="fileName">A program on the PATH, or a path (relative to the current folder).</param>
    /// <param name="arguments">The arguments, each passed as is.</param>
    /// <param name="workingDirectory">The folder the tool runs in.</param>
    /// <param name="timeout">How long the tool may run.</param>
    /// <param name="cancellation">Stops the tool (and throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> or <see cref="Interruption"/> stopped the tool; it and its children have exited.</exception>
    public static ProcessResult Run(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, CancellationToken cancellation = default) =>
        Execute(fileName, arguments, workingDirectory, timeout, cleanup: false, cancellation);

    /// <summary>
    /// Runs a tool that is part of what a stop asks for (cancelling a cluster job after Ctrl+C,
    /// say): unlike <see cref="Run"/> it starts and runs even after <see cref="Interruption"/> was
    /// requested; only its timeout ends it.
    /// </summary>
    public static ProcessResult RunAfterStop(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout) =>
        Execute(fileName, arguments, workingDirectory, timeout, cleanup: true, CancellationToken.None);

    private static ProcessResult Execute(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, bool cleanup, CancellationToken cancellation)
    {
        string commandLine = string.Join(' ', new[] { fileName }.Concat(arguments).Select(Quote));
        var stopwatch = Stopwatch.StartNew();
        string? program = Resolve(fileName);
        if (program is null)
        {
            return new ProcessResult(commandLine, 127, "", $"error: cannot start {fileName}: not found{(fileName.Contains('/', StringComparison.Ordinal) ? "" : " on the PATH")}", stopwatch.Elapsed, false);
        }

        if (!Directory.Exists(workingDirectory))
        {
            return new ProcessResult(commandLine, 127, "", $"error: cannot start {fileName}: the folder {workingDirectory} does not exist", stopwatch.Elapsed, false);
        }

        using Interruption.Scope? scope = cleanup ? null : Interruption.Enter();
        var stdout = new Capture();
        var stderr = new Capture();
        var command = CliWrap.Cli.Wrap(Setsid ?? program)
            .WithArguments(Setsid is null ? arguments : ["--", program, .. arguments])
            .WithWorkingDirectory(workingDirectory)
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(stdout.Add, Encoding.UTF8))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(stderr.Add, Encoding.UTF8));

        using var timer = new CancellationTokenSource(timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, cleanup ? CancellationToken.None : Interruption.Token, timer.Token);
        using var kill = new CancellationTokenSource();
        CommandTask<CommandResult> task;
        try
        {
            task = command.ExecuteAsync(kill.Token);
        }
        catch (Win32Exception e)
        {
            return new ProcessResult(commandLine, 127, "", $"error: cannot start {fileName}: {e.InnerException?.Message ?? e.Message}", stopwatch.Elapsed, false);
        }

        int group = task.ProcessId;
        int? exitCode = null;
        using (kill.Token.Register(() => Posix.SignalGroup(group, Posix.SigKill, leader: true)))
        using (stop.Token.Register(() =>
        {
            Posix.SignalGroup(group, Posix.SigTerm, leader: true);
            kill.CancelAfter(Posix.Supported ? GracePeriod : TimeSpan.Zero);
        }))
        {
            try
            {
                exitCode = task.Task.GetAwaiter().GetResult().ExitCode;
            }
            catch (OperationCanceledException) when (kill.IsCancellationRequested)
            {
                // Killed after the grace period: CliWrap ended its process tree.
            }
            finally
            {
                // Whatever the tool left running in its group (a background job of a script) goes too.
                Posix.SignalGroup(group, Posix.SigKill, leader: false);
            }
        }

        bool stopped = stop.IsCancellationRequested;
        if (stopped && !timer.IsCancellationRequested)
        {
            var token = cancellation.IsCancellationRequested ? cancellation : Interruption.Token;
            throw new OperationCanceledException($"stopped: {commandLine}", token);
        }

        return new ProcessResult(commandLine, stopped ? -1 : exitCode ?? -1, stdout.Text, stderr.Text, stopwatch.Elapsed, stopped);
    }

    /// <summary>Runs and throws <see cref="ToolException"/> unless the tool succeeded.</summary>
    /// <exception cref="ToolException">The tool could not start, failed or timed out.</exception>
    /// <exception cref="OperationCanceledException">It was stopped (see <see cref="Run"/>).</exception>
    public static ProcessResult RunChecked(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, CancellationToken cancellation = default)
    {
        var result = Run(fileName, arguments, workingDirectory, timeout, cancellation);
        return result.Succeeded ? result : throw new ToolException(result);
    }

    /// <summary>True when <paramref name="tool"/> is on the PATH.</summary>
    public static bool IsOnPath(string tool) => FindOnPath(tool) is not null;

    /// <summary>The full path of a program: a path as given (made absolute), or found on the PATH.</summary>
    private static string? Resolve(string fileName)
    {
        if (fileName.Length == 0)
        {
            return null;
        }

        if (fileName.Contains('/', StringComparison.Ordinal) || Path.IsPathRooted(fileName))
        {
            string full = Path.GetFullPath(fileName);
            return File.Exists(full) ? full : null;
        }

        return FindOnPath(fileName);
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./=+:,@%".Contains(c, StringComparison.Ordinal)) ? argument : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>One output stream's lines, up to <see cref="MaxCapturedChars"/>.</summary>
    private sealed class Capture
    {
        private readonly StringBuilder _text = new();
        private long _dropped;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _dropped == 0 ? _text.ToString() : _text + $"[hwgen: {_dropped} more lines not kept]\n";
                }
            }
        }

        public void Add(string line)
        {
            lock (_text)
            {
                if (_text.Length + line.Length < MaxCapturedChars)
                {
                    _text.Append(line).Append('\n');
                }
                else
                {
                    _dropped++;
                }
            }
        }
    }
}
