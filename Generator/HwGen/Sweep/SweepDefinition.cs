using System.Text;
using HwGen.Configuration;

namespace HwGen.Sweep;

/// <summary>A point with its config, or the reason its combination of values is impossible.</summary>
/// <param name="Index">Position in the sweep.</param>
/// <param name="Values">One value per axis.</param>
/// <param name="Config">The base config with the values applied; null when the point is invalid.</param>
/// <param name="Problem">Why the point is invalid (the validator's messages), or null.</param>
public sealed record SweepPoint(int Index, IReadOnlyList<AxisValue> Values, HwGenConfig? Config, string? Problem);

/// <summary>
/// A sweep ready to run: the file, the base config it starts from, every point's config (each
/// checked by <see cref="ConfigValidator"/>), the metrics a run computes and keeps, and the
/// compiled constraints and objectives.
/// </summary>
public sealed class SweepDefinition
{
    private SweepDefinition(SweepSpec spec, HwGenConfig? baseConfig, IReadOnlyList<string?> baseValues, IReadOnlyList<SweepPoint> points, bool synth, SweepExpressions expressions)
    {
        Spec = spec;
        Base = baseConfig;
        BaseValues = baseValues;
        Points = points;
        Synth = synth;
        Expressions = expressions;
        Metrics = SweepMetrics.Available(synth);
        Columns = spec.Metrics is null ? Metrics : [.. spec.Metrics.Select(m => SweepMetrics.ByName[m])];
    }

    public SweepSpec Spec { get; }

    /// <summary>The base config; null for a definition rebuilt from stored results (merge), which needs no configs.</summary>
    public HwGenConfig? Base { get; }

    /// <summary>
    /// Per axis, the base config's value as written (null when the base has none of one value, e.g.
    /// layers[*] over layers of different densities): plots hold the axes they do not show there.
    /// </summary>
    public IReadOnlyList<string?> BaseValues { get; }

    public IReadOnlyList<SweepPoint> Points { get; }

    /// <summary>Whether the run synthesizes every point (the <c>synth_*</c> metrics exist).</summary>
    public bool Synth { get; }

    /// <summary>Every metric a run computes.</summary>
    public IReadOnlyList<MetricDefinition> Metrics { get; }

    /// <summary>The metric columns of the results: the file's <c>metrics:</c>, or all.</summary>
    public IReadOnlyList<MetricDefinition> Columns { get; }

    public SweepExpressions Expressions { get; }

    /// <summary>Loads a sweep file, its base config and its points, and compiles its expressions.</summary>
    /// <exception cref="ConfigException">Bad input, each error with its file, line and key.</exception>
    public static SweepDefinition Load(string path, bool synth)
    {
        var spec = SweepLoader.Load(path);
        return Prepare(spec, LoadBase(spec), synth);
    }

