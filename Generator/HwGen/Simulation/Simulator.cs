using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HwGen.Compression;
using HwGen.Emit;
using HwGen.Hardware;
using HwGen.Model;
using HwGen.Tools;

namespace HwGen.Simulation;

/// <summary>Which simulator runs the generated RTL.</summary>
public enum SimulatorKind
{
    Verilator,
    Iverilog,
}

/// <summary>How to co-simulate a design.</summary>
public sealed record SimulationOptions
{
    public SimulatorKind Simulator { get; init; } = SimulatorKind.Verilator;

    /// <summary>Write a waveform (FST for Verilator, VCD for Icarus) to sim/trace.*.</summary>
    public bool Trace { get; init; }

    /// <summary>Build the memories empty and load the weights through the memory-load port.</summary>
    public bool LoadThroughPort { get; init; }

    /// <summary>
    /// External weights: percent (0–99) of cycles in which the simulated DRAM refuses a request and
    /// withholds a beat it could give (random back-pressure; the outputs stay bit-exact, the cycles
    /// are no longer the model's). 0 = the exact memory the config describes.
    /// </summary>
    public int DramStallPercent { get; init; }

    /// <summary>
    /// Verilator: models of the design run at once, each in its own thread on a contiguous share of
    /// the vectors (each resets and loads its weights itself); the outputs, cycles and layer
    /// writebacks are the same as one model's. More than the vectors runs one per vector. Under
    /// random DRAM back-pressure (<see cref="DramStallPercent"/>) each model starts the stall
    /// sequence from the seed, so the cycles differ from one model's; the outputs do not.
    /// </summary>
    public int Jobs { get; init; } = 1;

    /// <summary>The most models <see cref="Jobs"/> may ask for (each is a thread of the harness).</summary>
    public const int MaxJobs = 1024;

    /// <summary>
    /// Why <see cref="Jobs"/> cannot run with these options, in the command line's words
    /// (<c>--jobs</c>'s message); null when it can.
    /// </summary>
    public string? JobsProblem() =>
        Jobs is < 1 or > MaxJobs ? string.Create(CultureInfo.InvariantCulture, $"must be from 1 to {MaxJobs}, not {Jobs}")
        : Jobs > 1 && Trace ? "runs several Verilator models; it cannot go with --trace (one model's waveform)"
        : Jobs > 1 && Simulator != SimulatorKind.Verilator ? "runs several Verilator models; it cannot go with --simulator iverilog (one process)"
        : null;

    /// <summary>Seed of the simulated DRAM's back-pressure.</summary>
    public int DramSeed { get; init; } = 1;

    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Whether the run loads the weights through the port: asked for, or memories in SPRAM (never initialised).</summary>
    public bool LoadsThroughPort(CompressedNetwork network) => LoadThroughPort || network.Spec.Memory.NeedsRuntimeLoad;

    /// <summary>The design folder this simulation runs, for <see cref="DesignWriter"/>.</summary>
    public DesignRequest Design(CompressedNetwork network) => new(network) { BakeWeights = !LoadsThroughPort(network) };
}

/// <summary>The first output that differs between the RTL and the golden model.</summary>
/// <param name="Vector">Vector index.</param>
/// <param name="Layer">First layer whose output differs (index).</param>
/// <param name="LayerName">Its name.</param>
/// <param name="Row">Output row in original order.</param>
/// <param name="Expected">Golden model.</param>
/// <param name="Actual">RTL.</param>
public sealed record Mismatch(int Vector, int Layer, string LayerName, int Row, long Expected, long Actual);

/// <summary>Outcome of a co-simulation: outputs and cycles against the golden and cycle models.</summary>
public sealed record SimulationResult
{
    public required int Vectors { get; init; }

    /// <summary>Vectors with at least one output that differs from the golden model.</summary>
    public required int Mismatches { get; init; }

    public Mismatch? FirstMismatch { get; init; }

    /// <summary>Per vector: the RTL's compute cycles (<c>perf_cycles_o</c>).</summary>
    public required IReadOnlyList<long> Cycles { get; init; }

    /// <summary>Per vector: the cycle model's prediction.</summary>
    public required IReadOnlyList<long> ModelCycles { get; init; }

    /// <summary>
    /// Back-pressure runs: the simulated DRAM's stall cycles that held the master up (a refused
    /// request or a withheld beat), over the whole run; null without back-pressure.
    /// </summary>
    public long? DramStallCycles { get; init; }

