using HwGen.Compression;

namespace HwGen.Hardware;

/// <summary>
/// The on-chip side of a design with external weights: field widths of hwgen_ext_fetch and the
/// PEs' external front end, the per-PE pointer words and the column-base table (docs/
/// microarchitecture.md, "Weights in external DRAM"), and the DRAM image.
/// </summary>
public sealed class ExternalHardware
{
    private readonly HardwareLayout _layout;

    internal ExternalHardware(HardwareLayout layout, ExternalMemorySystem system)
    {
        _layout = layout;
        System = system;
        var network = layout.Network;
        Layout = ExternalLayout.For(network, system.Dram.DataBytes);
        int pes = network.Pes;
        int lanes = Layout.EntriesPerBeat;
        int maxCount = 1, maxOffsetBeat = 0;
        long maxBeats = 1;
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            var offsets = Layout.PeOffset[l];
            for (int j = 0; j < layer.HwCols; j++)
            {
                for (int k = 0; k < pes; k++)
                {
                    var pointers = layer.PeEncodings[k].ColumnPointers;
                    maxCount = Math.Max(maxCount, pointers[j + 1] - pointers[j]);
                    maxOffsetBeat = Math.Max(maxOffsetBeat, offsets[(j * pes) + k] / lanes);
                }
            }

            maxBeats = Math.Max(maxBeats, ((long)Layout.ColumnBase[l][layer.HwCols] + lanes - 1) / lanes);
        }

        CountBits = HardwareLayout.Bits(maxCount);
        OffsetBeatBits = Math.Max(1, HardwareLayout.Bits(maxOffsetBeat));
        LaneBits = Math.Max(1, HardwareLayout.Bits(lanes - 1));
        BeatIndexBits = HardwareLayout.Bits(maxBeats);
    }

    /// <summary>The memory system (queue sizes, the DRAM).</summary>
    public ExternalMemorySystem System { get; }

    /// <summary>Where the entries lie in DRAM.</summary>
    public ExternalLayout Layout { get; }

    /// <summary>Bits of a PE's entry count in one column.</summary>
    public int CountBits { get; }

    /// <summary>Bits of the beat part of a PE's offset inside a column.</summary>
    public int OffsetBeatBits { get; }

    /// <summary>Bits of a lane (an entry's place in a beat).</summary>
    public int LaneBits { get; }

    /// <summary>Bits of a beat index inside a layer's region.</summary>
    public int BeatIndexBits { get; }

    /// <summary>
    /// Words of each PE's pointer memory and of the column-base table: one per pointer index a
    /// column uses. The on-chip layout's last index (the end pointer of the last column) has no
    /// column, so the memories stop before it (4,096 words rather than 4,097 for alex8, half the
    /// block RAM).
    /// </summary>
    public int PointerDepth => Math.Max(1, _layout.PointerIndices - 1);

    /// <summary>A pointer word: {count, offset beat, offset lane}.</summary>
    public int PointerWordBits => CountBits + OffsetBeatBits + LaneBits;

    /// <summary>A column-base word: {has entries, last beat, first beat, first lane}.</summary>
    public int BaseWordBits => 1 + (2 * BeatIndexBits) + LaneBits;

    /// <summary>One PE's pointer words, at the pointer index of each column (the layer's pointer base + j).</summary>
    public long[] PointerWords(int pe)
    {
        var words = new long[PointerDepth];
        int lanes = Layout.EntriesPerBeat;
        var network = _layout.Network;
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var table = _layout.Layers[l];
            var pointers = network.Layers[l].PeEncodings[pe].ColumnPointers;
            var offsets = Layout.PeOffset[l];
            for (int j = 0; j < table.Cols; j++)
            {
                long count = pointers[j + 1] - pointers[j];
                long offset = offsets[(j * network.Pes) + pe];
                words[table.PtrBase + j] = (count << (OffsetBeatBits + LaneBits)) | ((offset / lanes) << LaneBits) | (offset % lanes);
            }
        }

        return words;
    }

    /// <summary>The column-base table, at the pointer index of each column.</summary>
    public long[] BaseWords()
    {
        var words = new long[PointerDepth];
        int lanes = Layout.EntriesPerBeat;
        var network = _layout.Network;
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var table = _layout.Layers[l];
            var bases = Layout.ColumnBase[l];
            for (int j = 0; j < table.Cols; j++)
            {
                long first = bases[j];
                bool entries = bases[j + 1] > first;
                long last = entries ? (bases[j + 1] - 1) / lanes : first / lanes;
                words[table.PtrBase + j] = ((entries ? 1L : 0L) << ((2 * BeatIndexBits) + LaneBits))
                    | (last << (BeatIndexBits + LaneBits)) | ((first / lanes) << LaneBits) | (first % lanes);
            }
        }

        return words;
    }
}
