using HwGen.Compression;
using HwGen.Model;

namespace HwGen.Tests.Model;

public class FloatReferenceTests
{
    [Fact]
    public void Each_stage_uses_its_own_weights()
    {
        // 1 row × 4 cols: weights 0.9, −0.1, 0.5, −0.6; density 0.5 keeps 0.9 and −0.6; with b = 1
        // the one shared weight is their mean, 0.15.
        var layer = Networks.Float("fc", 1, 4, [0.9, -0.1, 0.5, -0.6], [0.25]);
        var config = Networks.Config([layer], 1, new() { CodebookBits = 1 }, density: 0.5, activation: HwGen.Configuration.LayerActivation.None);
        var network = Compressor.Compress(config, Networks.Data(layer));
        double[] input = [1, 1, 1, 1];

        FloatReference.Run(network, input, WeightStage.Dense).Output[0].ShouldBe(0.25 + 0.9 - 0.1 + 0.5 - 0.6, 1e-12);
        FloatReference.Run(network, input, WeightStage.Pruned).Output[0].ShouldBe(0.25 + 0.9 - 0.6, 1e-12);
        FloatReference.Run(network, input, WeightStage.Shared).Output[0].ShouldBe(0.25 + 0.15 + 0.15, 1e-12);
    }

    [Fact]
    public void Relu_layers_clamp_in_float_too()
    {
        var layer = Networks.Float("fc", 2, 1, [1.0, -1.0]);
        var network = Compressor.Compress(Networks.Config([layer], 1), Networks.Data(layer));

        // The two weights are the k-means range's ends, so they are shared exactly: 2 and −2 → 0.
        FloatReference.Run(network, [2.0], WeightStage.Shared).Output.ShouldBe([2.0, 0.0]);
    }

    [Fact]
    public void Precompressed_layers_have_only_the_shared_stage()
    {
        var network = Alex8.Compress(4);

        FloatReference.IsAvailable(network, WeightStage.Shared).ShouldBeTrue();
        FloatReference.IsAvailable(network, WeightStage.Dense).ShouldBeFalse();
        FloatReference.IsAvailable(network, WeightStage.Pruned).ShouldBeFalse();
    }

    [Fact]
    public void The_accuracy_report_follows_the_stages_from_dense_to_fixed_point()
    {
        var random = new Random(21);
        var first = Networks.Float("fc1", 40, 64, Networks.Normal(random, 40 * 64, 0.2), Networks.Normal(random, 40, 0.1));
        var second = Networks.Float("fc2", 10, 40, Networks.Normal(random, 10 * 40, 0.2));
        var config = Networks.Config([first, second], 4, density: 0.4);
        var network = Compressor.Compress(config, Networks.Data(first, second));
        var inputs = Enumerable.Range(0, 8).Select(_ => Networks.Normal(random, 64).Select(Math.Abs).ToArray()).ToList();

        var report = AccuracyReport.Compute(network, inputs);

        report.Stages.Select(s => s.Stage).ShouldBe([AccuracyStage.Dense, AccuracyStage.Pruned, AccuracyStage.Shared, AccuracyStage.FixedPoint]);
        report.Stages.ShouldAllBe(s => s.Available);
        var dense = report.For(AccuracyStage.Dense);
        dense.VersusDense.MaxAbsError.ShouldBe(0);
        dense.VersusDense.ArgmaxAgreements.ShouldBe(8);
        report.For(AccuracyStage.Pruned).VersusDense.MaxAbsError.ShouldBeGreaterThan(0);

        // Fixed point against shared float: only rounding, far below what pruning costs.
        var fixedPoint = report.For(AccuracyStage.FixedPoint);
        fixedPoint.VersusPrevious.MaxAbsError.ShouldBeLessThan(report.For(AccuracyStage.Pruned).VersusDense.MaxAbsError);
        fixedPoint.VersusPrevious.MaxAbsError.ShouldBeGreaterThan(0);
        fixedPoint.VersusPrevious.Vectors.ShouldBe(8);
    }
}
