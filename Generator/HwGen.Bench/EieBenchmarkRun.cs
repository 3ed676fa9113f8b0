using System.Globalization;
using HwGen.Benchmarks;

namespace HwGen.Bench;

/// <summary>
/// The full EIE benchmark (nine paper layers + the real alex8 layer on 64 PEs) with the
/// design-space figures, and the ESE-style LSTM table (32 and 64 PEs); writes its tables and plots
/// to <c>--dir</c> (default out/bench/eie).
/// </summary>
internal sealed class EieBenchmarkRun : IBenchmark
{
    private string _alex8 = "";
    private string _dir = "";

    public string Name => "eie";

    public string Description => "hwgen bench eie: nine EIE layers + real alex8, 64 PEs, FIFO 8, with the FIFO-depth and PE-count sweeps; ESE-style LSTM layers at 32 and 64 PEs";

    public void Prepare(BenchOptions options)
    {
        _alex8 = options.Get("alex8", "examples/alex8.yaml");
        _dir = options.Get("dir", "out/bench/eie");
    }

    public string Measure()
    {
        var result = EieBenchmark.Run(File.Exists(_alex8) ? _alex8 : null);
        EieBenchmark.Write(result, _dir);
        var alex8 = result.Rows[^1];
        return string.Create(CultureInfo.InvariantCulture,
            $"{result.Rows.Count} layers; {alex8.Name}: {alex8.Cycles} cycles, load efficiency {alex8.LoadEfficiency:P1}; balanced rows {alex8.BalancedCycles} cycles "
            + $"(held-out inputs {alex8.HeldOutCycles:F0} → {alex8.HeldOutBalancedCycles:F0}), assignment searches {result.Rows.Sum(r => r.BalancedSeconds):F1} s in all, "
            + $"{alex8.BalancedSeconds:F1} s for alex8; lowest balanced balance efficiency {result.Rows.Min(r => r.BalancedBalanceEfficiency):P1}; "
            + $"{result.LstmRows.Count} LSTM rows, cycles per step {string.Join(", ", result.LstmRows.Select(r => $"{r.Layer.Name} {r.Pes} PEs {(r.Pruning == Configuration.PruningMethod.LoadBalanced ? "load-balanced" : "magnitude")} {r.CyclesPerStep:F1}"))}; "
            + $"tables and plots in {_dir}");
    }
}
