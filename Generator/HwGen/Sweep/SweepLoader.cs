using System.Globalization;
using System.Text.RegularExpressions;
using HwGen.Configuration;

namespace HwGen.Sweep;

/// <summary>
/// Reads a sweep file (YAML, docs/sweeps.md) into a <see cref="SweepSpec"/>, with the config
/// loader's machinery: positioned YAML, every problem at once, each as <c>file:line:column: key: message</c>
/// in one <see cref="ConfigException"/>. It checks the file on its own (keys, types, axis values
/// against the config's ranges, metric names); what needs the base config (layer indices, point
/// validity) and the expressions are checked by <see cref="SweepDefinition"/>.
/// </summary>
public static partial class SweepLoader
{
    /// <summary>The keys of a sweep file.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        ["name", "base", "axes", "sampling", "points", "seed", "vectors", "metrics", "constraints", "objectives"];

    /// <summary>Most values one axis may have, and most points a grid may have.</summary>
    public const int MaxAxisValues = 10_000;

    public const int MaxVectors = 10_000;

    private static readonly ConfigRange VectorsRange = new("vectors", 1, MaxVectors, IsInteger: true);
    private static readonly ConfigRange SeedRange = new("seed", 0, int.MaxValue, IsInteger: true);
    private static readonly ConfigRange PointsRange = new("points", 1, 1_000_000, IsInteger: true);

