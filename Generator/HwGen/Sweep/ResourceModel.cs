using HwGen.Compression;
using HwGen.Hardware;

namespace HwGen.Sweep;

/// <summary>
/// The structural counts the resource model is built from, for one design: what the RTL
/// instantiates, sized from the <see cref="HardwareLayout"/>. The estimate weighs these with the
/// calibrated coefficients of <see cref="ResourceModel"/>.
/// </summary>
/// <param name="MuxInputs">2:1 multiplexer equivalents of the wide selects: the per-PE codebook read, the entry select, the FIFO head, the broadcast and output selects, the output shifter and the memories kept in logic.</param>
/// <param name="ArithmeticBits">Bits of adders, comparators and 2:1 data multiplexers in the PE datapaths and the core.</param>
/// <param name="BramPortBits">Read-data bits of the memories mapped to block RAM (yosys adds glue per bit).</param>
/// <param name="RegisterBits">
/// Flip-flops the RTL declares, as yosys keeps them: per PE, shared (registers every PE drives alike
/// are merged into one), in the core, and the storage of the activation queues, the codebook and the
/// memories kept in logic with their read registers.
/// </param>
/// <param name="Pes">N.</param>
/// <param name="Brams">SB_RAM40_4K cells.</param>
/// <param name="Dsps">SB_MAC16 cells.</param>
/// <param name="Sprams">SB_SPRAM256KA cells.</param>
/// <param name="Memories">How each memory of a PE, and the codebook, is mapped.</param>
public sealed record ResourceTerms(
    double MuxInputs,
    double ArithmeticBits,
    long BramPortBits,
    long RegisterBits,
    int Pes,
    long Brams,
    long Dsps,
    long Sprams,
    IReadOnlyList<MemoryMapping> Memories);

/// <summary>
/// An analytic resource estimate for the generated accelerator on iCE40, as <c>yosys synth_ice40 -dsp</c>
/// maps it: counts derived from the layout (every memory's width and depth, every datapath's
/// width), block RAMs and DSPs by yosys's own mapping rules, flip-flops counted from the RTL's
/// registers, LUTs as a weighted sum of structural counts; the weights were fitted to real yosys runs
/// (Generator/HwGen/Sweep/Calibration/, docs/sweeps.md, where the measured error is reported and a
/// test re-checks it).
/// </summary>
public static class ResourceModel
{
    /// <summary>Changes whenever the model or its coefficients change (part of a sweep point's identity).</summary>
    public const string Version = "ice40-9";

    // The coefficients below were fitted to the 21 designs of Generator/HwGen/Sweep/Calibration/
    // (HwGen.Bench resource-fit; yosys 0.23, synth_ice40 -dsp). docs/sweeps.md gives the error.

    /// <summary>LUT4s per 2:1 multiplexer equivalent (fitted).</summary>
    public const double LutsPerMuxInput = 0.8681;

    /// <summary>LUT4s per bit of arithmetic and data selection (fitted).</summary>
    public const double LutsPerArithmeticBit = 0.6211;

    /// <summary>LUT4s per read-data bit of a block-RAM memory: the glue yosys adds around each port (fitted).</summary>
    public const double LutsPerBramPortBit = 0.5193;

    /// <summary>LUT4s of the sequencer, scanner and host interface (fitted).</summary>
    public const double LutsCore = 195.1;

    /// <summary>LUT4s of one PE's tanh/sigmoid output stage beside its table and multiply, measured with yosys (16-16-10, 2 PEs, A = 16, Fa = 8: 2,784 against 2,522 with ReLU).</summary>
    public const double LutsPerActivationFunction = 131;

    /// <summary>
    /// LUT4s per PE of an LSTM design beyond its counted terms (fitted to the 6 designs of
    /// Generator/HwGen/Sweep/Calibration/lstm/lstm.yaml, with the coefficients above held): what the counts miss
    /// of the element-wise unit, and of the output stage's table, which computes sigmoid and tanh
    /// row by row there rather than one function per layer.
    /// </summary>
    public const double LutsPerLstmUnit = 168;

