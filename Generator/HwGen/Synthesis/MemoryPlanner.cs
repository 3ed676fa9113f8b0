using HwGen.Configuration;
using HwGen.Hardware;

namespace HwGen.Synthesis;

/// <summary>One memory of every PE and the iCE40 RAM blocks it takes.</summary>
/// <param name="Name">ptr_even, ptr_odd, spmat, bias, acc or act.</param>
/// <param name="Width">Bits per word.</param>
/// <param name="Depth">Words.</param>
/// <param name="Style">Where it lives.</param>
/// <param name="EbrsPerPe">SB_RAM40_4K blocks per PE (0 in SPRAM).</param>
/// <param name="SpramsPerPe">SB_SPRAM256KA blocks per PE (0 in EBR).</param>
public sealed record PeMemory(string Name, int Width, int Depth, MemoryStyle Style, int EbrsPerPe, int SpramsPerPe);

/// <summary>
/// Resolves <c>auto</c> memory styles for a board and estimates the RAM blocks a design needs.
/// On an iCE40 UltraPlus the 30 EBRs (4 kbit) run out long before the 4 SPRAMs (256 kbit): when
/// the estimate says the EBRs do not suffice, <c>auto</c> moves every PE's sparse-matrix memory,
/// then its activation memory, into SPRAM while the SPRAMs last. Other boards keep every memory
/// inferred. The estimate models yosys's iCE40 mapping (the cheapest of the 256×16, 512×8,
/// 1024×4 and 2048×2 configurations per memory); synthesis gives the real count.
/// </summary>
public static class MemoryPlanner
{
    private static readonly (int Depth, int Width)[] EbrShapes = [(256, 16), (512, 8), (1024, 4), (2048, 2)];

    /// <summary>The memory plan of a design on a board (or without one).</summary>
    /// <exception cref="ConfigException">The config asks for iCE40 SPRAM on a board that has none.</exception>
    public static MemoryPlan Plan(HardwareLayout layout, Board? board)
    {
        var hardware = layout.Network.Config.Hardware;
        if (board is not null && board.Resources.Spram == 0)
        {
            foreach (var (key, style) in new[] { ("hardware.spmat_memory", hardware.SpmatMemory), ("hardware.act_memory", hardware.ActMemory) })
            {
                if (style == MemoryStyle.Ice40Spram)
                {
                    var config = layout.Network.Config;
                    var at = config.Locations.Find(key);
                    throw new ConfigException(new ConfigError(config.SourceFile, at.Line, at.Column, key,
                        $"ice40_spram needs an iCE40 UltraPlus board with SPRAM; {board.Name} ({board.Part}) has none: use auto or inferred"));
                }
            }
        }

        var plan = MemoryPlan.FromConfig(hardware);
        if (board is null || board.Resources.Spram == 0)
        {
            return plan;
        }

        // auto: move memories to SPRAM, sparse matrix first, while the EBRs do not suffice.
        bool spmatAuto = hardware.SpmatMemory == MemoryStyle.Auto;
        bool actAuto = hardware.ActMemory == MemoryStyle.Auto;
        if (spmatAuto && Ebrs(layout, plan) > board.Resources.BlockRams)
        {
            var moved = plan with { Spmat = MemoryStyle.Ice40Spram };
            if (Sprams(layout, moved) <= board.Resources.Spram)
            {
                plan = moved;
            }
        }

        if (actAuto && Ebrs(layout, plan) > board.Resources.BlockRams)
        {
            var moved = plan with { Act = MemoryStyle.Ice40Spram };
            if (Sprams(layout, moved) <= board.Resources.Spram)
            {
                plan = moved;
            }
        }

        return plan;
    }

    /// <summary>Every PE memory with its size and, for its style, the blocks it takes.</summary>
    public static IReadOnlyList<PeMemory> Memories(HardwareLayout layout, MemoryPlan plan)
    {
        PeMemory Memory(string name, int width, int depth, MemoryStyle style) => style == MemoryStyle.Ice40Spram
            ? new(name, width, depth, style, 0, SpramBlocks(width, depth))
            : new(name, width, depth, style, EbrBlocks(width, depth), 0);

        return
        [
            Memory("ptr_even", layout.PtrBits, layout.PtrDepth, MemoryStyle.Inferred),
            Memory("ptr_odd", layout.PtrBits, layout.PtrDepth, MemoryStyle.Inferred),
            Memory("spmat", layout.LineBits, layout.SpmatDepth, plan.Spmat),
            Memory("bias", layout.AccumulatorBits, layout.BiasDepth, MemoryStyle.Inferred),
            Memory("acc", layout.AccumulatorBits, layout.AccDepth, MemoryStyle.Inferred),
            Memory("act", layout.ActivationBits, 2 * layout.ActDepth, plan.Act),
        ];
    }

    /// <summary>Estimated SB_RAM40_4K blocks of the whole design.</summary>
    public static int Ebrs(HardwareLayout layout, MemoryPlan plan) =>
        layout.Pes * Memories(layout, plan).Sum(m => m.EbrsPerPe);

    /// <summary>SB_SPRAM256KA blocks of the whole design (exact: hwgen_ram_ice40_spram instantiates them).</summary>
    public static int Sprams(HardwareLayout layout, MemoryPlan plan) =>
        layout.Pes * Memories(layout, plan).Sum(m => m.SpramsPerPe);

    /// <summary>The fewest 4-kbit EBRs that hold <paramref name="depth"/> words of <paramref name="width"/> bits.</summary>
    public static int EbrBlocks(int width, int depth) =>
        EbrShapes.Min(s => Ceil(depth, s.Depth) * Ceil(width, s.Width));

    /// <summary>The 16K×16 SPRAMs hwgen_ram_ice40_spram uses for a memory: columns × rows.</summary>
    public static int SpramBlocks(int width, int depth) => Ceil(width, 16) * Ceil(depth, 16384);

    private static int Ceil(int a, int b) => (a + b - 1) / b;
}
