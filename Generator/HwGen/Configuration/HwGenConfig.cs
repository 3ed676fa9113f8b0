namespace HwGen.Configuration;

/// <summary>Where a vector or a weight matrix comes from.</summary>
public enum DataSource
{
    Random,
    Npy,
    Npz,

    /// <summary>A layer of an ONNX model (weights only), imported by <c>OnnxImporter</c>.</summary>
    Onnx,
}

/// <summary>The non-linearity applied after a layer's rounding and saturation.</summary>
public enum LayerActivation
{
    Relu,
    None,
    Tanh,
    Sigmoid,
}

/// <summary>What a layer computes.</summary>
public enum LayerKind
{
    /// <summary>Fully connected: <c>y = activation(W x + b)</c> on the whole input vector.</summary>
    Fc,

    /// <summary>
    /// A long short-term memory layer (ESE): at each step the gate matrix <c>[W | R]</c> times
    /// <c>[x_t ; h_(t−1)]</c>, then the cell and hidden state (docs/microarchitecture.md, "LSTM layers").
    /// </summary>
    Lstm,
}

/// <summary>What an LSTM layer gives the layer after it (or the network's output).</summary>
public enum LstmOutput
{
    /// <summary>The last hidden state h_T (hidden values): the usual classifier head.</summary>
    Last,

    /// <summary>Every hidden state h_1 … h_T (steps × hidden values, step-major): the sequence a further LSTM layer takes.</summary>
    Sequence,
}

/// <summary>How pruning chooses the weights to keep (DESIGN §3).</summary>
public enum PruningMethod
{
    /// <summary>Keep the largest-magnitude weights of the whole layer.</summary>
    Magnitude,

    /// <summary>ESE: keep the largest-magnitude weights of each PE's sub-matrix, equal density per PE.</summary>
    LoadBalanced,
}

/// <summary>How the surviving weights are stored in the sparse-matrix entries (DESIGN §3; docs/microarchitecture.md).</summary>
public enum WeightEncoding
{
    /// <summary>Deep Compression / EIE: k-means weight sharing; an entry holds a b-bit code into a per-layer table of W-bit values.</summary>
    Codebook,

    /// <summary>ESE: no sharing; an entry holds the weight itself as a signed W-bit fixed-point value, no table lookup.</summary>
    Linear,
}

/// <summary>Which RAM holds one of the PE's memories.</summary>
public enum MemoryStyle
{
    /// <summary>
    /// <c>inferred</c> by the synthesis tool from hwgen_ram_1r1w (block RAM), except that a board
    /// flow (<c>hwgen synth --board</c>) may move it to the board's special memory when its block
    /// RAM does not suffice. Everywhere else it means <see cref="Inferred"/>.
    /// </summary>
    Auto,

    /// <summary>An inferred RAM (hwgen_ram_1r1w): block RAM, initialised from its memory image.</summary>
    Inferred,

    /// <summary>iCE40 UltraPlus SPRAM (hwgen_ram_ice40_spram): no bitstream initialisation, loaded at run time.</summary>
    Ice40Spram,
}

/// <summary>How output rows are distributed over the PEs (DESIGN §3).</summary>
public enum RowAssignmentMethod
{
    /// <summary>Row i goes to PE i mod N (EIE).</summary>
    Interleaved,

    /// <summary>A permutation of rows, chosen from the weights, that evens out per-column work.</summary>
    Balanced,
}

/// <summary>
/// A whole HwGen design: the network, how it is compressed, and the hardware it runs on.
/// Immutable; every knob has a default. <c>ConfigLoader</c> builds it from YAML and
/// validates it; presets are derived with <c>with</c>.
/// </summary>
public sealed record HwGenConfig
{
    /// <summary>
    /// Design name, <c>[a-z][a-z0-9_]*</c> and not a SystemVerilog keyword; names the top module
    /// and output files.
    /// </summary>
    public string Name { get; init; } = "accel";

    /// <summary>Every random choice derives from this seed.</summary>
    public int Seed { get; init; } = 1;

    public InputConfig Input { get; init; } = new();

    public IReadOnlyList<LayerConfig> Layers { get; init; } = [];

    public CompressionConfig Compression { get; init; } = new();

    public QuantizationConfig Quantization { get; init; } = new();

    public HardwareConfig Hardware { get; init; } = new();

    /// <summary>Labelled data: the test set that estimate and simulate run, the training set retraining uses.</summary>
    public DatasetConfig Dataset { get; init; } = new();

