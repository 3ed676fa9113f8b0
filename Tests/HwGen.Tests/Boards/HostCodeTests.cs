using System.Collections;
using System.Globalization;
using System.Text;
using HwGen.Hardware;
using HwGen.Model;
using HwGen.Tools;

namespace HwGen.Tests.Boards;

/// <summary>
/// The generated host code agrees with the hardware: the C header compiles cleanly with gcc and
/// its packed weights, printed by a C program, are the design's memory images word for word; the
/// C# driver compiles with Roslyn without warnings and its memories are the same images.
/// </summary>
public class HostCodeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void C_header_compiles_with_gcc_and_its_packing_is_the_memory_images()
    {
        using var dir = new TempFolder("host-c");
        var build = BoardDesigns.Write(BoardDesigns.Mini(), "icebreaker", dir.Path);
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
