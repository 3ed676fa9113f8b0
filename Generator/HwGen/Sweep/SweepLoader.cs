using System.Globalization;
using HwGen.Configuration;

namespace HwGen.Sweep;

/// <summary>
/// Reads a sweep file (YAML, docs/sweeps.md) into a <see cref="SweepSpec"/> with the config's
/// machinery: its keys are a schema (<see cref="Schema"/>) read by the same reader, so every
/// problem is reported at once as <c>file:line:column: key: message</c> in one
/// <see cref="ConfigException"/>. An axis is any value key of <see cref="ConfigSchema"/>, its values
/// read as that key's type and checked against its range. What needs the base config (layer
/// indices, point validity) and the expressions are checked by <see cref="SweepDefinition"/>.
/// </summary>
public static class SweepLoader
{
    /// <summary>Most values one axis may have.</summary>
    public const int MaxAxisValues = 10_000;

    /// <summary>Most values all axes together may have (a bound on what aliases can make HwGen hold).</summary>
    public const int MaxTotalAxisValues = 100_000;

    public const int MaxVectors = 10_000;

    /// <summary>The schema of a sweep file: its keys, types, defaults and docs.</summary>
    public static ConfigKey Schema { get; } = KeysOf<SweepFile>.Document(
        "sweep file",
        key => ConfigKeyPath.Parse(key, out _) is not null ? $"to sweep the config key '{key}', put it under axes:" : null,
        KeysOf<SweepFile>.Text(
            "name", f => f.Name, (f, v) => f with { Name = v }, "a title for the report", "Title of the report.", defaultText: "file name"),
        KeysOf<SweepFile>.Text(
            "base", f => f.Base, (f, v) => f with { Base = v }, "an existing config file",
            "The base config (docs/config.md), relative to the sweep file. Its own errors name its own file and lines.",
            required: true, example: "base: lenet300.yaml", path: true),
        KeysOf<SweepFile>.Map(
            "axes", f => f.Axes, (f, v) => f with { Axes = v }, "At least one axis: a config key and its values (below).", ReadAxis,
            min: 1, noun: "axis", example: "axes: {hardware.pes: [4, 8, 16]}", required: true,
            allowed: "a mapping of config keys to values, e.g. axes: {hardware.pes: [4, 8, 16]}"),
        KeysOf<SweepFile>.Enum(
            "sampling", f => f.Sampling, (f, v) => f with { Sampling = v },
            "`grid`: every combination of the axes' values. `random`: `points` combinations drawn without replacement."),
        KeysOf<SweepFile>.Int(
            "points", f => f.Points, (f, v) => f with { Points = v }, 1, 1_000_000,
            "`random` only: how many points (the whole grid when it has fewer).", defaultText: string.Empty,
            when: f => f.Sampling == SweepSampling.Random),
        KeysOf<SweepFile>.Int(
            "seed", f => f.Seed, (f, v) => f with { Seed = v }, 0, int.MaxValue,
            "`random` only: the seed of the draw (the configs' own `seed` is a config key, sweepable like any other).",
            when: f => f.Sampling == SweepSampling.Random),
        KeysOf<SweepFile>.Int(
            "vectors", f => f.Vectors, (f, v) => f with { Vectors = v }, 1, MaxVectors,
            "Input vectors per point: for a random input, vectors 0 … N−1 of the config's seed (vector 0 is the config's own input); for an input file, its vectors first, then random ones drawn with the config's input settings."),
        KeysOf<SweepFile>.List(
            "metrics", f => f.Metrics, (f, v) => f with { Metrics = v },
            KeysOf<SweepFile>.Custom(string.Empty, ConfigType.Text, "a metric name", string.Empty, ReadMetric),
            "The metric columns to keep in the results and the report, in order.",
            min: 1, noun: "metric", example: "metrics: [cycles, latency_us, luts]", defaultText: "all",
            allowed: "a list of metric names, e.g. [cycles, latency_us, luts]"),
        KeysOf<SweepFile>.List(
            "constraints", f => f.Constraints, (f, v) => f with { Constraints = v },
            KeysOf<SweepFile>.Custom(string.Empty, ConfigType.Text, "a C# condition", string.Empty, Expression("a C# condition over the metrics, e.g. luts <= 5280")),
            "A C# condition, or a list of them; all must hold.", noun: "constraint", single: true, defaultText: "none",
            allowed: "a list of C# conditions over the metrics, e.g. [luts <= 5280, accuracy_drop < 0.01]"),
        KeysOf<SweepFile>.List(
            "objectives", f => f.Objectives, (f, v) => f with { Objectives = v },
            KeysOf<ObjectiveFields>.Item(
                _ => new ObjectiveFields(),
                KeysOf<ObjectiveFields>.Custom(
                    "minimize", ConfigType.Text, "a C# expression", "The expression to make small.",
                    Expression("a C# expression over the metrics, e.g. latency_us * luts"), o => o.Minimize, (o, v) => o with { Minimize = (SweepExpression)v }),
                KeysOf<ObjectiveFields>.Custom(
                    "maximize", ConfigType.Text, "a C# expression", "The expression to make large.",
                    Expression("a C# expression over the metrics, e.g. accuracy"), o => o.Maximize, (o, v) => o with { Maximize = (SweepExpression)v }),
                KeysOf<ObjectiveFields>.Text("name", o => o.Name, (o, v) => o with { Name = v }, "a column name", "The objective's column.")),
            "A list of `{minimize: EXPR}` or `{maximize: EXPR}`, each optionally with `name:` (the column name; default the metric itself, else `objective_K`).",
            noun: "objective", single: true, defaultText: "`minimize: latency_us`, `minimize: luts`",
            allowed: "a list of objectives, e.g. [{minimize: latency_us}, {minimize: luts}]"));