    /// <summary>Loads a sweep file.</summary>
    /// <exception cref="ConfigException">The file is unreadable or invalid.</exception>
    public static SweepSpec Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ConfigException(new ConfigError(path, 0, 0, string.Empty, "is a folder, not a sweep file"));
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException(new ConfigError(path, 0, 0, string.Empty, "sweep file not found"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigException(new ConfigError(path, 0, 0, string.Empty, $"cannot read the sweep file: {e.Message}"));
        }

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
        YNode? root;
        try
        {
            root = YamlTree.Parse(yaml);
        }
        catch (YamlSyntaxException e)
        {
            throw new ConfigException(new ConfigError(fileName, e.Line, e.Column, e.Key, $"YAML syntax error: {e.Message}"));
        }

        var reader = new Reader(fileName);
        var spec = reader.Read(root, yaml, fileName, baseDirectory);
        if (reader.Errors.Count > 0)
        {
            throw new ConfigException(ConfigLoader.InFileOrder(reader.Errors));
        }

        return spec!;
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex RealPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex IdentifierPattern();

    /// <summary>One load: the errors found and where each key was written.</summary>
    private sealed class Reader(string file)
    {
        private readonly Dictionary<string, ConfigLocation> _locations = new(StringComparer.Ordinal);

        /// <summary>Known keys that an unknown key was taken for: not reported missing as well.</summary>
        private readonly HashSet<string> _suggested = new(StringComparer.Ordinal);

        public List<ConfigError> Errors { get; } = [];

        public SweepSpec? Read(YNode? root, string text, string fileName, string baseDirectory)
        {
            var entries = Mapping(root, string.Empty, "the sweep file", Keys);
            if (root is not null)
            {
                _locations[string.Empty] = At(root);
            }

            string? basePath = null;
            if (entries.TryGetValue("base", out var baseNode))
            {
                basePath = Scalar(baseNode, "base", "the base config's path, relative to this file")?.Value;
            }
            else if ((root is null || root is YMapping) && !_suggested.Contains("base"))
            {
                Error(root is null ? new ConfigLocation(1, 1) : At(root), "base", "missing: give the config the sweep starts from, e.g. base: lenet300.yaml (relative to this file)");
            }

            var axes = entries.TryGetValue("axes", out var axesNode) ? ReadAxes(axesNode) : [];
            if (!entries.ContainsKey("axes") && (root is null || root is YMapping) && !_suggested.Contains("axes"))
            {
                Error(root is null ? new ConfigLocation(1, 1) : At(root), "axes", "missing: give at least one axis, e.g. axes: {hardware.pes: [4, 8, 16]}");
            }

            var sampling = SweepSampling.Grid;
            if (entries.TryGetValue("sampling", out var samplingNode) && Scalar(samplingNode, "sampling", "grid or random") is { } samplingText)
            {
                switch (samplingText.Value)
                {
                    case "grid":
                        break;
                    case "random":
                        sampling = SweepSampling.Random;
                        break;
                    default:
                        Error(samplingText, "sampling", $"'{samplingText.Value}' is not allowed; use one of: grid, random");
                        break;
                }
            }

            long points = 0;
            if (entries.TryGetValue("points", out var pointsNode))
            {
                points = Integer(pointsNode, "points", PointsRange) ?? 0;
                if (sampling == SweepSampling.Grid)
                {
                    Error(pointsNode, "points", "is only used with sampling: random (a grid has every combination of the axes); set sampling: random or remove points");
                }
            }
            else if (sampling == SweepSampling.Random)
            {
                Error(samplingNode!, "points", "missing: sampling: random needs points: K, the number of points to draw");
            }

            int seed = 1;
            if (entries.TryGetValue("seed", out var seedNode))
            {
                seed = Integer(seedNode, "seed", SeedRange) ?? 1;
                if (sampling == SweepSampling.Grid)
                {
                    Error(seedNode, "seed", "is only used with sampling: random; the configs' own seeds are the key 'seed' of an axis or of the base config");
                }
            }

            int vectors = entries.TryGetValue("vectors", out var vectorsNode) ? Integer(vectorsNode, "vectors", VectorsRange) ?? SweepSpec.DefaultVectors : SweepSpec.DefaultVectors;
            var metrics = entries.TryGetValue("metrics", out var metricsNode) ? ReadMetrics(metricsNode) : null;
            var constraints = entries.TryGetValue("constraints", out var constraintsNode) ? ReadConstraints(constraintsNode) : [];
            var objectives = entries.TryGetValue("objectives", out var objectivesNode) ? ReadObjectives(objectivesNode) : [];

            string name = Path.GetFileNameWithoutExtension(fileName);
            if (entries.TryGetValue("name", out var nameNode) && Scalar(nameNode, "name", "a title for the report") is { } nameScalar)
            {
                name = nameScalar.Value;
            }

            if (basePath is null)
            {
                return null;
            }

            return new SweepSpec
            {
                SourceFile = fileName,
                Text = text,
                Name = name,
                BasePath = basePath,
                BaseDirectory = baseDirectory,
                Axes = axes,
                Sampling = sampling,
                Points = points,
                Seed = seed,
                Vectors = vectors,
                Metrics = metrics,
                Constraints = constraints,
                Objectives = objectives,
                Locations = new ConfigLocations(_locations),
            };
        }

        private List<SweepAxis> ReadAxes(YNode node)
        {
            var axes = new List<SweepAxis>();
            if (node is not YMapping mapping)
            {
                Error(node, "axes", $"expected a mapping of config keys to values, e.g. axes: {{hardware.pes: [4, 8, 16]}}, got {node.Describe()}");
                return axes;
            }

            if (mapping.Entries.Count == 0)
            {
                Error(node, "axes", "needs at least one axis, e.g. hardware.pes: [4, 8, 16]");
            }

            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (keyNode, valueNode) in mapping.Entries)
            {
                string text = keyNode.Value;
                string key = $"axes.{text}";
                _locations[key] = At(keyNode);
                if (seen.TryGetValue(text, out int line))
                {
                    Error(keyNode, key, $"duplicate axis '{text}' (first given on line {line}); remove one of them");
                    continue;
                }

                seen[text] = keyNode.Line;
                var path = ConfigKeyPath.Parse(text, out string? problem);
                if (path is null)
                {
                    Error(keyNode, key, problem!);
                    continue;
                }

                var values = ReadAxisValues(path, valueNode, key);
                if (values is not null)
                {
                    axes.Add(new SweepAxis(path, values, At(keyNode)));
                }
            }

            // Two paths that set the same key of the same layer would fight over it.
            for (var i = 0; i < axes.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    var a = axes[i].Path;
                    var b = axes[j].Path;
                    if (a.Key == b.Key && (a.Layer == b.Layer || a.AllLayers || b.AllLayers))
                    {
                        Error(axes[i].At, $"axes.{a.Text}", $"sets the same key as the axis '{b.Text}' on line {axes[j].At.Line}; keep one of them");
                    }
                }
            }

            return axes;
        }

