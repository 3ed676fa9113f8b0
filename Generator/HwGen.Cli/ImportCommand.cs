using System.CommandLine;
using System.Globalization;
using System.Text;
using HwGen.Configuration;
using HwGen.Data;
using HwGen.Emit;
using HwGen.Onnx;
using HwGen.Reports;

namespace HwGen.Cli;

/// <summary><c>hwgen import MODEL.onnx -o CONFIG.yaml</c>: an editable config for a trained model, checked by ONNX Runtime.</summary>
internal static class ImportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new Argument<string>("MODEL") { Description = "The trained model (.onnx)." };
        var output = new Option<string>("--output", "-o") { Description = "The config file to write (YAML).", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "A labelled test set (.npz with x and y): written as dataset.test and used for the ONNX Runtime check." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout instead of text." };
        var force = new Option<bool>("--force") { Description = "Replace an existing config file." };
        var command = new Command("import", "Write an editable config for an ONNX model (PyTorch or Keras export), after checking the import against ONNX Runtime.")
        {
            model, output, dataset, json, force,
        };
        command.SetAction(parse => Cli.Guard(stderr, () =>
        {
            string modelPath = parse.GetValue(model)!;
            string configPath = parse.GetValue(output)!;
            string? datasetPath = parse.GetValue(dataset);
            CheckTarget(configPath, parse.GetValue(force), [modelPath, .. datasetPath is null ? Array.Empty<string>() : [datasetPath]]);

            var import = OnnxImporter.Import(modelPath);
            var network = import.Network;
            Dataset data;
            if (datasetPath is null)
            {
                data = OnnxConfig.RandomInputs(network.InputSize);
            }
            else
            {
                data = DatasetLoader.LoadNpz(datasetPath);
                data.CheckAgainst(network.InputSize, network.OutputSize);
            }

            var check = OnnxRuntimeCheck.Ensure(import, modelPath, data);
            var config = OnnxConfig.Build(import, modelPath, configPath, datasetPath);
            ConfigValidator.ThrowIfInvalid(config);
            string header = $"Written by hwgen import from {Path.GetFileName(modelPath)} ({(import.Producer.Length == 0 ? "unknown exporter" : import.Producer)}, opset {import.Opset}).\n"
                + "Every key is explicit; edit densities, codebook bits, quantization and hardware, then run hwgen estimate.";
            OutputWriter.WriteIfChanged(configPath, Encoding.UTF8.GetBytes(ConfigYaml.Write(config, header: header)));

            if (parse.GetValue(json))
            {
                stdout.WriteLine(HwGenJson.Write(ImportJson.From(configPath, import, check)));
            }
            else
            {
                stdout.WriteLine($"Imported {import.File}: {network.InputSize} inputs, {network.Layers.Count} layers:");
                foreach (var layer in network.Layers)
                {
                    stdout.WriteLine(layer.Lstm is { } lstm
                        ? string.Create(CultureInfo.InvariantCulture,
                            $"  {layer.Name}: lstm, {lstm.Steps} steps × {lstm.Features} → hidden {lstm.Hidden} ({(lstm.ReturnSequence ? "sequence" : "last state")}), gate matrix {layer.Outputs}×{layer.Inputs}, density {layer.Density:0.####}")
                        : string.Create(CultureInfo.InvariantCulture,
                            $"  {layer.Name}: {layer.Inputs} → {layer.Outputs}, {Activations.Name(layer.Activation)}, density {layer.Density:0.####}"));
                }

                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ONNX Runtime agrees on {check.Vectors} {(datasetPath is null ? "random" : "dataset")} vectors (largest output difference {check.MaxAbsOutputDifference:G3}, tolerance {check.Tolerance}); top-1 agrees on {check.ArgmaxAgreements}/{check.Vectors}."));
                stdout.WriteLine($"Wrote {configPath}.");
            }

            return Cli.Success;
        }));
        return command;
    }

    /// <summary>Refuses to replace an existing file without --force, a folder, or one of the command's inputs.</summary>
    private static void CheckTarget(string configPath, bool force, IEnumerable<string> inputs)
    {
        static ConfigException Error(string path, string message) => new(new ConfigError(path, 0, 0, "-o", message));
        if (string.IsNullOrWhiteSpace(configPath))
        {
            throw Error(configPath, "is empty; name the config file to write");
        }

        string full = Path.GetFullPath(configPath);
        if (Directory.Exists(full))
        {
            throw Error(configPath, "is a folder; name the config file to write, e.g. model.yaml");
        }

        if (inputs.Any(i => string.Equals(Path.GetFullPath(i), full, StringComparison.Ordinal)))
        {
            throw Error(configPath, "is one of the command's inputs; write the config elsewhere");
        }

        if (File.Exists(full) && !force)
        {
            throw Error(configPath, "exists; pass --force to replace it");
        }
    }
}
