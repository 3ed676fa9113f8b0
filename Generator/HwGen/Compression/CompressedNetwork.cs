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

    /// <summary>Positions of the hardware's input buffer: the length of the first layer's <see cref="CompressedLayer.HwInToIn"/>.</summary>
    public int HwInputSize => Layers[0].HwInToIn.Length;

    /// <summary>Positions of the hardware's output buffer: the length of the last layer's <see cref="CompressedLayer.HwOutToOut"/>.</summary>
    public int HwOutputSize => Layers[^1].HwOutToOut.Length;

    /// <summary>The first LSTM layer, or null.</summary>
    public CompressedLayer? FirstLstm => Layers.FirstOrDefault(l => l.Lstm is not null);

    /// <summary>
    /// Why this network cannot have <see cref="HardwareSpec.ColumnPairs"/> (an odd N, an LSTM layer,
    /// external weights), or null when it can or does not ask for them: the rule the layout and the
    /// cycle model hold specs built in code to (ConfigValidator gives a config's at its line).
    /// </summary>
    public string? ColumnPairsProblem => Spec.ColumnPairs && (Pes % 2 != 0 || Spec.External is not null || FirstLstm is not null)
        ? "column pairs need an even number of PEs, fully connected layers and on-chip weights (hardware.column_pairs)"
        : null;

    /// <summary>
    /// Whether some layer's activation is tanh or sigmoid, or some layer is an LSTM layer (its gates
    /// use both): only then do the PEs' output stages hold
    /// the activation table (<see cref="ActivationTable"/>, <c>hwgen_act_fn</c>); ReLU and identity designs have none.
    /// </summary>
    public bool UsesActivationTable => Layers.Any(l => l.Lstm is not null || l.Activation is HwGen.Data.ActivationKind.Tanh or HwGen.Data.ActivationKind.Sigmoid);

    public required NetworkStatistics Statistics { get; init; }

    /// <summary>
    /// Whether layer <paramref name="layer"/>'s writeback runs behind the next layer's compute
    /// phase: with <see cref="HardwareSpec.OverlapWriteback"/>, when both are fully connected layers
    /// (docs/microarchitecture.md, "Overlapped writeback").
    /// </summary>
    public bool OverlapsNext(int layer) =>
        Spec.OverlapWriteback && layer + 1 < Layers.Count && Layers[layer].Lstm is null && Layers[layer + 1].Lstm is null;

    /// <summary>Whether some layer's writeback runs behind the next layer's compute phase: the PEs then have a second accumulator bank.</summary>
    public bool OverlapsAnyWriteback => Enumerable.Range(0, Layers.Count).Any(OverlapsNext);
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
    /// Hardware row h = local * N + pe → original row, or −1 for a padding row. A fully connected
    /// layer's is a permutation of its rows (identity for interleaved assignment, count-preserving
    /// for balanced assignment); an LSTM layer's is the unit placement
    /// (<see cref="RowAssignment.LstmUnits"/>), 4·U·N long with −1 for the rows of padding units.
    /// </summary>
    public required int[] HwRowToRow { get; init; }

    /// <summary>
    /// Hardware column → original column, or −1 for a padding column (no entries). A fully
    /// connected layer's is the previous layer's <see cref="HwOutToOut"/> (for the first layer the
    /// identity, or with column pairs and the balanced search the column order it found); an LSTM layer's is <see cref="RowAssignment.LstmColumns"/>: F' = ceil(F / N)·N input
    /// columns, then U·N hidden-state columns.
    /// </summary>
    public required int[] HwColToCol { get; init; }

    /// <summary>Hardware rows: <see cref="Rows"/> for a fully connected layer, 4·U·N for an LSTM layer (U = ceil(H / N)).</summary>
    public int HwRows => HwRowToRow.Length;

    /// <summary>
    /// Hardware columns, the length of <see cref="HwColToCol"/> and of every PE's pointer array
    /// minus one: <see cref="Cols"/> for a fully connected layer after a fully connected one
    /// (or first), the previous layer's hardware outputs after an LSTM layer, F' + U·N for an LSTM layer.
    /// </summary>
    public int HwCols => HwColToCol.Length;

    /// <summary>
    /// Hardware output position → original output index, or −1 for padding: the order in which the
    /// layer writes its outputs. A fully connected layer's is <see cref="HwRowToRow"/>; an LSTM
    /// layer's is U·N long (position s → s while s &lt; H) for the last state, T·U·N long (position
    /// t·U·N + s → t·H + s while s &lt; H) for the whole sequence.
    /// </summary>
    public int[] HwOutToOut
    {
        get
        {
            if (Lstm is not { } lstm)
            {
                return HwRowToRow;
            }

            var units = LstmSlotUnits;
            int slots = units.Length;
            int steps = lstm.ReturnSequence ? lstm.Steps : 1;
            var map = new int[steps * slots];
            for (var t = 0; t < steps; t++)
            {
                for (var s = 0; s < slots; s++)
                {
                    map[(t * slots) + s] = units[s] >= 0 ? (t * lstm.Hidden) + units[s] : -1;
                }
            }

            return map;
        }
    }

    /// <summary>
    /// An LSTM layer's unit slots: slot s = u·N + pe (local unit u of PE pe, whose h_t is written to
    /// hardware output position s of a step) → the hidden unit it holds, or −1 for a padding slot;
    /// U·N long. The identity (then padding) for interleaved units; a permutation of the units for
    /// <c>row_assignment: balanced</c>. Read from <see cref="HwRowToRow"/> (a slot's gate-i row is
    /// its unit). Empty for a fully connected layer.
    /// </summary>
    public int[] LstmSlotUnits
    {
        get
        {
            if (Lstm is null)
            {
                return [];
            }

            int pes = PeEncodings.Count;
            int slots = HwRows / 4;
            var units = new int[slots];
            for (var s = 0; s < slots; s++)
            {
                units[s] = HwRowToRow[(4 * (s / pes) * pes) + (s % pes)];
            }

            return units;
        }
    }

    /// <summary>
    /// Hardware input position → original input index, or −1 for padding: the order in which the
    /// layer reads its inputs. A fully connected layer's is <see cref="HwColToCol"/>; an LSTM
    /// layer's is T·F' long (position t·F' + c → t·F + c while c &lt; F).
    /// </summary>
    public int[] HwInToIn
    {
        get
        {
            if (Lstm is not { } lstm)
            {
                return HwColToCol;
            }

            int xCols = HwCols - (HwRows / 4);
            var map = new int[lstm.Steps * xCols];
            for (var t = 0; t < lstm.Steps; t++)
            {
                for (var c = 0; c < xCols; c++)
                {
                    map[(t * xCols) + c] = c < lstm.Features ? (t * lstm.Features) + c : -1;
                }
            }

            return map;
        }
    }

    /// <summary>Relative-indexed CSC per PE over hardware columns (DESIGN §3).</summary>
    public required IReadOnlyList<PeEncoding> PeEncodings { get; init; }

    public required LayerStatistics Statistics { get; init; }

    /// <summary>k-means iterations weight sharing ran (0 for a precompressed layer).</summary>
    public int KMeansIterations { get; init; }

    /// <summary>False when k-means stopped at its iteration bound before the assignment settled.</summary>
    public bool KMeansConverged { get; init; } = true;

    /// <summary>Local rows of PE <paramref name="pe"/> for a layer of <paramref name="rows"/> hardware rows on N PEs.</summary>
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

    /// <summary>Length HwCols + 1 (<see cref="CompressedLayer.HwCols"/>), starting at 0; a padding column is empty.</summary>
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
