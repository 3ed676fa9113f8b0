using HwGen.Compression;
using HwGen.Emit;
using HwGen.Simulation;
using HwGen.Tools;
using Xunit.Abstractions;

namespace HwGen.Tests.Simulation;

/// <summary>
/// Several Verilator models of one design at once (<see cref="SimulationOptions.Jobs"/>, the
/// harness's <c>+jobs</c>): each model runs its share of the vectors in a thread of its own, and
/// the run must give exactly the files one model gives — outputs, cycles, every layer's
/// writebacks — with every model's own reset and weight loading.
/// </summary>
[Trait("Category", "Tools")]
public class ParallelCoSimulationTests(ITestOutputHelper output)
{
    /// <summary>5 vectors in 3 models (shares of 2, 2 and 1), with baked memories and through the load port.</summary>
    [Theory]
    [InlineData(2, false)]
    [InlineData(5, true)]
    public void Several_models_write_the_files_one_model_writes(int seed, bool loadThroughPort)
    {
        var design = Design.FromConfig(RandomDesigns.Create(seed));
        using var dir = new TempFolder($"jobs-{seed}");
        var inputs = design.Vectors(5, 1);
        var one = new SimulationOptions { LoadThroughPort = loadThroughPort };
        DesignWriter.Write(dir.Path, one.Design(design.Network));

        var single = Simulator.Run(design.Network, inputs, dir.Path, one);
        var singleOutputs = File.ReadAllLines(dir.File("sim/outputs.txt"));
        byte[] singleLayers = File.ReadAllBytes(dir.File("sim/layers.txt"));
        var several = Simulator.Run(design.Network, inputs, dir.Path, one with { Jobs = 3 });
        var severalOutputs = File.ReadAllLines(dir.File("sim/outputs.txt"));

        output.WriteLine($"{design.Network.Pes} PEs: one model {single.ClockCycles} clock cycles, three {several.ClockCycles}");
        single.Passed.ShouldBeTrue();
        several.Passed.ShouldBeTrue();
        several.Rebuilt.ShouldBeFalse("the same build runs one model or several");
        (single.Models, several.Models).ShouldBe((1, 3));
        several.Cycles.ShouldBe(single.Cycles);
        several.RtlOutputs.ShouldBe(single.RtlOutputs);
        File.ReadAllBytes(dir.File("sim/layers.txt")).ShouldBe(singleLayers, "every layer's writebacks, in vector order");
        severalOutputs[..^2].ShouldBe(singleOutputs[..^2], "the outputs, in vector order");
        (singleOutputs[^2], severalOutputs[^2]).ShouldBe(("models 1", "models 3"));

        // Each of the two further models resets (and loads its weights) once more.
        several.ClockCycles.ShouldBeGreaterThan(single.ClockCycles);
        Directory.GetFiles(dir.File("sim"), "*.part*").ShouldBeEmpty("the per-model files are gathered and removed");
    }

    [Fact]
    public void More_models_than_vectors_run_one_model_per_vector()
    {
        var design = Design.FromConfig(RandomDesigns.Create(3));
        using var dir = new TempFolder("jobs-many");
        var options = new SimulationOptions { Jobs = 8 };
        DesignWriter.Write(dir.Path, options.Design(design.Network));

        var result = Simulator.Run(design.Network, design.Vectors(2, 1), dir.Path, options);

        result.Passed.ShouldBeTrue();
        result.Cycles.Count.ShouldBe(2);
        result.Models.ShouldBe(2);
    }

    /// <summary>An LSTM design: every step's h_t of every vector, gathered from two models.</summary>
    [Fact]
    public void An_lstm_design_in_two_models_is_bit_exact_and_cycle_exact()
    {
        var design = Design.FromConfig(RandomDesigns.CreateLstm(604));
        using var dir = new TempFolder("jobs-lstm");
        var options = new SimulationOptions { Jobs = 2 };
        DesignWriter.Write(dir.Path, options.Design(design.Network));

        var result = Simulator.Run(design.Network, design.Vectors(3, 1), dir.Path, options);

        result.FirstMismatch.ShouldBeNull();
        result.CycleMismatches.ShouldBe(0);
    }

    /// <summary>
    /// External weights under back-pressure in two models: each model's simulated DRAM counts its
    /// own stall cycles, and the run's count is their sum, which still bounds the run's cycles.
    /// </summary>
    [Fact]
    public void Two_models_under_back_pressure_sum_their_stall_cycles()
    {
        var design = Design.FromConfig(RandomDesigns.CreateWithExternalWeights(406));
        using var dir = new TempFolder("jobs-stall");
        var options = new SimulationOptions { DramStallPercent = 30, DramSeed = 2, Jobs = 2 };
        DesignWriter.Write(dir.Path, options.Design(design.Network));

        var result = Simulator.Run(design.Network, design.Vectors(4, 1), dir.Path, options);

        result.FirstMismatch.ShouldBeNull();
        long stalls = result.DramStallCycles.ShouldNotBeNull();
        output.WriteLine($"RTL cycles {result.Cycles.Sum()}, exact-memory model {result.ModelCycles.Sum()}, stall cycles {stalls}");
        stalls.ShouldBeGreaterThan(0);
        result.Cycles.Sum().ShouldBeGreaterThan(result.ModelCycles.Sum());
        result.Cycles.Sum().ShouldBeLessThanOrEqualTo(result.ModelCycles.Sum() + stalls);
        Directory.GetFiles(dir.File("sim"), "*.part*").ShouldBeEmpty();
    }

