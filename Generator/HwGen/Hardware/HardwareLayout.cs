using HwGen.Compression;

namespace HwGen.Hardware;

/// <summary>
/// Where everything of a compressed network lives in the accelerator: memory depths and widths,
/// each layer's table entry, and each PE's memory contents. Derived once from the
/// <see cref="CompressedNetwork"/>; the emitters, the memory images and the host header read it.
/// </summary>
public sealed class HardwareLayout
{
    private HardwareLayout(CompressedNetwork network)
    {
        Network = network;
        var spec = network.Spec;
        Pes = spec.Pes;
        FifoDepth = spec.FifoDepth;
        LineEntries = spec.LineEntries;
        CodeBits = spec.CodeBits;
        LinearWeights = spec.LinearWeights;
        IndexBits = spec.IndexBits;
        ActivationBits = network.Format.ActivationBits;
        WeightBits = network.Format.WeightBits;
        AccumulatorBits = network.Format.AccumulatorBits;
        ColumnPairs = spec.ColumnPairs;
        if (network.ColumnPairsProblem is { } problem)
        {
            throw new ArgumentException(problem, nameof(network));
        }

        var layers = new List<LayerTableEntry>();
        int ptrBase = 0;
        int biasBase = 0;
        var entryBase = new long[Pes];
        foreach (var layer in network.Layers)
        {
            // Hardware columns and rows: an LSTM layer's include its padding (CompressedLayer.HwCols).
            int cols = layer.HwCols;
            int localRows = Ceil(layer.HwRows, Pes);
            int groups = Ceil(cols, Pes);
            var lstm = layer.Lstm;
            var entryBases = (long[])entryBase.Clone();
            for (int p = 0; p < Pes; p++)
            {
                entryBase[p] += layer.PeEncodings[p].Entries;
            }

            layers.Add(new LayerTableEntry(
                Rows: layer.Rows,
                Cols: cols,
                Groups: groups,
                LastGroupPes: cols - ((groups - 1) * Pes),
                LocalRows: localRows,
                PtrBase: ptrBase,
                BiasBase: biasBase,
                Shift: layer.WeightFrac,
                Relu: layer.Relu && lstm is null,
                EntryBase: entryBases)
            {
                Lstm = lstm is not null,
                Steps = lstm?.Steps ?? 1,
                InputGroups = lstm is null ? groups : Ceil(lstm.Features, Pes),
                SequenceOutput = lstm?.ReturnSequence ?? false,
                OutputWords = Ceil(layer.HwOutToOut.Length, Pes),
            });
            ptrBase += PointerColumns(cols) + 1;
            ptrBase += ptrBase % 2;
            biasBase += localRows;
        }

        Layers = layers;
        PointerIndices = layers[^1].PtrBase + PointerColumns(layers[^1].Cols) + 1;
        PtrDepth = Math.Max(1, Ceil(PointerIndices, 2));
        EntriesPerPe = entryBase;
        SpmatDepth = Math.Max(1, (int)Ceil(entryBase.Max(), LineEntries));
        BiasDepth = Math.Max(1, biasBase);
        AccDepth = layers.Max(l => l.LocalRows);
        ActDepth = Math.Max(Ceil(network.HwInputSize, Pes), layers.Max(l => l.OutputWords));
        HasLstm = layers.Any(l => l.Lstm);
        OverlapWriteback = network.OverlapsAnyWriteback;
        CellDepth = Math.Max(1, layers.Where(l => l.Lstm).Select(l => l.LocalRows / 4).DefaultIfEmpty(1).Max());
        CellBits = Math.Max(2, network.Layers.Max(l => l.CellBits));
        ColBits = Bits(layers.Max(l => (long)l.Groups * Pes) - 1);
        ShiftBits = Bits(layers.Max(l => l.Shift));
        OffBits = LineEntries > 1 ? Bits(LineEntries - 1) : 1;
        LineAddrBits = Bits(SpmatDepth);
        PtrBits = LineAddrBits + OffBits;
    }

    public CompressedNetwork Network { get; }

    /// <summary>N.</summary>
    public int Pes { get; }

    public int FifoDepth { get; }

    public int LineEntries { get; }

    public int CodeBits { get; }

    public int IndexBits { get; }

