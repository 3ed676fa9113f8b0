namespace HwGen.Bench;

internal static class Program
{
    public static int Main(string[] args) => args.Length > 0 && args[0] == ResourceFit.Name
        ? ResourceFit.Run(args[1..], Console.Out)
        : args.Length > 0 && args[0] == SlurmScaling.Name
            ? SlurmScaling.Run(args[1..], Console.Out)
            : BenchRunner.Run(args, Console.Out, Console.Error);
}
