using System.CommandLine;
using System.Globalization;
using HwGen.Compression;
using HwGen.Emit;
using HwGen.Hardware;
using HwGen.Model;
using HwGen.Reports;
using HwGen.Simulation;
using HwGen.Synthesis;
using Spectre.Console;

namespace HwGen.Cli;

/// <summary>The commands of DESIGN §8; each parses its options and calls the library.</summary>
internal static class Commands
{
    public static Command Estimate(TextWriter stdout, TextWriter stderr)
    {
        var config = ConfigArgument();
        var json = JsonOption();
        var vectors = new Option<int?>("--vectors") { Description = "Input vectors to model: the first N of dataset.test (default: all of it); without a test set, the config's input, then random ones (default 1)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the random vectors.", DefaultValueFactory = _ => 1 };
        var outputs = new Option<string?>("--outputs") { Description = "Write the fixed-point outputs (golden model, int32, shape (vectors, outputs), Fa fraction bits) to this .npy file." };
        var force = new Option<bool>("--force") { Description = "Replace an existing --outputs file." };
        var command = new Command("estimate", "Compression statistics, the cycle model and accuracy at every stage (top-1 against dataset.test's labels); no RTL.")
        {
            config, json, vectors, seed, outputs, force,
        };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            int? asked = parse.GetValue(vectors);
            int seedValue = CheckSeed(parse.GetValue(seed));
            string? outputsPath = parse.GetValue(outputs);
            if (outputsPath is not null)
            {
                CheckOutputFile(outputsPath, "--outputs", parse.GetValue(force), ".npy");
            }

            var design = Design.Load(parse.GetValue(config)!);
            int count = asked is { } n ? CheckPositive(n, "--vectors") : design.Test?.Count ?? 1;
            CheckVectorMemory(count, design);
            var report = EstimateReport.Build(design, count, seedValue);
            foreach (string warning in Tables.SaturationWarnings(report))
            {
                stderr.WriteLine($"hwgen: {warning}");
            }

            if (outputsPath is not null)
            {
                WriteOutputs(outputsPath, design, design.Vectors(count, seedValue));
            }

            if (report.HasLstm)
            {
                // LSTM layers: their kind and shape, and cycles per step.
                var model = ModelEstimateJson.From(report);
                if (parse.GetValue(json))
                {
                    stdout.WriteLine(HwGenJson.Write(model));
                }
                else
                {
                    Tables.ModelEstimate(Console(stdout), report, model);
                }
            }
            else if (parse.GetValue(json))
            {
                stdout.WriteLine(HwGenJson.Write(EstimateJson.From(report)));
            }
            else
            {
                Tables.Estimate(Console(stdout), report);
            }

            return Cli.Success;
        }));
        return command;
    }

    public static Command Generate(TextWriter stdout, TextWriter stderr)
    {
        var config = ConfigArgument();
        var output = OutputOption();
        var json = JsonOption();
        var force = ForceOption();
        var command = new Command("generate", "Write the design: RTL, memory images, testbench, scripts and reports.") { config, output, json, force };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            string dir = parse.GetValue(output)!;
            OutputWriter.CheckWritable(dir, parse.GetValue(force));
            var design = Design.Load(parse.GetValue(config)!);
            var report = EstimateReport.Build(design.Network, design.Vectors(1, design.Config.Seed));
            var files = DesignWriter.Files(new DesignRequest(design.Network) { Report = new DesignReport(design, report) });
            int changed = OutputWriter.Write(dir, files, parse.GetValue(force), Inputs(design));
            if (parse.GetValue(json))
            {
                stdout.WriteLine(HwGenJson.Write(new GenerateJson(design.Network.Name, dir, files.Count, changed, EstimateJson.From(report))));
            }
            else
            {
                stdout.WriteLine($"Generated {design.Network.Name}: {files.Count} files in {dir} ({changed} changed).");
                stdout.WriteLine($"  Simulate: {Path.Combine(dir, "build_sim.sh")} && {Path.Combine(dir, "run_sim.sh")}");
            }

            return Cli.Success;
        }));
        return command;
    }

    public static Command Simulate(TextWriter stdout, TextWriter stderr)
    {
        var config = ConfigArgument();
        var output = OutputOption();
        var json = JsonOption();
        var force = ForceOption();
        var vectors = new Option<int>("--vectors") { Description = "Vectors to run: the first N of dataset.test; without a test set, the config's input, then random ones.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random vectors.", DefaultValueFactory = _ => 1 };
        var simulator = new Option<string>("--simulator") { Description = "verilator or iverilog.", DefaultValueFactory = _ => "verilator" };
        simulator.AcceptOnlyFromAmong("verilator", "iverilog");
        var trace = new Option<bool>("--trace") { Description = "Write a waveform to DIR/sim/trace.fst (Verilator) or trace.vcd (Icarus)." };
        var loadPort = new Option<bool>("--load-port") { Description = "Start with empty memories and load the weights through the memory-load port." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Verilator models run at once, each in its own thread on its share of the vectors (each resets and loads its weights itself).", DefaultValueFactory = _ => 1 };
        var command = new Command("simulate", "Generate, build and co-simulate against the golden model and the cycle model.")
        {
            config, output, json, force, vectors, seed, simulator, trace, loadPort, jobs,
        };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            string dir = parse.GetValue(output)!;
            int count = CheckPositive(parse.GetValue(vectors), "--vectors");
            int seedValue = CheckSeed(parse.GetValue(seed));
            var options = new SimulationOptions
            {
                Simulator = parse.GetValue(simulator) == "iverilog" ? SimulatorKind.Iverilog : SimulatorKind.Verilator,
                Trace = parse.GetValue(trace),
                LoadThroughPort = parse.GetValue(loadPort),
                Jobs = parse.GetValue(jobs),
            };
            if (options.JobsProblem() is { } problem)
            {
                throw new Configuration.ConfigException(new Configuration.ConfigError("command line", 0, 0, "--jobs", problem));
            }

            OutputWriter.CheckWritable(dir, parse.GetValue(force));
            var design = Design.Load(parse.GetValue(config)!);
            CheckVectorMemory(count, design);

            // Held for the whole run: no other HwGen writes here while this one builds and simulates.
            using var hold = OutputWriter.Lock(dir, Inputs(design));
            var inputs = design.Vectors(count, seedValue);
            var report = EstimateReport.Build(design.Network, inputs.Take(1).ToList());
            DesignWriter.Write(dir, options.Design(design.Network) with { Report = new DesignReport(design, report) }, parse.GetValue(force), Inputs(design));
            bool terminal = !System.Console.IsErrorRedirected && !parse.GetValue(json);
            var result = Simulator.Run(design.Network, inputs, dir, options, terminal ? m => stderr.WriteLine($"hwgen: {m}") : null);
            string? reproducer = result.FirstMismatch is null ? null : Reproducer.Write(design, inputs[result.FirstMismatch.Vector], dir);
            if (parse.GetValue(json))
            {
                stdout.WriteLine(HwGenJson.Write(SimulationJson.From(design, result, options, reproducer)));
            }
            else
            {
                Tables.Simulation(Console(stdout), design, result, options, reproducer);
            }

            return result.Passed ? Cli.Success : Cli.CheckFailed;
        }));
        return command;
    }

    public static Command Synth(TextWriter stdout, TextWriter stderr)
    {
        var config = ConfigArgument();
        var output = OutputOption();
        var json = JsonOption();
        var force = ForceOption();
        var board = new Option<string>("--board") { Description = $"The board: {string.Join(", ", BoardCatalog.Names())} (a folder under Boards/).", Required = true };
        var command = new Command("synth", "Synthesize for a board: iCE40 to a bitstream (yosys, nextpnr, icepack) with utilization and Fmax; Xilinx to a yosys resource estimate and Vivado scripts.")
        {
            config, output, json, force, board,
        };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            string dir = parse.GetValue(output)!;
            OutputWriter.CheckWritable(dir, parse.GetValue(force));
            var target = BoardCatalog.Load(parse.GetValue(board)!);
            var design = Design.Load(parse.GetValue(config)!);
            using var hold = OutputWriter.Lock(dir, Inputs(design));
            BoardBuild build;
            try
            {
                build = BoardBuild.Prepare(design.Network, target);
            }
            catch (HardwareSpecException e)
            {
                throw design.Locate(e);
            }

            DesignWriter.Write(dir, DesignRequest.For(build), parse.GetValue(force), Inputs(design));
            bool terminal = !System.Console.IsErrorRedirected && !parse.GetValue(json);
            var result = Synthesizer.Run(build, dir, new SynthesisOptions(), terminal ? m => stderr.WriteLine($"hwgen: {m}") : null);
            if (parse.GetValue(json))
            {
                stdout.WriteLine(HwGenJson.Write(SynthesisJson.From(result, dir)));
            }
            else
            {
                SynthTables.Write(Console(stdout), result, dir);
            }

            if (!result.Fits)
            {
                stderr.WriteLine($"hwgen: {design.Network.Name} does not fit the {target.Part}: {result.FitProblem}");
            }
            else if (result.TimingMet == false)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hwgen: {design.Network.Name} reaches {result.FmaxMhz:0.##} MHz, below the {result.TargetMhz:0.###} MHz it is built for; lower hardware.clock_mhz"));
            }

            return result.Passed ? Cli.Success : Cli.CheckFailed;
        }));
        return command;
    }

    public static Command Bench(TextWriter stdout, TextWriter stderr)
    {
        var output = new Option<string>("--output", "-o") { Description = "Folder for eie.md, eie.csv, eie_lstm.csv, eie_external.csv and the figures.", DefaultValueFactory = _ => "out/bench-eie" };
        var json = JsonOption();
        var alex8 = new Option<string>("--alex8") { Description = "Config of the real alex8 layer to add to the table.", DefaultValueFactory = _ => "examples/alex8.yaml" };
        var noFigures = new Option<bool>("--no-figures") { Description = "Only the table, without the FIFO-depth and PE-count sweeps." };
        var eie = new Command("eie", "EIE's benchmark layers (ISCA 2016) on 64 PEs, FIFO 8, with the paper's design-space figures, and ESE-style LSTM layers at 32 and 64 PEs.") { output, json, alex8, noFigures };
        eie.SetAction(parse => Cli.Guard(stderr, () =>
        {
            OutputWriter.CheckName(parse.GetValue(output)!);
            string? alex8Path = parse.GetValue(alex8);
            if (alex8Path is not null && !File.Exists(alex8Path))
            {
                if (parse.GetResult(alex8) is { Implicit: false })
                {
                    throw new Configuration.ConfigException(new Configuration.ConfigError(alex8Path, 0, 0, "--alex8", "file not found"));
                }

                alex8Path = null;
            }

            bool terminal = !System.Console.IsErrorRedirected && !parse.GetValue(json);
            var result = Benchmarks.EieBenchmark.Run(alex8Path, figures: !parse.GetValue(noFigures), progress: terminal ? m => stderr.WriteLine($"hwgen: {m}") : null);
            var files = Benchmarks.EieBenchmark.Write(result, parse.GetValue(output)!);
            if (parse.GetValue(json))
            {
                stdout.WriteLine(HwGenJson.Write(Benchmarks.EieBenchmarkJson.From(result, files)));
            }
            else
            {
                stdout.Write(Benchmarks.EieBenchmark.Markdown(result));
                stdout.WriteLine($"{result.Seconds:F1} s; written: {string.Join(", ", files)}");
            }

            return Cli.Success;
        }));
        return new Command("bench", "Benchmarks.") { eie };
    }

    /// <summary>Refuses an output file that exists (unless forced), is a folder, or has the wrong extension.</summary>
    private static void CheckOutputFile(string path, string option, bool force, string extension)
    {
        static Configuration.ConfigException Error(string path, string option, string message) =>
            new(new Configuration.ConfigError(path, 0, 0, option, message));
        if (!path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
        {
            throw Error(path, option, $"must be a {extension} file");
        }

        if (Directory.Exists(path))
        {
            throw Error(path, option, "is a folder");
        }

        if (File.Exists(path) && !force)
        {
            throw Error(path, option, "exists; pass --force to replace it");
        }
    }

    /// <summary>The golden model's outputs of the vectors (fast evaluator, bit-exact) as an int32 .npy.</summary>
    private static void WriteOutputs(string path, Design design, IReadOnlyList<double[]> vectors)
    {
        var network = design.Network;
        var fast = new FastEvaluator(network);
        var outputs = fast.Run(vectors.Select(v => GoldenModel.QuantizeInput(network.Format, v)).ToList()).Outputs;
        var values = outputs.SelectMany(o => o.Select(y => (double)y)).ToArray();
        var array = IO.Npy.Create(IO.NpyType.Int32, [vectors.Count, network.OutputSize], values);
        using var stream = new MemoryStream();
        IO.Npy.WriteNpy(stream, array);
        OutputWriter.WriteIfChanged(path, stream.ToArray());
    }

    private static Argument<string> ConfigArgument() => new("CONFIG") { Description = "The design's YAML config file." };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON object on stdout instead of tables." };

    private static Option<bool> ForceOption() => new("--force") { Description = "Write into a non-empty folder that HwGen did not write." };

    private static Option<string> OutputOption() => new("--output", "-o") { Description = "Output folder.", Required = true };

    private static int CheckPositive(int value, string option) => value >= 1
        ? value
        : throw new Configuration.ConfigException(new Configuration.ConfigError("command line", 0, 0, option, $"must be at least 1, not {value.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>Seeds are 0 to 2^31 − 1, as the config's <c>seed</c>.</summary>
    private static int CheckSeed(int value) => value >= 0
        ? value
        : throw new Configuration.ConfigException(new Configuration.ConfigError("command line", 0, 0, "--seed", string.Create(CultureInfo.InvariantCulture, $"must be from 0 to {int.MaxValue}, not {value}")));

    /// <summary>Refuses more vectors than the machine's memory holds (each is held with every layer's outputs).</summary>
    private static void CheckVectorMemory(int count, Design design)
    {
        long activations = design.Network.InputSize + design.Network.Layers.Sum(l => (long)l.Rows);
        long perVector = activations * Platform.MemoryBudget.BytesPerActivation;
        long most = Platform.MemoryBudget.AvailableBytes / perVector;
        if (count > most)
        {
            throw new Configuration.ConfigException(new Configuration.ConfigError("command line", 0, 0, "--vectors", string.Create(CultureInfo.InvariantCulture,
                $"{count} vectors of {design.Network.Name} ({activations} activations each) need about {Platform.MemoryBudget.Size((double)count * perVector)} of memory, more than {Platform.MemoryBudget.Available}; use at most {most}")));
        }
    }

    /// <summary>The files a design was read from: its config and data files, which no output may replace.</summary>
    private static string[] Inputs(Design design)
    {
        var config = design.Config;
        var splits = new[] { config.Dataset.Test, config.Dataset.Train };
        var data = config.Layers.Select(l => l.Weights.Path).Prepend(config.Input.Path)
            .Concat(splits.SelectMany(s => new[] { s.Path, s.LabelsPath })).OfType<string>().Select(config.ResolvePath);
        return [config.SourceFile, .. data];
    }

    private static IAnsiConsole Console(TextWriter writer)
    {
        bool terminal = writer == System.Console.Out && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
        });
        if (!terminal)
        {
            // Redirected output is read by people later (logs, CI): don't wrap tables at 80 columns.
            console.Profile.Width = 200;
        }

        return console;
    }
}
