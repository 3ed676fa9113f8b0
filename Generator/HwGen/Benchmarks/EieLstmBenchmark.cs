using System.Globalization;
using System.Text;
using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;
using HwGen.IO;
using HwGen.Model;
using HwGen.Onnx;

namespace HwGen.Benchmarks;

/// <summary>
/// One synthetic LSTM layer of the EIE benchmark's LSTM table (ESE, FPGA 2017): random gate
/// weights pruned to <paramref name="WeightDensity"/>, random dense inputs.
/// </summary>
/// <param name="Name">Row name.</param>
/// <param name="Features">F: features per step.</param>
/// <param name="Hidden">H: hidden units.</param>
/// <param name="Steps">T: steps per input sequence.</param>
/// <param name="WeightDensity">Fraction of the 4H × (F + H) gate weights kept.</param>
public sealed record EieLstmLayer(string Name, int Features, int Hidden, int Steps, double WeightDensity);

/// <summary>One row of the LSTM table: one layer, PE count and pruning method, summed over its input sequences.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Pes">N.</param>
/// <param name="Pruning">Magnitude or load-balance-aware pruning.</param>
/// <param name="Vectors">Input sequences the cycles are summed over.</param>
/// <param name="NonZeros">Weights kept.</param>
/// <param name="Entries">Entries stored, padding included.</param>
/// <param name="PeNonZerosMin">Fewest weights kept on one PE.</param>
/// <param name="PeNonZerosMax">Most weights kept on one PE.</param>
/// <param name="HiddenDensity">Fraction of non-zero values in h_1 … h_(T−1), the states steps 2 … T broadcast (1 for T = 1).</param>
/// <param name="Cycles">The cycle model's figures (<see cref="CycleModel.Run(CompressedNetwork, GoldenResult)"/>), summed over every sequence.</param>
/// <param name="LaterSteps">
/// The cycle model's figures of steps 2 … T alone (<see cref="CycleModel.RunLstmSteps"/>), summed
/// over every sequence: the steps that broadcast
/// h_(t−1) as well as x_t; null when T = 1.
/// </param>
public sealed record EieLstmRow(
    EieLstmLayer Layer,
    int Pes,
    PruningMethod Pruning,
    int Vectors,
    long NonZeros,
    long Entries,
    long PeNonZerosMin,
    long PeNonZerosMax,
    double HiddenDensity,
    LayerCycles Cycles,
    LayerCycles? LaterSteps)
{
    /// <summary>Σ over every step of ceil(entries the step processed, padding included / N): the work bound.</summary>
    public long WorkCycles { get; init; }

    /// <summary>Kept weights / the 4H × (F + H) gate weights.</summary>
    public double WeightDensity => (double)NonZeros / (4L * Layer.Hidden * (Layer.Features + Layer.Hidden));

    /// <summary>Steps run: T × sequences.</summary>
    public int StepsRun => Cycles.Steps;

    /// <summary>Model cycles / steps run: the mean cycles of a step.</summary>
    public double CyclesPerStep => Cycles.CyclesPerStep;

    /// <summary>Σ over the steps of ceil(useful MACs of the step / N), per step.</summary>
    public double IdealCyclesPerStep => (double)Cycles.IdealCycles / Cycles.Steps;

    /// <summary>Ideal / model cycles.</summary>
    public double LoadEfficiency => Cycles.LoadEfficiency;

    /// <summary>The work bound per step: <see cref="WorkCycles"/> / steps run.</summary>
    public double WorkCyclesPerStep => (double)WorkCycles / Cycles.Steps;

    /// <summary>Work bound / model cycles: the load balance alone (padding not counted as a loss).</summary>
    public double BalanceEfficiency => (double)WorkCycles / Cycles.Cycles;

    /// <summary>
    /// The writeback phase of one step: 4U + 8 cycles (U = ceil(H / N)); it runs behind the next
    /// step's compute phase, so only the last step's adds cycles.
    /// </summary>
    public long WritebackCyclesPerStep { get; init; }

    /// <summary>Writeback cycles that add to the total (the last step's of each sequence) / model cycles.</summary>
    public double WritebackShare => (double)Cycles.WritebackCycles / Cycles.Cycles;
}

