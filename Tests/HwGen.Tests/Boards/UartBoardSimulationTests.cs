using System.Collections;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using HwGen.Compression;
using HwGen.Model;
using HwGen.Tools;
using Xunit.Abstractions;

namespace HwGen.Tests.Boards;

/// <summary>
/// The UART host protocol end to end: the Verilated iCEBreaker top (PLL bypassed, sparse
/// matrices in SPRAM simulated with yosys's cell models, so the weights must be loaded) is driven
/// through its UART pin by the generated C# driver, the same code that drives the real board. It
/// checks the design, loads every memory, runs inferences, and returns the golden model's outputs
/// bit for bit and the cycle model's cycles.
/// </summary>
public class UartBoardSimulationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Csharp_driver_loads_weights_and_runs_inferences_bit_exact_through_the_simulated_uart()
    {
        using var dir = new TempFolder("uart-sim");
        var config = BoardDesigns.Mini();
        var build = BoardDesigns.Write(config, "icebreaker", dir.Path);
        build.Plan.NeedsRuntimeLoad.ShouldBeTrue();
        ProcessRunner.RunChecked("sh", ["build_board_sim.sh", "8"], dir.Path, Timeout);
        var (assembly, _) = RoslynCompiler.Compile(File.ReadAllText(dir.File("host/MiniDriver.cs")), "MiniDriver");
        var driverType = assembly.GetType("HwGen.Drivers.MiniDriver")!;
        var design = Design.FromConfig(config);
        var vectors = design.Vectors(3, 5).Select(v => GoldenModel.QuantizeInput(design.Network, v)).ToList();

        var (client, board) = await StartBoard(dir.Path);
        var results = new List<(long[] Outputs, uint Cycles)>();
        using (client)
        {
            using var stream = client.GetStream();
            stream.ReadTimeout = 120_000;
            object driver = Activator.CreateInstance(driverType, stream)!;
            Call(driver, "CheckDesign");
            Call(driver, "LoadWeights");
            foreach (var x in vectors)
            {
                object result = Call(driver, "Run", x)!;
                results.Add(((long[])Property(result, "Outputs"), (uint)Property(result, "Cycles")));
            }
        }

        var run = await board;
        output.WriteLine(run.Stdout);
        run.ExitCode.ShouldBe(0, string.Join('\n', run.ErrorLines));
        for (int v = 0; v < vectors.Count; v++)
        {
            var golden = GoldenModel.Run(design.Network, vectors[v]);
            var cycles = CycleModel.Run(design.Network, vectors[v], golden.LayerOutputs);
            output.WriteLine($"vector {v}: {string.Join(' ', results[v].Outputs)}; {results[v].Cycles} cycles, model {cycles.Cycles}");
            results[v].Outputs.ShouldBe(golden.Output, $"vector {v}: outputs through the UART vs the golden model");
            ((long)results[v].Cycles).ShouldBe(cycles.Cycles, $"vector {v}: cycles reported through the UART vs the cycle model");
        }

        results.Select(r => r.Outputs).Distinct(new SequenceComparer()).Count().ShouldBe(vectors.Count, "different inputs give different outputs");
    }

    [Fact]
    public async Task Lenet_on_the_up5k_loads_its_weights_into_spram_and_infers_bit_exact_through_the_simulated_uart()
    {
        using var dir = new TempFolder("uart-lenet");
        var design = Design.Load(Examples.Path("lenet-up5k.yaml"));
        var build = HwGen.Emit.BoardBuild.Prepare(design.Network, HwGen.Hardware.BoardCatalog.Load("icebreaker"));
        HwGen.Emit.DesignWriter.Write(dir.Path, HwGen.Emit.DesignRequest.For(build));
        build.Plan.ShouldBe(new MemoryPlan(HwGen.Configuration.MemoryStyle.Ice40Spram, HwGen.Configuration.MemoryStyle.Ice40Spram));
        ProcessRunner.RunChecked("sh", ["build_board_sim.sh", "8"], dir.Path, Timeout);
        var (assembly, _) = RoslynCompiler.Compile(File.ReadAllText(dir.File("host/LenetUp5kDriver.cs")), "LenetUp5kDriver");
        var x = GoldenModel.QuantizeInput(design.Network, design.Vectors(1, 1)[0]);

        var (client, board) = await StartBoard(dir.Path);
        long[] outputs;
        uint cycles;
        using (client)
        {
            using var stream = client.GetStream();
            stream.ReadTimeout = 300_000;
            object driver = Activator.CreateInstance(assembly.GetType("HwGen.Drivers.LenetUp5kDriver")!, stream)!;
            Call(driver, "CheckDesign");
            Call(driver, "LoadWeights");
            object result = Call(driver, "Run", x)!;
            outputs = (long[])Property(result, "Outputs");
            cycles = (uint)Property(result, "Cycles");
        }

        var run = await board;
        output.WriteLine(run.Stdout);
        run.ExitCode.ShouldBe(0, string.Join('\n', run.ErrorLines));
        var golden = GoldenModel.Run(design.Network, x);
        outputs.ShouldBe(golden.Output, "LeNet's logits through the UART vs the golden model");
        ((long)cycles).ShouldBe(CycleModel.Run(design.Network, x, golden.LayerOutputs).Cycles);
    }

    [Fact]
    public async Task Driver_refuses_a_board_that_runs_another_design()
    {
        using var dir = new TempFolder("uart-other");
        BoardDesigns.Write(BoardDesigns.Mini(), "icebreaker", dir.Path);
        ProcessRunner.RunChecked("sh", ["build_board_sim.sh", "8"], dir.Path, Timeout);
        using var other = new TempFolder("uart-other-driver");
        BoardDesigns.Write(BoardDesigns.Mini(name: "other") with { Seed = 9 }, "icebreaker", other.Path);
        var (assembly, _) = RoslynCompiler.Compile(File.ReadAllText(other.File("host/OtherDriver.cs")), "OtherDriver");

        var (client, board) = await StartBoard(dir.Path);
        using (client)
        {
            using var stream = client.GetStream();
            object driver = Activator.CreateInstance(assembly.GetType("HwGen.Drivers.OtherDriver")!, stream)!;
            var error = Should.Throw<TargetInvocationException>(() => Call(driver, "CheckDesign"));
            error.InnerException.ShouldBeOfType<InvalidDataException>().Message.ShouldContain("not other");
        }

        (await board).ExitCode.ShouldBe(0);
    }

    /// <summary>Starts the simulated board (it connects to a port this side listens on) and accepts its connection.</summary>
    private static async Task<(TcpClient Client, Task<ProcessResult> Board)> StartBoard(string directory)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var board = Task.Run(() => ProcessRunner.Run(Path.Combine(directory, "obj_dir_board", "Vboard"), [$"+port={port}", "+clks-per-bit=8"], directory, Timeout));
        var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (client, board);
    }

    private static object? Call(object target, string method, params object[] arguments) =>
        target.GetType().GetMethod(method)!.Invoke(target, arguments);

    private static object Property(object target, string name) => target.GetType().GetProperty(name)!.GetValue(target)!;

    private sealed class SequenceComparer : IEqualityComparer<long[]>
    {
        public bool Equals(long[]? x, long[]? y) => StructuralComparisons.StructuralEqualityComparer.Equals(x, y);

        public int GetHashCode(long[] obj) => StructuralComparisons.StructuralEqualityComparer.GetHashCode(obj);
    }
}
