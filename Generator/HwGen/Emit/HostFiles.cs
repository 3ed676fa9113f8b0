using System.Globalization;
using System.Text;
using HwGen.Hardware;

namespace HwGen.Emit;

/// <summary>
/// The host part of <see cref="DesignWriter"/>, from the same layout and memory map as the hardware
/// (Gemmini's way): a C header with the register map, the memory-load address map, the memory
/// layout and the weights packed as memory-load words; and, for UART boards, a C# driver class
/// that speaks the UART protocol.
/// </summary>
public static class HostFiles
{
    /// <summary>AXI4-Lite register offsets of hwgen_axi_host.</summary>
    public static IReadOnlyList<(string Name, int Offset, string Meaning)> Registers { get; } =
    [
        ("ID", 0x000, "\"HWG1\" = 0x31475748"),
        ("SIGNATURE", 0x004, "the design's signature"),
        ("INPUT_SIZE", 0x008, "activations per inference"),
        ("OUTPUT_SIZE", 0x00c, "results per inference"),
        ("CONFIG", 0x010, "{LdWords[31:24], ActBits[23:16], NumPes[15:0]}"),
        ("STATUS", 0x014, "{ld_ready[2], done[1], busy[0]}"),
        ("CYCLES", 0x018, "cycles of the last inference"),
        ("LD_ADDR", 0x01c, "memory-load address of the next word (read-write, +1 per word)"),
        ("DRAM_BASE", 0x020, "where the weights' DRAM image starts, on a 4 KB page (external weights; 0 otherwise)"),
        ("LD_DATA", 0x100, "LD_DATA[k] at 0x100 + 4k; writing the last word loads the word"),
    ];

    /// <summary>32-bit words per memory-load word.</summary>
    public static int LoadWords(HardwareLayout layout) => (layout.LoadBits + 31) / 32;

