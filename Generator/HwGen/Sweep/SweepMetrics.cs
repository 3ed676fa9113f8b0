namespace HwGen.Sweep;

/// <summary>Whether a metric is a number or a word (an enum value such as <c>balanced</c>).</summary>
public enum MetricKind
{
    Number,
    Text,
}

/// <summary>Which direction of a metric is better, for plots that show the best over other axes.</summary>
public enum MetricGoal
{
    None,
    Lower,
    Higher,
}

/// <summary>One metric a sweep computes per point; its name is a variable in constraints and objectives.</summary>
/// <param name="Name">snake_case name: a CSV column and a C# identifier.</param>
/// <param name="Kind">Number or text.</param>
/// <param name="Group">The section of docs/sweeps.md and of the report it belongs to.</param>
/// <param name="Unit">Unit, or empty.</param>
/// <param name="Description">One line: what it is and how it is computed.</param>
/// <param name="Goal">Which direction is better.</param>
/// <param name="NeedsSynth">Only computed with <c>--synth</c> (yosys).</param>
/// <param name="NeedsLabels">Only computed when the config has a labelled test set (<c>dataset.test</c>).</param>
public sealed record MetricDefinition(
    string Name,
    MetricKind Kind,
    string Group,
    string Unit,
    string Description,
    MetricGoal Goal = MetricGoal.None,
    bool NeedsSynth = false,
    bool NeedsLabels = false);

/// <summary>The catalog of sweep metrics (docs/sweeps.md lists the same; a test keeps them in step).</summary>
public static class SweepMetrics
{
    public const string ConfigGroup = "config";
    public const string CompressionGroup = "compression";
    public const string CyclesGroup = "cycle model";
    public const string MemoryGroup = "memory";
    public const string ResourceGroup = "resources";
    public const string AccuracyGroup = "accuracy";

    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        new("pes", MetricKind.Number, ConfigGroup, "", "hardware.pes: processing elements N"),
        new("fifo_depth", MetricKind.Number, ConfigGroup, "entries", "hardware.fifo_depth: activation queue depth per PE"),
        new("line_entries", MetricKind.Number, ConfigGroup, "entries", "hardware.spmat_line_entries: sparse-matrix entries per memory word"),
        new("clock_mhz", MetricKind.Number, ConfigGroup, "MHz", "hardware.clock_mhz"),
        new("dram_bytes_per_cycle", MetricKind.Number, ConfigGroup, "bytes", "hardware.dram.bytes_per_cycle with external weights; 0 with on-chip weights"),
        new("codebook_bits", MetricKind.Number, ConfigGroup, "bits", "compression.codebook_bits: b, 2^b − 1 shared weights plus zero; 0 with linear weights"),
        new("index_bits", MetricKind.Number, ConfigGroup, "bits", "compression.index_bits: Z, relative row index bits"),
        new("activation_bits", MetricKind.Number, ConfigGroup, "bits", "quantization.activation_bits: A"),
        new("weight_bits", MetricKind.Number, ConfigGroup, "bits", "quantization.weight_bits: W"),
        new("accumulator_bits", MetricKind.Number, ConfigGroup, "bits", "accumulator width the compressor derived from the worst-case row"),
        new("row_assignment", MetricKind.Text, ConfigGroup, "", "compression.row_assignment: interleaved or balanced"),
        new("pruning", MetricKind.Text, ConfigGroup, "", "compression.pruning: magnitude or load_balanced"),
        new("weight_encoding", MetricKind.Text, ConfigGroup, "", "compression.weights: codebook or linear"),

        new("weights", MetricKind.Number, CompressionGroup, "", "weights of the dense network (Σ rows × cols; an LSTM layer's gate matrix is 4H × (F + H))"),
        new("nonzeros", MetricKind.Number, CompressionGroup, "", "non-zero weights kept by pruning"),
        new("density", MetricKind.Number, CompressionGroup, "", "nonzeros / weights"),
        new("padding", MetricKind.Number, CompressionGroup, "entries", "padding entries the relative index needed (gaps wider than 2^Z − 1)", MetricGoal.Lower),
        new("entries", MetricKind.Number, CompressionGroup, "entries", "nonzeros + padding: what the PEs store and process"),
        new("bits_per_weight", MetricKind.Number, CompressionGroup, "bits", "stored bits per non-zero weight: entries × (b + Z) / nonzeros (W + Z with linear weights)", MetricGoal.Lower),
        new("compressed_bits", MetricKind.Number, CompressionGroup, "bits", "entries, pointers, codebook and biases as the hardware stores them", MetricGoal.Lower),
        new("huffman_bits", MetricKind.Number, CompressionGroup, "bits", "the same with Huffman-coded code and index streams (Deep Compression)", MetricGoal.Lower),
        new("compression_ratio", MetricKind.Number, CompressionGroup, "×", "dense float32 bits / compressed_bits", MetricGoal.Higher),
        new("huffman_ratio", MetricKind.Number, CompressionGroup, "×", "dense float32 bits / huffman_bits", MetricGoal.Higher),