        private List<AxisValue>? ReadAxisValues(ConfigKeyPath path, YNode node, string key)
        {
            var values = new List<AxisValue>();
            switch (node)
            {
                case YSequence sequence:
                    if (sequence.Items.Count == 0)
                    {
                        Error(node, key, "is an empty axis: give at least one value");
                        return null;
                    }

                    for (var i = 0; i < sequence.Items.Count; i++)
                    {
                        if (Value(path.Key, sequence.Items[i], $"{key}[{i}]") is { } value)
                        {
                            values.Add(value);
                        }
                    }

                    break;

                case YMapping range:
                    if (ReadRange(path.Key, range, key) is not { } expanded)
                    {
                        return null;
                    }

                    values.AddRange(expanded);
                    break;

                case YScalar { IsNull: true }:
                    Error(node, key, "is an empty axis: give a list of values, e.g. [4, 8, 16], or a range {from: 1, to: 64, factor: 2}");
                    return null;

                default:
                    if (Value(path.Key, node, key) is { } single)
                    {
                        values.Add(single);
                    }

                    break;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var value in values)
            {
                if (!seen.Add(value.Text))
                {
                    Error(value.At, key, $"the value {value.Text} is listed twice; each point would be computed twice");
                    return null;
                }
            }

            return values.Count > MaxAxisValues
                ? Fail(node, key, $"has {values.Count} values; at most {MaxAxisValues} are allowed per axis")
                : values;
        }

        private List<AxisValue>? Fail(YNode node, string key, string message)
        {
            Error(node, key, message);
            return null;
        }

        /// <summary><c>{from, to, step}</c> or <c>{from, to, factor}</c>, both ends included when reached.</summary>
        private List<AxisValue>? ReadRange(ConfigKey configKey, YMapping range, string key)
        {
            if (configKey.Kind is not (ConfigValueKind.Integer or ConfigValueKind.Real))
            {
                return Fail(range, key, $"a range {{from, to, step}} needs a numeric key; list the values of {configKey.Path}, e.g. [{string.Join(", ", configKey.EnumNames.DefaultIfEmpty("a, b"))}]");
            }

            int before = Errors.Count;
            var entries = Mapping(range, key, "a range", ["from", "to", "step", "factor"]);
            if (Errors.Count > before)
            {
                return null;
            }

            bool integer = configKey.Kind == ConfigValueKind.Integer;
            decimal? Bound(string name)
            {
                if (!entries.TryGetValue(name, out var node))
                {
                    Error(range, $"{key}.{name}", $"missing: a range needs from, to and either step or factor, e.g. {{from: 1, to: 64, {(integer ? "factor: 2" : "step: 0.05")}}}");
                    return null;
                }

                return Decimal(node, $"{key}.{name}", integer && name != "factor");
            }

            decimal? from = Bound("from");
            decimal? to = Bound("to");
            bool hasStep = entries.ContainsKey("step");
            bool hasFactor = entries.ContainsKey("factor");
            if (hasStep == hasFactor)
            {
                Error(range, key, "a range needs exactly one of step (from, from + step, …) or factor (from, from × factor, …)");
                return null;
            }

            var byNode = hasStep ? entries["step"] : entries["factor"];
            decimal? by = Decimal(byNode, $"{key}.{(hasStep ? "step" : "factor")}", integer && hasStep);
            if (from is null || to is null || by is null)
            {
                return null;
            }

            if (from > to)
            {
                return Fail(range, key, $"from ({from}) is greater than to ({to}); ranges run upwards");
            }

            if (hasStep && by <= 0)
            {
                return Fail(byNode, $"{key}.step", $"must be greater than 0, got {by}");
            }

            if (hasFactor && (by <= 1 || from <= 0))
            {
                return Fail(byNode, $"{key}.factor", by <= 1 ? $"must be greater than 1, got {by}" : $"a geometric range needs from > 0, got {from}");
            }

            var values = new List<AxisValue>();
            for (decimal v = from.Value; v <= to.Value; v = hasStep ? v + by.Value : v * by.Value)
            {
                if (values.Count >= MaxAxisValues)
                {
                    return Fail(range, key, $"gives more than {MaxAxisValues} values; use a larger step or factor");
                }

                if (integer && v != decimal.Truncate(v))
                {
                    return Fail(byNode, $"{key}.factor", $"gives {v}, not an integer, for the integer key {configKey.Path}; use an integer factor");
                }

                object value = integer ? (object)(int)v : (double)v;
                if (Check(configKey, value, range, key) is { } checkedValue)
                {
                    values.Add(checkedValue);
                }
                else
                {
                    return null;
                }
            }

            return values;
        }

