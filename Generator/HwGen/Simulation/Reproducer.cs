using HwGen.Compression;
using HwGen.Configuration;
using HwGen.IO;

namespace HwGen.Simulation;

/// <summary>Writes a config that reproduces a failing vector: the same design, that one input.</summary>
public static class Reproducer
{
    /// <summary>Writes <c>repro/input.npy</c> and <c>repro/config.yaml</c> under <paramref name="directory"/>; returns the config's path.</summary>
    public static string Write(Design design, double[] input, string directory)
    {
        string folder = Path.Combine(directory, "repro");
        Directory.CreateDirectory(folder);
        Npy.WriteNpy(Path.Combine(folder, "input.npy"), Npy.Create(NpyType.Float64, [input.Length], input));
        var original = design.Config;
        var config = original with
        {
            Input = original.Input with { Source = DataSource.Npy, Path = "input.npy" },
            Layers = original.Layers
                .Select(l => l.Weights.Path is null ? l : l with { Weights = l.Weights with { Path = original.ResolvePath(l.Weights.Path) } })
                .ToList(),
            BaseDirectory = folder,
        };
        string path = Path.Combine(folder, "config.yaml");
        string yaml = ConfigYaml.Write(config, resolvePaths: true, header: "Reproducer written by hwgen simulate: the design and the first vector that mismatched.");
        File.WriteAllText(path, yaml);
        return path;
    }
}