    /// <summary>A sweep from its spec and, when points are to be computed, its base config.</summary>
    /// <param name="spec">The sweep file.</param>
    /// <param name="baseConfig">The base config; null when only stored results are read (merge).</param>
    /// <param name="synth">Whether the run synthesizes.</param>
    /// <param name="baseValues">Without a base config: its axis values, as a run stored them.</param>
    /// <exception cref="ConfigException">Bad input.</exception>
    public static SweepDefinition Prepare(SweepSpec spec, HwGenConfig? baseConfig, bool synth, IReadOnlyList<string?>? baseValues = null)
    {
        var errors = new List<ConfigError>();
        if (!synth && spec.Metrics is { } chosen)
        {
            for (var i = 0; i < chosen.Count; i++)
            {
                if (SweepMetrics.ByName[chosen[i]].NeedsSynth)
                {
                    errors.Add(spec.Error($"metrics[{i}]", $"'{chosen[i]}' comes from yosys: run the sweep with --synth, or remove it"));
                }
            }
        }

        if (baseConfig is not null)
        {
            foreach (var axis in spec.Axes.Where(a => a.Path.Key.IsLayerKey && a.Path.Layer >= baseConfig.Layers.Count))
            {
                errors.Add(spec.Error($"axes.{axis.Key}", $"the base config has {baseConfig.Layers.Count} layer(s), layers[0] … layers[{baseConfig.Layers.Count - 1}]"));
            }
        }

        SweepExpressions? expressions = null;
        try
        {
            expressions = SweepExpressions.Compile(spec, SweepMetrics.Available(synth));
        }
        catch (ConfigException e)
        {
            errors.AddRange(e.Errors);
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(ConfigLoader.InFileOrder(errors));
        }

        var planned = SweepPlan.Points(spec);
        var points = planned.Select(p => baseConfig is null
            ? new SweepPoint(p.Index, p.Values, null, null)
            : Apply(spec, baseConfig, p)).ToList();
        if (baseConfig is not null && points.Count > 0 && points.All(p => p.Config is null))
        {
            var first = points[0];
            throw new ConfigException(spec.Error("axes", $"every point is invalid; the first, {Describe(spec, first.Values)}: {first.Problem}"));
        }

        baseValues = baseConfig is null ? baseValues ?? [.. spec.Axes.Select(_ => (string?)null)] : [.. spec.Axes.Select(a => BaseValue(a, baseConfig))];
        return new SweepDefinition(spec, baseConfig, baseValues, points, synth, expressions!);
    }

    /// <summary>The base config the sweep file names.</summary>
    /// <exception cref="ConfigException">It is missing or invalid (its own errors name its file).</exception>
    public static HwGenConfig LoadBase(SweepSpec spec)
    {
        string path = spec.ResolvedBasePath;
        if (!File.Exists(path))
        {
            throw new ConfigException(spec.Error("base", $"base config not found: {spec.BasePath} (looked for {path}; relative paths start at the sweep file's folder)"));
        }

        string shown = Path.IsPathRooted(spec.BasePath) ? spec.BasePath : Path.Combine(Path.GetDirectoryName(spec.SourceFile) ?? string.Empty, spec.BasePath);
        return ConfigLoader.Load(shown);
    }

    /// <summary><c>hardware.pes=16, hardware.fifo_depth=4</c>.</summary>
    public static string Describe(SweepSpec spec, IReadOnlyList<AxisValue> values)
    {
        var text = new StringBuilder();
        for (var a = 0; a < spec.Axes.Count; a++)
        {
            text.Append(a == 0 ? string.Empty : ", ").Append(spec.Axes[a].Key).Append('=').Append(values[a].Text);
        }

        return text.ToString();
    }

    /// <summary><c>hardware.pes=16, hardware.fifo_depth=4</c>, from the values as written.</summary>
    public static string Describe(SweepSpec spec, IReadOnlyList<string> values) =>
        string.Join(", ", spec.Axes.Select((a, i) => $"{a.Key}={values[i]}"));

    private static string? BaseValue(SweepAxis axis, HwGenConfig config)
    {
        var path = axis.Path;
        var values = path.AllLayers
            ? config.Layers.Select((_, i) => path.Key.Get(config, i)).Distinct().ToList()
            : [path.Read(config)];
        return values.Count == 1 && values[0] is { } value ? ConfigKey.Format(value) : null;
    }

    private static SweepPoint Apply(SweepSpec spec, HwGenConfig baseConfig, PlannedPoint point)
    {
        var config = baseConfig;
        for (var a = 0; a < spec.Axes.Count; a++)
        {
            config = spec.Axes[a].Path.Apply(config, point.Values[a].Value);
        }

        // The point's own validation: rules between keys (activation_frac < activation_bits, the data
        // a source needs) that no single axis value breaks.
        var problems = ConfigValidator.Validate(config);
        if (problems.Count == 0)
        {
            return new SweepPoint(point.Index, point.Values, config, null);
        }

        string problem = string.Join("; ", problems.Select(p => $"{p.Key}: {p.Message}"));
        return new SweepPoint(point.Index, point.Values, null, problem);
    }
}
