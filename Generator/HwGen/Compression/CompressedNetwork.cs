namespace HwGen.Compression;

/// <summary>
/// The single source of truth for everything downstream of compression (DESIGN §1): the golden
/// model, the cycle model, the emitters and the simulators read only this, never the config.
/// </summary>
public sealed record CompressedNetwork
{
    /// <summary>The design's name: it names the top module and the output files.</summary>
    public required string Name { get; init; }

    /// <summary>The hardware the network is encoded for.</summary>
    public required HardwareSpec Spec { get; init; }

    public required FixedPointFormat Format { get; init; }

    public required IReadOnlyList<CompressedLayer> Layers { get; init; }

    /// <summary>N, the processing elements.</summary>
    public int Pes => Spec.Pes;

    /// <summary>Values of an input vector: the first layer's <see cref="CompressedLayer.InputLength"/>.</summary>
    public int InputSize => Layers[0].InputLength;

    /// <summary>Values of an output vector: the last layer's <see cref="CompressedLayer.OutputLength"/>.</summary>
    public int OutputSize => Layers[^1].OutputLength;

    /// <summary>The first LSTM layer, or null: the RTL and the cycle model do not run LSTM layers yet.</summary>
    public CompressedLayer? FirstLstm => Layers.FirstOrDefault(l => l.Lstm is not null);

    /// <summary>
    /// Throws <see cref="NotSupportedException"/> naming the first LSTM layer, if there is one: what
    /// needs the RTL or the cycle model (generate, simulate, synth, the cycle-model part of
    /// estimate, sweeps with RTL) calls this first.
    /// </summary>
    /// <param name="what">What cannot run them, e.g. "the RTL generator".</param>
    public void ThrowIfLstm(string what)
    {
        if (FirstLstm is { } layer)
        {
            throw new NotSupportedException(
                $"layer '{layer.Name}': lstm layers are not yet supported by {what}; `hwgen estimate` reports their accuracy, compression statistics and memory size");
        }
    }

    /// <summary>
    /// Whether some layer's activation is tanh or sigmoid: only then do the PEs' output stages hold
    /// the activation table (<see cref="ActivationTable"/>, <c>hwgen_act_fn</c>); ReLU and identity designs have none.
    /// </summary>
    public bool UsesActivationTable => Layers.Any(l => l.Activation is HwGen.Data.ActivationKind.Tanh or HwGen.Data.ActivationKind.Sigmoid);

    public required NetworkStatistics Statistics { get; init; }
}

/// <summary>
/// The arithmetic shared by golden model and RTL (DESIGN §4). All layers run on one datapath,
/// so the accumulator width is the maximum any layer needs.
/// </summary>
/// <param name="ActivationBits">A.</param>
/// <param name="ActivationFrac">Fa.</param>
/// <param name="WeightBits">W.</param>
/// <param name="AccumulatorBits">
/// Signed width that no layer's worst-case row can overflow: the maximum over layers and rows of
/// |bias| + Σ |c| × 2^(A−1) over the row's non-zero weights, plus the output stage's rounding term
/// 2^(Fw−1), plus a sign bit. At most 62, so the golden model's <c>long</c> arithmetic is exact.
/// </param>
public sealed record FixedPointFormat(int ActivationBits, int ActivationFrac, int WeightBits, int AccumulatorBits)
{
    public long ActivationMax => (1L << (ActivationBits - 1)) - 1;

    public long ActivationMin => -(1L << (ActivationBits - 1));
}

/// <summary>
/// One compressed layer. Data in original coordinates (<see cref="Codes"/>, <see cref="Bias"/>,
/// <see cref="BiasFixed"/>) feeds the golden model and the float reference; the per-PE encoding
/// is in hardware coordinates (see <see cref="HwRowToRow"/>).
/// </summary>
public sealed record CompressedLayer
{
    public required string Name { get; init; }

    /// <summary>Outputs.</summary>
    public required int Rows { get; init; }

    /// <summary>Inputs.</summary>
    public required int Cols { get; init; }

    /// <summary>The activation of the output stage (ReLU and identity exact; tanh and sigmoid through <see cref="FixedActivation"/>).</summary>
    public required HwGen.Data.ActivationKind Activation { get; init; }

    /// <summary>
    /// An LSTM layer's shape, or null for a fully connected layer. In an LSTM layer the weights
    /// (Rows × Cols) are the gate matrix [W | R], rows in gate blocks i, f, g, o, and
    /// <see cref="Activation"/> is unused (the gates use sigmoid and tanh; docs/microarchitecture.md).
    /// </summary>
    public HwGen.Data.LstmShape? Lstm { get; init; }

    /// <summary>An LSTM layer's cell-state width (<see cref="FixedLstm.CellBits"/>); 0 for a fully connected layer.</summary>
    public int CellBits { get; init; }

    /// <summary>Values the layer takes: Cols, or an LSTM's steps × features.</summary>
    public int InputLength => Lstm?.InputLength ?? Cols;

    /// <summary>Values the layer gives: Rows, or an LSTM's hidden (or steps × hidden).</summary>
    public int OutputLength => Lstm?.OutputLength ?? Rows;

