using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HwGen.Compression;
using HwGen.Emit;
using HwGen.Hardware;
using HwGen.Tests.Boards;
using HwGen.Tools;

namespace HwGen.Tests.Hardware;

/// <summary>
/// Every consumer of the memory-load address map agrees with <see cref="MemoryMap"/>: the generated
/// package and top hand it to hwgen_core, which holds no address literal of its own; the load
/// script and the images come from its contents; the C header's region codes and address macro
/// compute its addresses. (The co-simulation that loads weights through the port runs the RTL on
/// the load script, and HostCodeTests check the driver's and header's memories.)
/// </summary>
public partial class MemoryMapTests
{
    private static readonly (MemoryRegion Region, int Pe, int Word)[] Probes =
        [(MemoryRegion.PtrEven, 0, 0), (MemoryRegion.PtrOdd, 2, 5), (MemoryRegion.Spmat, 1, 200_000), (MemoryRegion.Bias, 2047, 3), (MemoryRegion.Codebook, 0, 63)];

    [Fact]
    public void Fields_tile_the_32_bit_address_without_overlap()
    {
        var fields = new[] { MemoryMap.Word, MemoryMap.Pe, MemoryMap.Region };

        fields.Sum(f => f.Bits).ShouldBe(32);
        fields.Zip(fields.Skip(1)).ShouldAllBe(p => p.First.Msb + 1 == p.Second.Lsb);
        MemoryMap.Regions.Max(r => (int)r).ShouldBeLessThan(1 << MemoryMap.Region.Bits);
        MemoryMap.Address(MemoryRegion.Codebook, 5, 7).ShouldBe((4u << 29) | (5u << 18) | 7u);
    }

    [Fact]
    public void Package_carries_the_map_the_top_passes_it_and_the_core_has_no_address_literal()
    {
        var files = DesignWriter.Files(new DesignRequest(Design.Load(Examples.Path("tiny.yaml")).Network));
        string package = Text(files, "rtl/tiny_pkg.sv");
        string top = Text(files, "rtl/tiny_top.sv");
        string core = Text(files, "rtl/hwgen_core.sv");
        var expected = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["LdRegionLsb"] = MemoryMap.Region.Lsb, ["LdRegionBits"] = MemoryMap.Region.Bits,
            ["LdPeLsb"] = MemoryMap.Pe.Lsb, ["LdPeBits"] = MemoryMap.Pe.Bits,
            ["LdWordLsb"] = MemoryMap.Word.Lsb, ["LdWordBits"] = MemoryMap.Word.Bits,
        };
        foreach (var region in MemoryMap.Regions)
        {
            expected[$"Region{region}"] = (int)region;
        }

        foreach (var (name, value) in expected)
        {
            Regex.Match(package, $@"parameter int {name} = (\d+);").Groups[1].Value.ShouldBe(value.ToString(CultureInfo.InvariantCulture), name);
            top.ShouldContain($"(tiny_pkg::{name})", customMessage: name);
            core.ShouldContain($"parameter int {name} =", customMessage: name);
        }

        AddressLiteral().Matches(core).Select(m => m.Value).ShouldBeEmpty("hwgen_core takes the address map from its parameters");
    }

    [Fact]
    public void Load_script_writes_every_memory_word_at_its_map_address()
    {
        var network = Design.Load(Examples.Path("tiny.yaml")).Network;
        var layout = HardwareLayout.For(network);
        var files = DesignWriter.Files(new DesignRequest(network));

        var lines = Text(files, "sim/load.hex").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var expected = MemoryMap.Contents(layout).SelectMany(m => m.Words.Select((word, i) =>
            $"{MemoryMap.Address(m.Region, m.Pe, i):x8} {MemoryMap.Hex(word, m.Bits)}")).ToList();
        lines.ShouldBe(expected);
        foreach (var memory in MemoryMap.Contents(layout))
        {
            string image = string.Concat(memory.Words.Select(w => MemoryMap.Hex(w, memory.Bits) + "\n"));
            Text(files, $"mem/tiny_{memory.Name}.mem").ShouldBe(image, memory.Name);
        }
    }

    [Fact]
    public void C_header_region_codes_and_address_macro_compute_the_map_addresses()
    {
        using var dir = new TempFolder("memory-map-c");
        BoardDesigns.Write(BoardDesigns.Mini(), "icebreaker", dir.Path);
        var program = new StringBuilder("#include <stdio.h>\n#include \"host/mini.h\"\n\nint main(void) {\n");
        foreach (var region in MemoryMap.Regions)
        {
            program.Append(CultureInfo.InvariantCulture, $"  printf(\"%u\\n\", (unsigned)MINI_REGION_{MemoryMap.Kind(region).ToUpperInvariant()});\n");
        }

        foreach (var (region, pe, word) in Probes)
        {
            program.Append(CultureInfo.InvariantCulture, $"  printf(\"%08x\\n\", (unsigned)MINI_LD_ADDR({(int)region}u, {pe}u, {word}u));\n");
        }

        File.WriteAllText(dir.File("map.c"), program.Append("  return 0;\n}\n").ToString());

        var compile = ProcessRunner.Run("gcc", ["-std=c99", "-Wall", "-Wextra", "-Werror", "-o", "map", "map.c"], dir.Path, TimeSpan.FromMinutes(2));
        compile.ExitCode.ShouldBe(0, string.Join('\n', compile.ErrorLines));
        var printed = ProcessRunner.RunChecked(dir.File("map"), [], dir.Path, TimeSpan.FromMinutes(1)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        printed.ShouldBe([
            .. MemoryMap.Regions.Select(r => ((int)r).ToString(CultureInfo.InvariantCulture)),
            .. Probes.Select(p => MemoryMap.Address(p.Region, p.Pe, p.Word).ToString("x8", CultureInfo.InvariantCulture)),
        ]);
    }

    private static string Text(IReadOnlyList<GeneratedFile> files, string path) =>
        Encoding.UTF8.GetString(files.Single(f => f.RelativePath == path).Content);

    /// <summary>A fixed bit range or region code of the load address, as the core once had them.</summary>
    [GeneratedRegex(@"ld_addr_i\[\d+:\d+\]|ld_region == \d+'d\d|ld_pe == \d+'")]
    private static partial Regex AddressLiteral();
}