    /// <summary>The estimate for a design.</summary>
    public static Ice40Resources Estimate(HardwareLayout layout)
    {
        var t = Terms(layout);
        double luts = (LutsPerMuxInput * t.MuxInputs) + (LutsPerArithmeticBit * t.ArithmeticBits)
            + (LutsPerBramPortBit * t.BramPortBits) + LutsCore;
        return new Ice40Resources((long)Math.Round(luts), t.RegisterBits, t.Brams, t.Dsps, t.Sprams);
    }

    /// <summary>The structural counts of a design (see <see cref="ResourceTerms"/>).</summary>
    public static ResourceTerms Terms(HardwareLayout layout)
    {
        int n = layout.Pes;
        int a = layout.ActivationBits;
        int w = layout.WeightBits;
        int acc = layout.AccumulatorBits;
        int entryBits = layout.EntryBits;
        int lineEntries = layout.LineEntries;
        int fifo = layout.FifoDepth;
        int layers = layout.Layers.Count;
        // Linear weights: the entry's weight field is the weight itself, no codebook and no per-PE read of it.
        int cbEntries = layout.LinearWeights ? 0 : layers << layout.CodeBits;
        // What each PE selects among: with several layers and several PEs, the current layer's copy
        // (hwgen_core's layer_cb_q, 2^b entries), else the whole table.
        int cbLayer = layout.LinearWeights ? 0 : 1 << layout.CodeBits;
        bool cbCopied = layers > 1 && n > 1;
        int cbPerPe = cbCopied ? cbLayer : cbEntries;
        int cbCopy = cbCopied ? cbLayer : 0;

        // Widths exactly as the RTL derives them; registers that can only hold 0 are left out, as yosys drops them.
        int ptrAddr = AddrBits(layout.PtrDepth);
        int biasAddr = AddrBits(layout.BiasDepth);
        int accAddr = AddrBits(layout.AccDepth);
        int actAddr = Clog2(2 * layout.ActDepth);
        int offRegister = lineEntries > 1 ? layout.OffBits : 0;
        int peRegister = n > 1 ? Clog2(n) : 0;
        int layerRegister = layers > 1 ? Clog2(layers) : 0;
        // Column pairs: each queued column also carries {second activation, middle pointer, two flags}.
        int pairBits = layout.ColumnPairs ? a + layout.PtrBits + 2 : 0;
        int queueBits = a + (2 * layout.PtrBits) + 1 + pairBits;
        int fifoPointer = fifo > 1 ? Clog2(fifo) : 0;
        int countBits = Clog2(fifo + 1);
        int prodBits = a + w;
        int prodRegister = Math.Min(prodBits, acc);

        // The registered output stage: bias + rounding and the sum are OutBits = max(acc, A) + 2
        // wide; the sum's bits below the smallest shift feed nothing (the rounding is already in),
        // so yosys drops them.
        int outBits = Math.Max(acc, a) + 2;
        int sumDropped = Math.Min(outBits, layout.Layers.Min(l => l.Shift));

        // The sparse-matrix and activation memories are where the spec puts them (auto is inferred
        // outside a board flow, as in the generated design).
        var memories = Ice40Memory.PeMemories(layout, layout.Network.Spec.Memory).ToList();

        // Per PE.
        double mux = ((double)w * Math.Max(0, cbPerPe - 1)) + ((double)entryBits * (lineEntries - 1)) + ((double)queueBits * (fifo - 1))
            + ((double)(acc + 1) * Clog2(Math.Max(2, layout.ShiftBits + 1)));
        double arithmetic = (6.0 * (acc + 1)) + (3.0 * a) + (4.0 * layout.PtrBits) + queueBits + biasAddr + (3.0 * accAddr)
            + actAddr + (2.0 * (layout.LineAddrBits + layout.OffBits)) + (3.0 * fifoPointer) + countBits + fifo;
        long registers = ((long)fifo * queueBits) + (2L * fifoPointer) + countBits   // activation queue
            + 3 + layout.LineAddrBits + offRegister + layout.PtrBits + a               // issue (busy, first, last)
            + pairBits                                                                 // issue: the pair's second column
            + 2 + offRegister + a                                                      // stage 1
            + accAddr                                                                  // row
            + 1 + accAddr + prodRegister                                               // stage 2
            + 1 + acc                                                                  // bypass
            + outBits + (outBits - sumDropped) + a;                                    // output stage: bias + rounding, sum, y
        long bramPort = 0, brams = 0, sprams = 0;
        foreach (var memory in memories)
        {
            if (memory.Sprams > 0)
            {
                // hwgen_ram_ice40_spram: one address for both ports, rows selected by the high address bits.
                int rows = Ceil(memory.Depth, 16384);
                sprams += memory.Sprams;
                bramPort += memory.Width;
                arithmetic += AddrBits(memory.Depth) + ((double)memory.Width * (rows - 1));
            }
            else if (memory.InLogic)
            {
                mux += (double)memory.Width * (memory.Depth - 1);
                arithmetic += memory.Depth;
                registers += memory.Bits + memory.Width;
            }
            else
            {
                bramPort += memory.Width;
                brams += memory.Brams;
            }
        }

        // A product narrower than 11 bits stays in LUTs; wider ones take MAC16s (16 × 16 each).
        long dspsPerPe = prodBits < 11 ? 0 : (long)Ceil(a, 16) * Ceil(w, 16);
        if (dspsPerPe == 0)
        {
            arithmetic += (double)a * w;
        }
        else if (dspsPerPe > 1)
        {
            arithmetic += (double)prodBits * (dspsPerPe - 1);
        }

        // tanh/sigmoid: the table's ROM is among the memories above; its interpolation multiply
        // (a step times the position within a segment) takes a MAC16 when 11 bits or wider, like the
        // product; the rest of hwgen_act_fn (mirror, sigmoid's halving, the interpolation add, the
        // saturation) is counted as the LUT4s yosys gave it per PE on a 16-bit, Fa = 8 design
        // (docs/microarchitecture.md), not fitted across sizes.
        if (layout.Network.UsesActivationTable)
        {
            var table = ActivationTable.For(layout.Network.Format.ActivationFrac);
            int positionBits = Math.Max(0, layout.Network.Format.ActivationFrac - table.SegmentBits);
            if (positionBits > 0 && table.DeltaBits + positionBits >= 11)
            {
                dspsPerPe++;
            }
            else
            {
                arithmetic += (double)table.DeltaBits * positionBits;
            }

            arithmetic += LutsPerActivationFunction / LutsPerArithmeticBit;
        }

        // LSTM layers: each PE's element-wise unit (hwgen_pe's gen_lstm). Its cell memory and its
        // second table ROM are among the memories above; here its three multipliers, its registers
        // and its arithmetic, and the sequencer's step loop.
        long sharedLstm = 0;
        if (layout.HasLstm)
        {
            var lstm = Lstm(layout);
            dspsPerPe += lstm.Dsps;
            arithmetic += lstm.ArithmeticBits;
            registers += lstm.RegisterBits;
            sharedLstm = lstm.SharedRegisterBits;
        }

        // The whole array; then what the PEs share and the core: the pending pointer read, the clear
        // and writeback-pipeline registers (driven alike in every PE, so yosys keeps one), the
        // codebook, the broadcast and output selects, the LNZD, the scanner and the sequencer.
        mux *= n;
        arithmetic *= n;
        registers *= n;
        bramPort *= n;
        sprams *= n;
        brams *= n;
        mux += 2.0 * a * (n - 1);
        // The current layer's codebook copy: a layers-to-1 select per bit.
        mux += (double)cbCopy * w * (layers - 1);
        // The scanner's group counters and pointer indices (GroupBits, PtrIndexBits in hwgen_core)
        // and the host word counter (IoCountBits).
        int groupBits = Clog2(((layout.HasLstm ? 2 : 1) * layout.ActDepth) + 1);
        int ptrIndex = ptrAddr + 1;
        int ioCount = Clog2(Math.Max(layout.Network.HwInputSize, layout.Network.HwOutputSize) + 1);
        arithmetic += cbEntries + (n * ((a / 3.0) + 6)) + 32 + ioCount + (2 * groupBits) + (4 * ptrIndex);
        if (layout.HasLstm)
        {
            // The step loop: the step's increment and compare, the word bases' adds, the writeback's
            // unit address and the h_0 compare of the scanner.
            arithmetic += (2.0 * 16) + (5.0 * actAddr) + groupBits;
        }

        registers += (2 + (layout.ColumnPairs ? 2 * a : a)) + (1 + accAddr) + (3 * (1 + actAddr))                // shared by the PEs (pointer read, clear, writeback pipeline)
            + ((long)(cbEntries + cbCopy) * w)                                      // codebook and the current layer's copy
            + (2 * groupBits) + (2 * ptrIndex) + 3 + (layout.ColumnPairs ? n / 2 : n) // scanner (its mask: a bit a PE, or a pair)
            + 2 + layerRegister + 1 + (2 * Clog2(layout.AccDepth + (layout.HasLstm ? 10 : 5))) + 1 + 32 + peRegister + actAddr + ioCount + 1 // sequencer (row count, writeback end)
            + sharedLstm;
        if (!layout.LinearWeights)
        {
            memories.Add(new MemoryMapping("codebook", w, cbEntries, 0));
        }

        return new ResourceTerms(mux, arithmetic, bramPort, registers, n, brams, dspsPerPe * n, sprams, memories);
    }

