using System.Security.Cryptography;
using System.Text.RegularExpressions;
using HwGen.Configuration;
using HwGen.Platform;

namespace HwGen.Emit;

/// <summary>
/// Writes generated files into an output folder so that the folder always holds either the old
/// complete design or the new complete one, and never loses what a user had.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Whose folder.</b> A folder that holds files HwGen did not write is refused unless forced.
/// The list of files HwGen wrote (<see cref="ManifestName"/>) is trusted only for plain relative
/// names inside the folder: an absolute, <c>..</c> or odd entry is ignored, and nothing outside
/// the folder is ever touched (not even through a symbolic link in it).</item>
/// <item><b>Old or new, never a mix.</b> The new design is built in a sibling temporary folder
/// (<c>.NAME.hwgen-PID-RANDOM</c>): unchanged files are hard links to the old ones (same inode and
/// time, so Verilator's and make's incremental builds stay incremental), changed ones are new
/// files, and everything else the folder holds (build products, reproducers, a user's files
/// under <c>--force</c>) is linked across; files the previous generation wrote and this one does not are
/// left behind. Then the two folders are exchanged in one atomic <c>renameat2(RENAME_EXCHANGE)</c>,
/// and the old tree is deleted. An interrupted run leaves the old folder as it was (its temporary
/// folder is removed, or, after a kill, removed by the next run).</item>
/// <item><b>One writer at a time.</b> A lock file in the folder (<see cref="LockName"/>, an
/// advisory lock held for the whole run and carried into the new tree) makes a second run into
/// the same folder fail at once with a clear message instead of mixing two designs.</item>
/// <item><b>Inputs stay.</b> A file given as input (the config, its data) that lies in the folder is
/// never replaced or removed: a run that would generate a file in its place is refused.</item>
/// <item><b>Where a sibling cannot be made or swapped</b> (the parent is not writable, the folder is a
/// mount point, the file system or the platform cannot exchange folders) the folder is written in place: each file atomically,
/// the manifest listing old and new files until the end, so an interrupted run is cleaned up by the
/// next one.</item>
/// </list>
/// </remarks>
public static partial class OutputWriter
{
    /// <summary>The list of files HwGen wrote into a folder.</summary>
    public const string ManifestName = ".hwgen-manifest";

    /// <summary>The file a run locks while it writes into the folder.</summary>
    public const string LockName = ".hwgen-lock";

    private const long MaxManifestBytes = 16 << 20;

    [ThreadStatic]
    private static Dictionary<string, FolderLock>? _held;

    /// <summary>Writes <paramref name="files"/> as the content of <paramref name="directory"/>; returns how many files are new or changed.</summary>
    /// <param name="directory">The output folder (<c>-o</c>), created with its parents when missing.</param>
    /// <param name="files">The complete design: files of the previous generation not among them are removed.</param>
    /// <param name="force">Write into a folder that holds files HwGen did not write (they are kept).</param>
    /// <param name="inputs">Files the run read (config, data); one inside the folder is never replaced or removed.</param>
    /// <exception cref="ConfigException">
    /// The folder is not usable (a file, under a file, not writable, locked by another run), holds
    /// files HwGen did not write and <paramref name="force"/> is false, or a generated file would
    /// replace an input.
    /// </exception>
    public static int Write(string directory, IReadOnlyList<GeneratedFile> files, bool force = false, IReadOnlyCollection<string>? inputs = null) =>
        Write(directory, files, force, inputs, swap: true);