    /// <summary>The keys of a sweep file.</summary>
    public static IReadOnlyList<string> Keys { get; } = [.. Schema.Keys.Select(k => k.Name)];

    /// <summary>A sweep file's defaults, as <see cref="Schema"/> reads them (for the docs' key tables).</summary>
    public static object Defaults { get; } = new SweepFile();

    /// <summary>An axis's range: <c>{from, to, step}</c> or <c>{from, to, factor}</c>, read exactly (decimal).</summary>
    private static readonly ConfigKey RangeSchema = KeysOf<AxisRange>.Document(
        "range",
        null,
        KeysOf<AxisRange>.Custom("from", ConfigType.Real, "a number", "The first value.", ReadDecimal, r => r.From, (r, v) => r with { From = (decimal)v }),
        KeysOf<AxisRange>.Custom("to", ConfigType.Real, "a number", "The last value, if reached.", ReadDecimal, r => r.To, (r, v) => r with { To = (decimal)v }),
        KeysOf<AxisRange>.Custom("step", ConfigType.Real, "a number", "Added to each value.", ReadDecimal, r => r.Step, (r, v) => r with { Step = (decimal)v }),
        KeysOf<AxisRange>.Custom("factor", ConfigType.Real, "a number", "Multiplies each value.", ReadDecimal, r => r.Factor, (r, v) => r with { Factor = (decimal)v }));

    /// <summary>Loads a sweep file.</summary>
    /// <exception cref="ConfigException">The file is unreadable or invalid.</exception>
    public static SweepSpec Load(string path)
    {
        string text = ConfigLoader.ReadText(path, "sweep file");
        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        return LoadFromText(text, path, directory);
    }

    /// <summary>Loads a sweep from text.</summary>
    /// <param name="yaml">The sweep file's text.</param>
    /// <param name="fileName">The name messages give it.</param>
    /// <param name="baseDirectory">The folder its base path resolves against.</param>
    /// <exception cref="ConfigException">The sweep is invalid.</exception>
    public static SweepSpec LoadFromText(string yaml, string fileName, string baseDirectory)
    {
        var reader = new SchemaReader(fileName, Schema);
        var file = (SweepFile)reader.Read(ConfigLoader.Parse(yaml, fileName), new SweepFile());
        var locations = new ConfigLocations(reader.Locations);
        var check = new ConfigValidator.Checker(fileName, locations, reader.Rejected);
        var objectives = Check(file, reader, check);
        ConfigValidator.CheckKeys(Schema, file, string.Empty, check);
        var errors = ConfigLoader.InFileOrder(reader.Errors.Concat(check.Errors));
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        return new SweepSpec
        {
            SourceFile = fileName,
            Text = yaml,
            Name = file.Name ?? Path.GetFileNameWithoutExtension(fileName),
            BasePath = file.Base!,
            BaseDirectory = baseDirectory,
            Axes = file.Axes ?? [],
            Sampling = file.Sampling,
            Points = file.Points,
            Seed = file.Seed,
            Vectors = file.Vectors,
            Metrics = file.Metrics,
            Constraints = file.Constraints ?? [],
            Objectives = objectives,
            Locations = locations,
        };
    }

