using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace HwGen.Tests.IO;

/// <summary>NumPy files written by hand, byte by byte, for dtypes HwGen's own writer cannot produce.</summary>
internal static class NpyBytes
{
    /// <summary>A version 1.0 .npy file with the given dtype string, shape text and raw data.</summary>
    public static byte[] Npy(string descr, string shape, byte[] data)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - 10 - 1) + "\n";
        var bytes = new byte[total + data.Length];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", bytes.AsSpan(1));
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        data.CopyTo(bytes, total);
        return bytes;
    }

    /// <summary>An .npz archive with one member.</summary>
    public static void Npz(string path, string name, byte[] member)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var stream = zip.CreateEntry(name + ".npy").Open();
        stream.Write(member);
    }
}