/// <summary>One row of the LSTM table in <see cref="EieBenchmarkJson"/> (FIFO depth 8).</summary>
/// <param name="Layer">The row's name.</param>
/// <param name="Features">F: features per step.</param>
/// <param name="Hidden">H: hidden units.</param>
/// <param name="Steps">T: steps per input sequence.</param>
/// <param name="Sequences">Random input sequences (x_t density 1.0) the cycles are averaged over.</param>
/// <param name="Pes">N.</param>
/// <param name="Pruning"><c>magnitude</c> or <c>load_balanced</c> (<c>compression.pruning</c>).</param>
/// <param name="WeightDensity">Kept weights / the 4H × (F + H) gate weights.</param>
/// <param name="NonZeros">Weights kept.</param>
/// <param name="Entries">Entries stored, padding included.</param>
/// <param name="PeNonZerosMin">Fewest weights kept on one PE.</param>
/// <param name="PeNonZerosMax">Most weights kept on one PE.</param>
/// <param name="HiddenDensity">Fraction of non-zero values in h_1 … h_(T−1), the states steps 2 … T broadcast.</param>
/// <param name="ModelCycles">Cycle-model cycles, summed over every step of every sequence.</param>
/// <param name="CyclesPerStep">model_cycles / (steps × sequences).</param>
/// <param name="IdealCyclesPerStep">Σ over the steps of ceil(useful MACs / N), per step.</param>
/// <param name="LoadEfficiency">ideal / model cycles.</param>
/// <param name="WorkCyclesPerStep">Σ over the steps of ceil(entries processed, padding included / N), per step.</param>
/// <param name="BalanceEfficiency">work_cycles_per_step / cycles_per_step.</param>
/// <param name="LaterCyclesPerStep">Mean cycles of steps 2 … T (which broadcast h_(t−1) too); 0 when T = 1.</param>
/// <param name="LaterLoadEfficiency">Ideal / model cycles over steps 2 … T; 0 when T = 1.</param>
/// <param name="WritebackCyclesPerStep">The writeback phase of a step: 4U + 8 cycles, U = ceil(H / N).</param>
/// <param name="WritebackShare">Writeback cycles / model cycles.</param>
public sealed record EieLstmRowJson(
    string Layer,
    int Features,
    int Hidden,
    int Steps,
    int Sequences,
    int Pes,
    string Pruning,
    double WeightDensity,
    long NonZeros,
    long Entries,
    long PeNonZerosMin,
    long PeNonZerosMax,
    double HiddenDensity,
    long ModelCycles,
    double CyclesPerStep,
    double IdealCyclesPerStep,
    double LoadEfficiency,
    double WorkCyclesPerStep,
    double BalanceEfficiency,
    double LaterCyclesPerStep,
    double LaterLoadEfficiency,
    long WritebackCyclesPerStep,
    double WritebackShare)
{
    /// <summary>The JSON form of a row.</summary>
    public static EieLstmRowJson From(EieLstmRow r) => new(
        r.Layer.Name, r.Layer.Features, r.Layer.Hidden, r.Layer.Steps, r.Vectors, r.Pes, ConfigNames.Snake(r.Pruning), r.WeightDensity, r.NonZeros,
        r.Entries, r.PeNonZerosMin, r.PeNonZerosMax, r.HiddenDensity, r.Cycles.Cycles, r.CyclesPerStep, r.IdealCyclesPerStep, r.LoadEfficiency,
        r.WorkCyclesPerStep, r.BalanceEfficiency, r.LaterSteps?.CyclesPerStep ?? 0, r.LaterSteps?.LoadEfficiency ?? 0, r.WritebackCyclesPerStep, r.WritebackShare);
}

/// <summary>
/// The EIE benchmark's second table, ESE-style LSTM rows: synthetic LSTM layers (random weights of
/// a stated density, random dense signed inputs, h_t whatever the layer computes) through HwGen's
/// compression (unit placement, magnitude or load-balance-aware pruning, 4-bit codes and indices),
/// golden model and cycle model at 32 and 64 PEs, FIFO depth 8. The figure is cycles per step.
/// </summary>
public static class EieLstmBenchmark
{
    /// <summary>
    /// Steps of every sequence: a few, since cycles per step is the figure. The first step
    /// broadcasts x_1 alone (h_0 = 0), so the table also gives steps 2 … T on their own.
    /// </summary>
    public const int Steps = 8;

