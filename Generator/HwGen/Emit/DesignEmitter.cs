using System.Globalization;
using HwGen.Compression;
using HwGen.Hardware;

namespace HwGen.Emit;

/// <summary>
/// Writes a whole design from its compressed network: the RTL library (copied verbatim), the
/// generated package and top, memory images, testbench, file list and scripts. One ordered entry
/// point; the output depends only on the network, so the same config gives the same bytes.
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

    /// <summary>RTL sources of the design in dependency order, relative to the design folder.</summary>
    public static IReadOnlyList<string> RtlSources(string name, MemoryPlan plan) =>
        [$"rtl/{name}_pkg.sv", .. Library(plan).Select(f => $"rtl/{f}"), $"rtl/{name}_top.sv"];

    /// <summary>The hand-written RTL files a design with this memory plan uses, in dependency order.</summary>
    public static IReadOnlyList<string> Library(MemoryPlan plan) =>
        plan.UsesSpram ? [SpramWrapper, .. RtlLibrary] : RtlLibrary;

    /// <summary>
    /// Every file of the design, in a fixed order. With <paramref name="bakeWeights"/> false the
    /// memories start empty and must be loaded through the memory-load port (sim/load.hex), as
    /// memories in SPRAM always must. <paramref name="plan"/> defaults to the config's own
    /// (<see cref="MemoryPlan.FromConfig"/>).
    /// </summary>
    public static IReadOnlyList<GeneratedFile> Emit(CompressedNetwork network, bool bakeWeights = true, TemplateRenderer? renderer = null, MemoryPlan? plan = null)
    {
        renderer ??= new TemplateRenderer();
        plan ??= MemoryPlan.FromConfig(network.Config.Hardware);
        var layout = HardwareLayout.For(network);
        string name = network.Name;
        var model = TemplateModel(layout, name, bakeWeights, plan);

        var files = new List<GeneratedFile>
        {
            GeneratedFile.Text($"rtl/{name}_pkg.sv", renderer.Render("rtl/package.sv.hbs", model)),
        };
        foreach (var file in Library(plan))
        {
            files.Add(GeneratedFile.Text($"rtl/{file}", File.ReadAllText(Path.Combine(HwGenInfo.RtlDir, file))));
        }

        files.Add(GeneratedFile.Text($"rtl/{name}_top.sv", renderer.Render("rtl/top.sv.hbs", model)));
        files.AddRange(MemoryImages.Emit(layout, name));
        foreach (var file in TestbenchFiles)
        {
            files.Add(GeneratedFile.Text($"tb/{Path.GetFileName(file)}", File.ReadAllText(Path.Combine(HwGenInfo.TestbenchesDir, file))));
        }

        files.Add(GeneratedFile.Text("sources.f", string.Join('\n', RtlSources(name, plan))));
        files.Add(GeneratedFile.Text("build_sim.sh", renderer.Render("sim/build_sim.sh.hbs", model), executable: true));
        files.Add(GeneratedFile.Text("run_sim.sh", renderer.Render("sim/run_sim.sh.hbs", model), executable: true));
        files.Add(GeneratedFile.Text("sim/load.hex", MemoryImages.LoadScript(layout)));
        return files;
    }

    /// <summary>The variables the templates see.</summary>
    public static Dictionary<string, object> TemplateModel(HardwareLayout layout, string name, bool bakeWeights = true, MemoryPlan? plan = null)
    {
        plan ??= MemoryPlan.FromConfig(layout.Network.Config.Hardware);
        var layers = layout.Layers;
        string Table(Func<LayerTableEntry, long> field) =>
            "{" + string.Join(", ", layers.Reverse().Select(l => "32'd" + field(l).ToString(CultureInfo.InvariantCulture))) + "}";

        string relu = string.Concat(layers.Reverse().Select(l => l.Relu ? '1' : '0'));
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["version"] = HwGenInfo.Version,
            ["name"] = name,
            ["pes"] = layout.Pes,
            ["actBits"] = layout.ActivationBits,
            ["weightBits"] = layout.WeightBits,
            ["accBits"] = layout.AccumulatorBits,
            ["codeBits"] = layout.CodeBits,
            ["indexBits"] = layout.IndexBits,
            ["lineEntries"] = layout.LineEntries,
            ["fifoDepth"] = layout.FifoDepth,
            ["ptrDepth"] = layout.PtrDepth,
            ["spmatDepth"] = layout.SpmatDepth,
            ["biasDepth"] = layout.BiasDepth,
            ["accDepth"] = layout.AccDepth,
            ["actDepth"] = layout.ActDepth,
            ["colBits"] = layout.ColBits,
            ["shiftBits"] = layout.ShiftBits,
            ["numLayers"] = layers.Count,
            ["inputSize"] = layout.Network.InputSize,
            ["outputSize"] = layout.Network.OutputSize,
            ["ldBits"] = layout.LoadBits,
            ["layerNames"] = string.Join(", ", layout.Network.Layers.Select(l => l.Name)),
            ["layerGroups"] = Table(l => l.Groups),
            ["layerLastPes"] = Table(l => l.LastGroupPes),
            ["layerLocalRows"] = Table(l => l.LocalRows),
            ["layerPtrBase"] = Table(l => l.PtrBase),
            ["layerBiasBase"] = Table(l => l.BiasBase),
            ["layerShift"] = Table(l => l.Shift),
            ["layerRelu"] = $"{layers.Count}'b{relu}",
            ["memPrefix"] = bakeWeights ? $"mem/{name}_" : "",
            ["spmatStyle"] = MemoryPlan.RtlStyle(plan.Spmat),
            ["actStyle"] = MemoryPlan.RtlStyle(plan.Act),
            ["usesSpram"] = plan.UsesSpram,
        };
    }
}
