using HwGen.Configuration;

namespace HwGen.Sweep;

/// <summary>How a sweep chooses its points from the grid its axes span.</summary>
public enum SweepSampling
{
    /// <summary>Every combination of the axes' values.</summary>
    Grid,

    /// <summary><c>points</c> combinations drawn without replacement, from <c>seed</c>.</summary>
    Random,
}

/// <summary>Whether an objective is to be made small or large.</summary>
public enum ObjectiveGoal
{
    Minimize,
    Maximize,
}

/// <summary>One value of an axis, typed for its key, and where it was written.</summary>
/// <param name="Value">int, double, bool, an enum value or a string, as the key's type says.</param>
/// <param name="Text">How the value is written (CSV cells, labels, the effective config).</param>
/// <param name="At">Where the value (or the range that produced it) was written.</param>
public sealed record AxisValue(object Value, string Text, ConfigLocation At)
{
    /// <summary>The value as a number, for numeric keys; null otherwise.</summary>
    public double? Number => Value switch
    {
        int i => i,
        double d => d,
        _ => null,
    };
}

/// <summary>One axis: a config key and the values it takes.</summary>
/// <param name="Path">The key.</param>
/// <param name="Values">At least one value, no two alike.</param>
/// <param name="At">Where the axis's key was written.</param>
public sealed record SweepAxis(ConfigKeyPath Path, IReadOnlyList<AxisValue> Values, ConfigLocation At)
{
    /// <summary>The key as written, e.g. <c>layers[*].weights.density</c>.</summary>
    public string Key => Path.Text;

    /// <summary>Whether every value is a number (the axis can be a plot's x axis).</summary>
    public bool IsNumeric => Values.All(v => v.Number is not null);
}

/// <summary>A constraint or objective as written: C# over the metrics.</summary>
/// <param name="Key">Where it sits in the sweep file, e.g. <c>constraints[1]</c>.</param>
/// <param name="Text">The expression.</param>
/// <param name="At">Where its text starts in the sweep file.</param>
/// <param name="Exact">
/// Whether columns in <see cref="Text"/> map one to one onto the file (a plain or quoted scalar on one line),
/// so that a compiler position can be given as a file column.
/// </param>
public sealed record SweepExpression(string Key, string Text, ConfigLocation At, bool Exact);

/// <summary>An objective: an expression to minimize or maximize over the feasible points.</summary>
/// <param name="Name">Its column name: the metric itself for <c>minimize: luts</c>, else given or <c>objective_K</c>.</param>
/// <param name="Goal">Minimize or maximize.</param>
/// <param name="Expression">The expression.</param>
public sealed record SweepObjective(string Name, ObjectiveGoal Goal, SweepExpression Expression)
{
    /// <summary>Whether the objective is one metric as it is (no extra column needed).</summary>
    public bool IsMetric => SweepMetrics.ByName.ContainsKey(Expression.Text.Trim());
}

/// <summary>
/// A sweep file (docs/sweeps.md): the base config, the axes, how points are sampled, which metrics
/// to keep, and the constraints and objectives. Immutable; read by <see cref="SweepLoader"/>.
/// </summary>
public sealed record SweepSpec
{
    /// <summary>The sweep file as the user named it (messages repeat it).</summary>
    public required string SourceFile { get; init; }

    /// <summary>The sweep file's text, verbatim (kept with the results so that shards can be merged anywhere).</summary>
    public required string Text { get; init; }

    /// <summary>The report's title: <c>name:</c>, or the file name without its extension.</summary>
    public required string Name { get; init; }

    /// <summary>The base config's path as written (relative to the sweep file's folder).</summary>
    public required string BasePath { get; init; }

    /// <summary>The sweep file's folder.</summary>
    public required string BaseDirectory { get; init; }

    public required IReadOnlyList<SweepAxis> Axes { get; init; }

    public SweepSampling Sampling { get; init; } = SweepSampling.Grid;

    /// <summary>Random sampling: how many points.</summary>
    public long Points { get; init; }

    /// <summary>Random sampling: the seed of the draw.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Input vectors per point: the config's own first, then random ones drawn with its input settings.</summary>
    public int Vectors { get; init; } = DefaultVectors;

    /// <summary>The metric columns to keep, in order; null keeps them all.</summary>
    public IReadOnlyList<string>? Metrics { get; init; }

    /// <summary>All must hold for a point to be feasible.</summary>
    public IReadOnlyList<SweepExpression> Constraints { get; init; } = [];

    public IReadOnlyList<SweepObjective> Objectives { get; init; } = [];

    /// <summary>Where each key was written, for errors found after loading.</summary>
    public ConfigLocations Locations { get; init; } = ConfigLocations.None;

    public const int DefaultVectors = 8;

    /// <summary>The base config's full path.</summary>
    public string ResolvedBasePath => Path.IsPathRooted(BasePath) ? BasePath : Path.GetFullPath(Path.Combine(BaseDirectory, BasePath));

    /// <summary>An error at a key of the sweep file.</summary>
    public ConfigError Error(string key, string message)
    {
        var at = Locations.Find(key);
        return new ConfigError(SourceFile, at.Line, at.Column, key, message);
    }
}