    /// <summary>
    /// The folder that relative data paths resolve against (the config file's folder).
    /// Not a YAML key.
    /// </summary>
    public string BaseDirectory { get; init; } = ".";

    /// <summary>The config file this came from, as the user named it (for messages). Not a YAML key.</summary>
    public string SourceFile { get; init; } = "<memory>";

    /// <summary>
    /// Where each key was written in <see cref="SourceFile"/>, so that problems found later (in the
    /// data files the config names) can point at the config line. Empty for configs built in code.
    /// Not a YAML key.
    /// </summary>
    public ConfigLocations Locations { get; init; } = ConfigLocations.None;

    /// <summary>Values of one input vector: <c>input.steps × input.size</c> (a sequence, step-major; one vector when steps is 1).</summary>
    public long InputLength => (long)Input.Steps * Input.Size;

    /// <summary>Whether some layer is an LSTM layer.</summary>
    public bool HasLstm => Layers.Any(l => l.Kind == LayerKind.Lstm);

    /// <summary>
    /// Every layer's shape, in order (<see cref="LayerShape"/>): a fully connected layer takes the
    /// whole previous output (a sequence flattened step-major); an LSTM layer takes the network's
    /// input sequence or the previous LSTM layer's sequence. Meaningful for a valid config.
    /// </summary>
    public IReadOnlyList<LayerShape> LayerShapes()
    {
        var shapes = new List<LayerShape>(Layers.Count);
        long steps = Input.Steps;
        long width = Input.Size;
        foreach (var layer in Layers)
        {
            if (layer.Kind == LayerKind.Lstm)
            {
                long hidden = layer.Hidden;
                var shape = new LayerShape(4 * hidden, width + hidden, steps, width, steps * width,
                    layer.Output == LstmOutput.Sequence ? steps * hidden : hidden);
                shapes.Add(shape);
                steps = layer.Output == LstmOutput.Sequence ? steps : 1;
                width = hidden;
            }
            else
            {
                shapes.Add(new LayerShape(layer.Outputs, steps * width, 1, steps * width, steps * width, layer.Outputs));
                steps = 1;
                width = layer.Outputs;
            }
        }

        return shapes;
    }

    /// <summary>Resolves a data path from the config against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(BaseDirectory, path));
}

/// <summary>The input vector(s) that estimate and simulate use.</summary>
public sealed record InputConfig
{
    /// <summary>Values per step: the whole input vector when <see cref="Steps"/> is 1, else the features of one step of a sequence.</summary>
    public int Size { get; init; } = 16;

    /// <summary>Steps of an input sequence (an LSTM first layer's time steps); 1 = a plain vector.</summary>
    public int Steps { get; init; } = 1;

    public DataSource Source { get; init; } = DataSource.Random;

    /// <summary>Random source: fraction of non-zero activations, in [0, 1].</summary>
    public double Density { get; init; } = 0.35;

    /// <summary>Random source: false = non-negative (post-ReLU) values, true = both signs.</summary>
    public bool Signed { get; init; }

    /// <summary>npy/npz: shape (size,) or (vectors, size), relative to the config file.</summary>
    public string? Path { get; init; }

    /// <summary>npz: the array's name.</summary>
    public string Key { get; init; } = "input";
}

/// <summary>One layer: fully connected (its inputs are the previous layer's outputs) or LSTM.</summary>
public sealed record LayerConfig
{
    public string Name { get; init; } = "fc";

    /// <summary>Fully connected (default) or LSTM.</summary>
    public LayerKind Kind { get; init; } = LayerKind.Fc;

    /// <summary>Fully connected: outputs (rows of the weight matrix).</summary>
    public int Outputs { get; init; } = 16;

    /// <summary>LSTM: the hidden (and cell) state's size; the gate matrix has 4 × hidden rows.</summary>
    public int Hidden { get; init; } = 16;

    /// <summary>LSTM: the last hidden state (default) or the whole sequence of them.</summary>
    public LstmOutput Output { get; init; } = LstmOutput.Last;

    public LayerActivation Activation { get; init; } = LayerActivation.Relu;

    public WeightsConfig Weights { get; init; } = new();
}

