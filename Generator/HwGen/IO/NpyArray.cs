using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace HwGen.IO;

/// <summary>The element types HwGen reads from NumPy files (little-endian only).</summary>
public enum NpyType
{
    Float32,
    Float64,
    UInt8,
    Int8,
    Int16,
    Int32,
}

/// <summary>A NumPy array read from a .npy file or an .npz member, in C order.</summary>
public sealed class NpyArray
{
    private readonly byte[]? _data;

    internal NpyArray(NpyType type, int[] shape, byte[]? data)
    {
        Type = type;
        Shape = shape;
        _data = data;
    }

    public NpyType Type { get; }

    public int[] Shape { get; }

    /// <summary>The element count (saturating at <see cref="long.MaxValue"/> for a header that claims more).</summary>
    public long Length => Shape.Aggregate(1L, (a, b) => b == 0 ? 0 : a > long.MaxValue / b ? long.MaxValue : a * b);

    public string ShapeText => "(" + string.Join(", ", Shape) + (Shape.Length == 1 ? ",)" : ")");

    /// <summary>
    /// False when only the header was read: the array is larger than the reader was asked to hold
    /// (see <see cref="Npy.Read"/>), so its shape can be reported but its elements were never read.
    /// </summary>
    public bool HasData => _data is not null;

    /// <summary>All elements as doubles, whatever the stored type.</summary>
    public double[] ToDoubles()
    {
        byte[] data = Data;
        var result = new double[Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Type switch
            {
                NpyType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(i * 4)),
                NpyType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(i * 8)),
                NpyType.UInt8 => data[i],
                NpyType.Int8 => (sbyte)data[i],
                NpyType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(data.AsSpan(i * 2)),
                NpyType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(i * 4)),
                _ => throw new InvalidOperationException(),
            };
        }

        return result;
    }

    /// <summary>All elements as bytes; only for uint8 arrays.</summary>
    public byte[] ToBytes() => Type == NpyType.UInt8
        ? (byte[])Data.Clone()
        : throw new InvalidOperationException($"array is {Type}, not uint8");

    /// <summary>The raw little-endian elements (for the writer).</summary>
    internal byte[] Data => _data ?? throw new InvalidOperationException($"only the header of this {ShapeText} array was read");

    public bool IsInteger => Type is NpyType.UInt8 or NpyType.Int8 or NpyType.Int16 or NpyType.Int32;
}

/// <summary>Raised for a file that is not a readable NumPy array, with a message naming the file.</summary>
public sealed class NpyFormatException(string message) : Exception(message);

