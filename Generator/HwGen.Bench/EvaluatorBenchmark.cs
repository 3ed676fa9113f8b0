using System.Diagnostics;
using System.Globalization;
using HwGen.Compression;
using HwGen.Model;

namespace HwGen.Bench;

/// <summary>
/// Inference speed on the real LeNet-300-100 (examples/mnist, pruned to 8 %/9 %/26 %, 6-bit
/// codebooks): the fast fixed-point evaluator and the float evaluator at every stage over the
/// 2,000 test digits, against the naive golden model. Options: <c>--threads N</c> (default: all
/// cores), <c>--repeats N</c> passes over the test digits (default 10), <c>--golden N</c> digits
/// for the golden model (default 500).
/// </summary>
internal sealed class EvaluatorBenchmark : IBenchmark
{
    private MnistData? _mnist;
    private CompressedNetwork? _network;
    private int _threads;
    private int _repeats;
    private int _golden;

    public string Name => "evaluate";

    public string Description =>
        $"LeNet-300-100 (examples/mnist, 8/9/26 %, 6-bit codebooks) on the 2,000 test digits: fast fixed-point and float evaluators ({_threads} threads) vs the golden model (1 thread)";

    public void Prepare(BenchOptions options)
    {
        _threads = int.Parse(options.Get("threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        _repeats = int.Parse(options.Get("repeats", "10"), CultureInfo.InvariantCulture);
        _golden = int.Parse(options.Get("golden", "500"), CultureInfo.InvariantCulture);
        _mnist = MnistData.Load(options);
        _network = Compressor.Compress(MnistData.Config(_mnist.Network, MnistData.Densities, 6, precompressed: false), _mnist.Network.ToNetworkData());
    }

    public string Measure()
    {
        var mnist = _mnist!;
        var network = _network!;
        var fast = new FastEvaluator(network);
        var inputs = fast.Quantize(mnist.Test);

        var stopwatch = Stopwatch.StartNew();
        FastEvaluation result = fast.Run(inputs, maxThreads: _threads);
        for (var r = 1; r < _repeats; r++)
        {
            result = fast.Run(inputs, maxThreads: _threads);
        }

        double fastRate = _repeats * inputs.Length / stopwatch.Elapsed.TotalSeconds;

        stopwatch.Restart();
        var golden = inputs.Take(_golden).Select(x => GoldenModel.Run(network, x).Output).ToList();
        double goldenRate = golden.Count / stopwatch.Elapsed.TotalSeconds;
        for (var v = 0; v < golden.Count; v++)
        {
            if (!golden[v].AsSpan().SequenceEqual(result.Outputs[v]))
            {
                throw new InvalidOperationException($"fast evaluator differs from the golden model at vector {v}");
            }
        }

        var rates = new List<string>();
        foreach (var stage in new[] { WeightStage.Dense, WeightStage.Pruned, WeightStage.Shared })
        {
            var evaluator = FloatEvaluator.For(network, stage);
            stopwatch.Restart();
            int passes = stage == WeightStage.Dense ? Math.Max(1, _repeats / 5) : _repeats;
            for (var r = 0; r < passes; r++)
            {
                evaluator.Run(mnist.Test, _threads);
            }

            rates.Add($"float {stage.ToString().ToLowerInvariant()} {passes * mnist.Test.Count / stopwatch.Elapsed.TotalSeconds:N0}/s");
        }

        double top1 = FloatEvaluator.Top1(result.Top1(), mnist.Test.Labels!);
        return string.Create(CultureInfo.InvariantCulture,
            $"fast fixed point {fastRate:N0} vectors/s ({(fast.ExactInDouble ? "double" : "integer")} sums, top-1 {top1:P2}); " +
            $"golden {goldenRate:N0} vectors/s (bit-exact on {golden.Count}); {string.Join(", ", rates)}");
    }
}
