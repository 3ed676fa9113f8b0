namespace HwGen.Configuration;

/// <summary>
/// Every key of a HwGen config (DESIGN §10), in one table: its path, type, range or choices,
/// default (the record's), unit, doc, and how to read and set it on <see cref="HwGenConfig"/>.
/// The loader, the validator's per-key checks, the effective config.yaml, the keys a sweep may set
/// and the key tables of docs/config.md all come from it. A new key is one entry here plus the
/// record property and the code that uses it.
/// </summary>
public static class ConfigSchema
{
    private const string ArrayName = "an array of the archive";

    /// <summary>The document: every key of a config below it.</summary>
    public static ConfigKey Root { get; } = KeysOf<HwGenConfig>.Document(
        "config file",
        null,
        KeysOf<HwGenConfig>.Name(
            "name", c => c.Name, (c, v) => c with { Name = v },
            "Design name: names the top module and the output files."),
        KeysOf<HwGenConfig>.Int(
            "seed", c => c.Seed, (c, v) => c with { Seed = v }, 0, int.MaxValue,
            "Seed of every random choice: random weights and inputs (and anything later stages draw)."),
        KeysOf<HwGenConfig>.Section(
            "input", c => c.Input, (c, v) => c with { Input = v },
            "The input vector(s); see below. `input.size` is required.",
            KeysOf<InputConfig>.Int(
                "size", i => i.Size, (i, v) => i with { Size = v }, 1, 1_000_000,
                "Length of an input vector: the first layer's number of inputs. With `steps` > 1, the features of one step of a sequence.", required: true, example: "size: 784"),
            KeysOf<InputConfig>.Int(
                "steps", i => i.Steps, (i, v) => i with { Steps = v }, 1, 100_000,
                "Steps of an input sequence: a vector is `steps` × `size` values, step-major (datasets of shape (N, steps, size)). An `lstm` first layer runs one step per `size` values; a fully connected first layer takes the whole sequence flattened. The effective config writes it only when it is not 1.", unit: "steps",
                when: i => i.Steps != 1),
            KeysOf<InputConfig>.Enum(
                "source", i => i.Source, (i, v) => i with { Source = v },
                "Where the input vectors come from."),
            KeysOf<InputConfig>.Real(
                "density", i => i.Density, (i, v) => i with { Density = v }, 0, 1,
                "`random` only: fraction of non-zero activations (exactly round(density × steps × size) non-zeros).",
                when: i => i.Source == DataSource.Random),
            KeysOf<InputConfig>.Bool(
                "signed", i => i.Signed, (i, v) => i with { Signed = v },
                "`random` only: `false` draws non-negative values (post-ReLU activations), `true` both signs.",
                when: i => i.Source == DataSource.Random),
            KeysOf<InputConfig>.Text(
                "path", i => i.Path, (i, v) => i with { Path = v }, "an existing file",
                "`npy`/`npz`: the data file, relative to the config file. Required for those sources; an error with `random`.", path: true),
            KeysOf<InputConfig>.Text(
                "key", i => i.Key, (i, v) => i with { Key = v }, ArrayName,
                "`npz`: the name of the array.", when: i => i.Source == DataSource.Npz)),
        KeysOf<HwGenConfig>.List(
            "layers", c => c.Layers, (c, v) => c with { Layers = v },
            KeysOf<LayerConfig>.Item(
                i => new LayerConfig { Name = $"fc{i + 1}" },
                KeysOf<LayerConfig>.Name(
                    "name", l => l.Name, (l, v) => l with { Name = v },
                    "Layer name, used in generated module, signal and file names.",
                    allowed: "`[a-z][a-z0-9_]*`, at most 64 characters, unique, not a SystemVerilog keyword",
                    defaultText: "`fc1`, `fc2`, … by position"),
                KeysOf<LayerConfig>.Enum(
                    "kind", l => l.Kind, (l, v) => l with { Kind = v },
                    "`fc`: fully connected, on the whole previous output (a sequence flattened). `lstm`: a long short-term memory layer on a sequence — the network's input (`input.steps`) or the previous `lstm` layer's `output: sequence` — with zero initial state; its gate matrix — W and R side by side, 4 × hidden rows (gates i, f, g, o), features + hidden columns — is pruned, shared and quantized like a fully connected layer's ([semantics](microarchitecture.md#lstm-layers)). The generated RTL runs `lstm` layers with an element-wise unit in every PE ([engine](microarchitecture.md#lstm-in-the-engine-placement-steps-and-the-element-wise-unit)). The effective config writes it only for `lstm` layers.",
                    when: l => l.Kind != LayerKind.Fc),
                KeysOf<LayerConfig>.Int(
                    "outputs", l => l.Outputs, (l, v) => l with { Outputs = v }, 1, 1_000_000,
                    "`fc`: number of outputs (rows of the weight matrix); outputs × inputs may not exceed 2147483591 weights.",
                    required: true, example: "outputs: 10", when: l => l.Kind == LayerKind.Fc),
                KeysOf<LayerConfig>.Int(
                    "hidden", l => l.Hidden, (l, v) => l with { Hidden = v }, 1, 100_000,
                    "`lstm`: size of the hidden and cell state; the gate matrix has 4 × hidden rows.",
                    required: true, example: "hidden: 64", when: l => l.Kind == LayerKind.Lstm),
                KeysOf<LayerConfig>.Enum(
                    "output", l => l.Output, (l, v) => l with { Output = v },
                    "`lstm`: `last` gives the last hidden state (hidden values, the classifier head's input); `sequence` every step's (steps × hidden values, step-major), which a following `lstm` layer needs.",
                    when: l => l.Kind == LayerKind.Lstm),
                KeysOf<LayerConfig>.Enum(
                    "activation", l => l.Activation, (l, v) => l with { Activation = v },
                    "`fc`: applied after rounding and saturation; `none` for a last layer that produces logits. `tanh` and `sigmoid` use a fixed-point table that the golden model and the core's output stage (`hwgen_act_fn`) share, bit for bit and with no extra cycle; a design with either holds the table in every PE (2 EBR per PE at `activation_frac: 8` on iCE40). An `lstm` layer's gates use the same sigmoid and tanh.",
                    when: l => l.Kind == LayerKind.Fc),
                KeysOf<LayerConfig>.Section(
                    "weights", l => l.Weights, (l, v) => l with { Weights = v },
                    "Where the weights come from; see below. Without it, random weights at density 0.1.",
                    KeysOf<WeightsConfig>.Enum(
                        "source", w => w.Source, (w, v) => w with { Source = v },
                        "Where the weights come from."),
                    KeysOf<WeightsConfig>.Real(
                        "density", w => w.Density, (w, v) => w with { Density = v }, 0, 1,
                        "Fraction of weights kept by pruning: round(density × outputs × inputs) weights. Ignored for a precompressed layer (`codes`), whose codes are already pruned.",
                        when: w => !w.IsPrecompressed),
                    KeysOf<WeightsConfig>.Text(
                        "path", w => w.Path, (w, v) => w with { Path = v }, "an existing file",
                        "`npy`/`npz`/`onnx`: the data file or model, relative to the config file. Required for those sources; an error with `random`.", path: true),
                    KeysOf<WeightsConfig>.Text(
                        "layer", w => w.Layer, (w, v) => w with { Layer = v }, "a layer name of the model",
                        "`onnx`: the model's layer, by the name `hwgen import` gives it (from the model, sanitised). Its weights are (outputs, inputs); the bias comes with it.",
                        when: w => w.Source == DataSource.Onnx),
                    KeysOf<WeightsConfig>.Text(
                        "weights", w => w.WeightsKey, (w, v) => w with { WeightsKey = v }, ArrayName,
                        "`npz`: float weights, shape (outputs, inputs) — for an `lstm` layer the gate matrix, W and R side by side, shape (4 × hidden, features + hidden), gate blocks i, f, g, o — which HwGen prunes and weight-shares."),
                    KeysOf<WeightsConfig>.Text(
                        "bias", w => w.BiasKey, (w, v) => w with { BiasKey = v }, ArrayName,
                        "`npz`: optional float bias, shape (outputs,) (`lstm`: (4 × hidden,), the sum of the input and recurrent biases). Without it the bias is zero."),
                    KeysOf<WeightsConfig>.Text(
                        "codes", w => w.CodesKey, (w, v) => w with { CodesKey = v }, ArrayName,
                        "`npz`: precompressed alternative to `weights`: uint8 codebook indices, shape (outputs, inputs), 0 = pruned. The layer skips pruning and k-means."),
                    KeysOf<WeightsConfig>.Text(
                        "codebook", w => w.CodebookKey, (w, v) => w with { CodebookKey = v }, ArrayName,
                        "`npz`, required with `codes`: the float codebook, 1-D, at most 2^codebook_bits entries, entry 0 = 0.0."))),
            "The layers, in order (fully connected or LSTM); see below.",
            min: 1, max: MaxLayers, noun: "layer", example: "layers: [{name: fc1, outputs: 10}]", required: true,
            allowed: "a list of layers, each a mapping with name, kind, outputs or hidden, activation or output, weights"),
        KeysOf<HwGenConfig>.Section(
            "compression", c => c.Compression, (c, v) => c with { Compression = v },
            "How weights are pruned, shared and encoded (DESIGN §3).",
            KeysOf<CompressionConfig>.Enum(
                "pruning", c => c.Pruning, (c, v) => c with { Pruning = v },
                "`magnitude` keeps the layer's largest-magnitude weights; `load_balanced` (ESE) prunes each PE's sub-matrix to the same density."),
            KeysOf<CompressionConfig>.Enum(
                "weights", c => c.Weights, (c, v) => c with { Weights = v },
                "How the surviving weights are stored. `codebook` (Deep Compression, EIE): k-means shares them into 2^codebook_bits − 1 values per layer, and an entry holds a code into that table of W-bit values. `linear` (ESE): no sharing and no table; an entry holds the weight itself, a signed `weight_bits`-bit fixed-point value (ESE uses 12), beside its relative index. With `linear`, `codebook_bits`, `kmeans_iterations` and the centroid retraining are unused, and precompressed layers (`codes`) are an error ([semantics](microarchitecture.md#linear-weights-compressionweights-linear))."),
            KeysOf<CompressionConfig>.Int(
                "codebook_bits", c => c.CodebookBits, (c, v) => c with { CodebookBits = v }, 1, 8,
                "Bits per code: 2^b − 1 shared weights plus the reserved zero. `codebook` weights only.", unit: "bits",
                when: c => c.Weights == WeightEncoding.Codebook),
            KeysOf<CompressionConfig>.Int(
                "index_bits", c => c.IndexBits, (c, v) => c with { IndexBits = v }, 1, 8,
                "Bits of the relative row index of the sparse encoding; longer zero runs get padding entries.", unit: "bits"),
            KeysOf<CompressionConfig>.Enum(
                "row_assignment", c => c.RowAssignment, (c, v) => c with { RowAssignment = v },
                "`interleaved`: row i goes to PE i mod N (EIE); `balanced`: a row permutation with the same rows per PE, found by swaps that even out the work per column and along the column order, then refined against the cycle model (`balance_search`; docs/microarchitecture.md). An `lstm` layer's hidden units move whole (a unit's four gate rows stay on one PE), and a network with `lstm` layers skips the refinement."),
            KeysOf<CompressionConfig>.Int(
                "kmeans_iterations", c => c.KMeansIterations, (c, v) => c with { KMeansIterations = v }, 1, 10_000,
                "Upper bound on k-means iterations (it stops earlier when assignments settle). `codebook` weights only.",
                when: c => c.Weights == WeightEncoding.Codebook),
            KeysOf<CompressionConfig>.Section(
                "balance_search", c => c.BalanceSearch, (c, v) => c with { BalanceSearch = v },
                "With `row_assignment: balanced`: swaps of rows between PEs kept only when the cycle model, run on the search vectors, says the layer got faster (docs/microarchitecture.md); with `hardware.column_pairs`, then swaps of the first layer's columns (which columns share a pair, and when each is broadcast; the host writes the inputs in that order), kept when it got no slower. The assignment is part of the design: the same config gives the same one.",
                KeysOf<BalanceSearchConfig>.Int(
                    "vectors", b => b.Vectors, (b, v) => b with { Vectors = v }, 1, 64,
                    "Input vectors per evaluation: the config's own input vectors first, then random ones of the same density from `seed` + 1.", unit: "vectors"),
                KeysOf<BalanceSearchConfig>.Int(
                    "evaluations", b => b.Evaluations, (b, v) => b with { Evaluations = v }, 0, 1_000_000,
                    "Upper bound on cycle-model evaluations per layer (each runs every search vector), and as many again for the first layer's column order with `hardware.column_pairs`; 0 = the weight-only swap search alone.", unit: "evaluations")),
            KeysOf<CompressionConfig>.Section(
                "retrain", c => c.Retrain, (c, v) => c with { Retrain = v },
                "Deep Compression's retraining on `dataset.train`: after pruning, the kept weights with the mask fixed; after sharing, the centroids. Softmax cross-entropy on the last layer, SGD with momentum 0.9, deterministic for a seed.",
                KeysOf<RetrainConfig>.Int(
                    "epochs", r => r.Epochs, (r, v) => r with { Epochs = v }, 0, 1000,
                    "Epochs of retraining with the pruning mask; 0 = no retraining (the keys below are then unused)."),
                KeysOf<RetrainConfig>.Real(
                    "learning_rate", r => r.LearningRate, (r, v) => r with { LearningRate = v }, 0, 10,
                    "SGD learning rate of the mask retraining.", minExclusive: true, when: r => r.Enabled),
                KeysOf<RetrainConfig>.Int(
                    "batch", r => r.Batch, (r, v) => r with { Batch = v }, 1, 65_536,
                    "Mini-batch size.", unit: "vectors", when: r => r.Enabled),
                KeysOf<RetrainConfig>.Int(
                    "seed", r => r.Seed, (r, v) => r with { Seed = v }, 0, int.MaxValue,
                    "Seed of the shuffling (the result is the same on any number of cores).", when: r => r.Enabled),
                KeysOf<RetrainConfig>.Int(
                    "centroid_epochs", r => r.CentroidEpochs, (r, v) => r with { CentroidEpochs = v }, 0, 1000,
                    "Epochs of centroid retraining after weight sharing (the gradients of the weights that share a code are summed into it); 0 = none.",
                    when: r => r.Enabled),
                KeysOf<RetrainConfig>.Real(
                    "centroid_learning_rate", r => r.CentroidLearningRate, (r, v) => r with { CentroidLearningRate = v }, 0, 10,
                    "SGD learning rate of the centroid retraining.", minExclusive: true, when: r => r.Enabled && r.CentroidEpochs > 0))),
        KeysOf<HwGenConfig>.Section(
            "quantization", c => c.Quantization, (c, v) => c with { Quantization = v },
            "Fixed-point widths (DESIGN §4).",
            KeysOf<QuantizationConfig>.Int(
                "activation_bits", q => q.ActivationBits, (q, v) => q with { ActivationBits = v }, 2, 24,
                "A: activation width in bits, signed two's complement.", unit: "bits"),
            KeysOf<QuantizationConfig>.Int(
                "activation_frac", q => q.ActivationFrac, (q, v) => q with { ActivationFrac = v }, 0, 23,
                "Fa: fractional bits of activations (one bit is always the sign).", unit: "bits", bound: "0..activation_bits-1"),
            KeysOf<QuantizationConfig>.Int(
                "weight_bits", q => q.WeightBits, (q, v) => q with { WeightBits = v }, 2, 24,
                "W: width of the shared weights (codebook entries), or with `compression.weights: linear` of every stored weight; their fractional bits are chosen per layer.", unit: "bits")),
        KeysOf<HwGenConfig>.Section(
            "hardware", c => c.Hardware, (c, v) => c with { Hardware = v },
            "The accelerator's shape (DESIGN §5).",
            KeysOf<HardwareConfig>.Int(
                "pes", h => h.Pes, (h, v) => h with { Pes = v }, 1, 1024,
                "N: processing elements (any N, not only powers of two)."),
            KeysOf<HardwareConfig>.Int(
                "fifo_depth", h => h.FifoDepth, (h, v) => h with { FifoDepth = v }, 1, 1024,
                "Activation queue depth per PE.", unit: "entries"),
            KeysOf<HardwareConfig>.Int(
                "spmat_line_entries", h => h.SpmatLineEntries, (h, v) => h with { SpmatLineEntries = v }, 1, 64,
                "Sparse-matrix entries per memory word.", unit: "entries"),
            KeysOf<HardwareConfig>.Real(
                "clock_mhz", h => h.ClockMhz, (h, v) => h with { ClockMhz = v }, 0, 1000,
                "Target clock, for time estimates and constraints.", minExclusive: true, unit: "MHz"),
            KeysOf<HardwareConfig>.Enum(
                "spmat_memory", h => h.SpmatMemory, (h, v) => h with { SpmatMemory = v },
                "Where each PE's sparse-matrix memory lives: `inferred` block RAM initialised from its image, or iCE40 UltraPlus SPRAM loaded at run time. `auto` is `inferred`, except that `hwgen synth` for a board with SPRAM moves it there when block RAM does not suffice ([boards](boards.md#memory-placement))."),
            KeysOf<HardwareConfig>.Enum(
                "act_memory", h => h.ActMemory, (h, v) => h with { ActMemory = v },
                "The same choice for each PE's activation memory (it needs no initialisation)."),
            KeysOf<HardwareConfig>.Bool(
                "overlap_writeback", h => h.OverlapWriteback, (h, v) => h with { OverlapWriteback = v },
                "`true`: a fully connected layer's writeback runs behind the next fully connected layer's compute phase, which starts in writeback cycle 4, right after row 0's write, instead of after the last write: such a layer costs 3 writeback cycles instead of local rows + 2 (exact in the cycle model). When some fully connected layer is followed by another, each PE gets a second accumulator bank and the activation memory must have two ports (not `ice40_spram`); otherwise the option changes nothing ([engine](microarchitecture.md#overlapped-writeback))."),
            KeysOf<HardwareConfig>.Bool(
                "column_pairs", h => h.ColumnPairs, (h, v) => h with { ColumnPairs = v },
                "`true`: the scanner broadcasts two adjacent columns (2k, 2k + 1) a cycle, and each PE queues and issues the pair as one column, its entries of the non-zero ones back to back, so that a layer is no longer held to one column a cycle (at 100 % activation density the engine can take up to two columns a cycle; exact in the cycle model). Needs an even number of PEs, fully connected layers and on-chip weights; each pointer word holds the pair's two pointers ([engine](microarchitecture.md#column-pairs))."),
            KeysOf<HardwareConfig>.Enum(
                "weight_memory", h => h.WeightMemory, (h, v) => h with { WeightMemory = v },
                "Where the sparse-matrix entries live. `on_chip`: each PE's sparse-matrix memory (EIE). `external`: one image in DRAM, read in INCR bursts through an AXI4 master as the scanner finds the non-zero columns, while pointers, activations, accumulators and the codebook stay on chip ([engine](microarchitecture.md#weights-in-external-dram)). `spmat_memory` and `spmat_line_entries` are then unused.",
                when: h => h.WeightMemory != WeightMemory.OnChip),
            KeysOf<HardwareConfig>.Section(
                "dram", h => h.Dram, (h, v) => h with { Dram = v },
                "With `weight_memory: external`: the memory and the port to it. The cycle model is exact for a memory that behaves as described ([timing](microarchitecture.md#weights-in-external-dram)).",
                h => h.WeightMemory == WeightMemory.External,
                KeysOf<DramConfig>.Int(
                    "data_bits", d => d.DataBits, (d, v) => d with { DataBits = v }, 32, 512,
                    "AXI data width: a power of two.", unit: "bits"),
                KeysOf<DramConfig>.Int(
                    "bytes_per_cycle", d => d.BytesPerCycle, (d, v) => d with { BytesPerCycle = v }, 1, 64,
                    "Bytes the memory delivers per core clock cycle, sustained; at most `data_bits` / 8 (a beat a cycle).", unit: "bytes"),
                KeysOf<DramConfig>.Int(
                    "latency_cycles", d => d.LatencyCycles, (d, v) => d with { LatencyCycles = v }, 1, 255,
                    "Core cycles from a read request's acceptance to its first beat.", unit: "cycles"),
                KeysOf<DramConfig>.Int(
                    "max_burst_bytes", d => d.MaxBurstBytes, (d, v) => d with { MaxBurstBytes = v }, 4, 4096,
                    "Longest burst: a power of two, at least a beat; bursts also stop at 256 beats and at 4 KB boundaries (AXI4).", unit: "bytes"),
                KeysOf<DramConfig>.Int(
                    "outstanding", d => d.Outstanding, (d, v) => d with { Outstanding = v }, 1, 64,
                    "Bursts the master may have requested and not yet received whole."))),
        KeysOf<HwGenConfig>.Section(
            "dataset", c => c.Dataset, (c, v) => c with { Dataset = v },
            "Labelled data (`hwgen import --dataset` writes `test`); see below.",
            Split("test", d => d.Test, (d, v) => d with { Test = v },
                "The vectors `estimate` and `simulate` run (all of them, or the first `--vectors`), and the labels top-1 is measured against."),
            Split("train", d => d.Train, (d, v) => d with { Train = v },
                "The vectors `compression.retrain` fine-tunes on.")));

