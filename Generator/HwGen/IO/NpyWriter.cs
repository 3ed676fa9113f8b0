using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace HwGen.IO;

/// <summary>
/// Creating arrays and writing .npy / .npz files that NumPy reads (format version 1.0, or 2.0
/// when the header needs it; C order; little-endian). Output is byte-identical for identical
/// arrays: .npz members carry a fixed timestamp.
/// </summary>
public static partial class Npy
{
    /// <summary>The timestamp written on every .npz member (the earliest a zip file can hold).</summary>
    private static readonly DateTimeOffset FixedZipTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// An array of <paramref name="type"/> holding <paramref name="values"/> in C order.
    /// Floats are rounded to float32 where asked; integer types need integral values in range.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The shape does not match the value count, or a value does not fit an integer type.
    /// </exception>
    public static NpyArray Create(NpyType type, int[] shape, ReadOnlySpan<double> values)
    {
        CheckShape(shape, values.Length);
        int size = ElementSize(type);
        var data = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            double v = values[i];
            var span = data.AsSpan(i * size);
            switch (type)
            {
                case NpyType.Float32:
                    BinaryPrimitives.WriteSingleLittleEndian(span, (float)v);
                    break;
                case NpyType.Float64:
                    BinaryPrimitives.WriteDoubleLittleEndian(span, v);
                    break;
                case NpyType.UInt8:
                    data[i] = (byte)CheckedInteger(v, byte.MinValue, byte.MaxValue, type, i);
                    break;
                case NpyType.Int8:
                    data[i] = unchecked((byte)(sbyte)CheckedInteger(v, sbyte.MinValue, sbyte.MaxValue, type, i));
                    break;
                case NpyType.Int16:
                    BinaryPrimitives.WriteInt16LittleEndian(span, (short)CheckedInteger(v, short.MinValue, short.MaxValue, type, i));
                    break;
                case NpyType.Int32:
                    BinaryPrimitives.WriteInt32LittleEndian(span, (int)CheckedInteger(v, int.MinValue, int.MaxValue, type, i));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type");
            }
        }

        return new NpyArray(type, [.. shape], data);
    }

    /// <summary>A uint8 array holding <paramref name="values"/> in C order.</summary>
    public static NpyArray CreateUInt8(int[] shape, ReadOnlySpan<byte> values)
    {
        CheckShape(shape, values.Length);
        return new NpyArray(NpyType.UInt8, [.. shape], values.ToArray());
    }

    /// <summary>Writes one array as a .npy file.</summary>
    public static void WriteNpy(string path, NpyArray array)
    {
        using var stream = File.Create(path);
        WriteNpy(stream, array);
    }

    /// <summary>Writes one array in .npy format to a stream.</summary>
    public static void WriteNpy(Stream stream, NpyArray array)
    {
        byte[] header = Header(array);
        stream.Write(header);
        stream.Write(Encode(array));
    }

    /// <summary>
    /// Writes an .npz archive: one member <c>name.npy</c> per array, stored like
    /// <c>numpy.savez</c> or deflated like <c>numpy.savez_compressed</c>.
    /// </summary>
    public static void WriteNpz(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compressed = false)
    {
        using var stream = File.Create(path);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var (name, array) in arrays)
        {
            var entry = zip.CreateEntry(name + ".npy", compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            entry.LastWriteTime = FixedZipTime;
            using var member = entry.Open();
            WriteNpy(member, array);
        }
    }

    /// <summary>The NumPy dtype string of an element type, e.g. <c>&lt;f4</c>.</summary>
    public static string Descr(NpyType type) => type switch
    {
        NpyType.Float32 => "<f4",
        NpyType.Float64 => "<f8",
        NpyType.UInt8 => "|u1",
        NpyType.Int8 => "|i1",
        NpyType.Int16 => "<i2",
        NpyType.Int32 => "<i4",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type"),
    };

    private static int ElementSize(NpyType type) => type switch
    {
        NpyType.Float32 or NpyType.Int32 => 4,
        NpyType.Float64 => 8,
        NpyType.Int16 => 2,
        NpyType.UInt8 or NpyType.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type"),
    };

    private static void CheckShape(int[] shape, int count)
    {
        if (shape.Any(d => d < 0))
        {
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) has a negative dimension", nameof(shape));
        }

        long expected = shape.Aggregate(1L, (a, b) => a * b);
        if (expected != count)
        {
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {expected} elements, but {count} values were given", nameof(shape));
        }
    }

    private static long CheckedInteger(double value, long min, long max, NpyType type, int index)
    {
        if (value != Math.Floor(value) || value < min || value > max)
        {
            throw new ArgumentException(
                $"value {value.ToString(CultureInfo.InvariantCulture)} at index {index} does not fit {type} (integers {min}..{max})",
                nameof(value));
        }

        return (long)value;
    }

    /// <summary>Re-encodes the array's elements (exact for every supported type).</summary>
    private static byte[] Encode(NpyArray array)
    {
        if (array.Type == NpyType.UInt8)
        {
            return array.ToBytes();
        }

        var values = array.ToDoubles();
        int size = ElementSize(array.Type);
        var data = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            var span = data.AsSpan(i * size);
            switch (array.Type)
            {
                case NpyType.Float32:
                    BinaryPrimitives.WriteSingleLittleEndian(span, (float)values[i]);
                    break;
                case NpyType.Float64:
                    BinaryPrimitives.WriteDoubleLittleEndian(span, values[i]);
                    break;
                case NpyType.Int8:
                    data[i] = unchecked((byte)(sbyte)values[i]);
                    break;
                case NpyType.Int16:
                    BinaryPrimitives.WriteInt16LittleEndian(span, (short)values[i]);
                    break;
                case NpyType.Int32:
                    BinaryPrimitives.WriteInt32LittleEndian(span, (int)values[i]);
                    break;
                default:
                    throw new InvalidOperationException($"unknown element type {array.Type}");
            }
        }

        return data;
    }

    /// <summary>Magic, version, header length and the header dict padded so data starts on a 64-byte boundary.</summary>
    private static byte[] Header(NpyArray array)
    {
        string shape = array.Shape.Length == 1
            ? $"({array.Shape[0]},)"
            : "(" + string.Join(", ", array.Shape) + ")";
        string dict = $"{{'descr': '{Descr(array.Type)}', 'fortran_order': False, 'shape': {shape}, }}";

        // Version 1.0 has a 2-byte header length; 2.0 a 4-byte one. Total prefix + dict + '\n' is a multiple of 64.
        int major = dict.Length + 1 + 10 <= ushort.MaxValue ? 1 : 2;
        int prefix = major == 1 ? 10 : 12;
        int padded = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string text = dict.PadRight(padded - prefix - 1) + "\n";

        var header = new byte[padded];
        Magic.CopyTo(header, 0);
        header[6] = (byte)major;
        header[7] = 0;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)text.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)text.Length);
        }

        Encoding.ASCII.GetBytes(text, header.AsSpan(prefix));
        return header;
    }
}
