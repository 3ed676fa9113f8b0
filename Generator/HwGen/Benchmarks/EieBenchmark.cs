using System.Diagnostics;
using System.Globalization;
using System.Text;
using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;
using HwGen.Hardware;
using HwGen.IO;
using HwGen.Model;
using HwGen.Reports;

namespace HwGen.Benchmarks;

/// <summary>One benchmark layer of the EIE paper (ISCA 2016, Table III/IV; DESIGN §9).</summary>
/// <param name="Name">Layer name as in the paper.</param>
/// <param name="Inputs">Columns.</param>
/// <param name="Outputs">Rows.</param>
/// <param name="WeightDensity">Fraction of weights kept.</param>
/// <param name="ActivationDensity">Fraction of non-zero input activations.</param>
/// <param name="MeasuredUs">EIE's measured time at 800 MHz on 64 PEs.</param>
/// <param name="TheoreticalUs">EIE's theoretical time.</param>
public sealed record EieLayer(string Name, int Inputs, int Outputs, double WeightDensity, double ActivationDensity, double MeasuredUs, double TheoreticalUs);

/// <summary>One row of the benchmark table.</summary>
public sealed record EieRow(
    string Name,
    int Rows,
    int Cols,
    double WeightDensity,
    double ActivationDensity,
    long UsefulMacs,
    long Padding,
    long EntriesProcessed,
    long IdealCycles,
    long Cycles,
    long BalancedCycles,
    long LoadBalancedCycles,
    double? EieMeasuredUs,
    double? EieTheoreticalUs)
{
    /// <summary>Entries the PEs processed with the balanced assignment (its padding differs).</summary>
    public long BalancedEntries { get; init; }

    /// <summary>Seconds the balanced assignment took: the weight-only swaps and the cycle-model search.</summary>
    public double BalancedSeconds { get; init; }

    /// <summary>Mean cycles over <see cref="EieBenchmark.HeldOutVectors"/> random inputs the search never saw, interleaved.</summary>
    public double HeldOutCycles { get; init; }

    /// <summary>The same held-out mean with the balanced assignment.</summary>
    public double HeldOutBalancedCycles { get; init; }

    /// <summary>Cycles with the weight-only swaps alone (<c>balance_search.evaluations: 0</c>), on the benchmark's input.</summary>
    public long WeightOnlyCycles { get; init; }

    /// <summary>The held-out mean with the weight-only swaps alone.</summary>
    public double HeldOutWeightOnlyCycles { get; init; }

    /// <summary>Cycles with column pairs (<c>hardware.column_pairs</c>) and the balanced assignment searched for them.</summary>
    public long PairedCycles { get; init; }

    /// <summary>Entries the PEs processed with column pairs' balanced assignment.</summary>
    public long PairedEntries { get; init; }

    /// <summary>Seconds column pairs' balanced assignment took (weight-only swaps, the row search and the first layer's column order).</summary>
    public double PairedSeconds { get; init; }

    /// <summary>ceil(paired entries / N) / paired cycles: the balance efficiency with column pairs.</summary>
    public double PairedBalanceEfficiency => PairedCycles == 0 ? 0 : (double)((PairedEntries + EieBenchmark.Pes - 1) / EieBenchmark.Pes) / PairedCycles;

    /// <summary>ceil(balanced entries / N): the balanced assignment's work bound.</summary>
    public long BalancedWorkCycles => (BalancedEntries + EieBenchmark.Pes - 1) / EieBenchmark.Pes;

    /// <summary>Balanced work bound / balanced cycles: the goal of the assignment search (≥ 0.95).</summary>
    public double BalancedBalanceEfficiency => (double)BalancedWorkCycles / BalancedCycles;

    public double LoadEfficiency => (double)IdealCycles / Cycles;

    /// <summary>ceil(entries processed, padding included / N): the bound EIE's "theoretical time" uses.</summary>
    public long WorkCycles => (EntriesProcessed + EieBenchmark.Pes - 1) / EieBenchmark.Pes;

    /// <summary>Work bound / cycles: the load balance alone, comparable with EIE's theoretical / measured.</summary>
    public double BalanceEfficiency => (double)WorkCycles / Cycles;

    public double BalancedEfficiency => (double)IdealCycles / BalancedCycles;

    public double LoadBalancedEfficiency => LoadBalancedCycles == 0 ? 0 : (double)IdealCycles / LoadBalancedCycles;

    public double TimeUs => Cycles / EieBenchmark.ClockMhz;

    /// <summary>EIE's theoretical / measured time: its own load efficiency.</summary>
    public double? EieEfficiency => EieTheoreticalUs / EieMeasuredUs;
}

