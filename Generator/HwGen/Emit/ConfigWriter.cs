using System.Globalization;
using System.Text;
using HwGen.Configuration;

namespace HwGen.Emit;

/// <summary>
/// Writes a config back as YAML with every key explicit (the effective config of a generated
/// design, and reproducers). <see cref="ConfigLoader"/> reads it back to an equal config.
/// </summary>
public static class ConfigWriter
{
    /// <summary>The config as YAML. Data paths are written as given unless <paramref name="resolvePaths"/>.</summary>
    public static string ToYaml(HwGenConfig config, bool resolvePaths = false, string? header = null)
    {
        string PathText(string path) => Quote(resolvePaths ? config.ResolvePath(path) : path);
        var y = new StringBuilder();
        if (header is not null)
        {
            foreach (var line in header.Split('\n'))
            {
                y.Append("# ").Append(line).Append('\n');
            }
        }

        y.Append("name: ").Append(config.Name).Append('\n');
        y.Append("seed: ").Append(Num(config.Seed)).Append('\n');
        y.Append("input:\n");
        y.Append("  size: ").Append(Num(config.Input.Size)).Append('\n');
        y.Append("  source: ").Append(Snake(config.Input.Source)).Append('\n');
        if (config.Input.Source == DataSource.Random)
        {
            y.Append("  density: ").Append(Num(config.Input.Density)).Append('\n');
            y.Append("  signed: ").Append(config.Input.Signed ? "true" : "false").Append('\n');
        }
        else
        {
            y.Append("  path: ").Append(PathText(config.Input.Path!)).Append('\n');
            if (config.Input.Source == DataSource.Npz)
            {
                y.Append("  key: ").Append(Quote(config.Input.Key)).Append('\n');
            }
        }

        y.Append("layers:\n");
        foreach (var layer in config.Layers)
        {
            y.Append("  - name: ").Append(layer.Name).Append('\n');
            y.Append("    outputs: ").Append(Num(layer.Outputs)).Append('\n');
            y.Append("    activation: ").Append(Snake(layer.Activation)).Append('\n');
            y.Append("    weights:\n");
            var w = layer.Weights;
            y.Append("      source: ").Append(Snake(w.Source)).Append('\n');
            if (!w.IsPrecompressed)
            {
                y.Append("      density: ").Append(Num(w.Density)).Append('\n');
            }

            if (w.Path is not null)
            {
                y.Append("      path: ").Append(PathText(w.Path)).Append('\n');
            }

            AppendKey(y, "weights", w.WeightsKey);
            AppendKey(y, "bias", w.BiasKey);
            AppendKey(y, "codes", w.CodesKey);
            AppendKey(y, "codebook", w.CodebookKey);
        }

        var c = config.Compression;
        y.Append("compression:\n");
        y.Append("  pruning: ").Append(Snake(c.Pruning)).Append('\n');
        y.Append("  codebook_bits: ").Append(Num(c.CodebookBits)).Append('\n');
        y.Append("  index_bits: ").Append(Num(c.IndexBits)).Append('\n');
        y.Append("  row_assignment: ").Append(Snake(c.RowAssignment)).Append('\n');
        y.Append("  kmeans_iterations: ").Append(Num(c.KMeansIterations)).Append('\n');
        var q = config.Quantization;
        y.Append("quantization:\n");
        y.Append("  activation_bits: ").Append(Num(q.ActivationBits)).Append('\n');
        y.Append("  activation_frac: ").Append(Num(q.ActivationFrac)).Append('\n');
        y.Append("  weight_bits: ").Append(Num(q.WeightBits)).Append('\n');
        var h = config.Hardware;
        y.Append("hardware:\n");
        y.Append("  pes: ").Append(Num(h.Pes)).Append('\n');
        y.Append("  fifo_depth: ").Append(Num(h.FifoDepth)).Append('\n');
        y.Append("  spmat_line_entries: ").Append(Num(h.SpmatLineEntries)).Append('\n');
        y.Append("  clock_mhz: ").Append(Num(h.ClockMhz)).Append('\n');
        y.Append("  spmat_memory: ").Append(Snake(h.SpmatMemory)).Append('\n');
        y.Append("  act_memory: ").Append(Snake(h.ActMemory)).Append('\n');
        return y.ToString();
    }

    private static void AppendKey(StringBuilder y, string key, string? value)
    {
        if (value is not null)
        {
            y.Append("      ").Append(key).Append(": ").Append(Quote(value)).Append('\n');
        }
    }

    private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An enum value as the config spells it: LoadBalanced → load_balanced.</summary>
    public static string Snake<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        var text = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