        private decimal? Decimal(YNode node, string key, bool integer)
        {
            if (node is not YScalar { IsNull: false, IsPlain: true } scalar || !(integer ? IntegerPattern() : RealPattern()).IsMatch(scalar.Value))
            {
                Error(node, key, $"expected {(integer ? "an integer" : "a number")}, got {node.Describe()}");
                return null;
            }

            if (!decimal.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value))
            {
                Error(node, key, $"{scalar.Value} is out of range");
                return null;
            }

            return value;
        }

        /// <summary>One value of an axis, read as its key's type and checked against its range.</summary>
        private AxisValue? Value(ConfigKey configKey, YNode node, string key)
        {
            if (node is not YScalar { IsNull: false } scalar)
            {
                Error(node, key, $"expected a value of {configKey.Path}, got {node.Describe()}");
                return null;
            }

            string text = scalar.Value;
            object? value = null;
            switch (configKey.Kind)
            {
                case ConfigValueKind.Integer when scalar.IsPlain && IntegerPattern().IsMatch(text):
                    if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i))
                    {
                        value = i;
                    }

                    break;
                case ConfigValueKind.Real when scalar.IsPlain && RealPattern().IsMatch(text):
                    value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
                    break;
                case ConfigValueKind.Boolean when scalar.IsPlain && text is "true" or "false":
                    value = text == "true";
                    break;
                case ConfigValueKind.Enum:
                    int index = configKey.EnumNames.ToList().IndexOf(text);
                    if (index >= 0)
                    {
                        value = System.Enum.GetValues(configKey.EnumType!).GetValue(index);
                    }
                    else
                    {
                        string hint = ConfigSection.Closest(text, configKey.EnumNames) is { } near ? $"; did you mean '{near}'?" : string.Empty;
                        Error(node, key, $"'{text}' is not allowed for {configKey.Path}; use one of: {string.Join(", ", configKey.EnumNames)}{hint}");
                        return null;
                    }

                    break;
                case ConfigValueKind.Text:
                    value = text;
                    break;
            }

            if (value is null)
            {
                string expected = configKey.Kind switch
                {
                    ConfigValueKind.Integer => $"an integer in {configKey.Range!.Text}",
                    ConfigValueKind.Real => $"a number in {configKey.Range!.Text}",
                    _ => "true or false",
                };
                Error(node, key, $"expected {expected} for {configKey.Path}, got {scalar.Describe()}");
                return null;
            }

            return Check(configKey, value, node, key);
        }

        private AxisValue? Check(ConfigKey configKey, object value, YNode node, string key)
        {
            if (configKey.Range is { } range)
            {
                double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!range.Contains(number))
                {
                    Error(node, key, $"{ConfigKey.Format(value)} is out of range for {configKey.Path}: must be in {range.Text}");
                    return null;
                }
            }

            return new AxisValue(value, ConfigKey.Format(value), At(node));
        }

        private List<string>? ReadMetrics(YNode node)
        {
            if (node is not YSequence sequence)
            {
                Error(node, "metrics", $"expected a list of metric names, e.g. [cycles, latency_us, luts], got {node.Describe()}");
                return null;
            }

            if (sequence.Items.Count == 0)
            {
                Error(node, "metrics", "is empty; list the metrics to keep, or remove the key to keep all of them");
                return null;
            }

            var names = new List<string>();
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                string key = $"metrics[{i}]";
                if (Scalar(sequence.Items[i], key, "a metric name") is not { } scalar)
                {
                    continue;
                }

                _locations[key] = At(scalar);
                if (!SweepMetrics.ByName.ContainsKey(scalar.Value))
                {
                    Error(scalar, key, UnknownMetric(scalar.Value));
                }
                else if (names.Contains(scalar.Value))
                {
                    Error(scalar, key, $"'{scalar.Value}' is listed twice");
                }
                else
                {
                    names.Add(scalar.Value);
                }
            }

            return names;
        }

        private List<SweepExpression> ReadConstraints(YNode node)
        {
            var items = node switch
            {
                YSequence sequence => sequence.Items,
                YScalar { IsNull: false } => [node],
                _ => null,
            };
            if (items is null)
            {
                Error(node, "constraints", $"expected a list of C# conditions over the metrics, e.g. [luts <= 5280, accuracy_drop < 0.01], got {node.Describe()}");
                return [];
            }

            var constraints = new List<SweepExpression>();
            for (var i = 0; i < items.Count; i++)
            {
                string key = node is YSequence ? $"constraints[{i}]" : "constraints";
                if (Expression(items[i], key, "a C# condition over the metrics, e.g. luts <= 5280") is { } expression)
                {
                    constraints.Add(expression);
                }
            }

            return constraints;
        }

        private List<SweepObjective> ReadObjectives(YNode node)
        {
            var items = node switch
            {
                YSequence sequence => sequence.Items,
                YMapping => [node],
                _ => null,
            };
            if (items is null)
            {
                Error(node, "objectives", $"expected a list of objectives, e.g. [{{minimize: latency_us}}, {{minimize: luts}}], got {node.Describe()}");
                return [];
            }

            var objectives = new List<SweepObjective>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
            {
                string key = node is YSequence ? $"objectives[{i}]" : "objectives";
                int before = Errors.Count;
                var entries = Mapping(items[i], key, "an objective", ["minimize", "maximize", "name"]);
                if (items[i] is not YMapping || Errors.Count > before)
                {
                    continue;
                }

                bool min = entries.TryGetValue("minimize", out var minNode);
                bool max = entries.TryGetValue("maximize", out var maxNode);
                if (min == max)
                {
                    Error(items[i], key, "give exactly one of minimize: EXPRESSION or maximize: EXPRESSION");
                    continue;
                }

                var goal = min ? ObjectiveGoal.Minimize : ObjectiveGoal.Maximize;
                string goalKey = $"{key}.{(min ? "minimize" : "maximize")}";
                if (Expression(min ? minNode! : maxNode!, goalKey, "a C# expression over the metrics, e.g. latency_us * luts") is not { } expression)
                {
                    continue;
                }

                string? name = null;
                if (entries.TryGetValue("name", out var nameNode) && Scalar(nameNode, $"{key}.name", "a column name") is { } nameScalar)
                {
                    name = nameScalar.Value;
                    if (!IdentifierPattern().IsMatch(name) || SweepMetrics.ByName.ContainsKey(name) || name is "index" or "status" or "feasible" or "pareto" or "error")
                    {
                        Error(nameScalar, $"{key}.name", $"'{name}' cannot name a column: use lowercase letters, digits and '_', and not a metric's name");
                        continue;
                    }
                }

                var objective = new SweepObjective(name ?? string.Empty, goal, expression);
                name ??= objective.IsMetric ? expression.Text.Trim() : $"objective_{i + 1}";
                if (!names.Add(name))
                {
                    Error(items[i], key, $"'{name}' is already an objective");
                    continue;
                }

                objectives.Add(objective with { Name = name });
            }

            return objectives;
        }

        private SweepExpression? Expression(YNode node, string key, string expected)
        {
            if (node is not YScalar { IsNull: false } scalar || string.IsNullOrWhiteSpace(scalar.Value))
            {
                Error(node, key, $"expected {expected}, got {(node is YScalar ? "nothing" : node.Describe())}");
                return null;
            }

            _locations[key] = At(scalar);
            bool oneLine = !scalar.Value.Contains('\n', StringComparison.Ordinal);
            int column = scalar.IsPlain ? scalar.Column : scalar.Column + 1;
            return new SweepExpression(key, scalar.Value, new ConfigLocation(scalar.Line, column), oneLine);
        }

        private YScalar? Scalar(YNode node, string key, string expected)
        {
            if (node is YScalar { IsNull: false } scalar)
            {
                _locations[key] = At(scalar);
                return scalar;
            }

            Error(node, key, $"expected {expected}, got {node.Describe()}");
            return null;
        }

        private int? Integer(YNode node, string key, ConfigRange range)
        {
            if (node is YScalar { IsNull: false, IsPlain: true } scalar && IntegerPattern().IsMatch(scalar.Value)
                && int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            {
                _locations[key] = At(scalar);
                if (range.Contains(value))
                {
                    return value;
                }

                Error(node, key, $"must be in {range.Text}, got {value}");
                return null;
            }

            Error(node, key, $"expected an integer in {range.Text}, got {node.Describe()}");
            return null;
        }

        /// <summary>A mapping's entries; reports a non-mapping, duplicate and unknown keys.</summary>
        private Dictionary<string, YNode> Mapping(YNode? node, string path, string what, IReadOnlyList<string> known)
        {
            var entries = new Dictionary<string, YNode>(StringComparer.Ordinal);
            if (node is null || node is YScalar { IsNull: true })
            {
                return entries;
            }

            if (node is not YMapping mapping)
            {
                Error(node, path, $"{what} must be a mapping of keys ({string.Join(", ", known)}), got {node.Describe()}");
                return entries;
            }

            var lines = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Entries)
            {
                string key = keyNode.Value;
                string full = path.Length == 0 ? key : $"{path}.{key}";
                if (lines.TryGetValue(key, out int line))
                {
                    Error(keyNode, full, $"duplicate key '{key}' (first given on line {line}); remove one of them");
                    continue;
                }

                lines[key] = keyNode.Line;
                if (!known.Contains(key))
                {
                    string where = path.Length == 0 ? "at the top level of a sweep file" : $"in {path}";
                    string? near = ConfigSection.Closest(key, known);
                    string hint = near is not null ? $"; did you mean '{near}'?" : string.Empty;
                    if (near is not null)
                    {
                        _suggested.Add(path.Length == 0 ? near : $"{path}.{near}");
                    }

                    if (path.Length == 0 && hint.Length == 0 && ConfigKeyPath.Parse(key, out _) is not null)
                    {
                        hint = $"; to sweep the config key '{key}', put it under axes:";
                    }

                    Error(keyNode, full, $"unknown key '{key}' {where}{hint} (known keys here: {string.Join(", ", known)})");
                    continue;
                }

                _locations[full] = At(value is YScalar ? value : keyNode);
                entries[key] = value;
            }

            return entries;
        }

        private static string UnknownMetric(string name)
        {
            string hint = ConfigSection.Closest(name, SweepMetrics.ByName.Keys) is { } near ? $"did you mean '{near}'? " : string.Empty;
            return $"unknown metric '{name}'; {hint}(docs/sweeps.md lists the metrics: {string.Join(", ", SweepMetrics.All.Select(m => m.Name))})";
        }

        private static ConfigLocation At(YNode node) => new(node.Line, node.Column);

        private void Error(YNode node, string key, string message) => Error(At(node), key, message);

        private void Error(ConfigLocation at, string key, string message) =>
            Errors.Add(new ConfigError(file, at.Line, at.Column, key, message));
    }
}