/// <summary><c>hwgen bench eie --json</c>: the benchmark table and the files written.</summary>
/// <param name="Layers">One row per layer.</param>
/// <param name="LstmLayers">The LSTM table: one row per LSTM layer, PE count and pruning method.</param>
/// <param name="Seconds">Seconds the benchmark took.</param>
/// <param name="ExternalLayers">The layers with their weights in DRAM, one row per layer and board.</param>
/// <param name="Files">The files written (eie.md, eie.csv, eie_lstm.csv, eie_external.csv, the figures).</param>
public sealed record EieBenchmarkJson(IReadOnlyList<EieRowJson> Layers, IReadOnlyList<EieLstmRowJson> LstmLayers, IReadOnlyList<EieExternalRowJson> ExternalLayers, double Seconds, IReadOnlyList<string> Files)
{
    public static EieBenchmarkJson From(EieBenchmarkResult result, IReadOnlyList<string> files) => new(
        [.. result.Rows.Select(r => new EieRowJson(
            r.Name, r.Rows, r.Cols, r.WeightDensity, r.ActivationDensity, r.UsefulMacs, r.Padding, r.EntriesProcessed, r.IdealCycles, r.WorkCycles,
            r.Cycles, r.BalanceEfficiency, r.LoadEfficiency, r.TimeUs, r.EieMeasuredUs, r.EieTheoreticalUs, r.EieEfficiency, r.BalancedCycles,
            r.LoadBalancedCycles, r.BalancedWorkCycles, r.BalancedBalanceEfficiency, r.BalancedSeconds, r.HeldOutCycles, r.HeldOutBalancedCycles, r.WeightOnlyCycles, r.HeldOutWeightOnlyCycles,
            r.PairedCycles, r.PairedBalanceEfficiency, r.PairedSeconds))],
        [.. result.LstmRows.Select(EieLstmRowJson.From)],
        [.. result.ExternalRows.Select(r => new EieExternalRowJson(r.Layer, r.Board, r.BytesPerCycle, r.OnChipCycles, r.DramBytes, r.ComputeBound, r.BandwidthBound, r.Cycles, r.LimitedBy, r.OverBound, r.OverOnChip, r.TimeUs))],
        result.Seconds,
        files);
}