    /// <summary>The cycle model's report of the first vector (where its cycles go, and with external weights its bounds).</summary>
    public CycleReport? FirstModel { get; init; }

    /// <summary>Per vector: ceil(useful MACs / N) summed over layers.</summary>
    public required IReadOnlyList<long> IdealCycles { get; init; }

    /// <summary>Vectors whose RTL and model cycles differ.</summary>
    public int CycleMismatches => Cycles.Zip(ModelCycles).Count(p => p.First != p.Second);

    /// <summary>Σ ideal / Σ RTL cycles.</summary>
    public double LoadEfficiency => Cycles.Sum() == 0 ? 0 : (double)IdealCycles.Sum() / Cycles.Sum();

    public bool Passed => Mismatches == 0 && CycleMismatches == 0;

    public required double BuildSeconds { get; init; }

    public required bool Rebuilt { get; init; }

    public required double RunSeconds { get; init; }

    /// <summary>Every simulated clock cycle of the run: reset, weight loading, streaming and compute.</summary>
    public required long ClockCycles { get; init; }

    /// <summary>Models that ran at once, as the harness reports (<see cref="SimulationOptions.Jobs"/>, at most one per vector).</summary>
    public int Models { get; init; } = 1;

    /// <summary>Simulated clock cycles (every model's) per wall-clock second of the run (process start included).</summary>
    public required double SimulatedCyclesPerSecond { get; init; }

    /// <summary>Where a reproducer of the first mismatch was written, if any.</summary>
    public string? ReproducerPath { get; init; }

    /// <summary>Per vector and layer: the golden model's outputs (original order).</summary>
    public required IReadOnlyList<IReadOnlyList<long[]>> Expected { get; init; }

    /// <summary>Per vector: the network's output as the RTL streamed it out (original order).</summary>
    public IReadOnlyList<long[]> RtlOutputs { get; init; } = [];
}

/// <summary>
/// Co-simulates a design folder written by <see cref="DesignWriter"/> (with
/// <see cref="SimulationOptions.Design"/>): builds it (only when its sources changed), runs the
/// vectors, and compares every layer's output with the golden model bit for bit and every
/// vector's cycle count with the cycle model.
/// </summary>
public static class Simulator
{
    /// <summary>The harness's per-model files under <c>sim/</c> when it runs several models.</summary>
    private static readonly string[] PerModelFiles = ["layers.txt.part*", "dram_stats.txt.part*"];