    /// <summary>
    /// The element-wise unit of one PE (Rtl/hwgen_pe.sv, gen_lstm) and the sequencer's step loop
    /// (Rtl/hwgen_core.sv), counted from the RTL like the rest of the model.
    /// </summary>
    /// <returns>
    /// Per PE: MAC16s, bits of arithmetic and flip-flops; once: the flip-flops every PE drives alike
    /// (yosys keeps one) and the sequencer's.
    /// </returns>
    internal static (long Dsps, double ArithmeticBits, long RegisterBits, long SharedRegisterBits) Lstm(HardwareLayout layout)
    {
        int a = layout.ActivationBits;
        int c = layout.CellBits;
        int accAddr = AddrBits(layout.AccDepth);
        int actAddr = Clog2(2 * layout.ActDepth);
        int cellAddr = AddrBits(layout.CellDepth);
        int fcBits = a + c;                                   // f · c_(t−1)
        int sumBits = Math.Max(fcBits, 2 * a) + 1;            // f · c_(t−1) + i · g + rounding
        int satBits = Math.Max(c, a);                         // c_t saturated to A bits for the table
        int hBits = (2 * a) + 1;                              // o · tanh(c_t) + rounding
        var table = ActivationTable.For(layout.Network.Format.ActivationFrac);
        int positionBits = Math.Max(0, layout.Network.Format.ActivationFrac - table.SegmentBits);

        // The three products f · c_(t−1) (A × C), i · g and o · tanh(c_t) (A × A), then tanh(c_t)'s
        // interpolation multiply, each a MAC16 (or several) by the rule of the PE's product.
        long dsps = 0;
        double arithmetic = 0;
        foreach (var (x, y) in new[] { (a, c), (a, a), (a, a), (table.DeltaBits, positionBits) })
        {
            if (y == 0)
            {
                continue;
            }

            long macs = x + y < 11 ? 0 : (long)Ceil(x, 16) * Ceil(y, 16);
            dsps += macs;
            arithmetic += macs == 0 ? (double)x * y : macs > 1 ? (double)(x + y) * (macs - 1) : 0;
        }

        // The cell sum (two adders), c_t's saturation (two compares and the select), h's rounding
        // add and saturation, the c_0 = 0 select, the rest of the second hwgen_act_fn (as the
        // output stage's table is counted), and the fitted remainder (LutsPerLstmUnit).
        arithmetic += (2.0 * sumBits) + (2.0 * satBits) + a + hBits + (2.0 * hBits) + a + c
            + ((LutsPerActivationFunction + LutsPerLstmUnit) / LutsPerArithmeticBit);

        // Per PE: i, f, g, o, tanh(c_t) and h_t; c_(t−1) and c_t; the products; the second table's
        // input and position registers.
        long registers = (6L * a) + (2L * c) + fcBits + (2L * 2 * a) + a + positionBits;

        // Driven alike in every PE (from the core's writeback row and address): the rows of the
        // output-stage registers, the addresses of o, the product and h, the cell write address,
        // six valid flags and the second table's function. The sequencer: the step counter (16
        // bits) and the x_t, h_t and h_(t−1) word bases.
        long shared = (3L * accAddr) + (3L * actAddr) + cellAddr + 6 + 1
            + 16 + (3L * actAddr);
        return (dsps, arithmetic, registers, shared);
    }

    private static int AddrBits(int depth) => depth > 1 ? Clog2(depth) : 1;

    private static int Clog2(int value)
    {
        int bits = 0;
        while ((1L << bits) < value)
        {
            bits++;
        }

        return bits;
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;
}
