using System.Globalization;
using HwGen.Compression;
using HwGen.Hardware;
using HwGen.Model;
using HwGen.Sweep;

namespace HwGen.Tests.Sweep;

/// <summary>Sweeps over networks with LSTM layers: PEs, hidden size, density, pruning and weight encoding as axes.</summary>
public class LstmSweepTests
{
    /// <summary>A random LSTM (5 steps of 6 features, hidden 6) and a 4-output head: every point takes milliseconds.</summary>
    private const string LstmBase = """
        name: minilstm
        seed: 4
        input:
          size: 6
          steps: 5
          density: 0.6
          signed: true
        layers:
          - name: rnn
            kind: lstm
            hidden: 6
            weights:
              density: 0.5
          - name: head
            outputs: 4
            activation: none
            weights:
              density: 0.6
        hardware:
          pes: 2
        """;

    private const string LstmSweep = """
        name: lstm axes
        base: base.yaml
        vectors: 3
        axes:
          layers[0].hidden: [3, 6]
          layers[0].weights.density: [0.3, 0.8]
          compression.pruning: [magnitude, load_balanced]
          compression.weights: [codebook, linear]
          hardware.pes: [1, 3]
        metrics: [weights, nonzeros, density, cycles, ideal_cycles, latency_us, load_efficiency, useful_macs,
                  memory_bits_total, luts, dsps, brams, accuracy, weight_encoding]
        """;

    [Fact]
    public void A_sweep_over_an_lstm_design_runs_and_its_cycles_are_the_cycle_models_on_the_golden_hidden_states()
    {
        using var folder = new TempFolder();
        folder.Write("base.yaml", LstmBase);
        string sweep = folder.Write("sweep.yaml", LstmSweep);

        var outcome = SweepRunner.Run(new SweepOptions { SweepFile = sweep, OutputDirectory = folder.File("out") });

        outcome.Points.ShouldBe(32);
        var lines = File.ReadAllLines(folder.File("out/results.csv"));
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        string Text(string[] row, string column) => row[Array.IndexOf(header, column)];
        double Number(string[] row, string column) => double.Parse(Text(row, column), CultureInfo.InvariantCulture);

        var definition = SweepDefinition.Load(sweep, synth: false);
        foreach (var row in rows)
        {
            Text(row, "status").ShouldBe("ok");
            int hidden = int.Parse(Text(row, "layers[0].hidden"), CultureInfo.InvariantCulture);

            // The gate matrix [W | R] is 4H × (F + H), the head H × 4.
            Number(row, "weights").ShouldBe((4 * hidden * (6 + hidden)) + (hidden * 4));
            Number(row, "density").ShouldBeInRange(0.01, 1);
            Number(row, "accuracy").ShouldBeInRange(0, 1);
            Number(row, "load_efficiency").ShouldBeInRange(0.01, 1);
            Number(row, "cycles").ShouldBeGreaterThanOrEqualTo(Number(row, "ideal_cycles"));
            Number(row, "latency_us").ShouldBe(Number(row, "cycles") / 100, 1e-9);
            Number(row, "luts").ShouldBeGreaterThan(0);
            Number(row, "memory_bits_total").ShouldBeGreaterThan(0);

            // gold: the golden model on each vector and the cycle model on its hidden states, from the
            // point's config built on its own.
            var config = definition.Points[int.Parse(Text(row, "index"), CultureInfo.InvariantCulture)].Config!;
            var design = Design.FromConfig(config);
            var vectors = SweepEvaluator.Vectors(config, design.Data, 3);
            var gold = vectors.Select(v => CycleModel.Run(design.Network, GoldenModel.Run(design.Network, GoldenModel.QuantizeInput(design.Network.Format, v)))).ToList();
            Number(row, "cycles").ShouldBe(gold.Average(r => (double)r.Cycles), 1e-9, $"point {Text(row, "index")}");
            Number(row, "useful_macs").ShouldBe(gold.Average(r => (double)r.UsefulMacs), 1e-9);
            Number(row, "luts").ShouldBe(ResourceModel.Estimate(HardwareLayout.For(design.Network)).Luts);
        }

        // Twice the density keeps more weights; more PEs take fewer cycles for the same weights.
        foreach (string hidden in new[] { "3", "6" })
        {
            string[] Point(string density, string pruning, string weights, string pes) => rows.Single(r =>
                Text(r, "layers[0].hidden") == hidden && Text(r, "layers[0].weights.density") == density
                && Text(r, "compression.pruning") == pruning && Text(r, "compression.weights") == weights && Text(r, "hardware.pes") == pes);

            Number(Point("0.8", "magnitude", "codebook", "1"), "nonzeros").ShouldBeGreaterThan(Number(Point("0.3", "magnitude", "codebook", "1"), "nonzeros"));
            Number(Point("0.8", "magnitude", "linear", "3"), "cycles").ShouldBeLessThan(Number(Point("0.8", "magnitude", "linear", "1"), "cycles"));
            Text(Point("0.3", "load_balanced", "linear", "3"), "weight_encoding").ShouldBe("linear");
        }
    }
}
