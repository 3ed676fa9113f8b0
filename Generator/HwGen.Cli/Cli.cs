using System.CommandLine;
using HwGen.Configuration;
using HwGen.Platform;
using HwGen.Tools;

namespace HwGen.Cli;

/// <summary>The thin command line: parse, validate, call the library, map results to exit codes.</summary>
public static class Cli
{
    public const int Success = 0;
    public const int CheckFailed = 1;
    public const int BadInput = 2;

    /// <summary>Runs one command line; writes to the given streams, returns the exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        const string description = "HwGen: FPGA accelerators for compressed neural networks (EIE-style sparse engines).";
        var root = args is ["sweep", "merge", ..]
            ? SweepCommand.MergeRoot(description, stdout, stderr)
            : new RootCommand(description)
            {
                Commands.Estimate(stdout, stderr),
                Commands.Generate(stdout, stderr),
                Commands.Simulate(stdout, stderr),
                Commands.Synth(stdout, stderr),
                Commands.Bench(stdout, stderr),
                SweepCommand.Create(stdout, stderr),
            };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                // Name the option or argument the error is about, on one line.
                string? name = error.SymbolResult switch
                {
                    System.CommandLine.Parsing.OptionResult option => option.Option.Name,
                    System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult option } => option.Option.Name,
                    System.CommandLine.Parsing.ArgumentResult argument => argument.Argument.Name,
                    _ => null,
                };
                string message = string.Join(' ', error.Message.Split(['\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                stderr.WriteLine(name is null || message.Contains(name, StringComparison.Ordinal) ? $"hwgen: {message}" : $"hwgen: {name}: {message}");
            }

            var names = new List<string>();
            for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            {
                names.Insert(0, result.Command.Name);
            }

            names[0] = "hwgen";
            stderr.WriteLine($"hwgen: see '{string.Join(' ', names)} --help'");
            return BadInput;
        }

        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>Runs a command body and maps HwGen's failures to exit codes with clear messages.</summary>
    internal static int Guard(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (ConfigException e)
        {
            foreach (var error in e.Errors)
            {
                stderr.WriteLine($"hwgen: {error}");
            }

            return BadInput;
        }
        catch (ToolException e)
        {
            stderr.WriteLine($"hwgen: {e.Message}");
            return CheckFailed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file or folder the command line named cannot be read or written (permissions, a
            // read-only or full file system): bad input, not a crash.
            stderr.WriteLine($"hwgen: {e.Message}");
            return BadInput;
        }
        catch (OutOfMemoryException)
        {
            stderr.WriteLine($"hwgen: out of memory: the run needs more than {MemoryBudget.Available}; use a smaller design or fewer vectors");
            return BadInput;
        }
        catch (OperationCanceledException) when (Interruption.Requested)
        {
            stderr.WriteLine($"hwgen: stopped by {Interruption.SignalName}; every tool it started has ended and no file was left half written");
            return Interruption.ExitCode;
        }
    }
}
