using System.Globalization;
using System.Text;
using HwGen.Configuration;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HwGen.Sweep;

/// <summary>One row of the results: a point, whether it meets the constraints, its objectives, whether it is on the Pareto front.</summary>
/// <param name="Record">The point.</param>
/// <param name="Feasible">Valid and every constraint holds.</param>
/// <param name="Objectives">One value per objective (NaN for an invalid point).</param>
/// <param name="Pareto">Feasible and no feasible point is at least as good in every objective and better in one.</param>
public sealed record SweepRow(SweepRecord Record, bool Feasible, IReadOnlyList<double> Objectives, bool Pareto);

/// <summary>
/// A finished sweep: every point's row in index order, with the constraints and objectives applied.
/// Without objectives in the file, the objectives are <c>minimize: latency_us</c> and <c>minimize: luts</c>.
/// </summary>
public sealed class SweepResults
{
    private SweepResults(SweepDefinition definition, IReadOnlyList<SweepObjective> objectives, IReadOnlyList<SweepRow> rows)
    {
        Definition = definition;
        Objectives = objectives;
        Rows = rows;
    }

    public SweepDefinition Definition { get; }

    public SweepSpec Spec => Definition.Spec;

    /// <summary>The objectives applied: the file's, or the defaults.</summary>
    public IReadOnlyList<SweepObjective> Objectives { get; }

    /// <summary>Every point, by index.</summary>
    public IReadOnlyList<SweepRow> Rows { get; }

    public IEnumerable<SweepRow> Valid => Rows.Where(r => r.Record.IsOk);

    public IEnumerable<SweepRow> Feasible => Rows.Where(r => r.Feasible);

    /// <summary>The non-dominated points, best first in the first objective (then the next, then by index).</summary>
    public IReadOnlyList<SweepRow> Pareto => [.. Rows.Where(r => r.Pareto).OrderBy(r => r, ObjectiveOrder(Objectives))];

    /// <summary>Whether any point was co-simulated.</summary>
    public bool HasVerification => Rows.Any(r => r.Record.Verified is not null);

    /// <summary>The objectives used when a sweep file names none.</summary>
    public static IReadOnlyList<SweepObjective> DefaultObjectives { get; } =
    [
        new("latency_us", ObjectiveGoal.Minimize, new SweepExpression("objectives", "latency_us", ConfigLocation.Unknown, false)),
        new("luts", ObjectiveGoal.Minimize, new SweepExpression("objectives", "luts", ConfigLocation.Unknown, false)),
    ];

    /// <summary>Applies the constraints and objectives to the points.</summary>
    /// <param name="definition">The sweep.</param>
    /// <param name="records">One record per point of the sweep, any order.</param>
    public static SweepResults Build(SweepDefinition definition, IEnumerable<SweepRecord> records)
    {
        var spec = definition.Spec;
        var objectives = spec.Objectives.Count > 0 ? spec.Objectives : DefaultObjectives;
        var expressions = definition.Expressions;
        var rows = new List<SweepRow>();
        foreach (var record in records.OrderBy(r => r.Index))
        {
            if (!record.IsOk)
            {
                rows.Add(new SweepRow(record, false, [.. objectives.Select(_ => double.NaN)], false));
                continue;
            }

            var vector = SweepExpressions.Vector(expressions.Metrics, record.Numbers, record.Texts);
            bool feasible = expressions.Feasible(vector);
            var values = new double[objectives.Count];
            for (var o = 0; o < objectives.Count; o++)
            {
                values[o] = objectives[o].IsMetric
                    ? record.Numbers.GetValueOrDefault(objectives[o].Expression.Text.Trim(), double.NaN)
                    : expressions.Objective(o, vector);
            }

            rows.Add(new SweepRow(record, feasible, values, false));
        }

        var front = ParetoFront(rows.Where(r => r.Feasible).ToList(), objectives);
        rows = [.. rows.Select(r => front.Contains(r.Record.Index) ? r with { Pareto = true } : r)];
        return new SweepResults(definition, objectives, rows);
    }