    /// <summary>A model that gives no result fails the whole run (exit 1, the reason on stderr), and no outputs are written.</summary>
    [Fact]
    public void A_model_that_runs_out_of_cycles_fails_the_run()
    {
        using var dir = BuiltAndRunOnce("jobs-fail", SimulatorKind.Verilator, vectors: 4);

        var run = ProcessRunner.Run("sh", ["run_sim.sh", "verilator", "+jobs=2", "+max-cycles=40", "+layers=sim/layers.txt"], dir.Path, TimeSpan.FromMinutes(2));

        run.ExitCode.ShouldBe(1);
        run.Stderr.ShouldContain("no result after 40 cycles");
        File.Exists(dir.File("sim/outputs.txt")).ShouldBeFalse();
        Directory.GetFiles(dir.File("sim"), "*.part*").ShouldBeEmpty("a failed run leaves no per-model files");
    }

    /// <summary>
    /// A per-model file that is missing (here: DRAM statistics asked of a design with on-chip
    /// weights, whose models write none) fails the run, and the joined file is not written at all.
    /// </summary>
    [Fact]
    public void A_missing_per_model_file_fails_the_run_and_writes_no_joined_file()
    {
        using var dir = BuiltAndRunOnce("jobs-missing", SimulatorKind.Verilator, vectors: 4);

        var run = ProcessRunner.Run("sh", ["run_sim.sh", "verilator", "+jobs=2", "+dram_stats=sim/stats.txt", "+layers=sim/layers.txt"], dir.Path, TimeSpan.FromMinutes(2));

        run.ExitCode.ShouldBe(1);
        run.Stderr.ShouldContain("model 0 wrote no sim/stats.txt.part0");
        File.Exists(dir.File("sim/stats.txt")).ShouldBeFalse();
        Directory.GetFiles(dir.File("sim"), "*.part*").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("+jobs=0")]
    [InlineData("+jobs=2x")]
    [InlineData("+jobs=1025")]
    public void The_harness_refuses_a_model_count_that_is_not_one_to_1024(string jobs)
    {
        using var dir = BuiltAndRunOnce("jobs-bad", SimulatorKind.Verilator, vectors: 1);

        var run = ProcessRunner.Run("sh", ["run_sim.sh", "verilator", jobs], dir.Path, TimeSpan.FromMinutes(2));

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain($"{jobs}: need a whole number of models from 1 to 1024");
        File.Exists(dir.File("sim/outputs.txt")).ShouldBeFalse();
    }

    [Fact]
    public void Run_sim_refuses_several_models_in_icarus()
    {
        using var dir = BuiltAndRunOnce("jobs-icarus", SimulatorKind.Iverilog, vectors: 1);

        var run = ProcessRunner.Run("sh", ["run_sim.sh", "iverilog", "+jobs=2"], dir.Path, TimeSpan.FromMinutes(2));

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("Icarus runs one model");
    }

    [Theory]
    [InlineData(SimulatorKind.Iverilog, false)]
    [InlineData(SimulatorKind.Verilator, true)]
    public void Several_models_need_verilator_without_a_trace(SimulatorKind simulator, bool trace)
    {
        var design = Design.FromConfig(RandomDesigns.Create(2));
        using var dir = new TempFolder("jobs-refused");
        var options = new SimulationOptions { Simulator = simulator, Trace = trace, Jobs = 2 };
        DesignWriter.Write(dir.Path, options.Design(design.Network));

        Should.Throw<ArgumentException>(() => Simulator.Run(design.Network, design.Vectors(2, 1), dir.Path, options));
    }

    /// <summary>
    /// A random design written, built and run once with one model (passing), its outputs file then
    /// removed: a folder for running <c>run_sim.sh</c> by hand.
    /// </summary>
    private static TempFolder BuiltAndRunOnce(string name, SimulatorKind simulator, int vectors)
    {
        var design = Design.FromConfig(RandomDesigns.Create(2));
        var dir = new TempFolder(name);
        var options = new SimulationOptions { Simulator = simulator };
        DesignWriter.Write(dir.Path, options.Design(design.Network));
        Simulator.Run(design.Network, design.Vectors(vectors, 1), dir.Path, options).Passed.ShouldBeTrue();
        File.Delete(dir.File("sim/outputs.txt"));
        return dir;
    }
}
