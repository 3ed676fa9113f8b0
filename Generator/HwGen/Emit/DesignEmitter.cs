using System.Globalization;
using HwGen.Compression;
using HwGen.Hardware;

namespace HwGen.Emit;

/// <summary>
/// The core RTL and simulation parts of <see cref="DesignWriter"/>: the RTL library (copied
/// verbatim), the generated package and top, the memory images and the file list; the
/// testbench, the simulation scripts and the load script. The output depends only on the
/// network, so the same config gives the same bytes.
/// </summary>
public static class DesignEmitter
{
    /// <summary>The hand-written RTL library in dependency order.</summary>
    public static readonly IReadOnlyList<string> RtlLibrary =
    [
        "hwgen_ram_1r1w.sv",
        "hwgen_fifo.sv",
        "hwgen_lnzd_node.sv",
        "hwgen_lnzd.sv",
        "hwgen_act_fn.sv",
        "hwgen_pe.sv",
        "hwgen_core.sv",
    ];

    private static readonly string[] TestbenchFiles =
    [
        "hwgen_sim_top.sv",
        "hwgen_tb.sv",
        "verilator/hwgen_harness.cpp",
    ];

    /// <summary>The iCE40 SPRAM wrapper, part of the library of designs that place a memory in SPRAM.</summary>
    public const string SpramWrapper = "hwgen_ram_ice40_spram.sv";

    /// <summary>RTL sources of a design with inferred memories in dependency order, relative to the design folder.</summary>
    public static IReadOnlyList<string> RtlSources(string name) => RtlSources(name, MemoryPlan.Inferred);

    /// <summary>RTL sources of the network's design in dependency order, relative to the design folder.</summary>
    public static IReadOnlyList<string> RtlSources(CompressedNetwork network) => RtlSources(network.Name, network.Spec.Memory, network.Spec.External is not null);

    /// <summary>RTL sources of the design in dependency order, relative to the design folder.</summary>
    public static IReadOnlyList<string> RtlSources(string name, MemoryPlan plan, bool external = false) =>
        [$"rtl/{name}_pkg.sv", .. Library(plan, external).Select(f => $"rtl/{f}"), $"rtl/{name}_top.sv"];

    /// <summary>The memory system of external weights, part of the library of designs that have them.</summary>
    public const string ExternalFetch = "hwgen_ext_fetch.sv";

    /// <summary>The simulation model of the DRAM (testbench side) of designs with external weights.</summary>
    public const string DramModel = "hwgen_axi_mem.sv";

    /// <summary>The hand-written RTL files a design with this memory plan (and external weights or not) uses, in dependency order.</summary>
    public static IReadOnlyList<string> Library(MemoryPlan plan, bool external = false)
    {
        IReadOnlyList<string> library = external ? [.. RtlLibrary.Take(RtlLibrary.Count - 2), ExternalFetch, .. RtlLibrary.Skip(RtlLibrary.Count - 2)] : RtlLibrary;
        return plan.UsesSpram ? [SpramWrapper, .. library] : library;
    }

