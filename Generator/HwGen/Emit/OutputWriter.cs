using HwGen.Configuration;

namespace HwGen.Emit;

/// <summary>
/// Writes generated files into an output folder without ever destroying what a user had: a
/// folder that holds files HwGen did not write is refused unless forced; in a folder HwGen wrote
/// before, files are rewritten only when their content changes (so incremental builds stay
/// incremental) and files of the previous generation that are no longer generated are removed.
/// Each file is written to a temporary name and renamed, so none is ever half-written.
/// </summary>
public static class OutputWriter
{
    /// <summary>The list of files HwGen wrote into a folder.</summary>
    public const string ManifestName = ".hwgen-manifest";

    /// <summary>Writes <paramref name="files"/> under <paramref name="directory"/>; returns how many changed.</summary>
    /// <exception cref="ConfigException">The folder holds files HwGen did not write and <paramref name="force"/> is false.</exception>
    public static int Write(string directory, IReadOnlyList<GeneratedFile> files, bool force = false)
    {
        CheckWritable(directory, force);
        Directory.CreateDirectory(directory);
        string manifestPath = Path.Combine(directory, ManifestName);
        var previous = File.Exists(manifestPath)
            ? File.ReadAllLines(manifestPath).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal)
            : [];

        int changed = 0;
        foreach (var file in files)
        {
            string path = Path.Combine(directory, file.RelativePath);
            if (WriteIfChanged(path, file.Content))
            {
                changed++;
            }

            if (file.Executable && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        var current = files.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in previous.Where(p => !current.Contains(p)))
        {
            string path = Path.Combine(directory, stale);
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }

        var manifest = string.Join('\n', current.Order(StringComparer.Ordinal)) + "\n";
        WriteIfChanged(manifestPath, System.Text.Encoding.UTF8.GetBytes(manifest));
        return changed;
    }

    /// <summary>Refuses a folder that holds anything HwGen did not write, unless forced.</summary>
    /// <exception cref="ConfigException">The folder is not HwGen's and not empty, or is a file.</exception>
    public static void CheckWritable(string directory, bool force)
    {
        if (File.Exists(directory))
        {
            throw new ConfigException(new ConfigError(directory, 0, 0, "-o", "is a file, not a folder"));
        }

        if (force || !Directory.Exists(directory) || File.Exists(Path.Combine(directory, ManifestName)))
        {
            return;
        }

        if (Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new ConfigException(new ConfigError(directory, 0, 0, "-o",
                "holds files HwGen did not write; choose an empty or new folder, or pass --force to write into it"));
        }
    }

    /// <summary>Writes atomically when the content differs; true when it wrote.</summary>
    public static bool WriteIfChanged(string path, byte[] content)
    {
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temp = path + ".tmp-hwgen";
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
        return true;
    }
}