    public int EntryBits => CodeBits + IndexBits;

    public int LineBits => LineEntries * EntryBits;

    public int ActivationBits { get; }

    public int WeightBits { get; }

    public int AccumulatorBits { get; }

    /// <summary>Width of the memory-load port's data: the widest memory word.</summary>
    public int LoadBits => Math.Max(Math.Max(Math.Max(LineBits, AccumulatorBits), PtrBankBits), External?.PointerWordBits ?? 0);

    /// <summary>
    /// <c>hardware.column_pairs</c>: a broadcast carries hardware columns 2k and 2k + 1, a pointer
    /// index is a pair's (layer bases count pairs), and a bank word holds both columns' words.
    /// </summary>
    public bool ColumnPairs { get; }

    /// <summary>Pointer indices of a layer's columns before its end pointer: its columns, or with column pairs its pairs.</summary>
    public int PointerColumns(int cols) => ColumnPairs ? Ceil(cols, 2) : cols;

    public IReadOnlyList<LayerTableEntry> Layers { get; }

    /// <summary>Pointer indices of all layers (each layer's base rounded up to even).</summary>
    public int PointerIndices { get; }

    /// <summary>Words per pointer bank (even and odd).</summary>
    public int PtrDepth { get; }

    /// <summary>Sparse-matrix entries of all layers, per PE.</summary>
    public IReadOnlyList<long> EntriesPerPe { get; }

    /// <summary>Lines of the sparse-matrix memory (the fullest PE's).</summary>
    public int SpmatDepth { get; }

    public int BiasDepth { get; }

    /// <summary>Accumulators per PE: the most local rows of any layer.</summary>
    public int AccDepth { get; }

    /// <summary>
    /// Words of one activation bank per PE: the network's input, or any layer's output (an LSTM
    /// layer's whole sequence, when it gives it), whichever is longest.
    /// </summary>
    public int ActDepth { get; }

    /// <summary>Whether some layer is an LSTM layer: only then do the PEs have the element-wise unit and its cell memory.</summary>
    public bool HasLstm { get; }

    /// <summary>
    /// Whether some fully connected layer's writeback runs behind the next layer's compute phase
    /// (<see cref="CompressedNetwork.OverlapsNext"/>): the core's OverlapWb.
    /// </summary>
    public bool OverlapWriteback { get; }

    /// <summary>Accumulator banks per PE: two with LSTM layers or an overlapped writeback, else one.</summary>
    public int AccBanks => HasLstm || OverlapWriteback ? 2 : 1;

    /// <summary>Words of each PE's cell memory: the most hidden units of any LSTM layer on one PE (1 without LSTM layers).</summary>
    public int CellDepth { get; }

    /// <summary>C: bits of a cell state, the widest of the LSTM layers' (<see cref="CompressedLayer.CellBits"/>).</summary>
    public int CellBits { get; }

    public int ColBits { get; }

    public int ShiftBits { get; }

    /// <summary>Bits of the entry offset within a line in a pointer word.</summary>
    public int OffBits { get; }

    public int LineAddrBits { get; }

    /// <summary>Pointer: {line, offset}.</summary>
    public int PtrBits { get; }

    /// <summary>
    /// Pointer-bank word: {column has exactly one entry, column has entries, pointer}, the flags of
    /// the column the pointer starts (both 0 for a layer's end pointer), so that the PE decides
    /// from the read data without comparing two pointers.
    /// </summary>
    public int PtrWordBits => PtrBits + 2;

    /// <summary>
    /// Width of a pointer bank: a <see cref="PtrWordBits"/> word, or with column pairs two of them,
    /// {column 2k + 1's, column 2k's}.
    /// </summary>
    public int PtrBankBits => ColumnPairs ? 2 * PtrWordBits : PtrWordBits;