/// <summary>One layer of <see cref="EieBenchmarkJson"/> on 64 PEs, FIFO depth 8.</summary>
/// <param name="Layer">The layer's name as in the paper, or <c>alex8 (real)</c>.</param>
/// <param name="Rows">Outputs.</param>
/// <param name="Cols">Inputs.</param>
/// <param name="WeightDensity">Fraction of weights kept.</param>
/// <param name="ActivationDensity">Fraction of non-zero input activations.</param>
/// <param name="UsefulMacs">Non-zero weight × non-zero activation products.</param>
/// <param name="Padding">Padding entries of the layer.</param>
/// <param name="EntriesProcessed">Entries of the non-zero activations' columns, padding included.</param>
/// <param name="IdealCycles">useful_macs / N, rounded up.</param>
/// <param name="WorkCycles">entries_processed / N, rounded up: the bound EIE's theoretical time uses.</param>
/// <param name="ModelCycles">Cycles of the cycle model.</param>
/// <param name="BalanceEfficiency">work_cycles / model_cycles: the load balance alone.</param>
/// <param name="LoadEfficiency">ideal_cycles / model_cycles.</param>
/// <param name="TimeUs">model_cycles at 800 MHz, in µs.</param>
/// <param name="EieMeasuredUs">EIE's measured time, in µs; null for the real alex8 layer.</param>
/// <param name="EieTheoreticalUs">EIE's theoretical time, in µs; null for the real alex8 layer.</param>
/// <param name="EieEfficiency">EIE's theoretical / measured time; null for the real alex8 layer.</param>
/// <param name="BalancedCycles">Cycles with the balanced row assignment.</param>
/// <param name="LoadBalancedCycles">Cycles with load-balance-aware pruning; 0 for precompressed weights.</param>
/// <param name="BalancedWorkCycles">The balanced assignment's entries processed / N, rounded up.</param>
/// <param name="BalancedBalanceEfficiency">balanced_work_cycles / balanced_cycles.</param>
/// <param name="BalancedSeconds">Seconds the balanced assignment took (weight-only swaps and cycle-model search).</param>
/// <param name="HeldOutCycles">Mean cycles, interleaved, over random inputs of the layer's density that the search did not see.</param>
/// <param name="HeldOutBalancedCycles">The same mean with the balanced assignment.</param>
/// <param name="WeightOnlyCycles">Cycles with the weight-only swaps alone (no cycle-model search), on the benchmark's input.</param>
/// <param name="HeldOutWeightOnlyCycles">The held-out mean with the weight-only swaps alone.</param>
/// <param name="PairedCycles">Cycles with column pairs (<c>hardware.column_pairs</c>) and the balanced assignment searched for them.</param>
/// <param name="PairedBalanceEfficiency">Their entries processed / N, rounded up, over paired_cycles.</param>
/// <param name="PairedSeconds">Seconds that assignment took (weight-only swaps, row search, the first layer's column order).</param>
public sealed record EieRowJson(
    string Layer,
    int Rows,
    int Cols,
    double WeightDensity,
    double ActivationDensity,
    long UsefulMacs,
    long Padding,
    long EntriesProcessed,
    long IdealCycles,
    long WorkCycles,
    long ModelCycles,
    double BalanceEfficiency,
    double LoadEfficiency,
    double TimeUs,
    double? EieMeasuredUs,
    double? EieTheoreticalUs,
    double? EieEfficiency,
    long BalancedCycles,
    long LoadBalancedCycles,
    long BalancedWorkCycles,
    double BalancedBalanceEfficiency,
    double BalancedSeconds,
    double HeldOutCycles,
    double HeldOutBalancedCycles,
    long WeightOnlyCycles,
    double HeldOutWeightOnlyCycles,
    long PairedCycles,
    double PairedBalanceEfficiency,
    double PairedSeconds);

/// <summary>One row of <see cref="EieBenchmarkJson.ExternalLayers"/>: a layer with its weights in one board's DRAM, at 100 MHz.</summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Board">The board.</param>
/// <param name="BytesPerCycle">What the board's DRAM delivers a cycle at 100 MHz, rounded down.</param>
/// <param name="OnChipCycles">The layer's cycles with its weights on chip.</param>
/// <param name="DramBytes">Bytes read from DRAM.</param>
/// <param name="ComputeBoundCycles">Useful MACs / N, rounded up.</param>
/// <param name="BandwidthBoundCycles">DRAM bytes / bytes a cycle, rounded up.</param>
/// <param name="ModelCycles">The exact cycle model's cycles.</param>
/// <param name="LimitedBy"><c>compute</c> or <c>bandwidth</c>: the higher bound.</param>
/// <param name="CyclesOverBound">model_cycles / the higher bound.</param>
/// <param name="CyclesOverOnChip">model_cycles / on_chip_cycles.</param>
/// <param name="TimeUs">model_cycles at 100 MHz, in µs.</param>
public sealed record EieExternalRowJson(
    string Layer,
    string Board,
    int BytesPerCycle,
    long OnChipCycles,
    long DramBytes,
    long ComputeBoundCycles,
    long BandwidthBoundCycles,
    long ModelCycles,
    string LimitedBy,
    double CyclesOverBound,
    double CyclesOverOnChip,
    double TimeUs);