/// <summary>Reads .npy and .npz files (NumPy format versions 1–3).</summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file.</summary>
    public static NpyArray ReadNpy(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads every array of an .npz archive, keyed by name without ".npy".</summary>
    public static IReadOnlyDictionary<string, NpyArray> ReadNpz(string path)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new NpyFormatException($"{path}: not an .npz archive ({e.Message})");
        }

        using (zip)
        {
            var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                var name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                buffer.Position = 0;
                arrays[name] = Read(buffer, $"{path}[{name}]");
            }

            return arrays;
        }
    }

    /// <summary>The largest header HwGen reads: NumPy writes a few hundred bytes (and refuses to load more than 10,000 by default).</summary>
    public const int MaxHeaderBytes = 1 << 20;

    /// <summary>The most dimensions an array may have (NumPy 2's NPY_MAXDIMS).</summary>
    public const int MaxDimensions = 64;

    /// <summary>
    /// Reads one array from a stream; <paramref name="origin"/> names it in messages. The header is
    /// checked before anything is allocated for the data, and an array of more than
    /// <paramref name="maxElements"/> elements (or more bytes than one .NET array or the machine's
    /// memory holds) is returned header only (<see cref="NpyArray.HasData"/> false): its shape can be
    /// reported, but its data is never read — nor, in an .npz, inflated.
    /// </summary>
    /// <exception cref="NpyFormatException">Not a NumPy array, a malformed or unsupported header, or truncated data.</exception>
    public static NpyArray Read(Stream stream, string origin, long maxElements = long.MaxValue)
    {
        using var reader = new BinaryReader(stream, Encoding.ASCII, leaveOpen: true);
        byte[] magic = reader.ReadBytes(6);
        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            throw new NpyFormatException($"{origin}: not a NumPy .npy array (bad magic)");
        }

        byte[] version = reader.ReadBytes(2);
        int major = version.Length == 2 ? version[0] : throw new NpyFormatException($"{origin}: truncated .npy header");
        byte[] lengthBytes = reader.ReadBytes(major == 1 ? 2 : 4);
        long headerLength = major switch
        {
            1 when lengthBytes.Length == 2 => BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes),
            2 or 3 when lengthBytes.Length == 4 => BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes),
            1 or 2 or 3 => throw new NpyFormatException($"{origin}: truncated .npy header"),
            _ => throw new NpyFormatException($"{origin}: unsupported .npy format version {major}"),
        };
        if (headerLength > MaxHeaderBytes)
        {
            throw new NpyFormatException($"{origin}: the .npy header claims {headerLength} bytes; NumPy writes a few hundred and HwGen reads at most {MaxHeaderBytes}");
        }

        byte[] headerBytes = reader.ReadBytes((int)headerLength);
        if (headerBytes.Length != headerLength)
        {
            throw new NpyFormatException($"{origin}: truncated .npy header ({headerBytes.Length} of {headerLength} bytes)");
        }

        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new NpyFormatException($"{origin}: malformed .npy header: {Shorten(header.Trim())}");
        }

        if (fortran.Groups[1].Value == "True")
        {
            throw new NpyFormatException($"{origin}: Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray");
        }

        var (type, size) = descr.Groups[1].Value switch
        {
            "<f4" => (NpyType.Float32, 4),
            "<f8" => (NpyType.Float64, 8),
            "|u1" or "<u1" => (NpyType.UInt8, 1),
            "|i1" or "<i1" => (NpyType.Int8, 1),
            "<i2" => (NpyType.Int16, 2),
            "<i4" => (NpyType.Int32, 4),
            var other => throw new NpyFormatException(
                $"{origin}: dtype '{Shorten(other)}' is not supported (use little-endian float32, float64, uint8, int8, int16 or int32)"),
        };

        int[] shape = ParseShape(shapeMatch.Groups[1].Value, origin);
        long count = 1;
        foreach (int dimension in shape)
        {
            count = dimension == 0 || count <= long.MaxValue / size / dimension ? count * dimension : long.MaxValue / size;
        }

        long bytes = count * size;
        if (count > maxElements || bytes > Array.MaxLength || bytes > Platform.MemoryBudget.AvailableBytes)
        {
            return new NpyArray(type, shape, null);
        }

        if (stream.CanSeek && stream.Length - stream.Position < bytes)
        {
            throw new NpyFormatException($"{origin}: truncated: shape {new NpyArray(type, shape, null).ShapeText} needs {bytes} data bytes, the file has {stream.Length - stream.Position}");
        }

        byte[] data = reader.ReadBytes((int)bytes);
        if (data.Length != bytes)
        {
            throw new NpyFormatException($"{origin}: truncated: expected {bytes} data bytes, found {data.Length}");
        }

        return new NpyArray(type, shape, data);
    }

    /// <summary>The dimensions of a shape tuple's text ("4, 8", "300,", ""): each a whole number from 0 to 2^31 − 1.</summary>
    private static int[] ParseShape(string text, string origin)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > 1 && parts[^1].Length == 0)
        {
            parts = parts[..^1];
        }

        if (parts.Length == 1 && parts[0].Length == 0)
        {
            return [];
        }

        if (parts.Length > MaxDimensions)
        {
            throw new NpyFormatException($"{origin}: the shape has {parts.Length} dimensions; NumPy allows at most {MaxDimensions}");
        }

        var shape = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            string part = parts[i].EndsWith('L') ? parts[i][..^1] : parts[i];
            if (part.StartsWith('-') && part.Length > 1 && part[1..].All(char.IsAsciiDigit))
            {
                throw new NpyFormatException($"{origin}: the shape ({Shorten(text)}) has a negative dimension, {Shorten(part)}");
            }

            if (part.Length == 0 || !part.All(char.IsAsciiDigit))
            {
                throw new NpyFormatException($"{origin}: the shape ({Shorten(text)}) has '{Shorten(part)}' where a whole number belongs");
            }

            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
            {
                throw new NpyFormatException($"{origin}: the shape ({Shorten(text)}) has a dimension of {Shorten(part)}, more than the {int.MaxValue} HwGen handles");
            }
        }

        return shape;
    }

    /// <summary>Header text as messages quote it: at most 80 characters, one line.</summary>
    private static string Shorten(string text)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= 80 ? text : text[..77] + "...";
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