    /// <summary>
    /// The core: package, library, top, memory images and <c>sources.f</c>. With
    /// <paramref name="bakeWeights"/> false the memories start empty and must be loaded through the
    /// memory-load port (sim/load.hex), as memories in SPRAM always must.
    /// </summary>
    public static IEnumerable<GeneratedFile> Core(HardwareLayout layout, bool bakeWeights, TemplateRenderer renderer)
    {
        var network = layout.Network;
        var model = TemplateModel(layout, bakeWeights);
        yield return GeneratedFile.Text($"rtl/{network.Name}_pkg.sv", renderer.Render("rtl/package.sv.hbs", model));
        foreach (var file in Library(network.Spec.Memory, layout.External is not null))
        {
            yield return GeneratedFile.Text($"rtl/{file}", File.ReadAllText(Path.Combine(HwGenInfo.RtlDir, file)));
        }

        yield return GeneratedFile.Text($"rtl/{network.Name}_top.sv", renderer.Render("rtl/top.sv.hbs", model));
        foreach (var memory in MemoryMap.Contents(layout))
        {
            // The $readmemh image: one word per line, fixed-width lowercase hex.
            string words = string.Concat(memory.Words.Select(w => MemoryMap.Hex(w, memory.Bits) + "\n"));
            yield return GeneratedFile.Text($"mem/{network.Name}_{memory.Name}.mem", words);
        }

        if (layout.External is { } external)
        {
            // The column-base table (a ROM of hwgen_ext_fetch) and the DRAM image: as the
            // simulation's memory model reads it (one beat per line) and as a host places it.
            string bases = string.Concat(external.BaseWords().Select(w => MemoryMap.Hex([(ulong)w], external.BaseWordBits) + "\n"));
            yield return GeneratedFile.Text(ExternalBasePath(network), bases);
            var image = external.Layout.Image(network);
            yield return GeneratedFile.Text(DramImagePath(network), DramHex(image, external.Layout.DataBytes));
            yield return new GeneratedFile(DramBinaryPath(network), image);
        }

        if (network.UsesActivationTable)
        {
            // A ROM, always initialised from its image (never loaded through the load port).
            yield return GeneratedFile.Text(ActivationTablePath(network), ActivationTable.For(network.Format.ActivationFrac).HexImage());
        }

        yield return GeneratedFile.Text("sources.f", string.Join('\n', RtlSources(network)));
    }

    /// <summary>The simulation part: testbench and harness, <c>build_sim.sh</c>, <c>run_sim.sh</c> and <c>sim/load.hex</c>.</summary>
    public static IEnumerable<GeneratedFile> Simulation(HardwareLayout layout, TemplateRenderer renderer)
    {
        foreach (var file in layout.External is null ? TestbenchFiles : [DramModel, .. TestbenchFiles])
        {
            yield return GeneratedFile.Text($"tb/{Path.GetFileName(file)}", File.ReadAllText(Path.Combine(HwGenInfo.TestbenchesDir, file)));
        }

        var model = TemplateModel(layout, bakeWeights: true);
        yield return GeneratedFile.Text("build_sim.sh", renderer.Render("sim/build_sim.sh.hbs", model), executable: true);
        yield return GeneratedFile.Text("run_sim.sh", renderer.Render("sim/run_sim.sh.hbs", model), executable: true);
        yield return GeneratedFile.Text("sim/load.hex", MemoryMap.LoadScript(layout));
    }

    /// <summary>The yosys script of the iCE40 flow, for a board build and for the core alone.</summary>
    public const string Ice40SynthesisTemplate = "synth/ice40.ys.hbs";

    /// <summary>The core-synthesis part's script: the core alone (no board) through the iCE40 flow's yosys script.</summary>
    public const string CoreSynthesisScript = "synth_ice40.ys";

    /// <summary>
    /// The core-synthesis part: <see cref="CoreSynthesisScript"/>, the iCE40 flow's yosys script for
    /// the core's top without a board, which <c>hwgen sweep --synth</c> runs for every point and the
    /// resource model is calibrated against.
    /// </summary>
    public static GeneratedFile CoreSynthesis(HardwareLayout layout, TemplateRenderer renderer)
    {
        var model = TemplateModel(layout);
        model["target"] = "alone, without a board";
        model["runBy"] = $"Run: yosys -q -l yosys.log -s {CoreSynthesisScript}";
        model["sources"] = RtlSources(layout.Network);
        model["top"] = $"{layout.Network.Name}_top";
        model["netlist"] = false;
        return GeneratedFile.Text(CoreSynthesisScript, renderer.Render(Ice40SynthesisTemplate, model));
    }

    /// <summary>The column-base table's image of a design with external weights, relative to the design folder.</summary>
    public static string ExternalBasePath(CompressedNetwork network) => $"mem/{network.Name}_xbase.mem";

    /// <summary>The DRAM image as hex beats (the simulation's memory model reads it), relative to the design folder.</summary>
    public static string DramImagePath(CompressedNetwork network) => $"mem/{network.Name}_dram.mem";