/// <summary>Everything the benchmark measured, and the design-space figures.</summary>
public sealed record EieBenchmarkResult(
    IReadOnlyList<EieRow> Rows,
    IReadOnlyList<(string Layer, int FifoDepth, double LoadEfficiency)> FifoSweep,
    IReadOnlyList<(string Layer, int Pes, long Cycles, double Speedup, double RealWorkFraction)> PeSweep,
    double Seconds)
{
    /// <summary>The LSTM table (<see cref="EieLstmBenchmark"/>); empty when no LSTM layer ran.</summary>
    public IReadOnlyList<EieLstmRow> LstmRows { get; init; } = [];

    /// <summary>The layers with their weights in DRAM at each board's bandwidth (<see cref="EieExternalBenchmark"/>).</summary>
    public IReadOnlyList<EieExternalRow> ExternalRows { get; init; } = [];
}

/// <summary>
/// Reproduces EIE's benchmark with the cycle model: the paper's nine layers (synthetic weights and
/// inputs of the published shapes and densities, fixed seed) and the real alex8 layer on 64 PEs,
/// FIFO depth 8, 4-bit codes and indices; plus the paper's design-space figures (load efficiency
/// vs FIFO depth, speedup vs PE count, real work / total work vs PE count); and a second table
/// of ESE-style LSTM layers at 32 and 64 PEs (<see cref="EieLstmBenchmark"/>).
/// </summary>
public static class EieBenchmark
{
    public const double ClockMhz = 800;
    public const int Pes = 64;
    public const int FifoDepth = 8;

    public static readonly IReadOnlyList<EieLayer> Layers =
    [
        new("Alex-6", 9216, 4096, 0.09, 0.351, 30.3, 28.1),
        new("Alex-7", 4096, 4096, 0.09, 0.353, 12.2, 11.7),
        new("Alex-8", 4096, 1000, 0.25, 0.375, 9.9, 8.9),
        new("VGG-6", 25088, 4096, 0.04, 0.183, 34.4, 28.1),
        new("VGG-7", 4096, 4096, 0.04, 0.375, 8.7, 7.9),
        new("VGG-8", 4096, 1000, 0.23, 0.411, 8.4, 7.3),
        new("NT-We", 4096, 600, 0.10, 1.0, 8.0, 5.2),
        new("NT-Wd", 600, 8791, 0.11, 1.0, 13.9, 13.0),
        new("NT-LSTM", 1201, 2400, 0.10, 1.0, 7.5, 6.5),
    ];

    /// <summary>Random inputs (seed + <see cref="HeldOutSeedOffset"/>) the balanced assignment is also measured on.</summary>
    public const int HeldOutVectors = 8;

    /// <summary>Offset of the held-out inputs' seed from the config's (the search uses seed and seed + 1).</summary>
    public const int HeldOutSeedOffset = 100;