/// <summary>
/// A layer's shape as the config gives it (<see cref="HwGenConfig.LayerShapes"/>): its weight
/// matrix and how many values it takes and gives. Longs, so that a validator can check huge ones.
/// </summary>
/// <param name="Rows">Rows of the weight matrix: outputs, or 4 × hidden for an LSTM's gates (i, f, g, o).</param>
/// <param name="Cols">Columns: the inputs, or features + hidden for an LSTM's <c>[W | R]</c>.</param>
/// <param name="Steps">An LSTM's time steps; 1 for a fully connected layer.</param>
/// <param name="Features">An LSTM's inputs per step; a fully connected layer's inputs.</param>
/// <param name="InputLength">Values the layer takes: steps × features.</param>
/// <param name="OutputLength">Values the layer gives: outputs, hidden, or steps × hidden.</param>
public sealed record LayerShape(long Rows, long Cols, long Steps, long Features, long InputLength, long OutputLength);

/// <summary>Where a layer's weights come from and how densely they are kept.</summary>
public sealed record WeightsConfig
{
    public DataSource Source { get; init; } = DataSource.Random;

    /// <summary>Fraction of weights kept after pruning, in [0, 1].</summary>
    public double Density { get; init; } = 0.1;

    /// <summary>npy/npz file, relative to the config file.</summary>
    public string? Path { get; init; }

    /// <summary>npz: float weight array (outputs × inputs), pruned and shared by HwGen.</summary>
    public string? WeightsKey { get; init; }

    /// <summary>npz: optional float bias (outputs,).</summary>
    public string? BiasKey { get; init; }

    /// <summary>npz: precompressed uint8 codes (outputs × inputs); used instead of weights.</summary>
    public string? CodesKey { get; init; }

    /// <summary>npz: with codes, the float codebook whose entry 0 is 0.0.</summary>
    public string? CodebookKey { get; init; }

    /// <summary>onnx: the model's layer, by the name the import gives it (<c>hwgen import</c> writes it).</summary>
    public string? Layer { get; init; }

    /// <summary>True when the layer is given as codes + codebook and skips pruning and k-means.</summary>
    public bool IsPrecompressed => CodesKey is not null;
}

/// <summary>The datasets of a design; a split without a path is absent.</summary>
public sealed record DatasetConfig
{
    /// <summary>The vectors estimate and simulate run, with the labels top-1 is measured against.</summary>
    public DatasetSplitConfig Test { get; init; } = new();

    /// <summary>The vectors retraining (<c>compression.retrain</c>) fine-tunes on.</summary>
    public DatasetSplitConfig Train { get; init; } = new();
}

/// <summary>
/// One dataset: an .npz with an inputs and a labels array, or an inputs .npy with an optional
/// labels .npy. Inputs are (N, size) or (N, d1, d2, …), flattened in C order.
/// </summary>
public sealed record DatasetSplitConfig
{
    /// <summary>The .npz (or the inputs .npy), relative to the config file; null: no such dataset.</summary>
    public string? Path { get; init; }

    /// <summary>.npz: the inputs array.</summary>
    public string Inputs { get; init; } = "x";

    /// <summary>.npz: the labels array.</summary>
    public string Labels { get; init; } = "y";

    /// <summary>.npy: the labels .npy file, relative to the config file; null: unlabelled.</summary>
    public string? LabelsPath { get; init; }

    /// <summary>Whether a dataset is given.</summary>
    public bool IsGiven => Path is not null;

    /// <summary>Whether <see cref="Path"/> is a single .npy file (else an .npz archive).</summary>
    public bool IsNpy => Path?.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>
/// Deep Compression's retraining (DESIGN §1): after pruning, fine-tune the surviving weights with
/// the mask fixed; after weight sharing, fine-tune the centroids. Off while <see cref="Epochs"/> is 0.
/// </summary>
public sealed record RetrainConfig
{
    /// <summary>Epochs of retraining with the pruning mask; 0 = no retraining.</summary>
    public int Epochs { get; init; }

    /// <summary>SGD learning rate of the mask retraining.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Mini-batch size.</summary>
    public int Batch { get; init; } = 64;

    /// <summary>Seed of the shuffling.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Epochs of centroid retraining after weight sharing; 0 = none.</summary>
    public int CentroidEpochs { get; init; } = 3;

    /// <summary>SGD learning rate of the centroid retraining.</summary>
    public double CentroidLearningRate { get; init; } = 0.0005;

    /// <summary>Whether retraining runs.</summary>
    public bool Enabled => Epochs > 0;
}

public sealed record CompressionConfig
{
    public PruningMethod Pruning { get; init; } = PruningMethod.Magnitude;

    /// <summary>How the surviving weights are stored: codebook codes (default) or linear W-bit values.</summary>
    public WeightEncoding Weights { get; init; } = WeightEncoding.Codebook;

