using HwGen.Compression;
using HwGen.Data;
using Xunit.Abstractions;

namespace HwGen.Tests.Compression;

public class RetrainingTests(ITestOutputHelper output)
{
    private static Dataset Random(int seed, int count, int width, int classes)
    {
        var random = new Random(seed);
        return new Dataset
        {
            Origin = "random",
            Count = count,
            Width = width,
            Inputs = Enumerable.Range(0, count * width).Select(_ => (random.NextDouble() * 2) - 1).ToArray(),
            Labels = Enumerable.Range(0, count).Select(_ => random.Next(classes)).ToArray(),
        };
    }

    private static FloatNetwork Tiny(int seed, ActivationKind hidden)
    {
        var random = new Random(seed);
        double[] Values(int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        return new FloatNetwork([
            new FloatLayer("h", 5, 4, Values(20), Values(5), hidden),
            new FloatLayer("o", 3, 5, Values(15), Values(3), ActivationKind.None),
        ]);
    }

    [Theory]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.Tanh)]
    [InlineData(ActivationKind.Sigmoid)]
    public void One_full_batch_step_follows_the_finite_difference_gradient_of_the_loss(ActivationKind hidden)
    {
        // One step of plain SGD on the whole dataset moves each weight by −η ∂L/∂w.
        var network = Tiny(3, hidden);
        var data = Random(4, 48, 4, 3);
        const double rate = 0.01;
        var masks = network.Layers.Select(l => Enumerable.Repeat(true, l.Weights.Length).ToArray()).ToList();

        var stepped = Retraining.RetrainMasked(network, masks, data, new RetrainOptions { Epochs = 1, Batch = 48, LearningRate = rate, Momentum = 0 }).Result;

        for (var l = 0; l < 2; l++)
        {
            for (var k = 0; k < network.Layers[l].Weights.Length; k++)
            {
                double analytic = ((float)network.Layers[l].Weights[k] - stepped.Layers[l].Weights[k]) / rate;
                double numeric = FiniteDifference(network, data, l, k, 1e-3);
                Math.Abs(analytic - numeric).ShouldBeLessThan(2e-3 + (0.02 * Math.Abs(numeric)), $"layer {l}, weight {k}: analytic {analytic}, numeric {numeric}");
            }
        }
    }

    private static double FiniteDifference(FloatNetwork network, Dataset data, int layer, int index, double h)
    {
        double Loss(double delta)
        {
            var layers = network.Layers.ToList();
            double[] w = (double[])layers[layer].Weights.Clone();
            w[index] += delta;
            layers[layer] = layers[layer] with { Weights = w };
            return Retraining.Loss(new FloatNetwork(layers), data);
        }

        return (Loss(h) - Loss(-h)) / (2 * h);
    }

    [Fact]
    public void Mask_retraining_lowers_the_loss_and_keeps_pruned_weights_at_zero()
    {
        var train = Mnist.Train.Take(1024);
        var (pruned, masks) = RetrainingStages.Prune(Mnist.Network, Mnist.DeepCompressionDensities);
        double before = Retraining.Loss(pruned, train);

        var result = Retraining.RetrainMasked(pruned, masks, train, new RetrainOptions { Epochs = 2, LearningRate = 0.01 });
        double after = Retraining.Loss(result.Result, train);

        output.WriteLine($"loss {before:F4} → {after:F4}, per epoch {string.Join(", ", result.EpochLosses.Select(x => x.ToString("F4")))}");
        after.ShouldBeLessThan(before * 0.8);
        result.EpochLosses[1].ShouldBeLessThan(result.EpochLosses[0]);
        for (var l = 0; l < masks.Count; l++)
        {
            var weights = result.Result.Layers[l].Weights;
            for (var k = 0; k < weights.Length; k++)
            {
                if (!masks[l][k])
                {
                    weights[k].ShouldBe(0.0);
                }
            }

            weights.Count(w => w != 0).ShouldBe(masks[l].Count(m => m));
        }
    }

    [Fact]
    public void Retraining_gives_the_same_bits_on_one_and_on_two_threads()
    {
        var train = Mnist.Train.Take(300);
        var (pruned, masks) = RetrainingStages.Prune(Mnist.Network, Mnist.DeepCompressionDensities);
        var options = new RetrainOptions { Epochs = 1, Batch = 50, Seed = 7, LearningRate = 0.02 };

        var one = Retraining.RetrainMasked(pruned, masks, train, options with { MaxThreads = 1 });
        var two = Retraining.RetrainMasked(pruned, masks, train, options with { MaxThreads = 2 });

        for (var l = 0; l < 3; l++)
        {
            two.Result.Layers[l].Weights.ShouldBe(one.Result.Layers[l].Weights);
            two.Result.Layers[l].Bias.ShouldBe(one.Result.Layers[l].Bias);
        }

        two.EpochLosses.ShouldBe(one.EpochLosses);

        var shared = RetrainingStages.Shared(Mnist.Compress(one.Result, Mnist.DeepCompressionDensities, 4), [ActivationKind.Relu, ActivationKind.Relu, ActivationKind.None]);
        var c1 = Retraining.RetrainCentroids(shared, train, options with { MaxThreads = 1, LearningRate = 0.001 });
        var c2 = Retraining.RetrainCentroids(shared, train, options with { MaxThreads = 2, LearningRate = 0.001 });
        for (var l = 0; l < 3; l++)
        {
            c2.Result[l].Codebook.ShouldBe(c1.Result[l].Codebook);
            c2.Result[l].Bias.ShouldBe(c1.Result[l].Bias);
        }
    }

    [Fact]
    public void Another_seed_visits_the_data_in_another_order()
    {
        var train = Mnist.Train.Take(200);
        var (pruned, masks) = RetrainingStages.Prune(Mnist.Network, Mnist.DeepCompressionDensities);
        var options = new RetrainOptions { Epochs = 1, Batch = 20 };

        var a = Retraining.RetrainMasked(pruned, masks, train, options with { Seed = 1 });
        var b = Retraining.RetrainMasked(pruned, masks, train, options with { Seed = 2 });

        a.Result.Layers[0].Weights.SequenceEqual(b.Result.Layers[0].Weights).ShouldBeFalse();
    }

    [Fact]
    public void Centroid_retraining_trains_codebook_entries_but_not_codes_or_entry_zero()
    {
        var train = Mnist.Train.Take(1024);
        var (pruned, _) = RetrainingStages.Prune(Mnist.Network, Mnist.DeepCompressionDensities);
        var compressed = Mnist.Compress(pruned, Mnist.DeepCompressionDensities, codebookBits: 3);
        var shared = RetrainingStages.Shared(compressed, [ActivationKind.Relu, ActivationKind.Relu, ActivationKind.None]);
        double before = Retraining.Loss(RetrainingStages.ToFloat(shared), train);

        var result = Retraining.RetrainCentroids(shared, train, new RetrainOptions { Epochs = 2, LearningRate = 0.0005 });
        double after = Retraining.Loss(RetrainingStages.ToFloat(result.Result), train);

        output.WriteLine($"3-bit codebooks: loss {before:F4} → {after:F4}");
        after.ShouldBeLessThan(before);
        for (var l = 0; l < 3; l++)
        {
            result.Result[l].Codes.ShouldBeSameAs(shared[l].Codes);
            result.Result[l].Codebook[0].ShouldBe(0.0);
            result.Result[l].Codebook.Skip(1).SequenceEqual(shared[l].Codebook.Skip(1)).ShouldBeFalse();
        }
    }

    [Fact]
    public void Bad_settings_and_unlabelled_data_are_rejected()
    {
        var network = Tiny(1, ActivationKind.Relu);
        var masks = network.Layers.Select(l => new bool[l.Weights.Length]).ToList();
        var data = Random(1, 4, 4, 3);

        Should.Throw<ArgumentException>(() => Retraining.RetrainMasked(network, masks, data, new RetrainOptions { Epochs = 1, LearningRate = 0 }));
        Should.Throw<ArgumentException>(() => Retraining.RetrainMasked(network, masks, data, new RetrainOptions { Epochs = 1, Batch = 0 }));
        Should.Throw<DatasetException>(() => Retraining.RetrainMasked(network, masks, data with { Labels = null }, new RetrainOptions { Epochs = 1 }));
        Should.Throw<DatasetException>(() => Retraining.RetrainMasked(network, masks, data with { Labels = [0, 1, 2, 3] }, new RetrainOptions { Epochs = 1 }))
            .Message.ShouldContain("label 3 of vector 3 is outside 0..2");
    }
}