    public static readonly int[] FifoDepths = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    public static readonly int[] PeCounts = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    /// <summary>Runs the benchmark; <paramref name="alex8Config"/> adds the real layer when given.</summary>
    /// <param name="alex8Config">Config of the real alex8 layer, or null to leave it out.</param>
    /// <param name="seed">Seed of the synthetic weights and inputs.</param>
    /// <param name="figures">Also run the FIFO-depth and PE-count sweeps.</param>
    /// <param name="progress">Receives a line per step.</param>
    /// <param name="only">Names of the paper's layers and of the LSTM layers to run (all when null).</param>
    public static EieBenchmarkResult Run(string? alex8Config, int seed = 1, bool figures = true, Action<string>? progress = null, IReadOnlyCollection<string>? only = null)
    {
        progress ??= _ => { };
        var stopwatch = Stopwatch.StartNew();
        var rows = new List<EieRow>();
        var fifo = new List<(string, int, double)>();
        var pes = new List<(string, int, long, double, double)>();
        var external = new List<EieExternalRow>();
        var boards = BoardCatalog.All().Where(b => b.Dram is not null).ToList();
        var designs = Layers.Where(l => only is null || only.Contains(l.Name))
            .Select(l => (l.Name, (Func<Design>)(() => Design.FromConfig(Synthetic(l, seed))), (EieLayer?)l)).ToList();
        if (alex8Config is not null)
        {
            designs.Add(("alex8 (real)", () =>
            {
                var design = Design.Load(alex8Config);
                var config = design.Config with { Hardware = design.Config.Hardware with { Pes = Pes, FifoDepth = FifoDepth, ClockMhz = ClockMhz, ColumnPairs = false } };
                return design with { Config = config, Network = Compressor.Compress(config, design.Data) };
            }, null));
        }

        foreach (var (name, load, paper) in designs)
        {
            progress($"{name}: compressing");
            var design = load();
            var layer = design.Network.Layers[0];
            var input = GoldenModel.QuantizeInput(design.Network.Format, design.Data.Inputs[0]);
            var nonZero = input.Select(a => a != 0).ToArray();
            var cycles = CycleModel.RunLayer(layer, Pes, FifoDepth, nonZero);

            progress($"{name}: weights in DRAM at {string.Join(", ", boards.Select(b => b.Name))}'s bandwidth");
            external.AddRange(EieExternalBenchmark.Run(name, design.Network, GoldenModel.Run(design.Network, input), cycles.Cycles, boards));

            progress($"{name}: balanced row assignment");
            var searchWatch = Stopwatch.StartNew();
            var balanced = Reencode(design, Pes, RowAssignmentMethod.Balanced);
            double searchSeconds = searchWatch.Elapsed.TotalSeconds;
            var balancedCycles = CycleModel.RunLayer(balanced.Layers[0], Pes, FifoDepth, nonZero);
            var heldOut = NetworkLoader.RandomInputs(AssignmentSearch.WithInputDensity(design.Config, design.Data), HeldOutVectors, design.Config.Seed + HeldOutSeedOffset)
                .Select(v => GoldenModel.QuantizeInput(design.Network.Format, v).Select(a => a != 0).ToArray()).ToList();
            double heldOutCycles = heldOut.Average(m => (double)CycleModel.RunLayer(layer, Pes, FifoDepth, m).Cycles);
            double heldOutBalanced = heldOut.Average(m => (double)CycleModel.RunLayer(balanced.Layers[0], Pes, FifoDepth, m).Cycles);
            progress($"{name}: column pairs, balanced row assignment");
            var pairedWatch = Stopwatch.StartNew();
            var paired = Reencode(design, Pes, RowAssignmentMethod.Balanced, columnPairs: true).Layers[0];
            double pairedSeconds = pairedWatch.Elapsed.TotalSeconds;
            // The search orders the paired layer's columns: its broadcast mask is in that order.
            var pairedCycles = CycleModel.RunLayer(paired, Pes, FifoDepth, [.. paired.HwColToCol.Select(c => nonZero[c])], columnPairs: true);
            var weightOnly = Reencode(design, Pes, RowAssignmentMethod.Balanced, evaluations: 0).Layers[0];
            long weightOnlyCycles = CycleModel.RunLayer(weightOnly, Pes, FifoDepth, nonZero).Cycles;
            double heldOutWeightOnly = heldOut.Average(m => (double)CycleModel.RunLayer(weightOnly, Pes, FifoDepth, m).Cycles);

            long loadBalancedCycles = 0;
            if (!design.Config.Layers[0].Weights.IsPrecompressed)
            {
                progress($"{name}: load-balance-aware pruning");
                var config = design.Config with { Compression = design.Config.Compression with { Pruning = PruningMethod.LoadBalanced } };
                var pruned = Compressor.Compress(config, design.Data);
                loadBalancedCycles = CycleModel.RunLayer(pruned.Layers[0], Pes, FifoDepth, nonZero).Cycles;
            }

            rows.Add(new EieRow(name, layer.Rows, layer.Cols, layer.Statistics.Density, nonZero.Count(x => x) / (double)nonZero.Length,
                cycles.UsefulMacs, layer.Statistics.Padding, cycles.Entries, cycles.IdealCycles, cycles.Cycles, balancedCycles.Cycles, loadBalancedCycles,
                paper?.MeasuredUs, paper?.TheoreticalUs)
            {
                BalancedEntries = balancedCycles.Entries,
                BalancedSeconds = searchSeconds,
                HeldOutCycles = heldOutCycles,
                HeldOutBalancedCycles = heldOutBalanced,
                WeightOnlyCycles = weightOnlyCycles,
                HeldOutWeightOnlyCycles = heldOutWeightOnly,
                PairedCycles = pairedCycles.Cycles,
                PairedEntries = pairedCycles.Entries,
                PairedSeconds = pairedSeconds,
            });

            if (figures && paper is not null)
            {
                progress($"{name}: FIFO depth and PE count sweeps");
                foreach (int depth in FifoDepths)
                {
                    fifo.Add((name, depth, CycleModel.RunLayer(layer, Pes, depth, nonZero).LoadEfficiency));
                }

                long single = 0;
                foreach (int n in PeCounts)
                {
                    var network = n == Pes ? design.Network : Reencode(design, n, RowAssignmentMethod.Interleaved);
                    var c = CycleModel.RunLayer(network.Layers[0], n, FifoDepth, nonZero);
                    if (n == 1)
                    {
                        single = c.Cycles;
                    }

                    var s = network.Layers[0].Statistics;
                    pes.Add((name, n, c.Cycles, (double)single / c.Cycles, s.Entries == 0 ? 1 : (double)s.NonZeros / s.Entries));
                }
            }
        }

        var lstm = EieLstmBenchmark.Run(EieLstmBenchmark.Layers.Where(l => only is null || only.Contains(l.Name)), EieLstmBenchmark.PeCounts, seed: seed, progress: progress);
        return new EieBenchmarkResult(rows, fifo, pes, stopwatch.Elapsed.TotalSeconds) { LstmRows = lstm, ExternalRows = external };
    }

