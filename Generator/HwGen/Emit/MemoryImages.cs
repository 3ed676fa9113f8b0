using System.Globalization;
using System.Text;
using HwGen.Hardware;

namespace HwGen.Emit;

/// <summary>
/// The <c>$readmemh</c> images of a design (one word per line, fixed-width lowercase hex) and the
/// same contents as memory-load port writes.
/// </summary>
public static class MemoryImages
{
    /// <summary>Memory-load port regions (address bits 31:29), as in hwgen_core.</summary>
    public enum Region
    {
        PtrEven = 0,
        PtrOdd = 1,
        Spmat = 2,
        Bias = 3,
        Codebook = 4,
    }

    /// <summary>Every memory image of the design, under <c>mem/</c>.</summary>
    public static IEnumerable<GeneratedFile> Emit(HardwareLayout layout, string name)
    {
        foreach (var (region, pe, words, bits) in Contents(layout))
        {
            string kind = region switch
            {
                Region.PtrEven => "ptr_even",
                Region.PtrOdd => "ptr_odd",
                Region.Spmat => "spmat",
                Region.Bias => "bias",
                _ => "codebook",
            };
            string file = region == Region.Codebook
                ? $"mem/{name}_codebook.mem"
                : $"mem/{name}_{kind}_pe{pe.ToString("D4", CultureInfo.InvariantCulture)}.mem";
            var text = new StringBuilder();
            foreach (var word in words)
            {
                text.Append(Hex(word, bits)).Append('\n');
            }

            yield return GeneratedFile.Text(file, text.ToString());
        }
    }

    /// <summary>
    /// The same contents as memory-load port writes ("address data" in hex, one per line), for
    /// loading a design whose memories were not initialised from images.
    /// </summary>
    public static string LoadScript(HardwareLayout layout)
    {
        var text = new StringBuilder();
        foreach (var (region, pe, words, bits) in Contents(layout))
        {
            for (int i = 0; i < words.Count; i++)
            {
                uint address = ((uint)region << 29) | ((uint)pe << 18) | (uint)i;
                text.Append(address.ToString("x8", CultureInfo.InvariantCulture)).Append(' ')
                    .Append(Hex(words[i], bits)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Each memory's words as little-endian 64-bit limbs, with its width in bits.</summary>
    public static IEnumerable<(Region Region, int Pe, IReadOnlyList<ulong[]> Words, int Bits)> Contents(HardwareLayout layout)
    {
        for (int pe = 0; pe < layout.Pes; pe++)
        {
            var (even, odd) = layout.PointerBanks(pe);
            yield return (Region.PtrEven, pe, Limbs(even, layout.PtrBits), layout.PtrBits);
            yield return (Region.PtrOdd, pe, Limbs(odd, layout.PtrBits), layout.PtrBits);
            yield return (Region.Spmat, pe, layout.SpmatLines(pe), layout.LineBits);
            yield return (Region.Bias, pe, Limbs(layout.Biases(pe), layout.AccumulatorBits), layout.AccumulatorBits);
        }

        yield return (Region.Codebook, 0, Limbs(layout.Codebook(), layout.WeightBits), layout.WeightBits);
    }

    /// <summary>Two's complement of each value in <paramref name="bits"/> bits, as 64-bit limbs.</summary>
    private static List<ulong[]> Limbs(long[] values, int bits)
    {
        int limbs = (bits + 63) / 64;
        var result = new List<ulong[]>(values.Length);
        foreach (long value in values)
        {
            var word = new ulong[limbs];
            for (int i = 0; i < limbs; i++)
            {
                word[i] = i == 0 ? (ulong)value : (value < 0 ? ulong.MaxValue : 0);
            }

            result.Add(word);
        }

        return result;
    }

    /// <summary>A word of <paramref name="bits"/> bits as ceil(bits / 4) hex digits.</summary>
    public static string Hex(ulong[] limbs, int bits)
    {
        int digits = (bits + 3) / 4;
        var chars = new char[digits];
        for (int d = 0; d < digits; d++)
        {
            int bit = d * 4;
            int nibble = (int)((limbs[bit / 64] >> (bit % 64)) & 0xF);
            int valid = Math.Min(4, bits - bit);
            nibble &= (1 << valid) - 1;
            chars[digits - 1 - d] = "0123456789abcdef"[nibble];
        }

        return new string(chars);
    }
}