    /// <summary><see cref="Write(string, IReadOnlyList{GeneratedFile}, bool, IReadOnlyCollection{string}?)"/>; without <paramref name="swap"/>, always in place (as where no sibling can be made).</summary>
    internal static int Write(string directory, IReadOnlyList<GeneratedFile> files, bool force, IReadOnlyCollection<string>? inputs, bool swap)
    {
        foreach (var file in files)
        {
            if (!IsPlainRelative(file.RelativePath))
            {
                throw new ArgumentException($"generated file '{file.RelativePath}' is not a plain relative path", nameof(files));
            }
        }

        using var hold = Lock(directory);
        string folder = hold.Folder;
        CheckWritable(directory, force);
        using var scope = Interruption.Enter();
        RemoveStaleTemporaries(folder);

        // A folder HwGen did not write (forced) holds no old design to keep whole: write into it.
        bool ours = File.Exists(Path.Combine(folder, ManifestName)) || !Directory.EnumerateFileSystemEntries(folder).Any(e => Path.GetFileName(e) != LockName);

        var current = files.ToDictionary(f => f.RelativePath, StringComparer.Ordinal);
        var previous = ReadManifest(folder);
        var stale = previous.Where(p => !current.ContainsKey(p)).ToHashSet(StringComparer.Ordinal);
        foreach (string input in (inputs ?? []).Concat(hold.Inputs))
        {
            string relative = Path.GetRelativePath(folder, RealPath(input)).Replace('\\', '/');
            if (current.ContainsKey(relative))
            {
                throw new ConfigException(new ConfigError(input, 0, 0, "-o",
                    $"is an input of this run, and {directory} would get the generated {relative} in its place; HwGen never replaces a file it was given: move the input out of the folder or choose another -o"));
            }

            stale.Remove(relative);
        }

        try
        {
            string? temp = ours && swap ? CreateSibling(folder) : null;
            if (temp is not null)
            {
                try
                {
                    int changed = Build(temp, folder, files, stale);
                    if (Commit(temp, folder))
                    {
                        return changed;
                    }
                }
                finally
                {
                    // The old tree after a swap, or the unfinished new one: best effort, as the
                    // next run removes what is left.
                    TryDeleteTree(temp);
                }
            }

            return WriteInPlace(folder, files, previous, stale);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(new ConfigError(directory, 0, 0, "-o", $"cannot write the design into this folder: {e.Message}"));
        }
    }