    /// <summary>Runs <paramref name="inputs"/> (float vectors) through the design written in <paramref name="directory"/>.</summary>
    /// <exception cref="ToolException">The simulator failed to build or run.</exception>
    /// <exception cref="InvalidOperationException">The folder holds no design of this network (a caller's defect).</exception>
    public static SimulationResult Run(
        CompressedNetwork network,
        IReadOnlyList<double[]> inputs,
        string directory,
        SimulationOptions options,
        Action<string>? progress = null)
    {
        progress ??= _ => { };
        if (options.JobsProblem() is { } problem)
        {
            throw new ArgumentException($"Jobs = {options.Jobs}: {problem}", nameof(options));
        }

        bool loadThroughPort = options.LoadsThroughPort(network);
        if (!File.Exists(Path.Combine(directory, "rtl", $"{network.Name}_pkg.sv")))
        {
            throw new InvalidOperationException($"{directory} holds no design {network.Name}: write it with DesignWriter first");
        }

        // Expected outputs and cycles.
        var quantized = inputs.Select(x => GoldenModel.QuantizeInput(network.Format, x)).ToList();
        var expected = new List<IReadOnlyList<long[]>>();
        var goldens = new List<GoldenResult>();
        var modelCycles = new List<long>();
        var idealCycles = new List<long>();
        CycleReport? firstModel = null;
        foreach (var x in quantized)
        {
            var golden = GoldenModel.Run(network, x);
            expected.Add(golden.LayerOutputs);
            goldens.Add(golden);
            var cycles = CycleModel.Run(network, golden);
            firstModel ??= cycles;
            modelCycles.Add(cycles.Cycles);
            idealCycles.Add(cycles.IdealCycles);
        }

        WriteVectors(Path.Combine(directory, "sim", "vectors.hex"), network, quantized);

        progress($"building with {Name(options.Simulator)}");
        var stopwatch = Stopwatch.StartNew();
        bool rebuilt = Build(directory, network.Name, options);
        double buildSeconds = stopwatch.Elapsed.TotalSeconds;

        progress(options.Jobs > 1 ? $"simulating {inputs.Count} vector(s) in {Math.Min(options.Jobs, inputs.Count)} models at once" : $"simulating {inputs.Count} vector(s)");
        string outputs = Path.Combine(directory, "sim", "outputs.txt");
        string layers = Path.Combine(directory, "sim", "layers.txt");
        File.Delete(outputs);
        File.Delete(layers);
        // Per-model files (the harness's +jobs) that a run stopped outright, by an RTL $fatal, leaves.
        foreach (var part in PerModelFiles.SelectMany(p => Directory.EnumerateFiles(Path.Combine(directory, "sim"), p)))
        {
            File.Delete(part);
        }

        var args = new List<string> { "run_sim.sh", Name(options.Simulator) };
        if (options.Trace)
        {
            args.Add("--trace");
        }

        args.Add("+layers=sim/layers.txt");
        if (options.Jobs > 1)
        {
            args.Add(string.Create(CultureInfo.InvariantCulture, $"+jobs={options.Jobs}"));
        }

        if (loadThroughPort)
        {
            args.Add("+load=sim/load.hex");
        }

        if (options.DramStallPercent > 0)
        {
            args.Add(string.Create(CultureInfo.InvariantCulture, $"+dram_stall={options.DramStallPercent}"));
            args.Add(string.Create(CultureInfo.InvariantCulture, $"+dram_seed={options.DramSeed}"));
            args.Add("+dram_stats=sim/dram_stats.txt");
            File.Delete(Path.Combine(directory, "sim", "dram_stats.txt"));
        }

        stopwatch.Restart();
        var run = ProcessRunner.RunChecked("sh", args, directory, options.RunTimeout);
        double runSeconds = stopwatch.Elapsed.TotalSeconds;
        if (!File.Exists(outputs))
        {
            throw new ToolException(run with { ExitCode = 1, Stderr = run.Stderr + "\nerror: the simulation wrote no sim/outputs.txt" });
        }

        var (rtlCycles, rtlOutputs, clockCycles, models) = ReadOutputs(outputs, network, inputs.Count);
        long? stallCycles = options.DramStallPercent > 0 ? ReadStallCycles(Path.Combine(directory, "sim", "dram_stats.txt")) : null;
        var rtlLayers = ReadLayers(layers, network, inputs.Count);

        int mismatches = 0;
        Mismatch? first = null;
        for (int v = 0; v < inputs.Count; v++)
        {
            var found = FirstDifference(network, v, goldens[v], rtlLayers[v], rtlOutputs[v]);
            if (found is not null)
            {
                mismatches++;
                first ??= found;
            }
        }

        return new SimulationResult
        {
            Vectors = inputs.Count,
            Mismatches = mismatches,
            FirstMismatch = first,
            Cycles = rtlCycles,
            ModelCycles = modelCycles,
            IdealCycles = idealCycles,
            FirstModel = firstModel,
            BuildSeconds = buildSeconds,
            Rebuilt = rebuilt,
            RunSeconds = runSeconds,
            SimulatedCyclesPerSecond = runSeconds > 0 ? clockCycles / runSeconds : 0,
            ClockCycles = clockCycles,
            Models = models,
            Expected = expected,
            RtlOutputs = rtlOutputs,
            DramStallCycles = stallCycles,
        };
    }

