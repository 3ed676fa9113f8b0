using System.Text.Json.Serialization;

namespace HwGen.Sweep;

/// <summary><c>hwgen sweep --json</c> and <c>hwgen sweep merge --json</c>: what the run did and its Pareto front.</summary>
/// <param name="Sweep">The sweep's name.</param>
/// <param name="Output">The output folder.</param>
/// <param name="Shard">This run's shard, <c>I/N</c> (<c>1/1</c> for a whole sweep or a merge).</param>
/// <param name="Points">Points this run covered (its shard's).</param>
/// <param name="Reused">Points found in the output folder and not computed again.</param>
/// <param name="Computed">Points computed by this run.</param>
/// <param name="Invalid">Points whose values make an impossible design.</param>
/// <param name="Feasible">Points that meet every constraint; null for one shard of several.</param>
/// <param name="Pareto">The Pareto front, best first in the first objective; null for one shard of several.</param>
/// <param name="Verified">Co-simulated points.</param>
/// <param name="VerifyFailures">What failed in the co-simulated points.</param>
/// <param name="Files">The files written (results and report).</param>
/// <param name="Seconds">Seconds the run took.</param>
/// <param name="Slurm">With <c>--slurm</c>: the Slurm run; absent otherwise.</param>
public sealed record SweepSummaryJson(
    string Sweep,
    string Output,
    string Shard,
    int Points,
    int Reused,
    int Computed,
    int Invalid,
    int? Feasible,
    IReadOnlyList<ParetoPointJson>? Pareto,
    IReadOnlyList<int> Verified,
    IReadOnlyList<string> VerifyFailures,
    IReadOnlyList<string> Files,
    double Seconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SlurmJson? Slurm = null)
{
    public static SweepSummaryJson From(SweepOutcome outcome, string shard)
    {
        var results = outcome.Results;
        var spec = outcome.Definition.Spec;
        return new SweepSummaryJson(
            spec.Name,
            outcome.Directory,
            shard,
            outcome.Points,
            outcome.Reused,
            outcome.Computed,
            outcome.Invalid,
            results?.Feasible.Count(),
            results is null ? null : [.. results.Pareto.Select(r => new ParetoPointJson(
                r.Record.Index,
                Map(spec.Axes.Select((a, i) => (a.Key, r.Record.Values[i]))),
                Map(results.Objectives.Select((o, i) => (o.Name, r.Objectives[i])))))],
            outcome.Verified,
            outcome.VerifyFailures,
            outcome.Files,
            outcome.Seconds);
    }

    /// <summary>An ordered map from pairs (the order of the sweep file).</summary>
    internal static OrderedDictionary<string, T> Map<T>(IEnumerable<(string Key, T Value)> pairs)
    {
        var map = new OrderedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            map[key] = value;
        }

        return map;
    }
}

/// <summary>A point of the Pareto front in <see cref="SweepSummaryJson"/>.</summary>
/// <param name="Index">The point's index in the sweep.</param>
/// <param name="Values">By axis key: the value, as written.</param>
/// <param name="Objectives">By objective name: the point's value.</param>
public sealed record ParetoPointJson(int Index, OrderedDictionary<string, string> Values, OrderedDictionary<string, double> Objectives);

/// <summary><c>hwgen sweep --slurm --json</c>: the Slurm run (alone with <c>--no-wait</c> or when the run failed).</summary>
/// <param name="Slurm">The Slurm run.</param>
public sealed record SlurmSummaryJson(SlurmJson Slurm);

/// <summary>A Slurm run in <see cref="SweepSummaryJson"/>.</summary>
/// <param name="Tasks">Array tasks, one shard each.</param>
/// <param name="Script">The batch script.</param>
/// <param name="Jobs">Every submission of the run: the job and its shards.</param>
/// <param name="Submitted">The shards this command submitted (empty when none was missing).</param>
/// <param name="Done">Shards done; absent with <c>--no-wait</c>.</param>
/// <param name="Failed">Shards that failed, with their logs; absent with <c>--no-wait</c>.</param>
public sealed record SlurmJson(
    int Tasks,
    string Script,
    IReadOnlyList<SlurmSubmissionJson> Jobs,
    IReadOnlyList<int> Submitted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Done = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SlurmFailureJson>? Failed = null);

/// <summary>One submission of a Slurm run: the job and the shards it runs.</summary>
/// <param name="Job">Slurm's job id.</param>
/// <param name="Shards">The shards, from 1.</param>
public sealed record SlurmSubmissionJson(string Job, IReadOnlyList<int> Shards);

/// <summary>A shard of a Slurm run that failed.</summary>
/// <param name="Shard">The shard, from 1.</param>
/// <param name="Job">Slurm's job id; null when unknown.</param>
/// <param name="State">What Slurm reports of its task, e.g. <c>FAILED (exit 2)</c>; <c>ended</c> when it reports nothing.</param>
/// <param name="Log">The task's log file.</param>
/// <param name="LogTail">The last lines of the log.</param>
public sealed record SlurmFailureJson(int Shard, string? Job, string State, string Log, IReadOnlyList<string> LogTail);