    /// <summary>Whether the activation is ReLU.</summary>
    public bool Relu => Activation == HwGen.Data.ActivationKind.Relu;

    /// <summary>
    /// Codebook index per weight, Rows × Cols row-major, original order; 0 = pruned. A weight is
    /// "non-zero" (stored, processed, counted as a MAC) when its code is, even if its codebook
    /// value quantizes to 0. For a precompressed layer this is the loaded array itself.
    /// </summary>
    public required byte[] Codes { get; init; }

    /// <summary>
    /// Unquantized shared weights, length 2^b; entry 0 is 0.0. From k-means, entries 1.. are the
    /// centroids in ascending order; a precompressed codebook is kept as given, padded with zeros.
    /// </summary>
    public required double[] Codebook { get; init; }

    /// <summary>Float bias per original row (zeros when the layer has none).</summary>
    public required double[] Bias { get; init; }

    /// <summary>The float weights before pruning (Rows × Cols), or null for a precompressed layer.</summary>
    public double[]? DenseWeights { get; init; }

    /// <summary>
    /// Fw: fractional bits of this layer's codebook, the largest at which its largest-magnitude
    /// entry fits W bits; 0 for an all-zero codebook, at most 2W (see <see cref="FixedPoint.ChooseWeightFrac"/>).
    /// </summary>
    public required int WeightFrac { get; init; }

    /// <summary>Codebook as signed W-bit integers at scale 2^Fw, length 2^b; entry 0 is 0.</summary>
    public required long[] CodebookFixed { get; init; }

    /// <summary>
    /// Linear weights (<c>compression.weights: linear</c>): every weight as a signed W-bit integer at
    /// scale 2^Fw, Rows × Cols row-major, original order, 0 where pruned (and where a kept weight
    /// rounds to 0). Null for a codebook layer. In a linear layer <see cref="Codes"/> is the
    /// pruning mask (1 = kept: stored, processed, counted as a MAC even when its value is 0),
    /// <see cref="Codebook"/> is <c>[0.0, 0.0]</c> and <see cref="CodebookFixed"/> <c>[0, 0]</c> (both unused).
    /// </summary>
    public long[]? LinearFixed { get; init; }

    /// <summary>Whether the layer stores linear weights (<see cref="LinearFixed"/>) instead of codes.</summary>
    public bool IsLinear => LinearFixed is not null;

    /// <summary>The fixed-point weight (scale 2^Fw) at a flat index: the codebook value of its code, or its linear value.</summary>
    public long FixedWeight(int index) => LinearFixed is { } values ? values[index] : CodebookFixed[Codes[index]];

    /// <summary>Bias per original row at the accumulator's scale 2^(Fa+Fw), rounded half away from zero.</summary>
    public required long[] BiasFixed { get; init; }

    /// <summary>
    /// Hardware row h = local * N + pe → original row. Identity for interleaved assignment;
    /// a count-preserving permutation for balanced assignment.
    /// </summary>
    public required int[] HwRowToRow { get; init; }

    /// <summary>
    /// Hardware column → original column: the previous layer's <see cref="HwRowToRow"/>
    /// (identity for the first layer).
    /// </summary>
    public required int[] HwColToCol { get; init; }

    /// <summary>Relative-indexed CSC per PE over hardware columns (DESIGN §3).</summary>
    public required IReadOnlyList<PeEncoding> PeEncodings { get; init; }

    public required LayerStatistics Statistics { get; init; }

    /// <summary>k-means iterations weight sharing ran (0 for a precompressed layer).</summary>
    public int KMeansIterations { get; init; }

    /// <summary>False when k-means stopped at its iteration bound before the assignment settled.</summary>
    public bool KMeansConverged { get; init; } = true;

    /// <summary>Local rows of PE <paramref name="pe"/> for a layer of <paramref name="rows"/> rows on N PEs.</summary>
    public static int LocalRows(int rows, int pes, int pe) => (rows - pe + pes - 1) / pes;
}

/// <summary>
/// One PE's share of one layer: for hardware column j, entries
/// [<see cref="ColumnPointers"/>[j], <see cref="ColumnPointers"/>[j+1]).
/// </summary>
public sealed record PeEncoding
{
    public required int Pe { get; init; }

    /// <summary>Local rows this PE owns in the layer.</summary>
    public required int LocalRows { get; init; }

    /// <summary>Length Cols + 1, starting at 0.</summary>
    public required int[] ColumnPointers { get; init; }

    /// <summary>Codebook index of each entry; 0 for padding entries.</summary>
    public required byte[] EntryCodes { get; init; }

    /// <summary>Relative index z of each entry (zero rows skipped since the previous entry).</summary>
    public required byte[] EntryIndices { get; init; }

    /// <summary>
    /// Linear weights only: the signed W-bit weight of each entry (0 for padding entries); null in a
    /// codebook layer. <see cref="EntryCodes"/> then marks real entries with 1 and padding with 0.
    /// </summary>
    public long[]? EntryValues { get; init; }

    public int Entries => EntryCodes.Length;
}
