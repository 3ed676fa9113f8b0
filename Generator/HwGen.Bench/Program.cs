namespace HwGen.Bench;

internal static class Program
{
    public static int Main(string[] args) => BenchRunner.Run(args, Console.Out, Console.Error);
}