    /// <summary>Random input sequences per row.</summary>
    public const int Sequences = 4;

    /// <summary>The PE counts of the table.</summary>
    public static readonly int[] PeCounts = [32, 64];

    /// <summary>The pruning methods of the table.</summary>
    public static readonly PruningMethod[] Prunings = [PruningMethod.Magnitude, PruningMethod.LoadBalanced];

    /// <summary>
    /// ESE's LSTM (153 features, 1024 hidden, ~10 % density after pruning) without its projection
    /// layer, and EIE's NT-LSTM row (1201×2400 = [W | R | b] of a 600-unit LSTM with 600 inputs) as
    /// a real LSTM.
    /// </summary>
    public static readonly IReadOnlyList<EieLstmLayer> Layers =
    [
        new("ESE-LSTM", 153, 1024, Steps, 0.10),
        new("NT-LSTM-600", 600, 600, Steps, 0.10),
    ];

    /// <summary>Runs every layer at every PE count with both pruning methods.</summary>
    /// <param name="layers">The layers.</param>
    /// <param name="peCounts">The PE counts.</param>
    /// <param name="sequences">Random input sequences per row.</param>
    /// <param name="seed">Seed of the weights and inputs.</param>
    /// <param name="progress">Receives a line per row.</param>
    public static IReadOnlyList<EieLstmRow> Run(IEnumerable<EieLstmLayer> layers, IReadOnlyList<int> peCounts, int sequences = Sequences, int seed = 1, Action<string>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequences);
        progress ??= _ => { };
        var rows = new List<EieLstmRow>();
        foreach (var layer in layers)
        {
            var baseConfig = Synthetic(layer, EieBenchmark.Pes, PruningMethod.Magnitude, seed);
            var data = NetworkLoader.Load(baseConfig, OnnxModelReader.Instance);
            var inputs = NetworkLoader.RandomInputs(baseConfig, sequences, seed);
            foreach (var pruning in Prunings)
            {
                foreach (int pes in peCounts)
                {
                    progress($"{layer.Name}: {ConfigNames.Snake(pruning)} pruning, {pes} PEs");
                    rows.Add(Measure(layer, Synthetic(layer, pes, pruning, seed), data, inputs));
                }
            }
        }

