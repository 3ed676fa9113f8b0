using System.Runtime.InteropServices;

namespace HwGen.Platform;

/// <summary>
/// Ctrl+C (SIGINT), SIGTERM and SIGHUP of the HwGen process, as a cancellation that the work in
/// flight observes: the process runner ends the tool's whole process tree, the output
/// writer drops its unfinished temporary folder. The command line registers the signals
/// (<see cref="Request"/>); library code only reads <see cref="Token"/> and brackets work that must
/// be undone with <see cref="Enter"/>, so the process can exit once nothing is left half done.
/// </summary>
public static class Interruption
{
    private static readonly CancellationTokenSource Source = new();
    private static readonly Lock Gate = new();
    private static int _active;
    private static int _signal;

    /// <summary>Cancelled when the process was asked to stop.</summary>
    public static CancellationToken Token => Source.Token;

    /// <summary>True once a stop was requested.</summary>
    public static bool Requested => Source.IsCancellationRequested;

    /// <summary>The number of the signal that asked to stop (2 SIGINT, 15 SIGTERM, 1 SIGHUP), or 0.</summary>
    public static int SignalNumber => Volatile.Read(ref _signal);

    /// <summary>The signal's name for messages: "SIGTERM", "SIGINT (Ctrl+C)", …</summary>
    public static string SignalName => SignalNumber switch
    {
        1 => "SIGHUP",
        2 => "SIGINT (Ctrl+C)",
        15 => "SIGTERM",
        var n => $"signal {n}",
    };

    /// <summary>The conventional exit code of a process stopped by the signal: 128 + its number.</summary>
    public static int ExitCode => 128 + SignalNumber;

    /// <summary>Asks everything in flight to stop (the first signal wins; later ones change nothing).</summary>
    public static void Request(PosixSignal signal)
    {
        int number = signal switch
        {
            PosixSignal.SIGHUP => 1,
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGQUIT => 3,
            PosixSignal.SIGTERM => 15,
            _ => 15,
        };
        Interlocked.CompareExchange(ref _signal, number, 0);
        Source.Cancel();
    }

    /// <summary>
    /// Marks work that leaves something to undo (a running tool, a temporary folder) until the
    /// returned scope is disposed. Throws <see cref="OperationCanceledException"/> once a stop was
    /// requested, so nothing new starts after a signal.
    /// </summary>
    public static Scope Enter()
    {
        lock (Gate)
        {
            Token.ThrowIfCancellationRequested();
            _active++;
        }

        return new Scope();
    }

    /// <summary>Waits until no work entered with <see cref="Enter"/> is left; false on timeout.</summary>
    public static bool WaitUntilIdle(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (Gate)
            {
                if (_active == 0)
                {
                    return true;
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>One piece of work begun with <see cref="Enter"/>; disposing it ends it.</summary>
    public sealed class Scope : IDisposable
    {
        private int _ended;

        internal Scope()
        {
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                lock (Gate)
                {
                    _active--;
                }
            }
        }
    }
}
