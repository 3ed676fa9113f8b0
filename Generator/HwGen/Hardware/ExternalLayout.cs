using HwGen.Compression;

namespace HwGen.Hardware;

/// <summary>
/// Where the sparse-matrix entries of a design with external weights lie in DRAM, and the on-chip
/// tables that find them (docs/microarchitecture.md, "Weights in external DRAM").
/// </summary>
/// <remarks>
/// <para>
/// Entries are counted in <em>slots</em>. A layer's slots are its hardware columns in order and,
/// within column j, PE 0's entries of the column, then PE 1's, and so on (PE k's entries in its
/// own order: the relative indices run down its rows as on chip). Slot s of a layer lies in beat
/// <c>RegionBeat + s / EntriesPerBeat</c>, lane <c>s mod EntriesPerBeat</c>; entry i of a beat
/// occupies bits [i·E, (i+1)·E) of it (E = <see cref="EntryBits"/>, the code or weight in the high
/// bits as on chip), byte 0 of a beat in its low bits. Each layer's region starts on a beat.
/// </para>
/// <para>
/// The engine keeps on chip, per layer, the first slot of every column (<see cref="ColumnBase"/>,
/// one table shared by all PEs, cols + 1 values), and per PE and column the offset of the PE's
/// entries inside the column (<see cref="PeOffset"/>) and their count.
/// </para>
/// </remarks>
public sealed class ExternalLayout
{
    private ExternalLayout(int dataBytes, int entryBits, IReadOnlyList<long> regionBeat, IReadOnlyList<int[]> columnBase, IReadOnlyList<int[]> peOffset, long beats)
    {
        DataBytes = dataBytes;
        EntryBits = entryBits;
        EntriesPerBeat = (8 * dataBytes) / entryBits;
        RegionBeat = regionBeat;
        ColumnBase = columnBase;
        PeOffset = peOffset;
        Beats = beats;
    }

    /// <summary>Bytes per beat: the AXI data width / 8.</summary>
    public int DataBytes { get; }

    /// <summary>E: bits of one entry (code or weight, then the relative index).</summary>
    public int EntryBits { get; }

    /// <summary>L: entries in one beat, floor(8·DataBytes / E).</summary>
    public int EntriesPerBeat { get; }

    /// <summary>Per layer, the beat its region starts at.</summary>
    public IReadOnlyList<long> RegionBeat { get; }

    /// <summary>Per layer, the first slot of each hardware column (HwCols + 1 values, the last the layer's slot count).</summary>
    public IReadOnlyList<int[]> ColumnBase { get; }

    /// <summary>Per layer, PE k's offset inside column j at [j·N + k]: the entries of PEs 0 … k−1 in the column.</summary>
    public IReadOnlyList<int[]> PeOffset { get; }

    /// <summary>Beats of the whole image.</summary>
    public long Beats { get; }

    /// <summary>Bytes of the whole image.</summary>
    public long Bytes => Beats * DataBytes;

    /// <summary>Lays out a network's entries for a port of <paramref name="dataBytes"/> bytes.</summary>
    public static ExternalLayout For(CompressedNetwork network, int dataBytes)
    {
        int entryBits = EntryBitsOf(network);
        int perBeat = (8 * dataBytes) / entryBits;
        if (perBeat < 1)
        {
            throw new ArgumentException($"an entry of {entryBits} bits does not fit a beat of {dataBytes} bytes", nameof(dataBytes));
        }

        int pes = network.Pes;
        var regions = new List<long>();
        var bases = new List<int[]>();
        var offsets = new List<int[]>();
        long beat = 0;
        foreach (var layer in network.Layers)
        {
            int cols = layer.HwCols;
            var colBase = new int[cols + 1];
            var peOffset = new int[cols * pes];
            int slot = 0;
            for (int j = 0; j < cols; j++)
            {
                colBase[j] = slot;
                int inColumn = 0;
                for (int k = 0; k < pes; k++)
                {
                    var pointers = layer.PeEncodings[k].ColumnPointers;
                    peOffset[(j * pes) + k] = inColumn;
                    inColumn += pointers[j + 1] - pointers[j];
                }

                slot += inColumn;
            }

            colBase[cols] = slot;
            regions.Add(beat);
            bases.Add(colBase);
            offsets.Add(peOffset);
            beat += (slot + perBeat - 1) / perBeat;
        }

        return new ExternalLayout(dataBytes, entryBits, regions, bases, offsets, beat);
    }

    /// <summary>E for a network: codebook bits (or weight bits with linear weights) + index bits.</summary>
    public static int EntryBitsOf(CompressedNetwork network) => network.Spec.CodeBits + network.Spec.IndexBits;

    /// <summary>
    /// The DRAM image: <see cref="Bytes"/> bytes, beat after beat, each beat's entries packed from
    /// its low bits up; bits past the last entry of a beat, and slots past a layer's last, are 0.
    /// </summary>
    public byte[] Image(CompressedNetwork network)
    {
        var image = new byte[Bytes];
        int z = network.Spec.IndexBits;
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            int pes = network.Pes;
            long slot = 0;
            for (int j = 0; j < layer.HwCols; j++)
            {
                for (int k = 0; k < pes; k++)
                {
                    var encoding = layer.PeEncodings[k];
                    for (int e = encoding.ColumnPointers[j]; e < encoding.ColumnPointers[j + 1]; e++, slot++)
                    {
                        long high = encoding.EntryValues is { } values
                            ? values[e] & ((1L << network.Spec.CodeBits) - 1)
                            : encoding.EntryCodes[e];
                        long entry = (high << z) | encoding.EntryIndices[e];
                        long beat = RegionBeat[l] + (slot / EntriesPerBeat);
                        long bit = (beat * DataBytes * 8L) + ((slot % EntriesPerBeat) * EntryBits);
                        for (int b = 0; b < EntryBits; b++, bit++)
                        {
                            if (((entry >> b) & 1) != 0)
                            {
                                image[bit >> 3] |= (byte)(1 << (int)(bit & 7));
                            }
                        }
                    }
                }
            }
        }

        return image;
    }
}