    /// <summary>The DRAM image as the host places it (bytes in address order), relative to the design folder.</summary>
    public static string DramBinaryPath(CompressedNetwork network) => $"mem/{network.Name}_dram.bin";

    /// <summary>An image as $readmemh lines of one beat each, most significant byte first.</summary>
    public static string DramHex(byte[] image, int dataBytes)
    {
        var text = new System.Text.StringBuilder(image.Length * 2 + (image.Length / dataBytes) + 1);
        for (int beat = 0; beat < image.Length / dataBytes; beat++)
        {
            for (int b = dataBytes - 1; b >= 0; b--)
            {
                text.Append(image[(beat * dataBytes) + b].ToString("x2", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The activation table's image (<see cref="ActivationTable.HexImage"/>), relative to the design folder.</summary>
    public static string ActivationTablePath(CompressedNetwork network) => $"mem/{network.Name}_act_table.mem";

    /// <summary>The output stage's function code of an activation (<c>hwgen_act_fn</c>'s <c>fn_i</c>).</summary>
    public static int FunctionCode(HwGen.Data.ActivationKind kind) => kind switch
    {
        HwGen.Data.ActivationKind.None => 0,
        HwGen.Data.ActivationKind.Relu => 1,
        HwGen.Data.ActivationKind.Tanh => 2,
        HwGen.Data.ActivationKind.Sigmoid => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The variables the templates see, the memory-load address map among them.</summary>
    public static Dictionary<string, object> TemplateModel(HardwareLayout layout, bool bakeWeights = true)
    {
        var network = layout.Network;
        var plan = network.Spec.Memory;
        var layers = layout.Layers;
        string Table(Func<LayerTableEntry, long> field) =>
            "{" + string.Join(", ", layers.Reverse().Select(l => "32'd" + field(l).ToString(CultureInfo.InvariantCulture))) + "}";

        string Bits(Func<LayerTableEntry, bool> flag) => $"{layers.Count}'b" + string.Concat(layers.Reverse().Select(l => flag(l) ? '1' : '0'));
        string relu = string.Concat(layers.Reverse().Select(l => l.Relu ? '1' : '0'));
        // An LSTM layer's gates choose their own functions (hwgen_pe's element-wise unit): 0 here.
        string functions = string.Concat(network.Layers.Reverse().Select(l => Convert.ToString(l.Lstm is null ? FunctionCode(l.Activation) : 0, 2).PadLeft(2, '0')));
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["version"] = HwGenInfo.Version,
            ["name"] = network.Name,
            ["pes"] = layout.Pes,
            ["actBits"] = layout.ActivationBits,
            ["actFrac"] = network.Format.ActivationFrac,
            ["weightBits"] = layout.WeightBits,
            ["accBits"] = layout.AccumulatorBits,
            ["codeBits"] = layout.CodeBits,
            ["linearWeights"] = layout.LinearWeights,
            ["indexBits"] = layout.IndexBits,
            ["lineEntries"] = layout.LineEntries,
            ["fifoDepth"] = layout.FifoDepth,
            ["ptrDepth"] = layout.PtrDepth,
            ["spmatDepth"] = layout.SpmatDepth,
            ["biasDepth"] = layout.BiasDepth,
            ["accDepth"] = layout.AccDepth,
            ["actDepth"] = layout.ActDepth,
            ["shiftBits"] = layout.ShiftBits,
            ["numLayers"] = layers.Count,
            ["inputSize"] = network.HwInputSize,
            ["outputSize"] = network.HwOutputSize,
            ["ldBits"] = layout.LoadBits,
            ["ld"] = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["region"] = Field(MemoryMap.Region),
                ["pe"] = Field(MemoryMap.Pe),
                ["word"] = Field(MemoryMap.Word),
            },
            ["regions"] = MemoryMap.Regions.Select(r => new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["name"] = r.ToString(),
                ["upper"] = MemoryMap.Kind(r).ToUpperInvariant(),
                ["code"] = (int)r,
            }).ToList(),
            ["layerNames"] = string.Join(", ", network.Layers.Select(l => l.Name)),
            ["layerGroups"] = Table(l => l.Groups),
            ["layerLastPes"] = Table(l => l.LastGroupPes),
            ["layerLocalRows"] = Table(l => l.LocalRows),
            ["layerPtrBase"] = Table(l => l.PtrBase),
            ["layerBiasBase"] = Table(l => l.BiasBase),
            ["layerShift"] = Table(l => l.Shift),
            ["layerRelu"] = $"{layers.Count}'b{relu}",
            ["layerFn"] = $"{2 * layers.Count}'b{functions}",
            ["hasLstm"] = layout.HasLstm,
            ["cellBits"] = layout.CellBits,
            ["cellDepth"] = layout.CellDepth,
            ["layerLstm"] = Bits(l => l.Lstm),
            ["layerSeqOut"] = Bits(l => l.SequenceOutput),
            ["layerSteps"] = Table(l => l.Steps),
            ["layerXGroups"] = Table(l => l.InputGroups),
            ["overlapWb"] = layout.OverlapWriteback,
            ["colPairs"] = layout.ColumnPairs,
            ["layerOverlap"] = $"{layers.Count}'b" + string.Concat(Enumerable.Range(0, layers.Count).Reverse().Select(i => network.OverlapsNext(i) ? '1' : '0')),
            ["actTableFile"] = network.UsesActivationTable ? ActivationTablePath(network) : "",
            ["memPrefix"] = bakeWeights ? $"mem/{network.Name}_" : "",
            ["spmatStyle"] = MemoryPlan.RtlStyle(plan.Spmat),
            ["actStyle"] = MemoryPlan.RtlStyle(plan.Act),
            ["usesSpram"] = plan.UsesSpram,
            ["extWeights"] = layout.External is not null,
            ["ext"] = layout.External is { } ext ? ExternalModel(layout, ext) : new Dictionary<string, object>(StringComparer.Ordinal),
        };
    }

    private static Dictionary<string, object> ExternalModel(HardwareLayout layout, ExternalHardware ext)
    {
        var network = layout.Network;
        var system = ext.System;
        string regions = "{" + string.Join(", ", ext.Layout.RegionBeat.Reverse().Select(b => "32'd" + b.ToString(CultureInfo.InvariantCulture))) + "}";
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["dataBytes"] = system.Dram.DataBytes,
            ["dataBits"] = 8 * system.Dram.DataBytes,
            ["columnQueue"] = system.ColumnQueue,
            ["beatBuffer"] = system.BeatBuffer,
            ["maxBurstBeats"] = system.MaxBurstBeats,
            ["outstanding"] = system.Dram.Outstanding,
            ["ptrDepth"] = ext.PointerDepth,
            ["countBits"] = ext.CountBits,
            ["offsetBeatBits"] = ext.OffsetBeatBits,
            ["laneBits"] = ext.LaneBits,
            ["lanes"] = ext.Layout.EntriesPerBeat,
            ["rows"] = system.PeRows,
            ["beatIndexBits"] = ext.BeatIndexBits,
            ["baseFile"] = ExternalBasePath(network),
            ["layerRegion"] = regions,
            ["bytesPerCycle"] = system.Dram.BytesPerCycle,
            ["latencyCycles"] = system.Dram.LatencyCycles,
            ["maxBurstBytes"] = system.Dram.MaxBurstBytes,
            ["words"] = Math.Max(1, ext.Layout.Beats),
            ["dramFile"] = DramImagePath(network),
        };
    }

    private static Dictionary<string, object> Field(AddressField field) => new(StringComparer.Ordinal)
    {
        ["lsb"] = field.Lsb,
        ["msb"] = field.Msb,
        ["bits"] = field.Bits,
        ["mask"] = field.Mask.ToString("x", CultureInfo.InvariantCulture),
    };
}