    /// <summary>The simulated DRAM's "stall cycles n" (back-pressure runs).</summary>
    /// <exception cref="InvalidDataException">The file is missing or malformed.</exception>
    private static long ReadStallCycles(string path)
    {
        string text = File.Exists(path) ? File.ReadAllText(path).Trim() : throw new InvalidDataException($"{path}: the simulated DRAM wrote no stall count");
        return text.StartsWith("stall cycles ", StringComparison.Ordinal) && long.TryParse(text["stall cycles ".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? n
            : throw new InvalidDataException($"{path}: expected \"stall cycles <n>\", found \"{text}\"");
    }

    /// <summary>Builds the simulation model unless a build of exactly these sources exists.</summary>
    /// <returns>True when it had to build.</returns>
    public static bool Build(string directory, string name, SimulationOptions options)
    {
        string kind = Name(options.Simulator);
        string stamp = Path.Combine(directory, options.Simulator == SimulatorKind.Verilator
            ? (options.Trace ? "obj_dir_trace" : "obj_dir")
            : ".", $".hwgen-build-{kind}{(options.Trace ? "-trace" : "")}");
        string binary = options.Simulator == SimulatorKind.Verilator
            ? Path.Combine(Path.GetDirectoryName(stamp)!, "Vhwgen_sim")
            : Path.Combine(directory, "sim.vvp");
        string hash = SourceHash(directory, name, options);
        if (File.Exists(binary) && File.Exists(stamp) && File.ReadAllText(stamp) == hash)
        {
            return false;
        }

        var args = new List<string> { "build_sim.sh", kind };
        if (options.Trace)
        {
            args.Add("--trace");
        }

        ProcessRunner.RunChecked("sh", args, directory, options.BuildTimeout);
        File.WriteAllText(stamp, hash);
        return true;
    }

    private static string SourceHash(string directory, string name, SimulationOptions options)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var rtl = File.ReadAllLines(Path.Combine(directory, "sources.f")).Where(l => l.Length > 0);
        var sources = rtl.Concat(["tb/hwgen_sim_top.sv", "tb/hwgen_tb.sv", "tb/hwgen_harness.cpp", "build_sim.sh"]);
        foreach (var source in sources)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(source));
            sha.AppendData(File.ReadAllBytes(Path.Combine(directory, source)));
        }

        sha.AppendData(Encoding.UTF8.GetBytes($"{options.Simulator}{options.Trace}"));
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private static string Name(SimulatorKind kind) => kind == SimulatorKind.Verilator ? "verilator" : "iverilog";

