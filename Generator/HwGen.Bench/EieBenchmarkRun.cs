using System.Globalization;
using HwGen.Benchmarks;
using HwGen.Configuration;

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
    private string[]? _only;

    public string Name => "eie";

    public string Description => "hwgen bench eie: nine EIE layers + real alex8, 64 PEs, FIFO 8, with the FIFO-depth and PE-count sweeps; ESE-style LSTM layers at 32 and 64 PEs";

    public void Prepare(BenchOptions options)
    {
        _alex8 = options.Get("alex8", "examples/alex8.yaml");
        _dir = options.Get("dir", "out/bench/eie");

        // --only NAME,NAME: just these paper or LSTM layers (no alex8), e.g. --only ESE-LSTM,NT-LSTM-600.
        string only = options.Get("only", "");
        _only = only.Length == 0 ? null : only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    public string Measure()
    {
        var result = EieBenchmark.Run(_only is null && File.Exists(_alex8) ? _alex8 : null, only: _only);
        EieBenchmark.Write(result, _dir);
        var summary = new List<string> { $"{result.Rows.Count} layers" };
        if (result.Rows.Count > 0)
        {
            var last = result.Rows[^1];
            summary.Add(string.Create(CultureInfo.InvariantCulture, $"{last.Name}: {last.Cycles} cycles, load efficiency {last.LoadEfficiency:P1}; balanced rows {last.BalancedCycles} cycles "
                + $"(held-out inputs {last.HeldOutCycles:F0} → {last.HeldOutBalancedCycles:F0}), assignment searches {result.Rows.Sum(r => r.BalancedSeconds):F1} s in all, "
                + $"{last.BalancedSeconds:F1} s for {last.Name}; lowest balanced balance efficiency {result.Rows.Min(r => r.BalancedBalanceEfficiency):P1}"));
        }

        summary.Add($"{result.LstmRows.Count} LSTM rows, cycles per step: "
            + string.Join(", ", result.LstmRows.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{r.Layer.Name} {r.Pes} PEs {(r.Pruning == PruningMethod.LoadBalanced ? "load-balanced" : "magnitude")} {r.CyclesPerStep:F1}"))));
        summary.Add($"tables and plots in {_dir}");
        return string.Join("; ", summary);
    }
}
