using System.IO.Compression;

namespace HwGen.IO;

/// <summary>
/// An open .npz archive whose arrays are parsed only when asked for, so that one unreadable
/// array (an unsupported dtype, say) does not stop the others from being used, and the error can
/// be tied to the config key that named it. <see cref="Npy.ReadNpz"/> reads everything at once.
/// </summary>
public sealed class NpzArchive : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;

    private NpzArchive(string path, ZipArchive zip)
    {
        Path = path;
        _zip = zip;
        _entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
            _entries.TryAdd(name, entry);
        }

        Names = [.. _entries.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>The archive's name in messages: the display name given to <see cref="Open"/>, or its path.</summary>
    public string Path { get; }

    /// <summary>The arrays it holds, by name without ".npy", in ordinal order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Opens an archive. Throws <see cref="NpyFormatException"/> when it is not a zip file.</summary>
    /// <param name="path">The file to open.</param>
    /// <param name="displayName">How messages name it (e.g. the path as the user wrote it); the path by default.</param>
    public static NpzArchive Open(string path, string? displayName = null)
    {
        string name = displayName ?? path;
        var stream = File.OpenRead(path);
        try
        {
            return new NpzArchive(name, new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false));
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new NpyFormatException($"{name}: not an .npz archive ({e.Message})");
        }
    }

    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>
    /// Parses one array, inflating no more of the member than its header and, for an array of at
    /// most <paramref name="maxElements"/> elements, its data (see <see cref="Npy.Read"/>). Throws
    /// <see cref="KeyNotFoundException"/> when there is no such array.
    /// </summary>
    public NpyArray Read(string name, long maxElements = long.MaxValue)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            throw new KeyNotFoundException($"{Path} has no array '{name}'");
        }

        try
        {
            using var stream = entry.Open();
            return Npy.Read(stream, $"{Path}['{name}']", maxElements);
        }
        catch (InvalidDataException e)
        {
            throw new NpyFormatException($"{Path}['{name}']: corrupt archive member ({e.Message})");
        }
        catch (EndOfStreamException)
        {
            throw new NpyFormatException($"{Path}['{name}']: truncated .npy header");
        }
    }

    public void Dispose() => _zip.Dispose();
}
