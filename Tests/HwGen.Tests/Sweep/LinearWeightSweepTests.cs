using System.Globalization;
using HwGen.Sweep;

namespace HwGen.Tests.Sweep;

/// <summary><c>compression.weights</c> as a sweep axis: codebook against linear weights at equal accuracy, memory and LUTs.</summary>
public class LinearWeightSweepTests
{
    private const string CodebookVersusLinear = """
        name: codebook vs linear
        base: base.yaml
        vectors: 3
        axes:
          compression.weights: [codebook, linear]
          quantization.weight_bits: [8, 12]
          hardware.pes: [1, 3]
        metrics: [weight_encoding, codebook_bits, bits_per_weight, accuracy, memory_bits_total, luts, cycles, nonzeros]
        objectives:
          - minimize: memory_bits_total
          - maximize: accuracy
        """;

    [Fact]
    public void A_sweep_over_codebook_and_linear_weights_reports_accuracy_memory_and_luts_for_both()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, CodebookVersusLinear);

        var outcome = SweepRunner.Run(new SweepOptions { SweepFile = sweep, OutputDirectory = folder.File("out") });

        outcome.Points.ShouldBe(8);
        var lines = File.ReadAllLines(folder.File("out/results.csv"));
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        string Text(string[] row, string column) => row[Array.IndexOf(header, column)];
        double Number(string[] row, string column) => double.Parse(Text(row, column), CultureInfo.InvariantCulture);

        foreach (var row in rows)
        {
            Text(row, "status").ShouldBe("ok");
            Text(row, "weight_encoding").ShouldBe(Text(row, "compression.weights"));
            Number(row, "accuracy").ShouldBeInRange(0, 1);
            Number(row, "luts").ShouldBeGreaterThan(0);
        }

        foreach (string bits in new[] { "8", "12" })
        {
            foreach (string pes in new[] { "1", "3" })
            {
                var codebook = rows.Single(r => Text(r, "compression.weights") == "codebook" && Text(r, "quantization.weight_bits") == bits && Text(r, "hardware.pes") == pes);
                var linear = rows.Single(r => Text(r, "compression.weights") == "linear" && Text(r, "quantization.weight_bits") == bits && Text(r, "hardware.pes") == pes);

                // The same pruning; linear entries carry W bits instead of the 4-bit code, and no codebook.
                Number(linear, "nonzeros").ShouldBe(Number(codebook, "nonzeros"));
                Number(linear, "codebook_bits").ShouldBe(0);
                Number(codebook, "codebook_bits").ShouldBe(4);
                (Number(linear, "bits_per_weight") - Number(codebook, "bits_per_weight")).ShouldBe(int.Parse(bits, CultureInfo.InvariantCulture) - 4, 1e-9);
                Number(linear, "memory_bits_total").ShouldNotBe(Number(codebook, "memory_bits_total"));
                Number(linear, "cycles").ShouldBeGreaterThan(0);
            }

            // Re-encoding linear weights for another PE count keeps them: the same accuracy.
            var linears = rows.Where(r => Text(r, "compression.weights") == "linear" && Text(r, "quantization.weight_bits") == bits).ToList();
            Number(linears[0], "accuracy").ShouldBe(Number(linears[1], "accuracy"));
        }
    }
}
