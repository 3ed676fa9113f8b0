namespace HwGen.Data;

/// <summary>
/// One fully connected layer in float: <c>y = activation(W x + b)</c>.
/// </summary>
/// <param name="Name">Unique, <c>[a-z][a-z0-9_]*</c> when it comes from an import.</param>
/// <param name="Outputs">Rows of <paramref name="Weights"/>.</param>
/// <param name="Inputs">Columns of <paramref name="Weights"/>.</param>
/// <param name="Weights">Outputs × Inputs, row-major.</param>
/// <param name="Bias">One per output (zeros when the model has none).</param>
/// <param name="Activation">Applied after the bias.</param>
/// <param name="Lstm">An LSTM layer's shape (then <paramref name="Weights"/> is the gate matrix and <paramref name="Activation"/> unused); null for fully connected.</param>
public sealed record FloatLayer(string Name, int Outputs, int Inputs, double[] Weights, double[] Bias, ActivationKind Activation, LstmShape? Lstm = null)
{
    /// <summary>Values the layer takes: Inputs, or an LSTM's steps × features.</summary>
    public int InputLength => Lstm?.InputLength ?? Inputs;

    /// <summary>Values the layer gives: Outputs, or an LSTM's hidden (or steps × hidden).</summary>
    public int OutputLength => Lstm?.OutputLength ?? Outputs;

    /// <summary>The weight of output <paramref name="row"/> from input <paramref name="col"/>.</summary>
    public double Weight(int row, int col) => Weights[(row * Inputs) + col];

    /// <summary>Fraction of weights that are not zero (a model pruned in training has fewer).</summary>
    public double Density => Weights.Length == 0 ? 0 : (double)Weights.Count(w => w != 0) / Weights.Length;

    /// <summary>The layer as <see cref="LayerData"/>, the compressor's input (dense float weights).</summary>
    public LayerData ToLayerData() => new() { Name = Name, Rows = Outputs, Cols = Inputs, Weights = Weights, Bias = Bias, Lstm = Lstm };
}

/// <summary>
/// A network of fully connected layers in float, as imported from a trained model: each layer's
/// inputs are the previous layer's outputs, the first layer's are the <see cref="InputSize"/>
/// elements of a (flattened, C order) input vector.
/// </summary>
public sealed record FloatNetwork
{
    /// <summary>Creates a network, checking that the layers chain.</summary>
    /// <exception cref="ArgumentException">No layers, or a layer's inputs differ from the previous layer's outputs.</exception>
    public FloatNetwork(IReadOnlyList<FloatLayer> layers)
    {
        if (layers.Count == 0)
        {
            throw new ArgumentException("a network needs at least one layer", nameof(layers));
        }

        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            if (layer.Weights.Length != (long)layer.Outputs * layer.Inputs || layer.Bias.Length != layer.Outputs)
            {
                throw new ArgumentException($"layer '{layer.Name}': {layer.Weights.Length} weights and {layer.Bias.Length} biases for {layer.Outputs} × {layer.Inputs}", nameof(layers));
            }

            if (layer.Lstm is { } lstm && (lstm.Rows != layer.Outputs || lstm.Cols != layer.Inputs))
            {
                throw new ArgumentException($"lstm layer '{layer.Name}': a {layer.Outputs} × {layer.Inputs} gate matrix for hidden {lstm.Hidden} and {lstm.Features} features", nameof(layers));
            }

            if (l > 0 && layers[l - 1].OutputLength != layer.InputLength)
            {
                throw new ArgumentException($"layer '{layer.Name}' takes {layer.InputLength} inputs but '{layers[l - 1].Name}' gives {layers[l - 1].OutputLength}", nameof(layers));
            }
        }

        Layers = layers;
    }

    public IReadOnlyList<FloatLayer> Layers { get; }

    public int InputSize => Layers[0].InputLength;

    public int OutputSize => Layers[^1].OutputLength;

    /// <summary>Every layer's output for one input, in double precision, summing each row in column order.</summary>
    public IReadOnlyList<double[]> RunLayers(ReadOnlySpan<double> input)
    {
        if (input.Length != InputSize)
        {
            throw new ArgumentException($"input has {input.Length} elements, the network takes {InputSize}", nameof(input));
        }

        var outputs = new List<double[]>(Layers.Count);
        double[] x = input.ToArray();
        foreach (var layer in Layers)
        {
            x = RunLayer(layer, x);
            outputs.Add(x);
        }

        return outputs;
    }

    /// <summary>The network's output (the last layer's) for one input.</summary>
    public double[] Run(ReadOnlySpan<double> input) => RunLayers(input)[^1];

    /// <summary>
    /// One layer on its input: <c>activation(b[i] + Σ_j W[i, j] x[j])</c>, j ascending; an LSTM
    /// layer through <see cref="FloatLstm.Run"/>.
    /// </summary>
    public static double[] RunLayer(FloatLayer layer, ReadOnlySpan<double> x)
    {
        if (x.Length != layer.InputLength)
        {
            throw new ArgumentException($"layer '{layer.Name}' takes {layer.InputLength} inputs, not {x.Length}", nameof(x));
        }

        if (layer.Lstm is { } lstm)
        {
            return FloatLstm.Run(lstm, (i, j) => layer.Weights[(i * layer.Inputs) + j], layer.Bias, x);
        }

        var y = new double[layer.Outputs];
        for (var i = 0; i < layer.Outputs; i++)
        {
            double sum = layer.Bias[i];
            var row = layer.Weights.AsSpan(i * layer.Inputs, layer.Inputs);
            for (var j = 0; j < row.Length; j++)
            {
                sum += row[j] * x[j];
            }

            y[i] = Activations.Apply(layer.Activation, sum);
        }

        return y;
    }

    /// <summary>The network as the compressor's input, with no input vectors.</summary>
    public NetworkData ToNetworkData() => new() { Layers = Layers.Select(l => l.ToLayerData()).ToList(), Inputs = [] };
}
