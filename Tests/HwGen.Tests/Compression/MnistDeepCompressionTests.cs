using HwGen.Compression;
using HwGen.Data;
using HwGen.Model;
using Xunit.Abstractions;

namespace HwGen.Tests.Compression;

/// <summary>
/// Deep Compression on the real LeNet-300-100 trained in PyTorch (examples/mnist): the imported
/// network gives PyTorch's top-1; pruning to 8 %/9 %/26 % costs accuracy and retraining with the
/// mask recovers it to within 1.5 points of dense; weight sharing and centroid retraining and
/// fixed point keep it there.
/// </summary>
public class MnistDeepCompressionTests(ITestOutputHelper output)
{
    private static double Top1(FloatNetwork network) =>
        FloatEvaluator.Top1(FloatEvaluator.For(network).Classify(Mnist.Test), Mnist.Test.Labels!);

    private static double Top1(CompressedNetwork network) =>
        FloatEvaluator.Top1(new FastEvaluator(network).Classify(Mnist.Test), Mnist.Test.Labels!);

    [Fact]
    public void Pruned_to_deep_compressions_densities_and_retrained_lenet_ends_within_one_and_a_half_points_of_dense()
    {
        double dense = Top1(Mnist.Network);
        dense.ShouldBe(Mnist.PyTorchTop1);

        var (pruned, masks) = RetrainingStages.Prune(Mnist.Network, Mnist.DeepCompressionDensities);
        double prunedTop1 = Top1(pruned);

        var options = new RetrainOptions { Epochs = 10, LearningRate = 0.01, Batch = 64, Seed = 1 };
        var retrained = Retraining.RetrainMasked(pruned, masks, Mnist.Train, options).Result;
        double retrainedTop1 = Top1(retrained);

        // 4-bit codebooks (15 centroids) so that sharing costs something for the centroids to win back.
        var shared = Mnist.Compress(retrained, Mnist.DeepCompressionDensities, codebookBits: 4);
        var activations = retrained.Layers.Select(l => l.Activation).ToList();
        var sharedLayers = RetrainingStages.Shared(shared, activations);
        double sharedTop1 = Top1(RetrainingStages.ToFloat(sharedLayers));
        var tuned = Retraining.RetrainCentroids(sharedLayers, Mnist.Train, options with { Epochs = 3, LearningRate = 0.0005 }).Result;
        double tunedTop1 = Top1(RetrainingStages.ToFloat(tuned));
        var config = Mnist.Config(retrained, Mnist.DeepCompressionDensities);
        var final = HwGen.Compression.Compressor.Compress(
            config with
            {
                Layers = config.Layers.Select(l => l with { Weights = l.Weights with { WeightsKey = null, CodesKey = "codes", CodebookKey = "codebook" } }).ToList(),
                Compression = config.Compression with { CodebookBits = 4 },
            },
            RetrainingStages.Precompressed(tuned));
        double fixedTop1 = Top1(final);

        output.WriteLine($"dense {dense:P2}, pruned {prunedTop1:P2}, retrained {retrainedTop1:P2}, shared (4-bit) {sharedTop1:P2}, " +
            $"centroids retrained {tunedTop1:P2}, fixed point {fixedTop1:P2}");
        prunedTop1.ShouldBeLessThan(dense - 0.02);
        retrainedTop1.ShouldBeGreaterThan(dense - 0.015);
        tunedTop1.ShouldBeGreaterThan(dense - 0.015);
        fixedTop1.ShouldBeGreaterThan(tunedTop1 - 0.01);
        fixedTop1.ShouldBeGreaterThan(dense - 0.015);
    }
}