    /// <summary>
    /// Holds <paramref name="directory"/> for a run that writes into it (creating it when missing),
    /// so that no other HwGen run writes there until the returned lock is disposed. A thread that
    /// holds a folder may lock it again (simulate writes, then builds and runs in it); every
    /// <see cref="Write(string, IReadOnlyList{GeneratedFile}, bool, IReadOnlyCollection{string}?)"/>
    /// under the hold protects <paramref name="inputs"/> as if it had been given them.
    /// </summary>
    /// <exception cref="ConfigException">The folder cannot be created or written, or another run holds it.</exception>
    public static FolderLock Lock(string directory, IReadOnlyCollection<string>? inputs = null)
    {
        string folder = Resolve(directory);
        _held ??= new Dictionary<string, FolderLock>(StringComparer.Ordinal);
        if (_held.TryGetValue(folder, out var existing))
        {
            existing.Count++;
            existing.Inputs.AddRange(inputs ?? []);
            return existing;
        }

        bool created = !Directory.Exists(folder);
        string lockPath = Path.Combine(folder, LockName);
        bool newLockFile = !File.Exists(lockPath);
        FileStream stream;
        try
        {
            Directory.CreateDirectory(folder);
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult is SharingViolation or WouldBlockLinux or WouldBlockMac)
        {
            throw new ConfigException(new ConfigError(directory, 0, 0, "-o",
                "another HwGen run is writing into this folder; wait for it to finish or choose another folder"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (created)
            {
                RemoveIfOnlyLock(folder);
            }

            throw new ConfigException(new ConfigError(directory, 0, 0, "-o", $"cannot write into this folder: {e.Message}"));
        }

        var folderLock = new FolderLock(folder, stream, created, newLockFile, _held);
        folderLock.Inputs.AddRange(inputs ?? []);
        _held[folder] = folderLock;
        return folderLock;
    }

    /// <summary>Refuses an output folder name that cannot be one: empty, a file, or under a file.</summary>
    /// <exception cref="ConfigException">Naming <c>-o</c>, with what is wrong.</exception>
    public static void CheckName(string directory) => Resolve(directory);

    /// <summary>Refuses an output folder that cannot be one, or that holds anything HwGen did not write unless forced.</summary>
    /// <exception cref="ConfigException">The name is empty, is or lies under a file, or the folder is not HwGen's and not empty.</exception>
    public static void CheckWritable(string directory, bool force)
    {
        string folder = Resolve(directory);
        if (force || !Directory.Exists(folder) || File.Exists(Path.Combine(folder, ManifestName)))
        {
            return;
        }

        if (Directory.EnumerateFileSystemEntries(folder).Any(e => Path.GetFileName(e) != LockName))
        {
            throw new ConfigException(new ConfigError(directory, 0, 0, "-o",
                "holds files HwGen did not write; choose an empty or new folder, or pass --force to write into it"));
        }
    }

    /// <summary>Writes atomically (a unique temporary name, then a rename) when the content differs; true when it wrote.</summary>
    public static bool WriteIfChanged(string path, byte[] content)
    {
        if (File.Exists(path) && new FileInfo(path).Length == content.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temp = $"{path}.{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4))}.tmp-hwgen";
        try
        {
            File.WriteAllBytes(temp, content);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return true;
    }

    /// <summary>
    /// True for a name the manifest may hold: relative, '/'-separated, without empty, <c>.</c> or
    /// <c>..</c> parts, and not one of HwGen's own bookkeeping files.
    /// </summary>
    public static bool IsPlainRelative(string path)
    {
        if (path.Length == 0 || path.Length > 4096 || path.Contains('\0', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal)
            || path.Contains('\n', StringComparison.Ordinal) || path.StartsWith('/') || Path.IsPathRooted(path))
        {
            return false;
        }

        var parts = path.Split('/');
        return parts.All(p => p.Length > 0 && p != "." && p != "..") && parts[0] != ManifestName && parts[0] != LockName;
    }

    /// <summary>The folder's full path, symbolic links resolved; the name is checked first.</summary>
    private static string Resolve(string directory)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new ConfigException(new ConfigError("command line", 0, 0, "-o", "the output folder is empty; name a folder, e.g. -o out/design"));
        }

        string full;
        try
        {
            full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ConfigException(new ConfigError(directory, 0, 0, "-o", $"is not a usable folder name: {e.Message}"));
        }

        if (File.Exists(full))
        {
            throw new ConfigException(new ConfigError(directory, 0, 0, "-o", "is a file, not a folder"));
        }

        for (string? up = Path.GetDirectoryName(full); up is not null; up = Path.GetDirectoryName(up))
        {
            if (File.Exists(up))
            {
                throw new ConfigException(new ConfigError(directory, 0, 0, "-o", $"cannot be a folder: {up} is a file"));
            }
        }

        return RealPath(full);
    }

    /// <summary>The full path with every symbolic link on the way resolved (the parts that exist).</summary>
    private static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full) ?? "/";
        string real = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            real = Path.Combine(real, part);
            var info = new FileInfo(real);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                real = Path.TrimEndingDirectorySeparator(target.FullName);
            }
        }

        return real;
    }

    /// <summary>The manifest's trustworthy entries (none from a manifest larger than any HwGen writes).</summary>
    private static HashSet<string> ReadManifest(string folder)
    {
        var info = new FileInfo(Path.Combine(folder, ManifestName));
        return info.Exists && info.LinkTarget is null && info.Length <= MaxManifestBytes
            ? File.ReadAllLines(info.FullName).Where(IsPlainRelative).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
    }

    private static string Manifest(IEnumerable<string> names) => string.Join('\n', names.Order(StringComparer.Ordinal)) + "\n";

    /// <summary>The prefix of this folder's temporary siblings.</summary>
    private static string SiblingPrefix(string folder) => $".{Path.GetFileName(folder)}.hwgen-";

    /// <summary>A new empty sibling of the folder, or null where none can be made.</summary>
    private static string? CreateSibling(string folder)
    {
        string? parent = Path.GetDirectoryName(folder);
        if (parent is null)
        {
            return null;
        }

        string temp = Path.Combine(parent, $"{SiblingPrefix(folder)}{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}");
        try
        {
            Directory.CreateDirectory(temp);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(folder));
            }

            return temp;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Temporary siblings of runs that were killed (the lock says no other run is using them).</summary>
    private static void RemoveStaleTemporaries(string folder)
    {
        string? parent = Path.GetDirectoryName(folder);
        if (parent is null)
        {
            return;
        }

        try
        {
            string prefix = SiblingPrefix(folder);
            foreach (string stale in Directory.EnumerateDirectories(parent, prefix + "*"))
            {
                if (SiblingSuffix().IsMatch(Path.GetFileName(stale)[prefix.Length..]))
                {
                    TryDeleteTree(stale);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable parent: nothing of ours can be there.
        }
    }

    /// <summary>Fills <paramref name="temp"/> with the new design and what the old folder keeps; returns the new or changed files.</summary>
    private static int Build(string temp, string folder, IReadOnlyList<GeneratedFile> files, HashSet<string> stale)
    {
        var current = files.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in current)
        {
            for (int slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
            {
                folders.Add(path[..slash]);
            }
        }

        Carry(folder, temp, string.Empty, current, folders, stale);

        int changed = 0;
        foreach (var file in files)
        {
            Interruption.Token.ThrowIfCancellationRequested();
            string target = Path.Combine(temp, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            string old = Path.Combine(folder, file.RelativePath);
            if (SameContent(old, file.Content))
            {
                LinkOrCopy(old, target);
            }
            else
            {
                File.WriteAllBytes(target, file.Content);
                changed++;
            }

            if (file.Executable && !OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(target);
                const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
                if ((mode & execute) != execute)
                {
                    File.SetUnixFileMode(target, mode | execute);
                }
            }
        }

        File.WriteAllText(Path.Combine(temp, ManifestName), Manifest(current));
        return changed;
    }

    /// <summary>
    /// Links (or copies) into <paramref name="to"/> every entry of <paramref name="from"/> the new
    /// design does not replace or drop: build products, a user's files, the lock. Symbolic links are
    /// recreated as links, never followed.
    /// </summary>
    private static void Carry(string from, string to, string prefix, HashSet<string> current, HashSet<string> folders, HashSet<string> stale)
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(from).Order(StringComparer.Ordinal))
        {
            Interruption.Token.ThrowIfCancellationRequested();
            string name = Path.GetFileName(entry);
            string relative = prefix + name;
            if (relative == ManifestName || current.Contains(relative) || stale.Contains(relative) || name.EndsWith(".tmp-hwgen", StringComparison.Ordinal))
            {
                continue;
            }

            string target = Path.Combine(to, name);
            var info = new FileInfo(entry);
            if (info.LinkTarget is { } link)
            {
                if (!folders.Contains(relative))
                {
                    File.CreateSymbolicLink(target, link);
                }
            }
            else if (info.Attributes.HasFlag(FileAttributes.Directory))
            {
                Directory.CreateDirectory(target);
                Carry(entry, target, relative + "/", current, folders, stale);
            }
            else if (!folders.Contains(relative))
            {
                LinkOrCopy(entry, target);
            }
        }
    }

    /// <summary>A hard link (same inode and time), or where there can be none a copy with the same time.</summary>
    private static void LinkOrCopy(string existing, string target)
    {
        if (Posix.HardLink(existing, target) != 0)
        {
            File.Copy(existing, target);
            File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(existing));
        }
    }

    /// <summary>
    /// Swaps the new tree in; the old one ends up at <paramref name="temp"/>. False where the folders
    /// cannot be exchanged atomically (not Linux, a file system without RENAME_EXCHANGE, a mount
    /// point, no permission): the caller then writes in place.
    /// </summary>
    private static bool Commit(string temp, string folder)
    {
        Interruption.Token.ThrowIfCancellationRequested();
        string cwd = Environment.CurrentDirectory;
        if (Posix.Rename(temp, folder, Posix.RenameExchange) != 0)
        {
            return false;
        }

        // The process's own working folder was the old tree: move it to the same path in the new one.
        if (cwd == folder || cwd.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            Environment.CurrentDirectory = Directory.Exists(cwd) ? cwd : folder;
        }

        return true;
    }

    /// <summary>Writes into the folder itself, for where no sibling can be swapped in.</summary>
    private static int WriteInPlace(string folder, IReadOnlyList<GeneratedFile> files, HashSet<string> previous, HashSet<string> stale)
    {
        var current = files.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);

        // Until the end, the manifest lists both generations: an interrupted run is cleaned up by the next.
        WriteIfChanged(Path.Combine(folder, ManifestName), System.Text.Encoding.UTF8.GetBytes(Manifest(current.Union(previous))));
        int changed = 0;
        foreach (var file in files)
        {
            Interruption.Token.ThrowIfCancellationRequested();
            string path = Path.Combine(folder, file.RelativePath);
            if (!IsInside(folder, file.RelativePath))
            {
                throw new IOException($"{file.RelativePath} lies behind a symbolic link in the folder");
            }

            if (WriteIfChanged(path, file.Content))
            {
                changed++;
            }

            if (file.Executable && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        foreach (string relative in stale)
        {
            string path = Path.Combine(folder, relative);
            if (IsInside(folder, relative) && File.Exists(path))
            {
                File.Delete(path);
            }
        }

        WriteIfChanged(Path.Combine(folder, ManifestName), System.Text.Encoding.UTF8.GetBytes(Manifest(current)));
        return changed;
    }

    /// <summary>True when no folder on the way from <paramref name="folder"/> to <paramref name="relative"/> is a symbolic link.</summary>
    private static bool IsInside(string folder, string relative)
    {
        string path = folder;
        var parts = relative.Split('/');
        foreach (string part in parts[..^1])
        {
            path = Path.Combine(path, part);
            var info = new DirectoryInfo(path);
            if (info.LinkTarget is not null || (info.Exists == false && File.Exists(path)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameContent(string path, byte[] content)
    {
        var info = new FileInfo(path);
        return info.Exists && info.LinkTarget is null && info.Length == content.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(content);
    }

    private static void TryDeleteTree(string path)
    {
        try
        {
            DeleteTree(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next run into the folder.
        }
    }

    /// <summary>What follows a temporary sibling's prefix: the process id and the random part (see <see cref="CreateSibling"/>).</summary>
    [GeneratedRegex("^[0-9]+-[0-9A-F]{12}$")]
    private static partial Regex SiblingSuffix();

    /// <summary>Deletes a folder and what it holds; symbolic links are removed, never followed.</summary>
    private static void DeleteTree(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        foreach (string entry in Directory.EnumerateFileSystemEntries(path))
        {
            var info = new FileInfo(entry);
            if (info.LinkTarget is null && info.Attributes.HasFlag(FileAttributes.Directory))
            {
                DeleteTree(entry);
            }
            else
            {
                File.Delete(entry);
            }
        }

        Directory.Delete(path);
    }

    private static void RemoveIfOnlyLock(string folder)
    {
        try
        {
            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).All(e => Path.GetFileName(e) == LockName))
            {
                File.Delete(Path.Combine(folder, LockName));
                Directory.Delete(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next run, which treats a folder holding only the lock as empty.
        }
    }

    /// <summary>The HRESULT .NET gives a file another process holds: ERROR_SHARING_VIOLATION on Windows, flock's EWOULDBLOCK on Unix.</summary>
    private const int SharingViolation = unchecked((int)0x80070020);

    private const int WouldBlockLinux = 11;

    private const int WouldBlockMac = 35;

    /// <summary>A run's hold on an output folder; see <see cref="Lock"/>.</summary>
    public sealed class FolderLock : IDisposable
    {
        private readonly FileStream _stream;
        private readonly bool _created;
        private readonly bool _newLockFile;
        private readonly Dictionary<string, FolderLock> _registry;

        internal FolderLock(string folder, FileStream stream, bool created, bool newLockFile, Dictionary<string, FolderLock> registry)
        {
            Folder = folder;
            _stream = stream;
            _created = created;
            _newLockFile = newLockFile;
            _registry = registry;
        }

        /// <summary>The folder's full path.</summary>
        public string Folder { get; }

        /// <summary>Input files no write under this hold may replace or remove.</summary>
        internal List<string> Inputs { get; } = [];

        internal int Count { get; set; } = 1;

        /// <summary>
        /// Releases the hold. What the lock itself added to a folder HwGen then wrote nothing into
        /// goes again: the lock file, and the folder when the lock created it.
        /// </summary>
        public void Dispose()
        {
            if (--Count > 0)
            {
                return;
            }

            _registry.Remove(Folder);
            if (_created)
            {
                RemoveIfOnlyLock(Folder);
            }
            else if (_newLockFile && !File.Exists(Path.Combine(Folder, ManifestName)))
            {
                File.Delete(Path.Combine(Folder, LockName));
            }

            _stream.Dispose();
        }
    }
}
