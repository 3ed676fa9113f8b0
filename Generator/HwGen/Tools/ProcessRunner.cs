using System.Diagnostics;
using System.Text;

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
        text.Append(result.TimedOut ? "timed out after " + result.Duration.TotalSeconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + " s" : $"exit code {result.ExitCode}")
            .Append(": ").Append(result.CommandLine);
        foreach (var line in result.ErrorLines)
        {
            text.Append('\n').Append("  ").Append(line);
        }

        return text.ToString();
    }
}

/// <summary>
/// Runs external tools (verilator, iverilog, yosys, nextpnr, the generated scripts): arguments
/// as a list, never a shell string; a working directory; a timeout; captured output.
/// </summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="fileName"/> and returns its result, whatever its exit code.</summary>
    public static ProcessResult Run(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        string commandLine = string.Join(' ', new[] { fileName }.Concat(arguments).Select(Quote));
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                {
                    stdout.Append(e.Data).Append('\n');
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.Append(e.Data).Append('\n');
                }
            }
        };

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ProcessResult(commandLine, 127, "", $"error: cannot start {fileName}: {e.Message}", stopwatch.Elapsed, false);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit(timeout);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        else
        {
            process.WaitForExit();
        }

        return new ProcessResult(commandLine, exited ? process.ExitCode : -1, stdout.ToString(), stderr.ToString(), stopwatch.Elapsed, !exited);
    }

    /// <summary>Runs and throws <see cref="ToolException"/> unless the tool succeeded.</summary>
    public static ProcessResult RunChecked(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var result = Run(fileName, arguments, workingDirectory, timeout);
        return result.Succeeded ? result : throw new ToolException(result);
    }

    /// <summary>True when <paramref name="tool"/> is on the PATH.</summary>
    public static bool IsOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./=+:,@%".Contains(c)) ? argument : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
