using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Emit;
using HwGen.Simulation;
using HwGen.Tests.Rtl;
using Xunit.Abstractions;

namespace HwGen.Tests.Boards;

/// <summary>
/// Designs whose sparse-matrix and activation memories are iCE40 SPRAMs (hwgen_ram_ice40_spram,
/// simulated with yosys's own cell models) give the golden model's outputs and the cycle model's
/// cycles exactly: the memory style changes the RAM cells, never the timing.
/// </summary>
public class SpramCoSimulationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(4, SimulatorKind.Verilator)]
    [InlineData(11, SimulatorKind.Verilator)]
    [InlineData(6, SimulatorKind.Iverilog)]
    public void Design_with_memories_in_spram_is_bit_exact_and_cycle_exact(int seed, SimulatorKind simulator)
    {
        var random = RandomDesigns.Create(seed);
        var config = random with
        {
            Name = $"spram{seed}",
            Hardware = random.Hardware with { SpmatMemory = MemoryStyle.Ice40Spram, ActMemory = MemoryStyle.Ice40Spram },
        };
        using var dir = new TempFolder($"spram-{seed}");
        File.WriteAllText(dir.File("config.yaml"), ConfigYaml.Write(config));
        output.WriteLine($"seed {seed}: {config.Hardware.Pes} PEs, line {config.Hardware.SpmatLineEntries} entries; config in {dir.File("config.yaml")}");

        var design = Design.FromConfig(config);
        var options = new SimulationOptions { Simulator = simulator };
        DesignWriter.Write(dir.File("design"), options.Design(design.Network));
        var result = Simulator.Run(design.Network, design.Vectors(3, seed), dir.File("design"), options);

        File.ReadAllText(dir.File("design/sources.f")).ShouldContain(DesignEmitter.SpramWrapper);
        result.FirstMismatch.ShouldBeNull($"seed {seed}: {result.FirstMismatch}");
        result.Cycles.ShouldBe(result.ModelCycles, $"seed {seed}: RTL cycles vs cycle model");
    }

    [Fact]
    public void Auto_and_inferred_memories_emit_the_library_and_package_of_before()
    {
        var design = Design.Load(Examples.Path("tiny.yaml"));

        var files = DesignWriter.Files(new DesignRequest(design.Network));

        design.Config.Hardware.SpmatMemory.ShouldBe(MemoryStyle.Auto);
        files.Select(f => f.RelativePath).ShouldNotContain($"rtl/{DesignEmitter.SpramWrapper}");
        string package = System.Text.Encoding.UTF8.GetString(files.Single(f => f.RelativePath == "rtl/tiny_pkg.sv").Content);
        package.ShouldContain("parameter int SpmatStyle = 0;");
        package.ShouldContain("parameter int ActStyle = 0;");
    }
}