    /// <summary>
    /// Memory bits of one PE (every PE's memories have the same shape): both pointer banks, the
    /// sparse-matrix lines, the biases, the accumulators (two banks with LSTM layers or an
    /// overlapped writeback), both activation banks and, with LSTM layers, the cell memory.
    /// </summary>
    /// <remarks>
    /// With external weights a PE has no sparse-matrix memory and no pointer banks: its pointer
    /// memory (one word per column) and its capture rows (one beat each) stand in their place.
    /// </remarks>
    public long MemoryBitsPerPe =>
        (External is { } x
            ? ((long)x.PointerDepth * x.PointerWordBits) + ((long)x.System.PeRows * 8 * x.System.Dram.DataBytes)
            : ((long)PtrDepth * 2 * PtrBankBits) + ((long)SpmatDepth * LineBits))
        + ((long)BiasDepth * AccumulatorBits)
        + ((long)AccBanks * AccDepth * AccumulatorBits) + (2L * ActDepth * ActivationBits)
        + (HasLstm ? (long)CellDepth * CellBits : 0);

    /// <summary>
    /// Memory bits of the whole array: <see cref="MemoryBitsPerPe"/> × N plus the shared codebook
    /// (none with linear weights) and, with external weights, the column-base table and the beat
    /// buffer.
    /// </summary>
    public long MemoryBitsTotal => (MemoryBitsPerPe * Pes) + CodebookBits
        + (External is { } x ? ((long)x.PointerDepth * x.BaseWordBits) + ((long)x.System.BeatBuffer * 8 * x.System.Dram.DataBytes) : 0);

    /// <summary>Bits of the shared codebook of all layers: 2^b entries of W bits per layer; 0 with linear weights.</summary>
    public long CodebookBits => LinearWeights ? 0 : (long)Layers.Count * (1 << CodeBits) * WeightBits;

    /// <summary>
    /// Whether entries hold linear weights: the weight field (<see cref="CodeBits"/> = W) is the
    /// weight itself in two's complement, and the core has no codebook.
    /// </summary>
    public bool LinearWeights { get; }

    public static HardwareLayout For(CompressedNetwork network) => new(network);

    /// <summary>With external weights, their on-chip tables and the DRAM image; null with on-chip weights.</summary>
    public ExternalHardware? External => _external ??= Network.Spec.External is { } system ? new ExternalHardware(this, system) : null;

    private ExternalHardware? _external;

    /// <summary>A pointer as stored: the entry address split into line and offset.</summary>
    public long PackPointer(long entry) => ((entry / LineEntries) << OffBits) | (entry % LineEntries);

    /// <summary>
    /// Pointer banks of one PE: index i of all layers' pointers goes to bank i mod 2, word i div 2,
    /// as a <see cref="PtrWordBits"/>-bit word with its column's flags. With column pairs index i
    /// is pair i's, and its word is {column 2i + 1's word, column 2i's word}; the pointers past a
    /// layer's last column are its end pointer, without flags.
    /// </summary>
    public (long[] Even, long[] Odd) PointerBanks(int pe)
    {
        var even = new long[PtrDepth];
        var odd = new long[PtrDepth];
        for (int l = 0; l < Layers.Count; l++)
        {
            var table = Layers[l];
            var pointers = Network.Layers[l].PeEncodings[pe].ColumnPointers;
            long Word(int j)
            {
                long value = PackPointer(table.EntryBase[pe] + pointers[Math.Min(j, table.Cols)]);
                if (j < table.Cols)
                {
                    long entries = pointers[j + 1] - pointers[j];
                    value |= (entries > 0 ? 1L : 0L) << PtrBits;
                    value |= (entries == 1 ? 1L : 0L) << (PtrBits + 1);
                }

                return value;
            }

            for (int i = 0; i <= PointerColumns(table.Cols); i++)
            {
                int index = table.PtrBase + i;
                long value = ColumnPairs ? (Word((2 * i) + 1) << PtrWordBits) | Word(2 * i) : Word(i);
                (index % 2 == 0 ? even : odd)[index / 2] = value;
            }
        }

        return (even, odd);
    }

    /// <summary>Sparse-matrix lines of one PE, each a little-endian array of 64-bit words.</summary>
    public IReadOnlyList<ulong[]> SpmatLines(int pe)
    {
        int wordsPerLine = Ceil(LineBits, 64);
        var lines = new List<ulong[]>(SpmatDepth);
        for (int i = 0; i < SpmatDepth; i++)
        {
            lines.Add(new ulong[wordsPerLine]);
        }

        long entry = 0;
        foreach (var layer in Network.Layers)
        {
            var encoding = layer.PeEncodings[pe];
            for (int e = 0; e < encoding.Entries; e++, entry++)
            {
                ulong field = encoding.EntryValues is { } values
                    ? (ulong)values[e] & ((1UL << CodeBits) - 1)
                    : encoding.EntryCodes[e];
                ulong value = (field << IndexBits) | encoding.EntryIndices[e];
                int bit = (int)(entry % LineEntries) * EntryBits;
                var line = lines[(int)(entry / LineEntries)];
                line[bit / 64] |= value << (bit % 64);
                if ((bit % 64) + EntryBits > 64)
                {
                    line[(bit / 64) + 1] |= value >> (64 - (bit % 64));
                }
            }
        }

        return lines;
    }

