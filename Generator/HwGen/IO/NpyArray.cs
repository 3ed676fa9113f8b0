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
    private readonly byte[] _data;

    internal NpyArray(NpyType type, int[] shape, byte[] data)
    {
        Type = type;
        Shape = shape;
        _data = data;
    }

    public NpyType Type { get; }

    public int[] Shape { get; }

    public long Length => Shape.Aggregate(1L, (a, b) => a * b);

    public string ShapeText => "(" + string.Join(", ", Shape) + (Shape.Length == 1 ? ",)" : ")");

    /// <summary>All elements as doubles, whatever the stored type.</summary>
    public double[] ToDoubles()
    {
        var result = new double[Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Type switch
            {
                NpyType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(_data.AsSpan(i * 4)),
                NpyType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(_data.AsSpan(i * 8)),
                NpyType.UInt8 => _data[i],
                NpyType.Int8 => (sbyte)_data[i],
                NpyType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(_data.AsSpan(i * 2)),
                NpyType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan(i * 4)),
                _ => throw new InvalidOperationException(),
            };
        }

        return result;
    }

    /// <summary>All elements as bytes; only for uint8 arrays.</summary>
    public byte[] ToBytes() => Type == NpyType.UInt8
        ? (byte[])_data.Clone()
        : throw new InvalidOperationException($"array is {Type}, not uint8");

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

    /// <summary>Reads one array from a stream; <paramref name="origin"/> names it in messages.</summary>
    public static NpyArray Read(Stream stream, string origin)
    {
        using var reader = new BinaryReader(stream, Encoding.ASCII, leaveOpen: true);
        byte[] magic = reader.ReadBytes(6);
        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            throw new NpyFormatException($"{origin}: not a NumPy .npy array (bad magic)");
        }

        int major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major switch
        {
            1 => reader.ReadUInt16(),
            2 or 3 => checked((int)reader.ReadUInt32()),
            _ => throw new NpyFormatException($"{origin}: unsupported .npy format version {major}"),
        };
        string header = Encoding.UTF8.GetString(reader.ReadBytes(headerLength));

        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new NpyFormatException($"{origin}: malformed .npy header: {header.Trim()}");
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
                $"{origin}: dtype '{other}' is not supported (use little-endian float32, float64, uint8, int8, int16 or int32)"),
        };

        int[] shape = shapeMatch.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s.TrimEnd('L'), CultureInfo.InvariantCulture))
            .ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        long bytes = count * size;
        if (bytes > int.MaxValue)
        {
            throw new NpyFormatException($"{origin}: array of {count} elements is too large");
        }

        byte[] data = reader.ReadBytes((int)bytes);
        if (data.Length != bytes)
        {
            throw new NpyFormatException($"{origin}: truncated: expected {bytes} data bytes, found {data.Length}");
        }

        return new NpyArray(type, shape, data);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
