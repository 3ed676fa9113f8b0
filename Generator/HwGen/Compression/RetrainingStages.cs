using HwGen.Data;

namespace HwGen.Compression;

/// <summary>
/// The glue between HwGen's compression stages and retraining (DESIGN §1: prune → retrain with
/// the mask → share → retrain the centroids → fixed point): masks from pruning, shared layers from
/// a compressed network, and shared layers back as precompressed data for the compressor.
/// </summary>
public static class RetrainingStages
{
    /// <summary>
    /// Prunes every layer of a float network as the compressor would (magnitude, or ESE's
    /// load-balance-aware pruning over <paramref name="pes"/> PEs): the pruned network (0 where
    /// pruned) and the masks.
    /// </summary>
    public static (FloatNetwork Pruned, IReadOnlyList<bool[]> Masks) Prune(
        FloatNetwork network, IReadOnlyList<double> densities, bool loadBalanced = false, int pes = 1)
    {
        if (densities.Count != network.Layers.Count)
        {
            throw new ArgumentException($"{densities.Count} densities for {network.Layers.Count} layers", nameof(densities));
        }

        var masks = new List<bool[]>();
        var layers = new List<FloatLayer>();
        for (var l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            int[] kept = loadBalanced
                ? Pruning.LoadBalanced(layer.Weights, layer.Outputs, layer.Inputs, densities[l], pes, Compressor.Placement(layer.Lstm, pes))
                : Pruning.Magnitude(layer.Weights, densities[l]);
            var mask = Retraining.MaskFromKept(layer.Weights.Length, kept);
            masks.Add(mask);
            layers.Add(layer with { Weights = layer.Weights.Select((w, k) => mask[k] ? w : 0).ToArray() });
        }

        return (new FloatNetwork(layers), masks);
    }

    /// <summary>A compressed network's layers as codes, unquantized codebook and float bias (for centroid retraining).</summary>
    public static IReadOnlyList<SharedLayer> Shared(CompressedNetwork network, IReadOnlyList<ActivationKind> activations) =>
        network.Layers.Select((l, i) => new SharedLayer(l.Name, l.Rows, l.Cols, l.Codes, l.Codebook, l.Bias, activations[i])).ToList();

    /// <summary>Shared layers as precompressed layer data: the compressor keeps codes and codebook as given.</summary>
    public static NetworkData Precompressed(IReadOnlyList<SharedLayer> layers) => new()
    {
        Layers = layers.Select(l => new LayerData { Name = l.Name, Rows = l.Rows, Cols = l.Cols, Codes = l.Codes, Codebook = l.Codebook, Bias = l.Bias }).ToList(),
        Inputs = [],
    };

    /// <summary>Shared layers as a float network (weights = codebook[code]) for float accuracy.</summary>
    public static FloatNetwork ToFloat(IReadOnlyList<SharedLayer> layers) => new(layers.Select(l => new FloatLayer(
        l.Name, l.Rows, l.Cols, l.Codes.Select(c => l.Codebook[c]).ToArray(), l.Bias, l.Activation)).ToList());
}