    /// <summary>Bias memory of one PE (accumulator scale); zero for local rows the PE does not own.</summary>
    public long[] Biases(int pe)
    {
        var biases = new long[BiasDepth];
        for (int l = 0; l < Layers.Count; l++)
        {
            var layer = Network.Layers[l];
            for (int r = 0; r < Layers[l].LocalRows; r++)
            {
                int hwRow = (r * Pes) + pe;
                if (hwRow < layer.HwRowToRow.Length && layer.HwRowToRow[hwRow] >= 0)
                {
                    biases[Layers[l].BiasBase + r] = layer.BiasFixed[layer.HwRowToRow[hwRow]];
                }
            }
        }

        return biases;
    }

    /// <summary>Codebook of all layers, layer-major, 2^b entries each.</summary>
    public long[] Codebook()
    {
        int size = 1 << CodeBits;
        var codebook = new long[Layers.Count * size];
        for (int l = 0; l < Layers.Count; l++)
        {
            var values = Network.Layers[l].CodebookFixed;
            Array.Copy(values, 0, codebook, l * size, Math.Min(size, values.Length));
        }

        return codebook;
    }

    /// <summary>Bits needed for an unsigned value (at least 1).</summary>
    public static int Bits(long maxValue)
    {
        int bits = 1;
        while (bits < 63 && (1L << bits) <= maxValue)
        {
            bits++;
        }

        return bits;
    }

    internal static int Ceil(int a, int b) => (a + b - 1) / b;

    internal static long Ceil(long a, long b) => (a + b - 1) / b;
}

/// <summary>One row of the sequencer's layer table.</summary>
/// <param name="Rows">Outputs.</param>
/// <param name="Cols">Inputs.</param>
/// <param name="Groups">ceil(Cols / N): words of the source bank the LNZD scans.</param>
/// <param name="LastGroupPes">Columns in the last group.</param>
/// <param name="LocalRows">ceil(Rows / N): accumulators in use and writeback length.</param>
/// <param name="PtrBase">Index of the layer's first pointer (even).</param>
/// <param name="BiasBase">Word of the layer's first bias in every PE's bias memory.</param>
/// <param name="Shift">Fw, the output stage's shift.</param>
/// <param name="Relu">Whether the output stage applies ReLU.</param>
/// <param name="EntryBase">Per PE: the layer's first sparse-matrix entry.</param>
/// <remarks>
/// An LSTM layer's row runs once per step: its columns are the step's input and state (padding
/// included, <see cref="CompressedLayer.HwCols"/>), its local rows the four gate rows of each of
/// its U units per PE.
/// </remarks>
public sealed record LayerTableEntry(
    int Rows,
    int Cols,
    int Groups,
    int LastGroupPes,
    int LocalRows,
    int PtrBase,
    int BiasBase,
    int Shift,
    bool Relu,
    long[] EntryBase)
{
    /// <summary>Whether the layer is an LSTM layer.</summary>
    public bool Lstm { get; init; }

    /// <summary>T, the steps the layer runs (1 for a fully connected layer).</summary>
    public int Steps { get; init; } = 1;

    /// <summary>
    /// Gx: the groups of a step that scan its input x_t (ceil(F / N)); the rest of
    /// <see cref="Groups"/> scan h_(t−1). A fully connected layer's is <see cref="Groups"/>.
    /// </summary>
    public int InputGroups { get; init; }

    /// <summary>Whether an LSTM layer gives its whole sequence (h_t of every step, one after the other).</summary>
    public bool SequenceOutput { get; init; }

    /// <summary>Words of the destination bank the layer's output takes per PE.</summary>
    public int OutputWords { get; init; }
}
