using System.Diagnostics;
using System.Globalization;
using System.Text;
using HwGen.Compression;

namespace HwGen.Bench;

/// <summary>
/// Deep Compression's pipeline on the real LeNet-300-100 (examples/mnist): top-1 on the 2,000 test
/// digits after each stage — dense, pruned to 8 %/9 %/26 %, retrained with the mask, shared
/// (k-means, 2^b − 1 centroids), centroids retrained, fixed point. Options: <c>--epochs N</c>
/// (mask retraining, 10), <c>--lr X</c> (0.01), <c>--centroid-epochs N</c> (3),
/// <c>--centroid-lr X</c> (0.0005), <c>--batch N</c> (64), <c>--seed N</c> (1),
/// <c>--codebook-bits B</c> (6), <c>--threads N</c>.
/// </summary>
internal sealed class MnistPipelineBenchmark : IBenchmark
{
    private MnistData? _mnist;
    private BenchOptions? _options;

    public string Name => "mnist";

    public string Description => "Deep Compression on the real LeNet-300-100 (examples/mnist): test top-1 after every stage";

    public void Prepare(BenchOptions options)
    {
        _options = options;
        _mnist = MnistData.Load(options);
    }

    public string Measure()
    {
        var mnist = _mnist!;
        var o = _options!;
        int threads = int.Parse(o.Get("threads", "0"), CultureInfo.InvariantCulture);
        int bits = int.Parse(o.Get("codebook-bits", "6"), CultureInfo.InvariantCulture);
        var mask = new RetrainOptions
        {
            Epochs = int.Parse(o.Get("epochs", "10"), CultureInfo.InvariantCulture),
            LearningRate = double.Parse(o.Get("lr", "0.01"), CultureInfo.InvariantCulture),
            Batch = int.Parse(o.Get("batch", "64"), CultureInfo.InvariantCulture),
            Seed = int.Parse(o.Get("seed", "1"), CultureInfo.InvariantCulture),
            MaxThreads = threads,
        };
        var centroid = mask with
        {
            Epochs = int.Parse(o.Get("centroid-epochs", "3"), CultureInfo.InvariantCulture),
            LearningRate = double.Parse(o.Get("centroid-lr", "0.0005"), CultureInfo.InvariantCulture),
        };

        var lines = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        void Stage(string name, double top1, string more = "") =>
            lines.Append(string.Create(CultureInfo.InvariantCulture, $"{name} {top1:P2}{more}; "));

        Stage("dense", mnist.Top1(mnist.Network, threads));
        var (pruned, masks) = RetrainingStages.Prune(mnist.Network, MnistData.Densities);
        Stage("pruned", mnist.Top1(pruned, threads));
        stopwatch.Restart();
        var retrained = Retraining.RetrainMasked(pruned, masks, mnist.Train, mask);
        Stage("retrained", mnist.Top1(retrained.Result, threads), string.Create(CultureInfo.InvariantCulture,
            $" ({mask.Epochs} epochs in {stopwatch.Elapsed.TotalSeconds:F1} s, loss {retrained.EpochLosses[0]:F3} → {retrained.EpochLosses[^1]:F3})"));

        var activations = retrained.Result.Layers.Select(l => l.Activation).ToList();
        var shared = Compressor.Compress(MnistData.Config(retrained.Result, MnistData.Densities, bits, precompressed: false), retrained.Result.ToNetworkData());
        var sharedLayers = RetrainingStages.Shared(shared, activations);
        Stage("shared", mnist.Top1(RetrainingStages.ToFloat(sharedLayers), threads));
        Stage("fixed point (no centroid retraining)", mnist.Top1(shared, threads));

        stopwatch.Restart();
        var tuned = Retraining.RetrainCentroids(sharedLayers, mnist.Train, centroid);
        Stage("shared retrained", mnist.Top1(RetrainingStages.ToFloat(tuned.Result), threads), string.Create(CultureInfo.InvariantCulture,
            $" ({centroid.Epochs} epochs in {stopwatch.Elapsed.TotalSeconds:F1} s)"));
        var final = Compressor.Compress(MnistData.Config(retrained.Result, MnistData.Densities, bits, precompressed: true), RetrainingStages.Precompressed(tuned.Result));
        Stage("fixed point", mnist.Top1(final, threads));
        return lines.ToString().TrimEnd(' ', ';');
    }
}
