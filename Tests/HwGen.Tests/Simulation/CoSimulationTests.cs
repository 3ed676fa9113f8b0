using HwGen.Configuration;
using HwGen.Simulation;
using Xunit.Abstractions;

namespace HwGen.Tests.Simulation;

/// <summary>
/// The generated RTL against the golden model (outputs of every layer, bit for bit) and the cycle
/// model (cycles, number for number) over many random designs.
/// </summary>
[Trait("Category", "Tools")]
public class CoSimulationTests(ITestOutputHelper output)
{
    /// <summary>Seeds of the randomized suite; 32 designs per run.</summary>
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 1; seed <= 32; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_design_is_bit_exact_and_cycle_exact_in_verilator(int seed)
    {
        RunAndCheck(seed, SimulatorKind.Verilator, vectors: 4);
    }

    [Theory]
    [InlineData(101)]
    [InlineData(102)]
    [InlineData(103)]
    public void Random_design_is_bit_exact_and_cycle_exact_in_icarus(int seed)
    {
        RunAndCheck(seed, SimulatorKind.Iverilog, vectors: 2);
    }

    [Fact]
    public void Weights_loaded_through_the_memory_load_port_give_the_same_results()
    {
        RunAndCheck(7, SimulatorKind.Verilator, vectors: 2, loadThroughPort: true);
    }

    /// <summary>Designs with tanh and sigmoid layers: 1, 3 and 5 PEs (seed mod 7 picks the count).</summary>
    [Theory]
    [InlineData(203)]
    [InlineData(205)]
    [InlineData(207)]
    public void Random_design_with_tanh_and_sigmoid_layers_is_bit_exact_and_cycle_exact_in_verilator(int seed)
    {
        RunAndCheck(seed, SimulatorKind.Verilator, vectors: 4, tableActivations: true);
    }

    [Fact]
    public void Random_design_with_tanh_and_sigmoid_layers_is_bit_exact_and_cycle_exact_in_icarus()
    {
        RunAndCheck(212, SimulatorKind.Iverilog, vectors: 2, tableActivations: true);
    }

    /// <summary>
    /// Designs with linear weights: W = 2, 3, 4, 6, 8, 12 and 16 on 1, 2, 3, 5, 8 and 16 PEs (seed mod 7
    /// picks the count; W is drawn from the seed).
    /// </summary>
    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(305)]
    [InlineData(306)]
    [InlineData(309)]
    [InlineData(313)]
    [InlineData(314)]
    [InlineData(319)]
    [InlineData(331)]
    public void Random_design_with_linear_weights_is_bit_exact_and_cycle_exact_in_verilator(int seed)
    {
        RunAndCheck(seed, SimulatorKind.Verilator, vectors: 4, linearWeights: true);
    }

    [Fact]
    public void Random_design_with_linear_weights_is_bit_exact_and_cycle_exact_in_icarus()
    {
        RunAndCheck(311, SimulatorKind.Iverilog, vectors: 2, linearWeights: true);
    }

    [Fact]
    public void Linear_weights_loaded_through_the_memory_load_port_give_the_same_results()
    {
        RunAndCheck(304, SimulatorKind.Verilator, vectors: 2, loadThroughPort: true, linearWeights: true);
    }

    private void RunAndCheck(
        int seed, SimulatorKind simulator, int vectors, bool loadThroughPort = false, bool tableActivations = false, bool linearWeights = false)
    {
        var config = tableActivations ? RandomDesigns.CreateWithTableActivations(seed)
            : linearWeights ? RandomDesigns.CreateWithLinearWeights(seed)
            : RandomDesigns.Create(seed);
        string description = $"{config.Hardware.Pes} PEs, FIFO {config.Hardware.FifoDepth}, layers "
            + string.Join("-", new[] { config.Input.Size }.Concat(config.Layers.Select(l => l.Outputs)))
            + $", A {config.Quantization.ActivationBits} Fa {config.Quantization.ActivationFrac} W {config.Quantization.WeightBits} {ConfigNames.Snake(config.Compression.Weights)}, activations " + string.Join("-", config.Layers.Select(l => ConfigNames.Snake(l.Activation)));
        CoSimulationCheck.Run(output, config, description, seed, simulator, vectors, loadThroughPort);
    }
}
