using System.Diagnostics;
using System.Globalization;
using HwGen.Compression;
using HwGen.Model;

namespace HwGen.Bench;

/// <summary>
/// The cycle model alone, in process: predicted cycles per second on a design's vectors (default
/// examples/alex8.yaml, 20 vectors: the real input, then random ones of the config's density).
/// The golden model's layer outputs are computed once, outside the timed part. Options:
/// <c>--config</c>, <c>--vectors</c>, <c>--repeats</c> (passes over the vectors per run).
/// </summary>
internal sealed class ModelBenchmark : IBenchmark
{
    private Design? _design;
    private List<long[]> _inputs = [];
    private List<IReadOnlyList<long[]>> _outputs = [];
    private int _repeats;

    public string Name => "model";

    public string Description => "cycle model alone: predicted cycles/s on a design's vectors (default examples/alex8.yaml, 20 vectors)";

    public void Prepare(BenchOptions options)
    {
        _design = Design.Load(options.Get("config", "examples/alex8.yaml"));
        int vectors = int.Parse(options.Get("vectors", "20"), CultureInfo.InvariantCulture);
        _repeats = int.Parse(options.Get("repeats", "50"), CultureInfo.InvariantCulture);
        _inputs = _design.Vectors(vectors, 1).Select(v => GoldenModel.QuantizeInput(_design.Network.Format, v)).ToList();
        _outputs = _inputs.Select(x => GoldenModel.Run(_design.Network, x).LayerOutputs).ToList();
    }

    public string Measure()
    {
        var network = _design!.Network;
        long cycles = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        for (int r = 0; r < _repeats; r++)
        {
            for (int v = 0; v < _inputs.Count; v++)
            {
                cycles += CycleModel.Run(network, _inputs[v], _outputs[v]).Cycles;
            }
        }

        double seconds = stopwatch.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"{network.Name}: {_repeats} × {_inputs.Count} vectors, {cycles:N0} predicted cycles in {seconds:F3} s = {cycles / seconds:N0} cycles/s, {seconds / (_repeats * _inputs.Count) * 1e3:F3} ms per vector ({cpuSeconds:F3} s of CPU)");
    }
}