    private static ConfigKey Split(string name, Func<DatasetConfig, DatasetSplitConfig> get, Func<DatasetConfig, DatasetSplitConfig, DatasetConfig> set, string doc) =>
        KeysOf<DatasetConfig>.Section(
            name, get, set, doc,
            KeysOf<DatasetSplitConfig>.Text(
                "path", s => s.Path, (s, v) => s with { Path = v }, "an existing file",
                "An .npz with an inputs and a labels array, or an .npy of inputs; relative to the config file. Without it there is no such dataset.", path: true),
            KeysOf<DatasetSplitConfig>.Text(
                "inputs", s => s.Inputs, (s, v) => s with { Inputs = v }, ArrayName,
                "`.npz`: the inputs array, shape (N, size) or (N, d1, d2, …), flattened in C order.", when: s => s.IsGiven && !s.IsNpy),
            KeysOf<DatasetSplitConfig>.Text(
                "labels", s => s.Labels, (s, v) => s with { Labels = v }, ArrayName,
                "`.npz`: the labels array, integers 0 .. outputs − 1, shape (N,).", when: s => s.IsGiven && !s.IsNpy),
            KeysOf<DatasetSplitConfig>.Text(
                "labels_path", s => s.LabelsPath, (s, v) => s with { LabelsPath = v }, "an existing file",
                "`.npy` inputs: the labels .npy, relative to the config file; without it the data is unlabelled.", path: true, when: s => s.IsNpy));

    /// <summary>Most layers a config may have: far more than any network HwGen targets, and a bound on what a small file can make HwGen allocate.</summary>
    public const int MaxLayers = 1000;

    /// <summary>Every key by generic path (<c>layers[].weights.density</c>), sections and lists included.</summary>
    public static IReadOnlyDictionary<string, ConfigKey> ByPath { get; } =
        Root.Descendants().Where(k => k.Path.Length > 0).ToDictionary(k => k.Path, StringComparer.Ordinal);

    /// <summary>The keys that hold one value (not sections or lists): what a sweep axis may set.</summary>
    public static IReadOnlyList<ConfigKey> Values { get; } =
        [.. Root.Descendants().Where(k => k.Type is not (ConfigType.Section or ConfigType.List or ConfigType.Map))];

    /// <summary>The key at a generic path.</summary>
    /// <exception cref="KeyNotFoundException">No such key.</exception>
    public static ConfigKey Key(string path) => ByPath[path];
}