    /// <summary>The rules between a sweep file's keys; returns its objectives, named.</summary>
    private static List<SweepObjective> Check(SweepFile file, SchemaReader reader, ConfigValidator.Checker check)
    {
        bool Given(string key) => reader.Locations.ContainsKey(key);
        if (file.Sampling == SweepSampling.Grid && Given("points"))
        {
            check.Error("points", "is only used with sampling: random (a grid has every combination of the axes); set sampling: random or remove points");
        }
        else if (file.Sampling == SweepSampling.Random && !Given("points"))
        {
            reader.Error(reader.Locations["sampling"], "points", "missing: sampling: random needs points: K, the number of points to draw");
            reader.Rejected.Add("points");
        }

        if (file.Sampling == SweepSampling.Grid && Given("seed"))
        {
            check.Error("seed", "is only used with sampling: random; the configs' own seeds are the key 'seed' of an axis or of the base config");
        }

        // Two paths that set the same key of the same layer would fight over it.
        var axes = file.Axes ?? [];
        for (var i = 0; i < axes.Count; i++)
        {
            var a = axes[i].Path;
            if (axes.Take(i).FirstOrDefault(b => a.Key == b.Path.Key && (a.Layer == b.Path.Layer || a.AllLayers || b.Path.AllLayers)) is { } other)
            {
                check.Error($"axes.{a.Text}", $"sets the same key as the axis '{other.Key}' on line {other.At.Line}; keep one of them");
            }
        }

        if (axes.Sum(a => a.Values.Count) > MaxTotalAxisValues)
        {
            check.Error("axes", $"the axes hold {axes.Sum(a => a.Values.Count)} values in all; at most {MaxTotalAxisValues} are allowed");
        }

        for (var i = 0; i < (file.Metrics?.Count ?? 0); i++)
        {
            if (file.Metrics!.Take(i).Contains(file.Metrics![i]))
            {
                check.Error($"metrics[{i}]", $"'{file.Metrics[i]}' is listed twice");
            }
        }

        var objectives = new List<SweepObjective>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (file.Objectives?.Count ?? 0); i++)
        {
            string key = Given("objectives[0]") ? $"objectives[{i}]" : "objectives";
            var fields = file.Objectives![i];
            if (reader.Rejected.Contains(key) || reader.Rejected.Contains($"{key}.minimize") || reader.Rejected.Contains($"{key}.maximize"))
            {
                continue;
            }

            if ((fields.Minimize is null) == (fields.Maximize is null))
            {
                check.Error(key, "give exactly one of minimize: EXPRESSION or maximize: EXPRESSION");
                continue;
            }

            string? name = fields.Name;
            if (name is not null && (!ConfigNames.IsName(name) || SweepMetrics.ByName.ContainsKey(name) || name is "index" or "status" or "feasible" or "pareto" or "error"))
            {
                check.Error($"{key}.name", $"'{name}' cannot name a column: use lowercase letters, digits and '_', and not a metric's name");
                continue;
            }

            var expression = fields.Minimize ?? fields.Maximize!;
            var objective = new SweepObjective(name ?? string.Empty, fields.Minimize is null ? ObjectiveGoal.Maximize : ObjectiveGoal.Minimize, expression);
            name ??= objective.IsMetric ? expression.Text.Trim() : $"objective_{i + 1}";
            if (!names.Add(name))
            {
                check.Error(key, $"'{name}' is already an objective");
                continue;
            }

            objectives.Add(objective with { Name = name });
        }