    /// <summary>The config of a synthetic layer with the paper's shape and densities.</summary>
    public static HwGenConfig Synthetic(EieLayer layer, int seed) => new()
    {
        Name = layer.Name.ToLowerInvariant().Replace('-', '_'),
        Seed = seed,
        Input = new InputConfig { Size = layer.Inputs, Density = layer.ActivationDensity, Signed = false },
        Layers = [new LayerConfig { Name = "fc", Outputs = layer.Outputs, Activation = LayerActivation.None, Weights = new WeightsConfig { Density = layer.WeightDensity } }],
        Compression = new CompressionConfig { CodebookBits = 4, IndexBits = 4 },
        Hardware = new HardwareConfig { Pes = Pes, FifoDepth = FifoDepth, ClockMhz = ClockMhz },
    };

    /// <summary>The same compressed weights encoded for another PE count or row assignment (no new pruning or k-means).</summary>
    private static CompressedNetwork Reencode(Design design, int pes, RowAssignmentMethod assignment, int? evaluations = null, bool columnPairs = false)
    {
        var layer = design.Network.Layers[0];
        var data = new NetworkData
        {
            Layers = [new LayerData { Name = layer.Name, Rows = layer.Rows, Cols = layer.Cols, Codes = layer.Codes, Codebook = layer.Codebook, Bias = layer.Bias }],
            Inputs = design.Data.Inputs,
        };
        var config = design.Config with
        {
            Hardware = design.Config.Hardware with { Pes = pes, ColumnPairs = columnPairs },
            Compression = design.Config.Compression with
            {
                RowAssignment = assignment,
                BalanceSearch = design.Config.Compression.BalanceSearch with { Evaluations = evaluations ?? design.Config.Compression.BalanceSearch.Evaluations },
            },
            Layers = [design.Config.Layers[0] with { Weights = new WeightsConfig { Source = DataSource.Npz, CodesKey = "codes", CodebookKey = "codebook" } }],
        };
        return Compressor.Compress(config, data);
    }

