using System.Globalization;
using HwGen.Configuration;
using HwGen.Data;

namespace HwGen.Onnx;

/// <summary>
/// The editable config <c>hwgen import</c> writes for an imported model: one layer per dense
/// layer of the graph, each with <c>weights: { source: onnx, path, layer }</c> and the model's own
/// fraction of non-zero weights as its density (so a model pruned in training stays as it is),
/// <c>input.size</c> from the graph, and <c>dataset.test</c> when a dataset is given.
/// </summary>
public static class OnnxConfig
{
    /// <summary>Vectors the ONNX Runtime check runs when no dataset is given.</summary>
    public const int RandomCheckVectors = 64;

    /// <summary>The config, with paths relative to the folder the config will be written to.</summary>
    /// <param name="import">The imported model.</param>
    /// <param name="modelPath">The model file.</param>
    /// <param name="configPath">Where the config will be written.</param>
    /// <param name="datasetPath">The test set (.npz with <c>x</c> and <c>y</c>), or null.</param>
    public static HwGenConfig Build(OnnxImport import, string modelPath, string configPath, string? datasetPath)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        string Relative(string path) => Path.GetRelativePath(folder, Path.GetFullPath(path)).Replace('\\', '/');

        var network = import.Network;
        return new HwGenConfig
        {
            Name = DesignName(modelPath),
            Input = network.Layers[0].Lstm is { } first
                ? new InputConfig { Size = first.Features, Steps = first.Steps }
                : new InputConfig { Size = network.InputSize },
            Layers = network.Layers.Select(l => new LayerConfig
            {
                Name = l.Name,
                Kind = l.Lstm is null ? LayerKind.Fc : LayerKind.Lstm,
                Outputs = l.Lstm is null ? l.Outputs : new LayerConfig().Outputs,
                Hidden = l.Lstm?.Hidden ?? new LayerConfig().Hidden,
                Output = l.Lstm is { ReturnSequence: true } ? LstmOutput.Sequence : LstmOutput.Last,
                Activation = l.Lstm is null ? l.Activation.ToConfig() : new LayerConfig().Activation,
                Weights = new WeightsConfig { Source = DataSource.Onnx, Path = Relative(modelPath), Layer = l.Name, Density = l.Density },
            }).ToList(),
            Dataset = datasetPath is null ? new DatasetConfig() : new DatasetConfig { Test = new DatasetSplitConfig { Path = Relative(datasetPath) } },
            BaseDirectory = folder,
            SourceFile = configPath,
        };
    }

    /// <summary>The design name from the model's file name, sanitised (<c>model</c> when nothing is left).</summary>
    public static string DesignName(string modelPath)
    {
        string name = OnnxLayerNames.Sanitise(Path.GetFileNameWithoutExtension(modelPath));
        if (name.Length > ConfigNames.MaxNameLength)
        {
            name = name[..ConfigNames.MaxNameLength].TrimEnd('_');
        }

        return name.Length == 0 || !ConfigNames.IsName(name) ? "model"
            : SystemVerilogKeywords.Contains(name) ? name + "_net"
            : name;
    }

    /// <summary>Deterministic check inputs when no dataset is given: uniform in [0, 1), seed 1.</summary>
    public static Dataset RandomInputs(int width, int count = RandomCheckVectors)
    {
        var values = new double[width * count];
        for (var v = 0; v < count; v++)
        {
            var random = DeterministicRandom.ForStream(1, "onnx-check", v);
            for (var i = 0; i < width; i++)
            {
                values[(v * width) + i] = random.NextDouble();
            }
        }

        return new Dataset { Origin = string.Create(CultureInfo.InvariantCulture, $"{count} random vectors"), Count = count, Width = width, Inputs = values };
    }
}