        return objectives;
    }

    /// <summary>One axis: its config key and its values, each read as the key's type and checked against its range.</summary>
    private static SweepAxis? ReadAxis(SchemaReader reader, YScalar keyNode, YNode node, string key)
    {
        if (ConfigKeyPath.Parse(keyNode.Value, out string? problem) is not { } path)
        {
            return (SweepAxis?)reader.Reject(keyNode, key, problem!);
        }

        IReadOnlyList<YNode> items = node is YSequence sequence ? sequence.Items : [node];
        if (node is YScalar { IsNull: true } || items.Count == 0)
        {
            return (SweepAxis?)reader.Reject(node, key, "is an empty axis: give a list of values, e.g. [4, 8, 16], or a range {from: 1, to: 64, factor: 2}");
        }

        if (items.Count > MaxAxisValues)
        {
            return (SweepAxis?)reader.Reject(node, key, $"has {items.Count} values; at most {MaxAxisValues} are allowed per axis");
        }

        string At(int i) => node is YSequence ? $"{key}[{i}]" : key;
        var values = node is YMapping range ? ReadRange(reader, path.Key, range, key)
            : [.. items.Select((item, i) => reader.ReadScalar(path.Key, item, At(i)) is { } value ? Check(reader, path.Key, value, item, At(i)) : null).OfType<AxisValue>()];
        if (values is null || values.Count < items.Count)
        {
            return null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (values.FirstOrDefault(v => !seen.Add(v.Text)) is { } twice)
        {
            reader.Error(twice.At, key, $"the value {twice.Text} is listed twice; each point would be computed twice");
            return null;
        }

        return new SweepAxis(path, values, SchemaReader.At(keyNode));
    }

    /// <summary><c>{from, to, step}</c> or <c>{from, to, factor}</c>, both ends included when reached.</summary>
    private static List<AxisValue>? ReadRange(SchemaReader reader, ConfigKey configKey, YMapping node, string key)
    {
        if (configKey.Type is not (ConfigType.Integer or ConfigType.Real))
        {
            return Fail(reader, node, key, $"a range {{from, to, step}} needs a numeric key; list the values of {configKey.Path}, e.g. [{string.Join(", ", configKey.Choices.DefaultIfEmpty("a, b"))}]");
        }

        int before = reader.Errors.Count;
        var range = (AxisRange)reader.ReadSection(RangeSchema, node, new AxisRange(), key, SchemaReader.At(node));
        if (reader.Errors.Count > before)
        {
            return null;
        }

        bool integer = configKey.Type == ConfigType.Integer;
        if (range.From is not { } from || range.To is not { } to)
        {
            return Fail(reader, node, $"{key}.{(range.From is null ? "from" : "to")}", $"missing: a range needs from, to and either step or factor, e.g. {{from: 1, to: 64, {(integer ? "factor: 2" : "step: 0.05")}}}");
        }

        if ((range.Step is null) == (range.Factor is null))
        {
            return Fail(reader, node, key, "a range needs exactly one of step (from, from + step, …) or factor (from, from × factor, …)");
        }

        bool hasStep = range.Step is not null;
        string byKey = $"{key}.{(hasStep ? "step" : "factor")}";
        decimal by = range.Step ?? range.Factor!.Value;
        foreach (var (name, value) in new[] { ("from", from), ("to", to), ("step", by) })
        {
            if (integer && (name != "step" || hasStep) && value != decimal.Truncate(value))
            {
                string at = name == "step" ? byKey : $"{key}.{name}";
                reader.Error(reader.Locations[at], at, $"expected an integer, got the number {value.ToString(CultureInfo.InvariantCulture)}");
                return null;
            }
        }

        var byAt = reader.Locations[byKey];
        string? problem = from > to ? $"from ({from}) is greater than to ({to}); ranges run upwards"
            : hasStep && by <= 0 ? $"must be greater than 0, got {by}"
            : !hasStep && by <= 1 ? $"must be greater than 1, got {by}"
            : !hasStep && from <= 0 ? $"a geometric range needs from > 0, got {from}"
            : null;
        if (problem is not null)
        {
            reader.Error(from > to ? SchemaReader.At(node) : byAt, from > to ? key : byKey, problem);
            return null;
        }

        var values = new List<AxisValue>();
        for (decimal v = from; v <= to; v = hasStep ? v + by : v * by)
        {
            if (values.Count >= MaxAxisValues)
            {
                return Fail(reader, node, key, $"gives more than {MaxAxisValues} values; use a larger step or factor");
            }

            if (integer && v != decimal.Truncate(v))
            {
                reader.Error(byAt, byKey, $"gives {v}, not an integer, for the integer key {configKey.Path}; use an integer factor");
                return null;
            }

            if (Check(reader, configKey, integer ? (object)(int)v : (double)v, node, key) is not { } value)
            {
                return null;
            }

            values.Add(value);
        }

        return values;
    }

    private static List<AxisValue>? Fail(SchemaReader reader, YNode node, string key, string message)
    {
        reader.Reject(node, key, message);
        return null;
    }

    private static AxisValue? Check(SchemaReader reader, ConfigKey configKey, object value, YNode node, string key)
    {
        if (configKey.Range is { } range && !range.Contains(Convert.ToDouble(value, CultureInfo.InvariantCulture)))
        {
            return (AxisValue?)reader.Reject(node, key, $"{ConfigKey.Format(value)} is out of range for {configKey.Path}: must be in {range.Text}");
        }

        return new AxisValue(value, ConfigKey.Format(value), SchemaReader.At(node));
    }

    private static object? ReadMetric(SchemaReader reader, YNode node, string key)
    {
        if (node is not YScalar { IsNull: false } scalar)
        {
            return reader.Reject(node, key, $"expected a metric name, got {node.Describe()}");
        }

        if (SweepMetrics.ByName.ContainsKey(scalar.Value))
        {
            return scalar.Value;
        }

        string hint = ConfigNames.Closest(scalar.Value, SweepMetrics.ByName.Keys) is { } near ? $"did you mean '{near}'? " : string.Empty;
        return reader.Reject(node, key, $"unknown metric '{scalar.Value}'; {hint}(docs/sweeps.md lists the metrics: {string.Join(", ", SweepMetrics.All.Select(m => m.Name))})");
    }

    /// <summary>Reads a C# expression: a non-empty scalar, located so that compiler positions map onto the file.</summary>
    private static Func<SchemaReader, YNode, string, object?> Expression(string expected) => (reader, node, key) =>
    {
        if (node is not YScalar { IsNull: false } scalar || string.IsNullOrWhiteSpace(scalar.Value))
        {
            return reader.Reject(node, key, $"expected {expected}, got {(node is YScalar ? "nothing" : node.Describe())}");
        }

        bool oneLine = !scalar.Value.Contains('\n', StringComparison.Ordinal);
        int column = scalar.IsPlain ? scalar.Column : scalar.Column + 1;
        return new SweepExpression(key, scalar.Value, new ConfigLocation(scalar.Line, column), oneLine);
    };

    private static object? ReadDecimal(SchemaReader reader, YNode node, string key)
    {
        if (node is not YScalar { IsNull: false, IsPlain: true } scalar || !SchemaReader.RealPattern().IsMatch(scalar.Value))
        {
            return reader.Reject(node, key, $"expected a number, got {node.Describe()}");
        }

        return decimal.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value)
            ? value
            : reader.Reject(node, key, $"{scalar.Value} is out of range");
    }

    /// <summary>A sweep file as written, before the rules between its keys.</summary>
    internal sealed record SweepFile(
        string? Name = null, string? Base = null, IReadOnlyList<SweepAxis>? Axes = null, SweepSampling Sampling = SweepSampling.Grid,
        int Points = 0, int Seed = 1, int Vectors = SweepSpec.DefaultVectors, IReadOnlyList<string>? Metrics = null,
        IReadOnlyList<SweepExpression>? Constraints = null, IReadOnlyList<ObjectiveFields>? Objectives = null);

    /// <summary>One objective as written.</summary>
    internal sealed record ObjectiveFields(SweepExpression? Minimize = null, SweepExpression? Maximize = null, string? Name = null);

    /// <summary>An axis's range as written.</summary>
    private sealed record AxisRange(decimal? From = null, decimal? To = null, decimal? Step = null, decimal? Factor = null);
}
