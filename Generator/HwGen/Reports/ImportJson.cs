using HwGen.Configuration;
using HwGen.Onnx;

namespace HwGen.Reports;

/// <summary><c>hwgen import --json</c>: the config written and the layers found in the model.</summary>
/// <param name="Config">The config file written, as given.</param>
/// <param name="Layers">The dense layers of the graph, in order.</param>
/// <param name="CheckVectors">Vectors ONNX Runtime ran the model on beside HwGen's float network (the dataset's, or random ones without it).</param>
/// <param name="CheckMaxAbsDifference">The largest difference of the network's outputs between ONNX Runtime and HwGen, each running all layers.</param>
public sealed record ImportJson(string Config, IReadOnlyList<ImportLayerJson> Layers, int CheckVectors, double CheckMaxAbsDifference)
{
    public static ImportJson From(string config, OnnxImport import, OnnxCheckResult check) => new(
        config,
        [.. import.Network.Layers.Select(l => new ImportLayerJson(
            l.Name, l.Inputs, l.Outputs, ConfigNames.Snake(l.Activation.ToString()), l.Density, l.Lstm is null ? "fc" : "lstm", l.Lstm?.Hidden ?? 0, l.Lstm?.Steps ?? 1))],
        check.Vectors,
        check.MaxAbsOutputDifference);
}

/// <summary>One layer of <see cref="ImportJson"/>.</summary>
/// <param name="Name">The layer's name in the config (from the model, sanitised to <c>[a-z][a-z0-9_]*</c>).</param>
/// <param name="Inputs">Inputs (columns of the weight matrix).</param>
/// <param name="Outputs">Outputs (rows).</param>
/// <param name="Activation"><c>relu</c>, <c>tanh</c>, <c>sigmoid</c> or <c>none</c>.</param>
/// <param name="Density">The model's own fraction of non-zero weights, written as the layer's density.</param>
/// <param name="Kind"><c>fc</c>, or <c>lstm</c> (then inputs and outputs are its gate matrix's columns, features + hidden, and rows, 4 × hidden; activation is unused).</param>
/// <param name="Hidden">An LSTM layer's hidden size; 0 for fc.</param>
/// <param name="Steps">An LSTM layer's steps; 1 for fc.</param>
public sealed record ImportLayerJson(string Name, int Inputs, int Outputs, string Activation, double Density, string Kind, int Hidden, int Steps);