        new("cycles", MetricKind.Number, CyclesGroup, "cycles", "cycle-model cycles of one inference (compute + writeback, all layers), mean over the vectors", MetricGoal.Lower),
        new("cycles_max", MetricKind.Number, CyclesGroup, "cycles", "the most cycles of any vector", MetricGoal.Lower),
        new("ideal_cycles", MetricKind.Number, CyclesGroup, "cycles", "Σ over layers of ceil(useful MACs / N), mean over the vectors", MetricGoal.Lower),
        new("latency_us", MetricKind.Number, CyclesGroup, "µs", "cycles / clock_mhz", MetricGoal.Lower),
        new("load_efficiency", MetricKind.Number, CyclesGroup, "", "Σ ideal cycles / Σ cycles over the vectors (DESIGN §5)", MetricGoal.Higher),
        new("stall_cycles", MetricKind.Number, CyclesGroup, "cycles", "cycles a non-zero activation waited for a full queue, mean over the vectors", MetricGoal.Lower),
        new("loss_padding", MetricKind.Number, CyclesGroup, "cycles", "cycles spent on padding entries: (entries processed − useful MACs) / N, Σ over layers, mean over the vectors", MetricGoal.Lower),
        new("loss_stalls", MetricKind.Number, CyclesGroup, "cycles", "idle PE-cycles / N of PEs starved while the broadcast waits for another PE's full queue, Σ over layers, mean", MetricGoal.Lower),
        new("loss_tails", MetricKind.Number, CyclesGroup, "cycles", "idle PE-cycles / N of PEs done with a layer while the last PE finishes, Σ over layers, mean", MetricGoal.Lower),
        new("loss_scan", MetricKind.Number, CyclesGroup, "cycles", "idle PE-cycles / N of PEs waiting for the scanner's next column (broadcast-bound), Σ over layers, mean", MetricGoal.Lower),
        new("loss_memory", MetricKind.Number, CyclesGroup, "cycles", "external weights: idle PE-cycles / N of PEs waiting for their next entry from DRAM, Σ over layers, mean (0 with on-chip weights)", MetricGoal.Lower),
        new("dram_bytes", MetricKind.Number, CyclesGroup, "bytes", "external weights: bytes read from DRAM per inference (whole beats), mean over the vectors (0 with on-chip weights)", MetricGoal.Lower),
        new("bandwidth_bound_cycles", MetricKind.Number, CyclesGroup, "cycles", "external weights: Σ over layers of dram bytes / bytes_per_cycle, mean over the vectors (against ideal_cycles, the compute bound: which one limits the design)", MetricGoal.Lower),
        new("switch_cycles", MetricKind.Number, CyclesGroup, "cycles", "compute cycles outside the issue window (scanner start, pointer read, pipeline drain), Σ over layers, mean", MetricGoal.Lower),
        new("writeback_cycles", MetricKind.Number, CyclesGroup, "cycles", "writeback phases: Σ over layers of LocalRows + 2 (an LSTM layer: 4·U + 8 per step)", MetricGoal.Lower),
        new("useful_macs", MetricKind.Number, CyclesGroup, "", "non-zero weight × non-zero activation products, mean over the vectors"),
        new("gops", MetricKind.Number, CyclesGroup, "GOP/s", "2 × useful_macs / latency: effective sparse throughput", MetricGoal.Higher),