    /// <summary>Writes the vectors file the harness and testbench read.</summary>
    public static void WriteVectors(string path, CompressedNetwork network, IReadOnlyList<long[]> vectors)
    {
        int bits = network.Format.ActivationBits;
        var text = new StringBuilder();
        // The hardware input order: an LSTM network's steps padded to whole groups (zeros).
        var hwInToIn = network.Layers[0].HwInToIn;
        text.Append(CultureInfo.InvariantCulture, $"{vectors.Count} {hwInToIn.Length} {network.HwOutputSize}\n");
        foreach (var vector in vectors)
        {
            foreach (int i in hwInToIn)
            {
                long value = i >= 0 ? vector[i] : 0;
                text.Append(MemoryMap.Hex([(ulong)value], bits)).Append('\n');
            }
        }

        OutputWriter.WriteIfChanged(path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static (List<long> Cycles, List<long[]> Outputs, long ClockCycles, int Models) ReadOutputs(string path, CompressedNetwork network, int vectors)
    {
        long clockCycles = 0;
        int models = 1;
        var cycles = new List<long>();
        var outputs = new List<long[]>();
        var hwOutToOut = network.Layers[^1].HwOutToOut;
        long[]? current = null;
        int h = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("vector ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                cycles.Add(long.Parse(parts[3], CultureInfo.InvariantCulture));
                current = new long[network.OutputSize];
                outputs.Add(current);
                h = 0;
            }
            else if (line.StartsWith("clock cycles ", StringComparison.Ordinal))
            {
                clockCycles = long.Parse(line["clock cycles ".Length..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("models ", StringComparison.Ordinal))
            {
                // The Verilator harness says how many models ran (the Icarus testbench is one).
                models = int.Parse(line["models ".Length..], CultureInfo.InvariantCulture);
            }
            else if (current is not null && line.Length > 0)
            {
                // Padding positions (an LSTM's units beyond H) are checked in the layer writes.
                int o = hwOutToOut[h++];
                if (o >= 0)
                {
                    current[o] = long.Parse(line, CultureInfo.InvariantCulture);
                }
            }
        }

        if (cycles.Count != vectors)
        {
            throw new InvalidDataException($"{path}: expected {vectors} vectors, found {cycles.Count}");
        }

        return (cycles, outputs, clockCycles, models);
    }

    /// <summary>
    /// Every layer's writebacks per vector: a fully connected layer's in original row order; an
    /// LSTM layer's h_t of every step in hardware order (<see cref="LstmWrites"/>).
    /// </summary>
    /// <remarks>
    /// Each vector writes back LocalRows × N words per fully connected layer and T × U × N per
    /// LSTM layer, layers in order; each line is "layer word pe value step".
    /// </remarks>
    private static List<long[][]> ReadLayers(string path, CompressedNetwork network, int vectors)
    {
        int pes = network.Pes;
        var perLayer = network.Layers.Select(l => l.Lstm is not null ? LstmWrites(l, pes) : ((l.Rows + pes - 1) / pes) * pes).ToArray();
        int perVector = perLayer.Sum();
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length != perVector * vectors)
        {
            throw new InvalidDataException($"{path}: expected {perVector * vectors} writebacks for {vectors} vectors, found {lines.Length}");
        }

        var result = new List<long[][]>(vectors);
        for (int v = 0; v < vectors; v++)
        {
            var layers = network.Layers.Select(l => new long[l.Lstm is null ? l.Rows : LstmWrites(l, pes)]).ToArray();
            for (int i = v * perVector; i < (v + 1) * perVector; i++)
            {
                var parts = lines[i].Split(' ');
                int layer = int.Parse(parts[0], CultureInfo.InvariantCulture);
                int word = int.Parse(parts[1], CultureInfo.InvariantCulture);
                int pe = int.Parse(parts[2], CultureInfo.InvariantCulture);
                if (network.Layers[layer].Lstm is not null)
                {
                    // Unit slot u of step t (the word is t·U + u for a whole sequence, u otherwise).
                    int step = int.Parse(parts[4], CultureInfo.InvariantCulture);
                    int units = (network.Layers[layer].Lstm!.Hidden + pes - 1) / pes;
                    layers[layer][(((step * units) + (word % units)) * pes) + pe] = long.Parse(parts[3], CultureInfo.InvariantCulture);
                    continue;
                }

                int hw = (word * pes) + pe;
                if (hw < network.Layers[layer].Rows)
                {
                    layers[layer][network.Layers[layer].HwRowToRow[hw]] = long.Parse(parts[3], CultureInfo.InvariantCulture);
                }
            }

            result.Add(layers);
        }

        return result;
    }

    /// <summary>An LSTM layer's h_t writes per inference: U × N per step (padding units included), T steps.</summary>
    private static int LstmWrites(CompressedLayer layer, int pes) =>
        layer.Lstm!.Steps * ((layer.Lstm.Hidden + pes - 1) / pes) * pes;

    /// <summary>
    /// What an LSTM layer's writes must be, in <see cref="ReadLayers"/>'s order: h_t of every step
    /// from the golden model, each unit at its slot (<see cref="CompressedLayer.LstmSlotUnits"/>), zero for the padding slots.
    /// </summary>
    private static long[] LstmExpected(CompressedLayer layer, int pes, long[][] states)
    {
        var lstm = layer.Lstm!;
        var units = layer.LstmSlotUnits;
        var expected = new long[LstmWrites(layer, pes)];
        for (int t = 0; t < lstm.Steps; t++)
        {
            for (int slot = 0; slot < units.Length; slot++)
            {
                expected[(t * units.Length) + slot] = units[slot] >= 0 ? states[t][units[slot]] : 0;
            }
        }

        return expected;
    }

    private static Mismatch? FirstDifference(CompressedNetwork network, int vector, GoldenResult golden, long[][] layers, long[] outputs)
    {
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            if (layer.Lstm is not null)
            {
                // Every step's h_t, padding units included (they must be 0).
                var states = LstmExpected(layer, network.Pes, golden.HiddenStates[l]!);
                for (int i = 0; i < states.Length; i++)
                {
                    if (layers[l][i] != states[i])
                    {
                        return new Mismatch(vector, l, layer.Name, i, states[i], layers[l][i]);
                    }
                }
            }

            var expected = golden.LayerOutputs;
            if (layer.Lstm is not null && l < network.Layers.Count - 1)
            {
                continue;
            }

            var actual = l == network.Layers.Count - 1 ? outputs : layers[l];
            for (int r = 0; r < expected[l].Length; r++)
            {
                if (layer.Lstm is null && layers[l][r] != expected[l][r])
                {
                    return new Mismatch(vector, l, network.Layers[l].Name, r, expected[l][r], layers[l][r]);
                }

                if (actual[r] != expected[l][r])
                {
                    return new Mismatch(vector, l, network.Layers[l].Name, r, expected[l][r], actual[r]);
                }
            }
        }

        return null;
    }
}