/// <summary><c>results.json</c> of a sweep: its description and every point.</summary>
/// <param name="Sweep">The sweep's name.</param>
/// <param name="Generator">HwGen and its version.</param>
/// <param name="Base">The base config, as the sweep file names it.</param>
/// <param name="Sampling"><c>grid</c> or <c>random</c>.</param>
/// <param name="Vectors">Input vectors per point.</param>
/// <param name="Axes">The axes and their values.</param>
/// <param name="Constraints">The constraints, as written.</param>
/// <param name="Objectives">The objectives applied (the file's, or the defaults).</param>
/// <param name="Metrics">The metrics kept, with their units.</param>
/// <param name="Points">Points of the sweep.</param>
/// <param name="Valid">Points that make a possible design.</param>
/// <param name="Feasible">Points that meet every constraint.</param>
/// <param name="Pareto">Indices of the Pareto front, best first in the first objective.</param>
/// <param name="Rows">Every point, by index.</param>
public sealed record SweepResultsJson(
    string Sweep,
    string Generator,
    string Base,
    string Sampling,
    int Vectors,
    IReadOnlyList<AxisJson> Axes,
    IReadOnlyList<string> Constraints,
    IReadOnlyList<ObjectiveJson> Objectives,
    IReadOnlyList<MetricJson> Metrics,
    int Points,
    int Valid,
    int Feasible,
    IReadOnlyList<int> Pareto,
    IReadOnlyList<PointJson> Rows);

/// <summary>An axis of <see cref="SweepResultsJson"/>.</summary>
/// <param name="Key">The config key, as written (e.g. <c>layers[*].weights.density</c>).</param>
/// <param name="Values">Its values: numbers and booleans as such, the rest as text.</param>
public sealed record AxisJson(string Key, IReadOnlyList<object> Values);

/// <summary>An objective of <see cref="SweepResultsJson"/>.</summary>
/// <param name="Name">Its name (a column of results.csv).</param>
/// <param name="Goal"><c>minimize</c> or <c>maximize</c>.</param>
/// <param name="Expression">The expression over the metrics.</param>
public sealed record ObjectiveJson(string Name, string Goal, string Expression);

/// <summary>A metric of <see cref="SweepResultsJson"/>.</summary>
/// <param name="Name">Its name (docs/sweeps.md lists them).</param>
/// <param name="Unit">Its unit; empty for a ratio or a count.</param>
/// <param name="Description">What it measures.</param>
public sealed record MetricJson(string Name, string Unit, string Description);

/// <summary>A point of <see cref="SweepResultsJson"/>.</summary>
/// <param name="Index">The point's index in the sweep.</param>
/// <param name="Values">By axis key: the point's value (numbers and booleans as such, the rest as text).</param>
/// <param name="Status"><c>ok</c>, or <c>invalid</c> for an impossible design.</param>
/// <param name="Feasible">Valid and every constraint holds.</param>
/// <param name="Pareto">On the Pareto front.</param>
/// <param name="Objectives">By objective name: the point's value; null for an invalid point.</param>
/// <param name="Metrics">By metric name: the point's value (a number, or text for text metrics); none for an invalid point.</param>
/// <param name="Verified">Null when not co-simulated; <c>passed</c>; or what failed.</param>
/// <param name="Error">Why the point is invalid; null for a valid one.</param>
public sealed record PointJson(
    int Index,
    OrderedDictionary<string, object> Values,
    string Status,
    bool Feasible,
    bool Pareto,
    OrderedDictionary<string, double?> Objectives,
    OrderedDictionary<string, object> Metrics,
    string? Verified,
    string? Error);

/// <summary>
/// <c>sweep.json</c> in a sweep's output folder: the sweep file and the options, so that a run can
/// resume and shards can be merged anywhere.
/// </summary>
/// <param name="Format"><c>hwgen-sweep-state 1</c>.</param>
/// <param name="Generator">HwGen and its version; shards of other versions are not merged.</param>
/// <param name="SweepFile">The sweep file's path.</param>
/// <param name="SweepText">The sweep file's text.</param>
/// <param name="Points">Points of the sweep.</param>
/// <param name="Shard">This folder's shard, from 1.</param>
/// <param name="Shards">Shards of the run.</param>
/// <param name="Vectors">Input vectors per point.</param>
/// <param name="Synth">Whether the points are synthesized (<c>--synth</c>).</param>
/// <param name="BaseValues">Per axis: the base config's value as written, or null where the key has none.</param>
public sealed record SweepStateJson(
    string Format,
    string Generator,
    string SweepFile,
    string SweepText,
    int Points,
    int Shard,
    int Shards,
    int Vectors,
    bool Synth,
    IReadOnlyList<string?> BaseValues);

/// <summary>
/// <c>slurm/job.json</c> in the output folder of <c>hwgen sweep --slurm</c>: the run's options and
/// its submissions, which <c>--resume</c> reads.
/// </summary>
/// <param name="Format"><c>hwgen-slurm 1</c>.</param>
/// <param name="SweepFile">The sweep file's path.</param>
/// <param name="WorkingDirectory">The folder the run was started in.</param>
/// <param name="Tasks">Array tasks, one shard each.</param>
/// <param name="Jobs">Points each task computes in parallel.</param>
/// <param name="Verify">Points co-simulated (<c>--verify</c>).</param>
/// <param name="Synth">Whether the points are synthesized (<c>--synth</c>).</param>
/// <param name="Partition">The Slurm partition; null for the cluster's default.</param>
/// <param name="Time">The time limit per task, in Slurm's format; null for the partition's.</param>
/// <param name="SbatchArgs">More sbatch options for the batch script.</param>
/// <param name="Hwgen">The command that runs hwgen on a compute node.</param>
/// <param name="Submissions">Every submission so far: the job and its shards.</param>
public sealed record SlurmJobJson(
    string Format,
    string SweepFile,
    string WorkingDirectory,
    int Tasks,
    int Jobs,
    int Verify,
    bool Synth,
    string? Partition,
    string? Time,
    IReadOnlyList<string> SbatchArgs,
    IReadOnlyList<string> Hwgen,
    IReadOnlyList<SlurmSubmissionJson> Submissions);

/// <summary>The format field alone, read first to tell HwGen's files from others.</summary>
/// <param name="Format">The file's format and version; null when it has none.</param>
internal sealed record FormatJson(string? Format);
