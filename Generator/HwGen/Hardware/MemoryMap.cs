using System.Globalization;
using System.Text;

namespace HwGen.Hardware;

/// <summary>
/// A memory the host writes through the memory-load port; the value is the address's region field.
/// Word widths: pointer banks <see cref="HardwareLayout.PtrWordBits"/>, sparse-matrix lines
/// <see cref="HardwareLayout.LineBits"/>, biases <see cref="HardwareLayout.AccumulatorBits"/>, the
/// codebook <see cref="HardwareLayout.WeightBits"/> (one for all PEs, word = layer × 2^b + code).
/// </summary>
public enum MemoryRegion
{
    PtrEven = 0,
    PtrOdd = 1,
    Spmat = 2,
    Bias = 3,
    Codebook = 4,
}

/// <summary>One field of a memory-load address: bits [<see cref="Lsb"/>, <see cref="Lsb"/> + <see cref="Bits"/>).</summary>
public sealed record AddressField(int Lsb, int Bits)
{
    public int Msb => Lsb + Bits - 1;

    public uint Mask => (uint)((1UL << Bits) - 1);

    /// <summary>A value in this field of an address (bits beyond the field dropped).</summary>
    public uint Place(long value) => ((uint)value & Mask) << Lsb;
}

/// <summary>One memory's contents as the host loads it: words as little-endian 64-bit limbs.</summary>
/// <param name="Region">Which memory.</param>
/// <param name="Pe">Its PE (0 for the codebook).</param>
/// <param name="Words">The words, from address word 0 on.</param>
/// <param name="Bits">Bits of one word.</param>
public sealed record MemoryContents(MemoryRegion Region, int Pe, IReadOnlyList<ulong[]> Words, int Bits)
{
    /// <summary>e.g. <c>spmat_pe0003</c>, <c>codebook</c>: also the name of its memory image.</summary>
    public string Name => Region == MemoryRegion.Codebook
        ? MemoryMap.Kind(Region)
        : $"{MemoryMap.Kind(Region)}_pe{Pe.ToString("D4", CultureInfo.InvariantCulture)}";

    /// <summary>The memory-load address of the first word.</summary>
    public uint Address => MemoryMap.Address(Region, Pe, 0);

    /// <summary>The words as the host sends them: <paramref name="ldWords"/> 32-bit words each, least significant first, bits above <see cref="Bits"/> zero.</summary>
    public uint[] LoadWords(int ldWords)
    {
        var packed = new uint[Words.Count * ldWords];
        for (int w = 0; w < Words.Count; w++)
        {
            for (int k = 0; k < ldWords; k++)
            {
                int bit = 32 * k;
                ulong limb = bit / 64 < Words[w].Length ? Words[w][bit / 64] >> (bit % 64) : 0;
                int valid = Math.Clamp(Bits - bit, 0, 32);
                packed[(w * ldWords) + k] = valid == 0 ? 0 : (uint)limb & (uint)((1UL << valid) - 1);
            }
        }

        return packed;
    }
}

/// <summary>
/// The memory-load address map, <c>{region, pe, word}</c>: the one owner of the regions, the address
/// fields and the memories' contents. The RTL package (and through it hwgen_core), the memory
/// images and load script, the host C header and the C# driver are all generated from it.
/// </summary>
public static class MemoryMap
{
    /// <summary>Which memory (<see cref="MemoryRegion"/>).</summary>
    public static AddressField Region { get; } = new(29, 3);

    /// <summary>Which PE (ignored for the codebook).</summary>
    public static AddressField Pe { get; } = new(18, 11);

    /// <summary>The word within the memory.</summary>
    public static AddressField Word { get; } = new(0, 18);

    /// <summary>Every region, in code order.</summary>
    public static IReadOnlyList<MemoryRegion> Regions { get; } = Enum.GetValues<MemoryRegion>();

    /// <summary>The memory's name in images and host code: ptr_even, ptr_odd, spmat, bias, codebook.</summary>
    public static string Kind(MemoryRegion region) => region switch
    {
        MemoryRegion.PtrEven => "ptr_even",
        MemoryRegion.PtrOdd => "ptr_odd",
        MemoryRegion.Spmat => "spmat",
        MemoryRegion.Bias => "bias",
        _ => "codebook",
    };

    /// <summary>The memory-load address of a word.</summary>
    public static uint Address(MemoryRegion region, int pe, int word) =>
        Region.Place((int)region) | Pe.Place(pe) | Word.Place(word);

    /// <summary>Every memory of a design in load order: per PE its pointer banks, sparse matrix and biases; then the codebook (not with linear weights).</summary>
    public static IEnumerable<MemoryContents> Contents(HardwareLayout layout)
    {
        for (int pe = 0; pe < layout.Pes; pe++)
        {
            if (layout.External is { } external)
            {
                // External weights: one pointer word per column (loaded as the even bank), no
                // sparse-matrix memory (the entries are in the DRAM image).
                yield return new(MemoryRegion.PtrEven, pe, Limbs(external.PointerWords(pe), external.PointerWordBits), external.PointerWordBits);
                yield return new(MemoryRegion.Bias, pe, Limbs(layout.Biases(pe), layout.AccumulatorBits), layout.AccumulatorBits);
                continue;
            }

            var (even, odd) = layout.PointerBanks(pe);
            yield return new(MemoryRegion.PtrEven, pe, Limbs(even, layout.PtrBankBits), layout.PtrBankBits);
            yield return new(MemoryRegion.PtrOdd, pe, Limbs(odd, layout.PtrBankBits), layout.PtrBankBits);
            yield return new(MemoryRegion.Spmat, pe, layout.SpmatLines(pe), layout.LineBits);
            yield return new(MemoryRegion.Bias, pe, Limbs(layout.Biases(pe), layout.AccumulatorBits), layout.AccumulatorBits);
        }

        // Linear weights are in the entries themselves: the design has no codebook to load.
        if (!layout.LinearWeights)
        {
            yield return new(MemoryRegion.Codebook, 0, Limbs(layout.Codebook(), layout.WeightBits), layout.WeightBits);
        }
    }

    /// <summary>
    /// Every memory as memory-load port writes ("address data" in hex, one per line): the load
    /// script of a design whose memories are not initialised from images.
    /// </summary>
    public static string LoadScript(HardwareLayout layout)
    {
        var text = new StringBuilder();
        foreach (var memory in Contents(layout))
        {
            for (int i = 0; i < memory.Words.Count; i++)
            {
                text.Append(Address(memory.Region, memory.Pe, i).ToString("x8", CultureInfo.InvariantCulture)).Append(' ')
                    .Append(Hex(memory.Words[i], memory.Bits)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>A word of <paramref name="bits"/> bits as ceil(bits / 4) lowercase hex digits.</summary>
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
}
