using System.Runtime.InteropServices;

namespace HwGen.Platform;

/// <summary>The few POSIX calls .NET does not expose: signalling a process group, and renameat2.</summary>
internal static partial class Posix
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>renameat2: swap the two paths atomically (both must exist).</summary>
    public const uint RenameExchange = 2;

    private const int AtFdCwd = -100;

    /// <summary>True where process groups and kill(2) exist.</summary>
    public static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    /// <summary>
    /// Sends <paramref name="signal"/> to process group <paramref name="group"/>, and with
    /// <paramref name="leader"/> also to process <paramref name="group"/> itself (which may not have
    /// made its group yet); errors (no such process) are ignored.
    /// </summary>
    public static void SignalGroup(int group, int signal, bool leader)
    {
        if (!Supported || group <= 1)
        {
            return;
        }

        _ = Kill(-group, signal);
        if (leader)
        {
            _ = Kill(group, signal);
        }
    }

    /// <summary>kill(2): sends <paramref name="signal"/> to process <paramref name="pid"/>; returns 0 or -1.</summary>
    public static int Signal(int pid, int signal) => Supported ? Kill(pid, signal) : -1;

    /// <summary>
    /// renameat2(2) with <paramref name="flags"/>; returns 0 or the errno (ENOSYS where the call or
    /// the platform lacks it).
    /// </summary>
    public static int Rename(string from, string to, uint flags)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Enosys;
        }

        try
        {
            return RenameAt2(AtFdCwd, from, AtFdCwd, to, flags) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        catch (EntryPointNotFoundException)
        {
            return Enosys;
        }
    }

    public const int Enosys = 38;

    /// <summary>link(2): a second name for a file (same inode, same times); returns 0 or the errno.</summary>
    public static int HardLink(string existing, string newName)
    {
        if (!Supported)
        {
            return Enosys;
        }

        return Link(existing, newName) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newName);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);
}
