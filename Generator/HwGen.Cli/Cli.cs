using System.CommandLine;
using HwGen.Configuration;
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
        var root = new RootCommand("HwGen: FPGA accelerators for compressed neural networks (EIE-style sparse engines).")
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
                stderr.WriteLine($"hwgen: {error.Message}");
            }

            stderr.WriteLine("hwgen: see 'hwgen --help'");
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
    }
}
