using System.Globalization;
using HwGen.Compression;
using HwGen.Data;

namespace HwGen.Bench;

/// <summary>
/// One epoch of mask retraining of the real LeNet-300-100 pruned to 8 %/9 %/26 % over the 8,000
/// training digits of examples/mnist. Options: <c>--threads N</c>, <c>--batch N</c> (64),
/// <c>--lr X</c> (0.01).
/// </summary>
internal sealed class RetrainBenchmark : IBenchmark
{
    private MnistData? _mnist;
    private FloatNetwork? _pruned;
    private IReadOnlyList<bool[]> _masks = [];
    private RetrainOptions? _options;

    public string Name => "retrain";

    public string Description =>
        $"one epoch of mask retraining, LeNet-300-100 (8/9/26 %) over 8,000 MNIST digits, batch {_options?.Batch}, {(_options?.MaxThreads > 0 ? _options.MaxThreads : Environment.ProcessorCount)} threads";

    public void Prepare(BenchOptions options)
    {
        _mnist = MnistData.Load(options);
        (_pruned, _masks) = RetrainingStages.Prune(_mnist.Network, MnistData.Densities);
        _options = new RetrainOptions
        {
            Epochs = 1,
            Batch = int.Parse(options.Get("batch", "64"), CultureInfo.InvariantCulture),
            LearningRate = double.Parse(options.Get("lr", "0.01"), CultureInfo.InvariantCulture),
            MaxThreads = int.Parse(options.Get("threads", "0"), CultureInfo.InvariantCulture),
        };
    }

    public string Measure()
    {
        var result = Retraining.RetrainMasked(_pruned!, _masks, _mnist!.Train, _options!);
        return string.Create(CultureInfo.InvariantCulture,
            $"training loss {result.EpochLosses[0]:F4}; test top-1 {_mnist.Top1(_pruned!, 0):P2} → {_mnist.Top1(result.Result, 0):P2}");
    }
}
