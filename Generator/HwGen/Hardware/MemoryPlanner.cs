using HwGen.Compression;
using HwGen.Configuration;

namespace HwGen.Hardware;

/// <summary>
/// Resolves <c>auto</c> memory styles for a board. On an iCE40 UltraPlus the 30 EBRs (4 kbit) run
/// out long before the 4 SPRAMs (256 kbit): when the EBRs do not suffice, <c>auto</c> moves every
/// PE's sparse-matrix memory, then its activation memory, into SPRAM while the SPRAMs last (not the
/// activation memory of a design with LSTM layers or an overlapped writeback, which reads and writes
/// it in the same cycle).
/// Other boards keep every memory inferred. The counts are <see cref="Ice40Memory"/>'s (yosys's mapping);
/// synthesis gives the real ones.
/// </summary>
public static class MemoryPlanner
{
    /// <summary>The memory plan of a design on a board (or without one).</summary>
    /// <exception cref="HardwareSpecException">The spec asks for iCE40 SPRAM on a board that has none, or external weights on a board without DRAM or too small a DRAM.</exception>
    public static MemoryPlan Plan(HardwareLayout layout, Board? board)
    {
        var requested = layout.Network.Spec.Requested;
        if (board is not null && layout.Network.Spec.External is not null)
        {
            if (board.Dram is not { } dram)
            {
                throw new HardwareSpecException("hardware.weight_memory",
                    $"external weights need DRAM wired to the core's AXI4 master, and {board.Name} has none (a board with a dram section in its board.yaml has): " +
                    "use on_chip on this board");
            }

            long bytes = layout.External!.Layout.Bytes;
            if (bytes > (long)dram.Megabytes << 20)
            {
                throw new HardwareSpecException("hardware.weight_memory",
                    FormattableString.Invariant($"the weights' DRAM image is {bytes:N0} bytes, more than {board.Name}'s {dram.Megabytes} MB of {dram.Kind}"));
            }
        }

        if (board is not null && board.Resources.Spram == 0)
        {
            foreach (var (key, style) in new[] { ("hardware.spmat_memory", requested.Spmat), ("hardware.act_memory", requested.Act) })
            {
                if (style == MemoryStyle.Ice40Spram)
                {
                    throw new HardwareSpecException(key,
                        $"ice40_spram needs an iCE40 UltraPlus board with SPRAM; {board.Name} ({board.Part}) has none: use auto or inferred");
                }
            }
        }

        if (layout.HasLstm && requested.Act == MemoryStyle.Ice40Spram)
        {
            throw new HardwareSpecException("hardware.act_memory",
                "ice40_spram has one port, but with lstm layers the scanner reads x_(t+1) while the element-wise unit writes h_t: use auto or inferred");
        }

        if (layout.OverlapWriteback && requested.Act == MemoryStyle.Ice40Spram)
        {
            throw new HardwareSpecException("hardware.act_memory",
                "ice40_spram has one port, but with overlap_writeback the next layer's scanner reads the activations while the writeback writes them: use auto or inferred, or overlap_writeback: false");
        }

        var plan = requested.WithoutAuto();
        if (board is null || board.Resources.Spram == 0)
        {
            return plan;
        }

        // auto: move memories to SPRAM, sparse matrix first, while the EBRs do not suffice.
        foreach (var move in new Func<MemoryPlan, MemoryPlan?>[]
        {
            p => requested.Spmat == MemoryStyle.Auto ? p with { Spmat = MemoryStyle.Ice40Spram } : null,
            p => requested.Act == MemoryStyle.Auto && !layout.HasLstm && !layout.OverlapWriteback ? p with { Act = MemoryStyle.Ice40Spram } : null,
        })
        {
            if (Ebrs(layout, plan) > board.Resources.BlockRams && move(plan) is { } moved && Sprams(layout, moved) <= board.Resources.Spram)
            {
                plan = moved;
            }
        }

        return plan;
    }

    /// <summary>SB_RAM40_4K blocks of the PEs' memories (yosys's mapping; the codebook stays in logic).</summary>
    public static int Ebrs(HardwareLayout layout, MemoryPlan plan) =>
        layout.Pes * Ice40Memory.PeMemories(layout, plan).Sum(m => m.Brams);

    /// <summary>SB_SPRAM256KA blocks of the whole design (exact: hwgen_ram_ice40_spram instantiates them).</summary>
    public static int Sprams(HardwareLayout layout, MemoryPlan plan) =>
        layout.Pes * Ice40Memory.PeMemories(layout, plan).Sum(m => m.Sprams);
}