    /// <summary>The benchmark table in Markdown, then the LSTM table when LSTM layers ran (the LSTM table alone when only LSTM layers ran), then the external-weights table.</summary>
    public static string Markdown(EieBenchmarkResult result)
    {
        var md = new StringBuilder();
        if (result.Rows.Count == 0 && result.LstmRows.Count > 0)
        {
            return EieLstmBenchmark.Markdown(result.LstmRows);
        }

        md.Append("| layer | size | weight density | act. density | useful MACs | padding (all) | ideal cycles | work bound (with padding) | model cycles | load eff. | balance eff. (work / cycles) | time @800 MHz (µs) | EIE measured (µs) | EIE theoretical (µs) | EIE theor./meas. | balanced rows: cycles (load eff.) | balanced: balance eff. | balanced: search (s) | weight-only swaps: cycles | held-out inputs: interleaved / weight-only / balanced | load-balanced pruning: cycles (load eff.) | column pairs, balanced: cycles (balance eff.) | column pairs: search (s) |\n");
        md.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in result.Rows)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Cols}×{r.Rows} | {r.WeightDensity:P1} | {r.ActivationDensity:P1} | {r.UsefulMacs:N0} | {r.Padding:N0} | {r.IdealCycles:N0} | {r.WorkCycles:N0} | {r.Cycles:N0} | {r.LoadEfficiency:P1} | {r.BalanceEfficiency:P1} | {r.TimeUs:F2} | {Opt(r.EieMeasuredUs, "F1")} | {Opt(r.EieTheoreticalUs, "F1")} | {Opt(r.EieEfficiency, "P1")} | {r.BalancedCycles:N0} ({r.BalancedEfficiency:P1}) | {r.BalancedBalanceEfficiency:P1} | {r.BalancedSeconds:F1} | {r.WeightOnlyCycles:N0} | {r.HeldOutCycles:N0} / {r.HeldOutWeightOnlyCycles:N0} / {r.HeldOutBalancedCycles:N0} | {(r.LoadBalancedCycles == 0 ? "—" : $"{r.LoadBalancedCycles:N0} ({r.LoadBalancedEfficiency:P1})")} | {r.PairedCycles:N0} ({r.PairedBalanceEfficiency:P1}) | {r.PairedSeconds:F1} |\n");
        }

        if (result.LstmRows.Count > 0)
        {
            md.Append('\n').Append(EieLstmBenchmark.Markdown(result.LstmRows));
        }

        if (result.ExternalRows.Count > 0)
        {
            md.Append('\n').Append(EieExternalBenchmark.Markdown(result.ExternalRows));
        }

        return md.ToString();
    }

    /// <summary>The benchmark table as CSV.</summary>
    public static string Csv(EieBenchmarkResult result) => new CsvTable(
        ["layer", "cols", "rows", "weight_density", "activation_density", "useful_macs", "padding", "entries_processed", "ideal_cycles", "work_cycles",
            "model_cycles", "load_efficiency", "time_us_800mhz", "eie_measured_us", "eie_theoretical_us", "eie_efficiency", "balanced_cycles",
            "balanced_efficiency", "load_balanced_cycles", "load_balanced_efficiency", "balanced_work_cycles", "balanced_balance_efficiency",
            "balanced_seconds", "held_out_cycles", "held_out_balanced_cycles", "weight_only_cycles", "held_out_weight_only_cycles",
            "paired_cycles", "paired_balance_efficiency", "paired_seconds"],
        [.. result.Rows.Select(r => (IReadOnlyList<string>)
        [
            r.Name, Cell(r.Cols), Cell(r.Rows), Cell(r.WeightDensity), Cell(r.ActivationDensity), Cell(r.UsefulMacs), Cell(r.Padding),
            Cell(r.EntriesProcessed), Cell(r.IdealCycles), Cell(r.WorkCycles), Cell(r.Cycles), Cell(r.LoadEfficiency), Cell(r.TimeUs),
            Opt(r.EieMeasuredUs, "R"), Opt(r.EieTheoreticalUs, "R"), Opt(r.EieEfficiency, "R"), Cell(r.BalancedCycles), Cell(r.BalancedEfficiency),
            Cell(r.LoadBalancedCycles), Cell(r.LoadBalancedEfficiency), Cell(r.BalancedWorkCycles), Cell(r.BalancedBalanceEfficiency),
            Cell(r.BalancedSeconds), Cell(r.HeldOutCycles), Cell(r.HeldOutBalancedCycles), Cell(r.WeightOnlyCycles), Cell(r.HeldOutWeightOnlyCycles),
            Cell(r.PairedCycles), Cell(r.PairedBalanceEfficiency), Cell(r.PairedSeconds),
        ])]).Write();

    /// <summary>Writes eie.md, eie.csv, eie_lstm.csv (when LSTM layers ran) and the figures (CSV + SVG) into <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> Write(EieBenchmarkResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        void Save(string name, string text)
        {
            string path = Path.Combine(directory, name);
            File.WriteAllText(path, text);
            written.Add(path);
        }

        Save("eie.md", Markdown(result));
        Save("eie.csv", Csv(result));
        if (result.LstmRows.Count > 0)
        {
            Save("eie_lstm.csv", EieLstmBenchmark.Csv(result.LstmRows));
        }

        if (result.ExternalRows.Count > 0)
        {
            Save("eie_external.csv", EieExternalBenchmark.Csv(result.ExternalRows));
        }

        if (result.FifoSweep.Count > 0)
        {
            Save("fifo_depth.csv", new CsvTable(["layer", "fifo_depth", "load_efficiency"],
                [.. result.FifoSweep.Select(f => (IReadOnlyList<string>)[f.Layer, Cell(f.FifoDepth), Cell(f.LoadEfficiency)])]).Write());
            Save("fifo_depth.svg", new SvgChart("Load efficiency vs FIFO depth (EIE Fig. 8)", "FIFO depth", "load efficiency",
                Group(result.FifoSweep.Select(f => (f.Layer, (double)f.FifoDepth, f.LoadEfficiency)))) { LogX = true, YMin = 0, YMax = 1 }.Render());
            Save("pe_scaling.csv", new CsvTable(["layer", "pes", "model_cycles", "speedup", "real_work_fraction"],
                [.. result.PeSweep.Select(p => (IReadOnlyList<string>)[p.Layer, Cell(p.Pes), Cell(p.Cycles), Cell(p.Speedup), Cell(p.RealWorkFraction)])]).Write());
            Save("pe_scaling.svg", new SvgChart("Speedup vs PE count (EIE Fig. 11)", "PEs", "speedup over 1 PE",
                Group(result.PeSweep.Select(p => (p.Layer, (double)p.Pes, p.Speedup)))) { LogX = true, LogY = true }.Render());
            Save("padding.svg", new SvgChart("Real work / total work vs PE count (EIE Fig. 12)", "PEs", "non-zeros / entries",
                Group(result.PeSweep.Select(p => (p.Layer, (double)p.Pes, p.RealWorkFraction)))) { LogX = true, YMin = 0, YMax = 1 }.Render());
        }

        return written;
    }

    private static List<ChartSeries> Group(IEnumerable<(string Name, double X, double Y)> points) =>
        points.GroupBy(p => p.Name).Select(g => new ChartSeries(g.Key, g.Select(p => (p.X, p.Y)).ToList())).ToList();

    private static string Opt(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";

    /// <summary>A CSV cell: the shortest exact invariant text of a number.</summary>
    private static string Cell(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Cell(long value) => value.ToString(CultureInfo.InvariantCulture);
}