        new("memory_bits_per_pe", MetricKind.Number, MemoryGroup, "bits", "pointer banks, sparse-matrix lines, biases, accumulators and activation banks of one PE (and the cell memory with LSTM layers)", MetricGoal.Lower),
        new("memory_bits_total", MetricKind.Number, MemoryGroup, "bits", "memory_bits_per_pe × N + the codebook (none with linear weights)", MetricGoal.Lower),
        new("spmat_lines", MetricKind.Number, MemoryGroup, "words", "depth of each PE's sparse-matrix memory (the fullest PE's entries / line_entries)", MetricGoal.Lower),
        new("entries_max_pe", MetricKind.Number, MemoryGroup, "entries", "entries of the fullest PE (all layers)", MetricGoal.Lower),

        new("luts", MetricKind.Number, ResourceGroup, "LUT4", "analytic estimate for iCE40 (yosys synth_ice40 -dsp), calibrated; see docs/sweeps.md", MetricGoal.Lower),
        new("ffs", MetricKind.Number, ResourceGroup, "FF", "analytic estimate of flip-flops (iCE40 SB_DFF*)", MetricGoal.Lower),
        new("brams", MetricKind.Number, ResourceGroup, "RAM4K", "analytic estimate of 4-kbit block RAMs (SB_RAM40_4K)", MetricGoal.Lower),
        new("dsps", MetricKind.Number, ResourceGroup, "MAC16", "analytic estimate of DSPs (SB_MAC16)", MetricGoal.Lower),
        new("sprams", MetricKind.Number, ResourceGroup, "SPRAM", "256-kbit iCE40 UltraPlus SPRAMs (SB_SPRAM256KA) of memories the config puts there (hardware.spmat_memory, act_memory)", MetricGoal.Lower),
        new("synth_luts", MetricKind.Number, ResourceGroup, "LUT4", "yosys synth_ice40 -dsp: SB_LUT4 cells", MetricGoal.Lower, NeedsSynth: true),
        new("synth_ffs", MetricKind.Number, ResourceGroup, "FF", "yosys: SB_DFF* cells", MetricGoal.Lower, NeedsSynth: true),
        new("synth_brams", MetricKind.Number, ResourceGroup, "RAM4K", "yosys: SB_RAM40_4K cells", MetricGoal.Lower, NeedsSynth: true),
        new("synth_dsps", MetricKind.Number, ResourceGroup, "MAC16", "yosys: SB_MAC16 cells", MetricGoal.Lower, NeedsSynth: true),
        new("synth_sprams", MetricKind.Number, ResourceGroup, "SPRAM", "yosys: SB_SPRAM256KA cells", MetricGoal.Lower, NeedsSynth: true),

        new("top1", MetricKind.Number, AccuracyGroup, "", "fraction of the test set's vectors (dataset.test, the first `vectors`) whose fixed-point top-1 is their label; only with a labelled test set (no retraining in a sweep)", MetricGoal.Higher, NeedsLabels: true),
        new("accuracy", MetricKind.Number, AccuracyGroup, "", "fraction of vectors whose fixed-point argmax equals the float reference's (top-1 agreement with the dense network: the loss of pruning, sharing and fixed point)", MetricGoal.Higher),
        new("accuracy_drop", MetricKind.Number, AccuracyGroup, "", "1 − accuracy", MetricGoal.Lower),
        new("sharing_accuracy", MetricKind.Number, AccuracyGroup, "", "top-1 agreement with the pruned float network: the loss of weight sharing and fixed point alone", MetricGoal.Higher),
        new("output_error_max", MetricKind.Number, AccuracyGroup, "", "largest absolute difference of a fixed-point output from the float reference's, real units", MetricGoal.Lower),
        new("output_error_mean", MetricKind.Number, AccuracyGroup, "", "mean absolute difference of the fixed-point outputs from the float reference's, real units", MetricGoal.Lower),
        new("output_rel_error", MetricKind.Number, AccuracyGroup, "", "output_error_mean / the float reference outputs' mean magnitude", MetricGoal.Lower),
        new("reference", MetricKind.Text, AccuracyGroup, "", "the float reference: dense (the weights as loaded) or shared (precompressed layers have no dense weights)"),
    ];

    public static IReadOnlyDictionary<string, MetricDefinition> ByName { get; } =
        All.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>The metrics a run computes: all, less the yosys ones unless it synthesizes.</summary>
    public static IReadOnlyList<MetricDefinition> Available(bool synth) => [.. All.Where(m => synth || !m.NeedsSynth)];
}
