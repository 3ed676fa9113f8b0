using System.Globalization;
using HwGen.Compression;
using HwGen.Model;

namespace HwGen.Bench;

/// <summary>
/// External weights on a design's first vectors: the on-chip cycles, the external-memory cycles and
/// the two bounds for a grid of ports and latencies (`dram-study [--config C] [--vectors V]`).
/// </summary>
internal static class DramStudy
{
    public const string Name = "dram-study";

    public static int Run(string[] args, TextWriter output)
    {
        string config = "examples/alex8.yaml";
        int vectors = 1;
        int queue = 16, rows = 8, outstanding = 16, burst = 4096;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--config": config = args[i + 1]; break;
                case "--vectors": vectors = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--queue": queue = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rows": rows = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--outstanding": outstanding = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--burst": burst = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        var design = Design.Load(config);
        var network = design.Network;
        int pes = network.Pes;
        output.WriteLine($"{network.Name}: {pes} PEs, FIFO {network.Spec.FifoDepth}, queue {queue}, PE rows {rows}, outstanding {outstanding}, max burst {burst} B");
        output.WriteLine("| data bytes | bytes/cycle | latency | on-chip | external | compute bound | bandwidth bound | ext/on-chip | ext/max bound | bursts |");
        foreach (var input in design.Vectors(vectors, 1).Select(v => GoldenModel.QuantizeInput(network.Format, v)))
        {
            var golden = GoldenModel.Run(network, input);
            var onChip = CycleModel.Run(network, golden);
            foreach (var (d, b) in new[] { (64, 64), (64, 32), (64, 16), (64, 8), (8, 8), (16, 16), (32, 32) })
            {
                foreach (int latency in new[] { 1, 30, 100 })
                {
                    var layout = ExternalLayout.For(network, d);
                    var dram = new DramParameters(d, b, latency, Math.Max(d, Math.Min(burst, 256 * d)), outstanding);
                    int maxBurst = Math.Min(256, dram.MaxBurstBytes / d);
                    var system = new ExternalMemorySystem(dram, queue, rows, Math.Max(maxBurst, outstanding * maxBurst));
                    long external = 0, fetched = 0, ideal = 0, bursts = 0;
                    for (int l = 0; l < network.Layers.Count; l++)
                    {
                        var layer = network.Layers[l];
                        var source = l == 0 ? golden.Input : golden.LayerOutputs[l - 1];
                        var nonZero = new bool[layer.HwCols];
                        for (int h = 0; h < layer.HwCols; h++)
                        {
                            nonZero[h] = layer.HwColToCol[h] >= 0 && source[layer.HwColToCol[h]] != 0;
                        }

                        var r = ExternalCycleModel.RunLayer(layer, l, layout, pes, network.Spec.FifoDepth, system, nonZero);
                        external += r.Cycles.Cycles;
                        fetched += r.BeatsFetched;
                        bursts += r.Bursts;
                        ideal += r.Cycles.IdealCycles;
                    }

                    long bandwidth = (fetched * d + b - 1) / b;
                    long bound = Math.Max(ideal, bandwidth);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {d} | {b} | {latency} | {onChip.Cycles:N0} | {external:N0} | {ideal:N0} | {bandwidth:N0} | {(double)external / onChip.Cycles:F3} | {(double)external / bound:F3} | {bursts:N0} |"));
                }
            }
        }

        return 0;
    }
}