    /// <summary>
    /// Why no point is feasible, constraint by constraint: how many valid points each holds for, and
    /// the range of the metrics it names; null when some point is feasible or there is no valid point.
    /// </summary>
    public string? Infeasibility()
    {
        var valid = Valid.ToList();
        if (valid.Count == 0 || valid.Any(r => r.Feasible))
        {
            return null;
        }

        var text = new StringBuilder($"no point satisfies the constraints (0 of {valid.Count} valid points):");
        var expressions = Definition.Expressions;
        for (var c = 0; c < Spec.Constraints.Count; c++)
        {
            var constraint = Spec.Constraints[c];
            int holds = valid.Count(r => expressions.Constraint(c, SweepExpressions.Vector(expressions.Metrics, r.Record.Numbers, r.Record.Texts)));
            text.Append(CultureInfo.InvariantCulture, $"\n    {constraint.Key}: '{constraint.Text}' holds for {holds} of {valid.Count}");
            var ranges = MetricsIn(constraint.Text)
                .Where(m => SweepMetrics.ByName.TryGetValue(m, out var d) && d.Kind == MetricKind.Number)
                .Select(m =>
                {
                    var values = valid.Select(r => r.Record.Numbers.GetValueOrDefault(m, double.NaN)).Where(double.IsFinite).ToList();
                    return values.Count == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{m} {values.Min():G6} … {values.Max():G6}");
                })
                .Where(r => r is not null)
                .ToList();
            if (ranges.Count > 0)
            {
                text.Append(" (").Append(string.Join(", ", ranges)).Append(')');
            }
        }

        text.Append("\n    relax the constraints, or widen the axes; the computed points are kept in the output folder, so a rerun only re-applies the constraints");
        return text.ToString();
    }

    /// <summary>The identifiers of an expression that name metrics.</summary>
    public static IReadOnlyList<string> MetricsIn(string expression) =>
        [.. SyntaxFactory.ParseExpression(expression).DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Select(i => i.Identifier.Text).Where(SweepMetrics.ByName.ContainsKey).Distinct()];

    /// <summary>Indices of the non-dominated rows.</summary>
    private static HashSet<int> ParetoFront(List<SweepRow> feasible, IReadOnlyList<SweepObjective> objectives)
    {
        double Cost(SweepRow row, int o) => objectives[o].Goal == ObjectiveGoal.Minimize ? row.Objectives[o] : -row.Objectives[o];
        var candidates = feasible.Where(r => r.Objectives.All(double.IsFinite)).OrderBy(r => r, ObjectiveOrder(objectives)).ToList();
        var front = new List<SweepRow>();
        foreach (var row in candidates)
        {
            bool dominated = front.Any(f =>
            {
                bool strictly = false;
                for (var o = 0; o < objectives.Count; o++)
                {
                    if (Cost(f, o) > Cost(row, o))
                    {
                        return false;
                    }

                    strictly |= Cost(f, o) < Cost(row, o);
                }

                return strictly;
            });
            if (!dominated)
            {
                front.Add(row);
            }
        }

        return [.. front.Select(r => r.Record.Index)];
    }

    /// <summary>Lexicographic by objective (better first), then by index.</summary>
    private static Comparer<SweepRow> ObjectiveOrder(IReadOnlyList<SweepObjective> objectives) => Comparer<SweepRow>.Create((a, b) =>
    {
        for (var o = 0; o < objectives.Count; o++)
        {
            int sign = objectives[o].Goal == ObjectiveGoal.Minimize ? 1 : -1;
            int order = sign * a.Objectives[o].CompareTo(b.Objectives[o]);
            if (order != 0)
            {
                return order;
            }
        }

        return a.Record.Index.CompareTo(b.Record.Index);
    });
}