    /// <summary>Codebook index bits b: 2^b − 1 shared values plus the reserved zero.</summary>
    public int CodebookBits { get; init; } = 4;

    /// <summary>Relative row index bits Z of the CSC encoding.</summary>
    public int IndexBits { get; init; } = 4;

    public RowAssignmentMethod RowAssignment { get; init; } = RowAssignmentMethod.Interleaved;

    /// <summary>Upper bound on k-means iterations (it stops earlier when assignments settle).</summary>
    public int KMeansIterations { get; init; } = 100;

    /// <summary>Retraining after pruning and after sharing (needs <c>dataset.train</c>).</summary>
    public RetrainConfig Retrain { get; init; } = new();

    /// <summary>The cycle-model search that refines the balanced row assignment.</summary>
    public BalanceSearchConfig BalanceSearch { get; init; } = new();
}

/// <summary>The cycle-model search behind <c>row_assignment: balanced</c> (docs/microarchitecture.md).</summary>
public sealed record BalanceSearchConfig
{
    /// <summary>Input vectors the cycle model runs per evaluation: the config's own first, then random ones.</summary>
    public int Vectors { get; init; } = 1;

    /// <summary>Upper bound on cycle-model evaluations per layer; 0 = the weight-only swap search alone.</summary>
    public int Evaluations { get; init; } = 10_000;
}

public sealed record QuantizationConfig
{
    /// <summary>A: activation width in bits (signed two's complement).</summary>
    public int ActivationBits { get; init; } = 16;

    /// <summary>Fa: fractional bits of activations.</summary>
    public int ActivationFrac { get; init; } = 8;

    /// <summary>W: width of the shared weights (codebook entries) in bits; with linear weights, of every stored weight.</summary>
    public int WeightBits { get; init; } = 16;
}

public sealed record HardwareConfig
{
    /// <summary>N: processing elements, any N ≥ 1.</summary>
    public int Pes { get; init; } = 4;

    /// <summary>Activation queue depth per PE, in entries.</summary>
    public int FifoDepth { get; init; } = 8;

    /// <summary>Sparse-matrix entries per memory word.</summary>
    public int SpmatLineEntries { get; init; } = 8;

    public double ClockMhz { get; init; } = 100;

    /// <summary>Where each PE's sparse-matrix memory lives.</summary>
    public MemoryStyle SpmatMemory { get; init; } = MemoryStyle.Auto;

    /// <summary>Where each PE's activation memory (source and destination banks) lives.</summary>
    public MemoryStyle ActMemory { get; init; } = MemoryStyle.Auto;

    /// <summary>
    /// Whether a fully connected layer's writeback runs behind the next fully connected layer's
    /// compute phase, on a second accumulator bank.
    /// </summary>
    public bool OverlapWriteback { get; init; }

    /// <summary>
    /// Whether each broadcast carries two adjacent columns, which every PE queues and issues as
    /// one.
    /// </summary>
    public bool ColumnPairs { get; init; }

    /// <summary>Where the sparse-matrix entries live: each PE's memory, or DRAM behind an AXI4 master.</summary>
    public WeightMemory WeightMemory { get; init; } = WeightMemory.OnChip;

    /// <summary>The DRAM and its port, with <see cref="WeightMemory"/> external.</summary>
    public DramConfig Dram { get; init; } = new();
}

/// <summary>Where the sparse-matrix entries live.</summary>
public enum WeightMemory
{
    /// <summary>In each PE's sparse-matrix memory (EIE).</summary>
    OnChip,

    /// <summary>In DRAM, read through an AXI4 master in bursts (ESE).</summary>
    External,
}

/// <summary><c>hardware.dram</c>: the memory the entries are read from, and the port to it.</summary>
public sealed record DramConfig
{
    /// <summary>AXI data width in bits: 32 to 512, a power of two.</summary>
    public int DataBits { get; init; } = 64;

    /// <summary>Bytes the memory delivers per core cycle, at most a beat.</summary>
    public int BytesPerCycle { get; init; } = 8;

    /// <summary>Cycles from a read request's acceptance to its first beat.</summary>
    public int LatencyCycles { get; init; } = 30;

    /// <summary>Largest burst in bytes (a power of two; at most 256 beats and 4096 bytes).</summary>
    public int MaxBurstBytes { get; init; } = 1024;

    /// <summary>Bursts the master may have requested and not yet received whole.</summary>
    public int Outstanding { get; init; } = 8;
}
