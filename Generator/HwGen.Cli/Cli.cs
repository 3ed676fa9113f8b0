namespace HwGen.Cli;

/// <summary>The thin command line: parse, validate, call the library, map results to exit codes.</summary>
public static class Cli
{
    public const int Success = 0;
    public const int CheckFailed = 1;
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("hwgen: no commands yet");
        return BadInput;
    }
}
