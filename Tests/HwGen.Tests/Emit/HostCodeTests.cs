using System.Collections;
using System.Globalization;
using System.Text;
using HwGen.Hardware;
using HwGen.Model;
using HwGen.Tools;

namespace HwGen.Tests.Emit;

/// <summary>
/// The generated host code agrees with the hardware: the C header compiles cleanly with gcc and
/// its packed weights, printed by a C program, are the design's memory images word for word; the
/// C# driver compiles with Roslyn without warnings and its memories are the same images.
/// </summary>
public class HostCodeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void C_header_compiles_with_gcc_and_its_packing_is_the_memory_images(bool columnPairs)
    {
        using var dir = new TempFolder("host-c");
        var mini = BoardDesigns.Mini();
        // Column pairs: pointer-bank words of two columns' words each (4 PEs, an even N).
        var config = columnPairs ? mini with { Hardware = mini.Hardware with { Pes = 4, ColumnPairs = true } } : mini;
        var build = BoardDesigns.Write(config, "icebreaker", dir.Path);
        build.Layout.ColumnPairs.ShouldBe(columnPairs);
        File.WriteAllText(dir.File("dump.c"), """
            #include <stdio.h>
            #include "host/mini.h"

            /* Prints every memory as its .mem image would: one word per line, ceil(bits / 4) hex digits. */
            int main(void) {
              for (uint32_t m = 0; m < MINI_MEMORY_COUNT; m++) {
                const mini_memory_t *memory = &mini_memories[m];
                printf("= %s %08x %u\n", memory->name, (unsigned)memory->address, (unsigned)memory->count);
                for (uint32_t w = 0; w < memory->count; w++) {
                  for (int d = (int)(memory->bits + 3) / 4 - 1; d >= 0; d--) {
                    uint32_t word = memory->words[w * MINI_LD_WORDS + (uint32_t)d / 8];
                    printf("%x", (unsigned)((word >> (4 * (d % 8))) & 0xfu));
                  }
                  printf("\n");
                }
              }
              printf("layers %u signature %08x\n", (unsigned)MINI_NUM_LAYERS, (unsigned)MINI_SIGNATURE);
              return 0;
            }
            """);

        var compile = ProcessRunner.Run("gcc", ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-o", "dump", "dump.c"], dir.Path, Timeout);
        compile.ExitCode.ShouldBe(0, string.Join('\n', compile.ErrorLines));
        var run = ProcessRunner.RunChecked(dir.File("dump"), [], dir.Path, Timeout);

        var printed = Sections(run.Stdout);
        var memories = MemoryMap.Contents(build.Layout).ToList();
        printed.Select(p => p.Name).ShouldBe(memories.Select(m => m.Name));
        foreach (var (name, text) in printed)
        {
            text.ShouldBe(File.ReadAllText(dir.File($"mem/mini_{name}.mem")), $"{name} packed in the header vs its .mem image");
        }

        run.Stdout.ShouldContain($"layers 3 signature {build.Signature:x8}");
    }

    [Fact]
    public void Csharp_driver_compiles_with_roslyn_without_warnings_and_holds_the_memory_images()
    {
        using var dir = new TempFolder("host-cs");
        var build = BoardDesigns.Write(BoardDesigns.Mini(), "icebreaker", dir.Path);

        var (assembly, warnings) = RoslynCompiler.Compile(File.ReadAllText(dir.File("host/MiniDriver.cs")), "MiniDriver");

        warnings.ShouldBeEmpty();
        var driver = assembly.GetType("HwGen.Drivers.MiniDriver")!;
        var memories = ((IEnumerable)driver.GetProperty("Memories")!.GetValue(null)!).Cast<object>().ToList();
        memories.Count.ShouldBe(MemoryMap.Contents(build.Layout).Count());
        int ldWords = (int)driver.GetField("LdWords")!.GetValue(null)!;
        foreach (var memory in memories)
        {
            string name = (string)memory.GetType().GetProperty("Name")!.GetValue(memory)!;
            uint address = (uint)memory.GetType().GetProperty("Address")!.GetValue(memory)!;
            var words = (uint[])memory.GetType().GetProperty("Words")!.GetValue(memory)!;
            var expected = MemoryMap.Contents(build.Layout).Single(m => m.Name == name);
            address.ShouldBe(expected.Address, name);
            Image(words, ldWords, expected.Bits).ShouldBe(File.ReadAllText(dir.File($"mem/mini_{name}.mem")), $"{name} in the driver vs its .mem image");
        }

        ((uint)driver.GetField("Signature")!.GetValue(null)!).ShouldBe(build.Signature);
        var quantize = driver.GetMethod("Quantize")!;
        double[] values = [0.0, 1.0, -0.5, 0.00390625, 0.001953125, -0.001953125, 127.99, -200.0, 300.0];
        var expectedQ = GoldenModel.QuantizeInput(build.Network.Format, values);
        values.Select(v => (long)quantize.Invoke(null, [v])!).ShouldBe(expectedQ);
    }

    [Fact]
    public void Dram_image_class_compiles_without_warnings_and_decodes_every_entry_of_the_image()
    {
        using var dir = new TempFolder("host-dram-cs");
        var build = BoardDesigns.Write(BoardDesigns.MiniExternal(), "zcu104", dir.Path);

        var (assembly, warnings) = RoslynCompiler.Compile(File.ReadAllText(dir.File("host/MiniDramImage.cs")), "MiniDramImage");

        warnings.ShouldBeEmpty();
        var type = assembly.GetType("HwGen.Drivers.MiniDramImage")!;
        var image = (byte[])type.GetMethod("Read")!.Invoke(null, [dir.File("mem/mini_dram.bin")])!;
        image.Length.ShouldBe((int)build.Layout.External!.Layout.Bytes);
        ((uint)type.GetField("Signature")!.GetValue(null)!).ShouldBe(build.Signature);
        ((ulong)type.GetMethod("Place")!.Invoke(null, [(ulong)0x1234_5001])!).ShouldBe(0x1234_6000UL);
        ((uint)type.GetMethod("DramBase")!.Invoke(null, [(ulong)0x1234_6000])!).ShouldBe(0x1234_6000u);
        Should.Throw<System.Reflection.TargetInvocationException>(() => type.GetMethod("DramBase")!.Invoke(null, [(ulong)0x1234_6040]))
            .InnerException.ShouldBeOfType<ArgumentException>();

        var entry = type.GetMethod("Entry")!;
        var network = build.Network;
        int checkedEntries = 0;
        for (int l = 0; l < network.Layers.Count; l++)
        {
            long slot = 0;
            var layer = network.Layers[l];
            for (int j = 0; j < layer.HwCols; j++)
            {
                for (int k = 0; k < network.Pes; k++)
                {
                    var encoding = layer.PeEncodings[k];
                    for (int e = encoding.ColumnPointers[j]; e < encoding.ColumnPointers[j + 1]; e++, slot++)
                    {
                        var decoded = DecodeEntry(entry, image, l, slot);
                        decoded.ShouldBe((encoding.EntryCodes[e], encoding.EntryIndices[e]), $"layer {l} column {j} PE {k} entry {e}");
                        checkedEntries++;
                    }
                }
            }
        }

        checkedEntries.ShouldBe(network.Layers.Sum(x => x.PeEncodings.Sum(p => p.EntryCodes.Length)));
    }

    [Fact]
    public void C_header_of_external_weights_compiles_with_gcc_and_gives_the_image_and_its_regions()
    {
        using var dir = new TempFolder("host-dram-c");
        var build = BoardDesigns.Write(BoardDesigns.MiniExternal(), "arty-a7-100t", dir.Path);
        File.WriteAllText(dir.File("dump.c"), """
            #include <stdio.h>
            #include "host/mini.h"

            int main(void) {
              printf("image %u beat %u lanes %u base 0x%03x\n", (unsigned)MINI_DRAM_IMAGE_BYTES, (unsigned)MINI_DRAM_BEAT_BYTES,
                     (unsigned)MINI_DRAM_ENTRIES_PER_BEAT, (unsigned)MINI_REG_DRAM_BASE);
              for (uint32_t l = 0; l < MINI_NUM_LAYERS; l++) {
                printf("%s %u %u %u\n", mini_dram_regions[l].name, (unsigned)mini_dram_regions[l].offset,
                       (unsigned)mini_dram_regions[l].bytes, (unsigned)mini_dram_regions[l].entries);
              }
              return 0;
            }
            """);

        var compile = ProcessRunner.Run("gcc", ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-o", "dump", "dump.c"], dir.Path, Timeout);
        compile.ExitCode.ShouldBe(0, string.Join('\n', compile.ErrorLines));
        var run = ProcessRunner.RunChecked(dir.File("dump"), [], dir.Path, Timeout);

        var image = build.Layout.External!.Layout;
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe($"image {image.Bytes} beat 16 lanes {image.EntriesPerBeat} base 0x020");
        for (int l = 0; l < build.Network.Layers.Count; l++)
        {
            long start = image.RegionBeat[l] * 16;
            long end = (l + 1 < build.Network.Layers.Count ? image.RegionBeat[l + 1] : image.Beats) * 16;
            lines[l + 1].ShouldBe($"{build.Network.Layers[l].Name} {start} {end - start} {image.ColumnBase[l][^1]}");
        }
    }

    /// <summary>The generated Entry method takes a span, which reflection cannot pass: it is called through a delegate.</summary>
    private delegate (int Code, int Index) EntryDecoder(ReadOnlySpan<byte> image, int layer, long slot);

    private static (int Code, int Index) DecodeEntry(System.Reflection.MethodInfo entry, byte[] image, int layer, long slot) =>
        entry.CreateDelegate<EntryDecoder>()(image, layer, slot);

    /// <summary>The "= name address count" sections of the C program's output, in order, each as .mem text.</summary>
    private static List<(string Name, string Text)> Sections(string output)
    {
        var sections = new List<(string Name, StringBuilder Text)>();
        StringBuilder? current = null;
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("= ", StringComparison.Ordinal))
            {
                current = new StringBuilder();
                sections.Add((line.Split(' ')[1], current));
            }
            else if (line.StartsWith("layers", StringComparison.Ordinal))
            {
                current = null;
            }
            else if (current is not null && line.Length > 0)
            {
                current.Append(line).Append('\n');
            }
        }

        return [.. sections.Select(s => (s.Name, s.Text.ToString()))];
    }

    private static string Image(uint[] words, int ldWords, int bits)
    {
        var text = new StringBuilder();
        for (int w = 0; w < words.Length / ldWords; w++)
        {
            for (int d = ((bits + 3) / 4) - 1; d >= 0; d--)
            {
                uint word = words[(w * ldWords) + (d / 8)];
                text.Append(((word >> (4 * (d % 8))) & 0xf).ToString("x", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
