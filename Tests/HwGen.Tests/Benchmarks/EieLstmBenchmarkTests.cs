using System.Text.Json;
using HwGen.Benchmarks;
using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;
using HwGen.Model;

namespace HwGen.Tests.Benchmarks;

public class EieLstmBenchmarkTests
{
    /// <summary>A small LSTM: 12 units divide over 4 PEs (3 each) but not over 5 (3 and 2).</summary>
    private static readonly EieLstmLayer Small = new("tiny-lstm", 10, 12, 3, 0.3);

    private static readonly int[] SmallPes = [4, 5];

    [Fact]
    public void Lstm_rows_cover_every_pe_count_and_pruning_and_their_figures_are_the_cycle_models()
    {
        var rows = EieLstmBenchmark.Run([Small], SmallPes, sequences: 2, seed: 7);

        rows.Select(r => (r.Pruning, r.Pes)).ShouldBe(
            [(PruningMethod.Magnitude, 4), (PruningMethod.Magnitude, 5), (PruningMethod.LoadBalanced, 4), (PruningMethod.LoadBalanced, 5)]);
        foreach (var row in rows)
        {
            // The same design built here, its two sequences through the golden model and the cycle model.
            var config = EieLstmBenchmark.Synthetic(Small, row.Pes, row.Pruning, seed: 7);
            var network = Compressor.Compress(config, NetworkLoader.Load(config));
            var cycles = NetworkLoader.RandomInputs(config, 2, 7)
                .Select(x => CycleModel.Run(network, GoldenModel.Run(network, GoldenModel.QuantizeInput(network, x))).Layers[0]).ToList();
            long total = cycles.Sum(c => c.Cycles);
            long ideal = cycles.Sum(c => c.IdealCycles);
            int units = (Small.Hidden + row.Pes - 1) / row.Pes;

            row.Cycles.Cycles.ShouldBe(total, $"{row.Pruning}, {row.Pes} PEs");
            row.StepsRun.ShouldBe(2 * Small.Steps);
            row.CyclesPerStep.ShouldBe((double)total / (2 * Small.Steps));
            row.IdealCyclesPerStep.ShouldBe((double)ideal / (2 * Small.Steps));
            row.LoadEfficiency.ShouldBe((double)ideal / total);
            row.WritebackCyclesPerStep.ShouldBe((4 * units) + 8);
            row.WritebackShare.ShouldBe((double)(2 * ((4 * units) + 8)) / total, "only each sequence's last writeback adds cycles");
            row.NonZeros.ShouldBe(network.Layers[0].Statistics.NonZeros);
            row.WeightDensity.ShouldBe(0.3, 0.01);
            row.LaterSteps.ShouldNotBeNull().Steps.ShouldBe(2 * (Small.Steps - 1));
            row.LaterSteps.Cycles.ShouldBeLessThan(total);
            row.LaterSteps.CyclesPerStep.ShouldBeGreaterThan(row.CyclesPerStep, "the first step broadcasts x_1 alone (h_0 = 0)");
            row.WorkCycles.ShouldBeGreaterThanOrEqualTo(ideal);
            row.BalanceEfficiency.ShouldBeInRange(row.LoadEfficiency, 1.0);
            row.HiddenDensity.ShouldBeInRange(0.5, 1.0);
        }
    }

    [Fact]
    public void Load_balanced_pruning_gives_every_pe_the_same_number_of_weights_when_the_units_divide_evenly()
    {
        var rows = EieLstmBenchmark.Run([Small], SmallPes, sequences: 1, seed: 7);
        var magnitude = rows.Single(r => r.Pruning == PruningMethod.Magnitude && r.Pes == 4);
        var balanced = rows.Single(r => r.Pruning == PruningMethod.LoadBalanced && r.Pes == 4);
        var uneven = rows.Single(r => r.Pruning == PruningMethod.LoadBalanced && r.Pes == 5);

        magnitude.PeNonZerosMax.ShouldBeGreaterThan(magnitude.PeNonZerosMin);
        balanced.PeNonZerosMax.ShouldBe(balanced.PeNonZerosMin);
        balanced.NonZeros.ShouldBe(4 * balanced.PeNonZerosMin);

        // 12 units on 5 PEs: two PEs hold 3 units, three hold 2; each PE's share is pruned to the
        // density on its own, so the weights follow the units (up to rounding).
        ((double)uneven.PeNonZerosMax / uneven.PeNonZerosMin).ShouldBe(1.5, 0.03);
    }

    [Fact]
    public void Lstm_table_is_written_as_markdown_csv_and_json()
    {
        var rows = EieLstmBenchmark.Run([Small], [4], sequences: 1, seed: 7);
        var result = new EieBenchmarkResult([], [], [], 0) { LstmRows = rows };
        using var folder = new TempFolder();

        var files = EieBenchmark.Write(result, folder.Path);

        files.Select(Path.GetFileName).ShouldBe(["eie.md", "eie.csv", "eie_lstm.csv"]);
        var csv = File.ReadAllLines(folder.File("eie_lstm.csv"));
        csv.Length.ShouldBe(3);
        csv[0].ShouldStartWith("layer,features,hidden,steps,sequences,pes,pruning,");
        csv[1].ShouldStartWith("tiny-lstm,10,12,3,1,4,magnitude,");
        csv[2].ShouldStartWith("tiny-lstm,10,12,3,1,4,load_balanced,");
        var markdown = File.ReadAllText(folder.File("eie.md"));
        markdown.ShouldStartWith("| layer | F, H, T | PEs | pruning |", Case.Sensitive, "only LSTM layers ran: no empty table of the paper's layers");
        markdown.ShouldContain("| tiny-lstm | 10, 12, 3 | 4 | load_balanced |");
        using var json = JsonDocument.Parse(HwGenJson.Write(EieBenchmarkJson.From(result, files)));
        var lstm = json.RootElement.GetProperty("lstm_layers");
        lstm.GetArrayLength().ShouldBe(2);
        lstm[1].GetProperty("pruning").GetString().ShouldBe("load_balanced");
        lstm[1].GetProperty("cycles_per_step").GetDouble().ShouldBe(rows[1].CyclesPerStep);
    }
}
