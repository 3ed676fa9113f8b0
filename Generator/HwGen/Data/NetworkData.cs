namespace HwGen.Data;

/// <summary>
/// A network as loaded, before compression: float weights (or precompressed codes) per layer and
/// the float input vectors. Produced by <c>NetworkLoader</c>, consumed by <c>Compressor</c>.
/// </summary>
public sealed record NetworkData
{
    public required IReadOnlyList<LayerData> Layers { get; init; }

    /// <summary>Input vectors in float (each of the first layer's <see cref="LayerData.InputLength"/>).</summary>
    public required IReadOnlyList<double[]> Inputs { get; init; }
}

/// <summary>One layer's weights as loaded: either dense float weights or codes + codebook.</summary>
public sealed record LayerData
{
    public required string Name { get; init; }

    /// <summary>Outputs.</summary>
    public required int Rows { get; init; }

    /// <summary>Inputs.</summary>
    public required int Cols { get; init; }

    /// <summary>Dense float weights, Rows × Cols row-major; null when precompressed.</summary>
    public double[]? Weights { get; init; }

    /// <summary>Precompressed codebook indices, Rows × Cols row-major (0 = pruned); null otherwise.</summary>
    public byte[]? Codes { get; init; }

    /// <summary>Precompressed float codebook, entry 0 is 0.0; null otherwise.</summary>
    public double[]? Codebook { get; init; }

    /// <summary>Float bias per row; zeros when the layer has none.</summary>
    public required double[] Bias { get; init; }

    public bool IsPrecompressed => Codes is not null;

    /// <summary>An LSTM layer's shape (its weights are the gate matrix, Rows = 4 × hidden); null for a fully connected layer.</summary>
    public LstmShape? Lstm { get; init; }

    /// <summary>Values the layer takes: Cols, or an LSTM's steps × features.</summary>
    public int InputLength => Lstm?.InputLength ?? Cols;

    /// <summary>Values the layer gives: Rows, or an LSTM's hidden (or steps × hidden).</summary>
    public int OutputLength => Lstm?.OutputLength ?? Rows;
}
