using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Emit;
using HwGen.Simulation;
using Xunit.Abstractions;

namespace HwGen.Tests.Support;

/// <summary>
/// One co-simulation of a config: its design written and simulated, every layer's outputs held to
/// the golden model bit for bit and the cycles to the cycle model number for number.
/// </summary>
internal static class CoSimulationCheck
{
    /// <summary>Writes, simulates and checks <paramref name="config"/>, logging <paramref name="description"/> and the cycles; returns the result.</summary>
    public static SimulationResult Run(
        ITestOutputHelper output, HwGenConfig config, string description, int seed, SimulatorKind simulator, int vectors, bool loadThroughPort = false)
    {
        using var dir = new TempFolder($"cosim-{config.Name}");
        string configPath = dir.File("config.yaml");
        File.WriteAllText(configPath, ConfigYaml.Write(config));
        output.WriteLine($"seed {seed}: {description}, config written to {configPath} (set HWGEN_KEEP_TEST_OUTPUT=1 to keep it)");

        var design = Design.FromConfig(config);
        var options = new SimulationOptions { Simulator = simulator, LoadThroughPort = loadThroughPort };
        DesignWriter.Write(dir.File("design"), options.Design(design.Network));
        var result = Simulator.Run(design.Network, design.Vectors(vectors, seed), dir.File("design"), options);

        output.WriteLine($"cycles {string.Join(",", result.Cycles)}; model {string.Join(",", result.ModelCycles)}; ideal {string.Join(",", result.IdealCycles)}");
        result.FirstMismatch.ShouldBeNull($"seed {seed}: {result.FirstMismatch}");
        result.Mismatches.ShouldBe(0, $"seed {seed}");
        result.Cycles.ShouldBe(result.ModelCycles, $"seed {seed}: RTL cycles vs cycle model");
        return result;
    }
}
