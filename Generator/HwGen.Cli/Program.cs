using System.Runtime.InteropServices;
using HwGen.Platform;

namespace HwGen.Cli;

internal static class Program
{
    /// <summary>How long a signalled run may take to end its tools and remove its temporary files.</summary>
    private static readonly TimeSpan CleanupLimit = TimeSpan.FromSeconds(30);

    private static readonly ManualResetEventSlim Finished = new();

    public static int Main(string[] args)
    {
        // Ctrl+C, SIGTERM and SIGHUP: stop the tools and writes in flight (they end their process
        // trees and remove their temporary folders), then exit with 128 + the signal's number.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
        try
        {
            return Cli.Run(args, Console.Out, Console.Error);
        }
        finally
        {
            Finished.Set();
        }
    }

    private static void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interruption.Requested)
        {
            return;
        }

        Interruption.Request(context.Signal);

        // Work that only computes does not look at the signal: once nothing that must be undone is
        // in flight, give the command a moment to report, then end the process.
        var exit = new Thread(() =>
        {
            Interruption.WaitUntilIdle(CleanupLimit);
            if (!Finished.Wait(TimeSpan.FromSeconds(1)))
            {
                Console.Error.WriteLine($"hwgen: stopped by {Interruption.SignalName}");
                Environment.Exit(Interruption.ExitCode);
            }
        })
        { IsBackground = true, Name = "hwgen-stop" };
        exit.Start();
    }
}