        return rows;
    }

    /// <summary>The config of a synthetic LSTM layer on <paramref name="pes"/> PEs.</summary>
    public static HwGenConfig Synthetic(EieLstmLayer layer, int pes, PruningMethod pruning, int seed) => new()
    {
        Name = layer.Name.ToLowerInvariant().Replace('-', '_'),
        Seed = seed,
        Input = new InputConfig { Size = layer.Features, Steps = layer.Steps, Density = 1.0, Signed = true },
        Layers = [new LayerConfig { Name = "lstm", Kind = LayerKind.Lstm, Hidden = layer.Hidden, Output = LstmOutput.Sequence, Weights = new WeightsConfig { Density = layer.WeightDensity } }],
        Compression = new CompressionConfig { CodebookBits = 4, IndexBits = 4, Pruning = pruning },
        Hardware = new HardwareConfig { Pes = pes, FifoDepth = EieBenchmark.FifoDepth, ClockMhz = EieBenchmark.ClockMhz },
    };

    /// <summary>The LSTM table in Markdown.</summary>
    public static string Markdown(IReadOnlyList<EieLstmRow> rows)
    {
        var md = new StringBuilder();
        md.Append("| layer | F, H, T | PEs | pruning | weight density | entries (with padding) | weights per PE (min–max) | h density | cycles per step | ideal per step | load eff. | work per step (entries / N) | balance eff. (work / cycles) | steps 2…T: cycles per step (load eff.) | writeback per step (4U + 8, behind the next step) | writeback share (last steps) |\n");
        md.Append("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in rows)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {r.Layer.Name} | {r.Layer.Features}, {r.Layer.Hidden}, {r.Layer.Steps} | {r.Pes} | {ConfigNames.Snake(r.Pruning)} | {r.WeightDensity:P1} | {r.Entries:N0} | {r.PeNonZerosMin:N0}–{r.PeNonZerosMax:N0} | {r.HiddenDensity:P1} | {r.CyclesPerStep:N1} | {r.IdealCyclesPerStep:N1} | {r.LoadEfficiency:P1} | {r.WorkCyclesPerStep:N1} | {r.BalanceEfficiency:P1} | {(r.LaterSteps is { } later ? $"{later.CyclesPerStep:N1} ({later.LoadEfficiency:P1})" : "—")} | {r.WritebackCyclesPerStep:N0} | {r.WritebackShare:P1} |\n");
        }

        return md.ToString();
    }

    /// <summary>The LSTM table as CSV.</summary>
    public static string Csv(IReadOnlyList<EieLstmRow> rows) => new CsvTable(
        ["layer", "features", "hidden", "steps", "sequences", "pes", "pruning", "weight_density", "non_zeros", "entries", "pe_non_zeros_min",
            "pe_non_zeros_max", "hidden_density", "model_cycles", "cycles_per_step", "ideal_cycles_per_step", "load_efficiency",
            "work_cycles_per_step", "balance_efficiency", "later_cycles_per_step", "later_load_efficiency", "writeback_cycles_per_step", "writeback_share"],
        [.. rows.Select(EieLstmRowJson.From).Select(r => (IReadOnlyList<string>)
        [
            r.Layer, Cell(r.Features), Cell(r.Hidden), Cell(r.Steps), Cell(r.Sequences), Cell(r.Pes), r.Pruning, Cell(r.WeightDensity), Cell(r.NonZeros),
            Cell(r.Entries), Cell(r.PeNonZerosMin), Cell(r.PeNonZerosMax), Cell(r.HiddenDensity), Cell(r.ModelCycles), Cell(r.CyclesPerStep),
            Cell(r.IdealCyclesPerStep), Cell(r.LoadEfficiency), Cell(r.WorkCyclesPerStep), Cell(r.BalanceEfficiency), Cell(r.LaterCyclesPerStep),
            Cell(r.LaterLoadEfficiency), Cell(r.WritebackCyclesPerStep), Cell(r.WritebackShare),
        ])]).Write();

    private static EieLstmRow Measure(EieLstmLayer layer, HwGenConfig config, NetworkData data, IReadOnlyList<double[]> inputs)
    {
        var network = Compressor.Compress(config, data);
        var compressed = network.Layers[0];
        var runs = new List<LayerCycles>();
        var later = new List<LayerCycles>();
        long work = 0;
        long hiddenNonZeros = 0;
        long hiddenValues = 0;
        foreach (var input in inputs)
        {
            var golden = GoldenModel.Run(network, GoldenModel.QuantizeInput(network, input));
            var states = golden.HiddenStates[0]!;
            runs.Add(CycleModel.Run(network, golden).Layers[0]);
            var steps = CycleModel.RunLstmSteps(compressed, config.Hardware.Pes, config.Hardware.FifoDepth, golden.Input, states);
            work += steps.Sum(c => (c.Entries + c.Pes - 1) / c.Pes);
            later.AddRange(steps.Skip(1));
            foreach (var h in states.Take(states.Length - 1))
            {
                hiddenNonZeros += h.Count(v => v != 0);
                hiddenValues += h.Length;
            }
        }

        var perPe = compressed.PeEncodings.Select(pe => (long)pe.EntryCodes.Count(c => c != 0)).ToList();
        return new EieLstmRow(
            layer,
            config.Hardware.Pes,
            config.Compression.Pruning,
            inputs.Count,
            compressed.Statistics.NonZeros,
            compressed.Statistics.Entries,
            perPe.Min(),
            perPe.Max(),
            hiddenValues == 0 ? 1 : (double)hiddenNonZeros / hiddenValues,
            LayerCycles.Sum(runs),
            later.Count == 0 ? null : LayerCycles.Sum(later))
        {
            WorkCycles = work,
            WritebackCyclesPerStep = CycleModel.WritebackCycles(compressed, config.Hardware.Pes),
        };
    }

    private static string Cell(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Cell(long value) => value.ToString(CultureInfo.InvariantCulture);
}
