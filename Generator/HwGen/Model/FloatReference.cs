using HwGen.Compression;

namespace HwGen.Model;

/// <summary>Which float weights a float run of the network uses: the compression stages before fixed point.</summary>
public enum WeightStage
{
    /// <summary>The weights as loaded, before pruning.</summary>
    Dense,

    /// <summary>The loaded weights where pruning kept them, 0 elsewhere: pruned but not shared.</summary>
    Pruned,

    /// <summary>
    /// The unquantized shared weights, <c>Codebook[code]</c>. Linear weights are not shared: for
    /// them this stage is the pruned weights.
    /// </summary>
    Shared,
}

/// <summary>One float inference: every layer's output in original row order.</summary>
public sealed record FloatResult(IReadOnlyList<double[]> LayerOutputs)
{
    /// <summary>The network's output: the last layer's.</summary>
    public double[] Output => LayerOutputs[^1];
}

/// <summary>
/// The network in double precision (DESIGN §3, §4), for accuracy reporting: same layers, biases
/// and activations as the golden model (LSTM layers through <see cref="HwGen.Data.FloatLstm"/>), unquantized weights and activations. Precompressed layers have
/// no dense or merely pruned weights; for them every stage uses the shared weights (see
/// <see cref="IsAvailable"/>).
/// </summary>
public static class FloatReference
{
    /// <summary>True when every layer has the weights <paramref name="stage"/> needs.</summary>
    public static bool IsAvailable(CompressedNetwork network, WeightStage stage) =>
        stage == WeightStage.Shared || network.Layers.All(l => l.DenseWeights is not null);

    /// <summary>Runs the network on a float input.</summary>
    public static FloatResult Run(CompressedNetwork network, ReadOnlySpan<double> input, WeightStage stage)
    {
        if (input.Length != network.InputSize)
        {
            throw new ArgumentException($"input has {input.Length} elements, the network takes {network.InputSize}", nameof(input));
        }

        var outputs = new List<double[]>();
        double[] x = input.ToArray();
        foreach (var layer in network.Layers)
        {
            if (layer.Lstm is { } lstm)
            {
                x = HwGen.Data.FloatLstm.Run(lstm, (i, j) => Weight(layer, (i * layer.Cols) + j, stage), layer.Bias, x);
                outputs.Add(x);
                continue;
            }

            var y = new double[layer.Rows];
            for (var i = 0; i < layer.Rows; i++)
            {
                double sum = layer.Bias[i];
                for (var j = 0; j < layer.Cols; j++)
                {
                    sum += Weight(layer, (i * layer.Cols) + j, stage) * x[j];
                }

                y[i] = HwGen.Data.Activations.Apply(layer.Activation, sum);
            }

            outputs.Add(y);
            x = y;
        }

        return new FloatResult(outputs);
    }

    /// <summary>The float weight at a flat index for a stage (the shared weight when the stage's weights are not available).</summary>
    public static double Weight(CompressedLayer layer, int index, WeightStage stage)
    {
        byte code = layer.Codes[index];
        return stage switch
        {
            WeightStage.Dense when layer.DenseWeights is not null => layer.DenseWeights[index],
            WeightStage.Pruned when layer.DenseWeights is not null => code == 0 ? 0 : layer.DenseWeights[index],
            _ when layer.IsLinear => code == 0 ? 0 : layer.DenseWeights![index],
            _ => layer.Codebook[code],
        };
    }
}
