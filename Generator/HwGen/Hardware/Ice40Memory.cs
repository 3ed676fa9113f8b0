using HwGen.Compression;
using HwGen.Configuration;

namespace HwGen.Hardware;

/// <summary>How one memory of the design maps to iCE40 RAM.</summary>
/// <param name="Name">ptr_even, ptr_odd, spmat, bias, acc, act, act_table, acc_bank1, cell, cell_tanh_table or codebook.</param>
/// <param name="Width">Bits per word.</param>
/// <param name="Depth">Words.</param>
/// <param name="Brams">SB_RAM40_4K cells (4-kbit EBRs) when it goes to block RAM, else 0.</param>
/// <param name="Sprams">SB_SPRAM256KA cells when it is in iCE40 SPRAM (hwgen_ram_ice40_spram), else 0.</param>
public sealed record MemoryMapping(string Name, int Width, int Depth, int Brams, int Sprams = 0)
{
    /// <summary>Whether yosys keeps it in flip-flops and LUT multiplexers.</summary>
    public bool InLogic => Brams == 0 && Sprams == 0;

    public long Bits => (long)Width * Depth;
}

/// <summary>
/// The iCE40 memory mapping, the one both the resource model (sweeps) and the memory planner
/// (board builds) use: yosys's rules for an inferred RAM (hwgen_ram_1r1w) on SB_RAM40_4K, and the
/// SB_SPRAM256KA tiling of hwgen_ram_ice40_spram. Checked against yosys by the resource model's
/// calibration (Generator/HwGen/Sweep/Calibration/).
/// </summary>
public static class Ice40Memory
{
    /// <summary>Block RAM geometries of SB_RAM40_4K: (width, depth).</summary>
    private static readonly (int Width, int Depth)[] BramModes = [(16, 256), (8, 512), (4, 1024), (2, 2048)];

    /// <summary>Every memory of one PE, mapped for a memory plan (the codebook, shared by the PEs, is not among them).</summary>
    public static IReadOnlyList<MemoryMapping> PeMemories(HardwareLayout layout, MemoryPlan plan)
    {
        MemoryMapping In(MemoryStyle style, string name, int width, int depth) =>
            style == MemoryStyle.Ice40Spram ? Spram(name, width, depth) : Map(name, width, depth);

        List<MemoryMapping> memories =
        [
            Map("ptr_even", layout.PtrBankBits, layout.PtrDepth),
            Map("ptr_odd", layout.PtrBankBits, layout.PtrDepth),
            In(plan.Spmat, "spmat", layout.LineBits, layout.SpmatDepth),
            Map("bias", layout.AccumulatorBits, layout.BiasDepth),
            Map("acc", layout.AccumulatorBits, layout.AccDepth),
            In(plan.Act, "act", layout.ActivationBits, 2 * layout.ActDepth),
        ];
        if (layout.Network.UsesActivationTable)
        {
            // hwgen_act_fn's ROM in every PE's output stage (initialised from its image, never loaded).
            var table = ActivationTable.For(layout.Network.Format.ActivationFrac);
            memories.Add(Map("act_table", table.WordBits, table.Entries));
        }

        if (layout.AccBanks == 2)
        {
            // The second accumulator bank: an LSTM step (with an overlapped writeback, a layer)
            // accumulates while the writeback of the step (layer) before reads and clears the other.
            memories.Add(Map("acc_bank1", layout.AccumulatorBits, layout.AccDepth));
        }

        if (layout.HasLstm)
        {
            // The element-wise unit (hwgen_pe's gen_lstm): its cell memory c_(t-1) per local unit, and
            // tanh(c_t) through a second instance of hwgen_act_fn, a second copy of the table's ROM.
            var table = ActivationTable.For(layout.Network.Format.ActivationFrac);
            memories.Add(Map("cell", layout.CellBits, layout.CellDepth));
            memories.Add(Map("cell_tanh_table", table.WordBits, table.Entries));
        }

        return memories;
    }

    /// <summary>
    /// How yosys (memory_libmap with ice40/brams.txt) maps an inferred memory (hwgen_ram_1r1w): to
    /// block RAM when that costs less than logic, at 64 per RAM plus 2 per emulated port feature (3
    /// for these RAMs, whose read-during-write is marked don't-care) against 1 per bit in logic.
    /// </summary>
    public static MemoryMapping Map(string name, int width, int depth)
    {
        int brams = BramCount(width, depth);
        double bramCost = (64.0 * brams) + (2.0 * 3);
        double logicCost = (double)width * depth;
        return new MemoryMapping(name, width, depth, logicCost <= bramCost ? 0 : brams);
    }

    /// <summary>A memory in iCE40 SPRAM: 16-bit columns × 16K-word rows of SB_SPRAM256KA.</summary>
    public static MemoryMapping Spram(string name, int width, int depth) =>
        new(name, width, depth, 0, Ceil(width, 16) * Ceil(depth, 16384));

    /// <summary>Fewest SB_RAM40_4K cells for a width × depth memory: slices of 16, 8, 4 or 2 bits, each as deep as needed.</summary>
    public static int BramCount(int width, int depth)
    {
        var best = new int[width + 1];
        for (int bits = 1; bits <= width; bits++)
        {
            best[bits] = int.MaxValue;
            foreach (var (sliceWidth, sliceDepth) in BramModes)
            {
                int cost = Ceil(depth, sliceDepth) + best[Math.Max(0, bits - sliceWidth)];
                best[bits] = Math.Min(best[bits], cost);
            }
        }

        return best[width];
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;
}