    /// <summary>The C# driver's class name: <c>lenet_up5k</c> → <c>LenetUp5kDriver</c>.</summary>
    public static string DriverClass(string name) =>
        string.Concat(name.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..])) + "Driver";

    /// <summary>The C# class describing a design's DRAM image: <c>alex8_ext</c> → <c>Alex8ExtDramImage</c>.</summary>
    public static string DramImageClass(string name) => DriverClass(name)[..^"Driver".Length] + "DramImage";

    /// <summary>The header of a board build (<c>host/NAME.h</c>), the C# driver when the board talks UART, and the C# description of the DRAM image with external weights.</summary>
    public static IEnumerable<GeneratedFile> Emit(BoardBuild build, TemplateRenderer renderer)
    {
        var model = Model(build.Layout, build.Signature, build.Board.Description);
        model["dramKind"] = build.Board.Dram?.Kind ?? "";
        model["imageClass"] = DramImageClass(build.Name);
        model["dramAddress"] = (build.Board.Dram?.Address ?? 0).ToString("x8", CultureInfo.InvariantCulture);
        yield return GeneratedFile.Text($"host/{build.Name}.h", renderer.Render("host/header.h.hbs", model));
        if (build.Board.Family == BoardFamily.Ice40)
        {
            yield return GeneratedFile.Text($"host/{DriverClass(build.Name)}.cs", renderer.Render("host/driver.cs.hbs", model));
        }

        if (build.Layout.External is not null)
        {
            yield return GeneratedFile.Text($"host/{DramImageClass(build.Name)}.cs", renderer.Render("host/dram_image.cs.hbs", model));
        }
    }

    /// <summary>The variables the host templates see (the design's, the memory map among them, and the host's).</summary>
    public static Dictionary<string, object> Model(HardwareLayout layout, uint signature, string boardDescription)
    {
        var network = layout.Network;
        string name = network.Name;
        int ldWords = LoadWords(layout);
        var memories = MemoryMap.Contents(layout).ToList();
        var layers = new List<Dictionary<string, object>>();
        for (int l = 0; l < layout.Layers.Count; l++)
        {
            var t = layout.Layers[l];
            layers.Add(new Dictionary<string, object>
            {
                ["name"] = network.Layers[l].Name,
                ["rows"] = t.Rows,
                ["cols"] = t.Cols,
                ["localRows"] = t.LocalRows,
                ["ptrBase"] = t.PtrBase,
                ["biasBase"] = t.BiasBase,
                ["shift"] = t.Shift,
                ["relu"] = t.Relu ? 1 : 0,
            });
        }

        // Strict templates: the host templates see the design's variables (the memory map among them) and their own.
        var model = DesignEmitter.TemplateModel(layout);
        model["upper"] = name.ToUpperInvariant();
        model["className"] = DriverClass(name);
        model["boardDescription"] = boardDescription;
        model["signature"] = signature.ToString("x8", CultureInfo.InvariantCulture);
        model["actFrac"] = network.Format.ActivationFrac;
        model["actBytes"] = (layout.ActivationBits + 7) / 8;
        model["entryBits"] = layout.EntryBits;
        model["lineBits"] = layout.LineBits;
        model["offBits"] = layout.OffBits;
        model["ptrBits"] = layout.PtrBits;
        model["ldBytes"] = (layout.LoadBits + 7) / 8;
        model["ldWords"] = ldWords;
        model["layers"] = layers;
        model["registers"] = Registers.Select(r => new Dictionary<string, object>
        {
            ["name"] = r.Name,
            ["offset"] = r.Offset.ToString("x3", CultureInfo.InvariantCulture),
            ["meaning"] = r.Meaning,
        }).ToList();
        model["memoryCount"] = memories.Count;
        model["memories"] = memories.Select(m => new Dictionary<string, object>
        {
            ["name"] = m.Name,
            ["region"] = (int)m.Region,
            ["pe"] = m.Pe,
            ["address"] = m.Address.ToString("x8", CultureInfo.InvariantCulture),
            ["count"] = m.Words.Count,
            ["bits"] = m.Bits,
            ["words"] = Numbers(Hex(m.LoadWords(ldWords)), "  "),
            ["csWords"] = Numbers(Hex(m.LoadWords(ldWords)), "                "),
        }).ToList();
        // The streams are in hardware order: an LSTM network's have padding words (−1).
        model["inputs"] = network.InputSize;
        model["outputs"] = network.OutputSize;
        model["inputCols"] = Numbers(network.Layers[0].HwInToIn.Select(Decimal), "  ");
        model["csInputCols"] = Numbers(network.Layers[0].HwInToIn.Select(Decimal), "            ");
        model["outputRows"] = Numbers(network.Layers[^1].HwOutToOut.Select(Decimal), "  ");
        model["csOutputRows"] = Numbers(network.Layers[^1].HwOutToOut.Select(Decimal), "            ");
        model["dram"] = DramModel(layout);
        return model;
    }

    /// <summary>A design with external weights: the DRAM image's size, beat layout and layer regions; empty otherwise.</summary>
    private static Dictionary<string, object> DramModel(HardwareLayout layout)
    {
        if (layout.External is not { } external)
        {
            return new Dictionary<string, object>(StringComparer.Ordinal);
        }

        var image = external.Layout;
        var network = layout.Network;
        var regions = new List<Dictionary<string, object>>();
        for (int l = 0; l < network.Layers.Count; l++)
        {
            long start = image.RegionBeat[l] * image.DataBytes;
            long end = (l + 1 < network.Layers.Count ? image.RegionBeat[l + 1] : image.Beats) * image.DataBytes;
            regions.Add(new Dictionary<string, object>
            {
                ["name"] = network.Layers[l].Name,
                ["offset"] = start.ToString(CultureInfo.InvariantCulture),
                ["bytes"] = (end - start).ToString(CultureInfo.InvariantCulture),
                ["entries"] = image.ColumnBase[l][^1].ToString(CultureInfo.InvariantCulture),
            });
        }

        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["file"] = DesignEmitter.DramBinaryPath(network),
            ["bytes"] = image.Bytes.ToString(CultureInfo.InvariantCulture),
            ["beatBytes"] = image.DataBytes,
            ["entriesPerBeat"] = image.EntriesPerBeat,
            ["entryBits"] = image.EntryBits,
            ["regions"] = regions,
        };
    }

    private static IEnumerable<string> Hex(uint[] words) => words.Select(w => "0x" + w.ToString("x8", CultureInfo.InvariantCulture) + "u");

    private static string Decimal(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Comma-separated values, eight to a line, each line indented.</summary>
    private static string Numbers(IEnumerable<string> values, string indent)
    {
        var text = new StringBuilder();
        int i = 0;
        foreach (var value in values)
        {
            if (i % 8 == 0)
            {
                text.Append(i == 0 ? "" : "\n").Append(indent);
            }
            else
            {
                text.Append(' ');
            }

            text.Append(value).Append(',');
            i++;
        }

        return text.ToString();
    }
}
