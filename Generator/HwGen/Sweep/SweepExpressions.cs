using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using HwGen.Configuration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HwGen.Sweep;

/// <summary>A point's metric values, in the order of a metric list (numbers and words apart).</summary>
/// <param name="Numbers">One per number metric of the list, in its order (NaN when missing).</param>
/// <param name="Texts">One per text metric of the list, in its order.</param>
public sealed record MetricVector(double[] Numbers, string[] Texts);

/// <summary>
/// A sweep's constraints and objectives, compiled once with Roslyn into one small assembly: each
/// expression becomes a static method whose locals are the metrics. Expressions may use metrics,
/// numbers, strings, arithmetic, comparisons, <c>&amp;&amp; || ! ?:</c> and the functions of
/// <see cref="Math"/> (<c>Log2(pes)</c>, <c>Max(a, b)</c>); anything else is rejected before compiling,
/// so a sweep file cannot run arbitrary code.
/// </summary>
public sealed class SweepExpressions
{
    private static readonly HashSet<string> MathFunctions = new(StringComparer.Ordinal)
    {
        "Abs", "Min", "Max", "Log", "Log2", "Log10", "Exp", "Sqrt", "Pow", "Ceiling", "Floor", "Round", "Sign", "Clamp",
    };

    private static readonly HashSet<string> MathConstants = new(StringComparer.Ordinal) { "PI", "E" };

    /// <summary>The longest expression accepted (the examples' are under 60 characters).</summary>
    public const int MaxLength = 2000;

    /// <summary>The deepest nesting of brackets accepted: deeper ones would exhaust the compiler's stack.</summary>
    public const int MaxNesting = 50;

    private readonly Func<double[], string[], bool>[] _constraints;
    private readonly Func<double[], string[], double>[] _objectives;

    private SweepExpressions(IReadOnlyList<MetricDefinition> metrics, Func<double[], string[], bool>[] constraints, Func<double[], string[], double>[] objectives)
    {
        Metrics = metrics;
        _constraints = constraints;
        _objectives = objectives;
    }

    /// <summary>The metrics the expressions see, in the order of <see cref="MetricVector"/>.</summary>
    public IReadOnlyList<MetricDefinition> Metrics { get; }

    public int ConstraintCount => _constraints.Length;

    public int ObjectiveCount => _objectives.Length;

    /// <summary>Whether constraint <paramref name="index"/> holds.</summary>
    public bool Constraint(int index, MetricVector values) => _constraints[index](values.Numbers, values.Texts);

    /// <summary>Whether every constraint holds.</summary>
    public bool Feasible(MetricVector values)
    {
        foreach (var constraint in _constraints)
        {
            if (!constraint(values.Numbers, values.Texts))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The value of objective <paramref name="index"/>.</summary>
    public double Objective(int index, MetricVector values) => _objectives[index](values.Numbers, values.Texts);

    /// <summary>
    /// Checks and compiles the sweep's expressions over <paramref name="metrics"/>.
    /// </summary>
    /// <exception cref="ConfigException">
    /// An expression does not parse, uses something other than metrics, literals, operators and Math
    /// functions, names an unknown metric, or does not compile (each error: the expression, the
    /// compiler's message and the position, in the sweep file where it can be told).
    /// </exception>
    public static SweepExpressions Compile(SweepSpec spec, IReadOnlyList<MetricDefinition> metrics)
    {
        var expressions = spec.Constraints.Select(c => (Expression: c, IsConstraint: true))
            .Concat(spec.Objectives.Select(o => (Expression: o.Expression, IsConstraint: false)))
            .ToList();
        if (expressions.Count == 0)
        {
            return new SweepExpressions(metrics, [], []);
        }

        // Expressions rejected before compiling stand in as a constant, so that the others are still
        // compiled and every error is reported at once.
        var errors = new List<ConfigError>();
        var checkedExpressions = new List<(SweepExpression Expression, bool IsConstraint)>();
        foreach (var (expression, isConstraint) in expressions)
        {
            var problems = CheckSyntax(spec, expression, metrics);
            errors.AddRange(problems);
            checkedExpressions.Add(problems.Count == 0 ? (expression, isConstraint) : (expression with { Text = isConstraint ? "false" : "0" }, isConstraint));
        }

        var (source, starts) = Generate(checkedExpressions, metrics);
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(
            "HwGen.SweepExpressions",
            [tree],
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        foreach (var diagnostic in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            var position = diagnostic.Location.GetLineSpan().StartLinePosition;
            int which = Array.FindLastIndex(starts, s => s <= position.Line);
            if (which < 0 || position.Line >= starts[which] + LineCount(checkedExpressions[which].Expression.Text))
            {
                throw new InvalidOperationException($"sweep expression code does not compile: {diagnostic}");
            }

            var expression = expressions[which].Expression;
            int offset = Offset(expression.Text, position.Line - starts[which], position.Character);
            errors.Add(At(spec, expression, offset, Math.Max(1, diagnostic.Location.SourceSpan.Length), $"error {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));
        }

        errors = ConfigLoader.InFileOrder(errors);

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        var context = new AssemblyLoadContext("hwgen-sweep-expressions", isCollectible: true);
        image.Position = 0;
        var type = context.LoadFromStream(image).GetType("HwGen.SweepGenerated.Expressions")!;
        var constraints = new List<Func<double[], string[], bool>>();
        var objectives = new List<Func<double[], string[], double>>();
        for (var i = 0; i < expressions.Count; i++)
        {
            var method = type.GetMethod($"E{i}", BindingFlags.Public | BindingFlags.Static)!;
            if (expressions[i].IsConstraint)
            {
                constraints.Add(method.CreateDelegate<Func<double[], string[], bool>>());
            }
            else
            {
                objectives.Add(method.CreateDelegate<Func<double[], string[], double>>());
            }
        }

        return new SweepExpressions(metrics, [.. constraints], [.. objectives]);
    }

    /// <summary>Puts metric values in the order the compiled expressions read them.</summary>
    public static MetricVector Vector(IReadOnlyList<MetricDefinition> metrics, IReadOnlyDictionary<string, double> numbers, IReadOnlyDictionary<string, string> texts)
    {
        var n = new List<double>();
        var t = new List<string>();
        foreach (var metric in metrics)
        {
            if (metric.Kind == MetricKind.Number)
            {
                n.Add(numbers.TryGetValue(metric.Name, out double value) ? value : double.NaN);
            }
            else
            {
                t.Add(texts.TryGetValue(metric.Name, out string? text) ? text : string.Empty);
            }
        }

        return new MetricVector([.. n], [.. t]);
    }

    /// <summary>Rejects what an expression over metrics has no business containing.</summary>
    private static List<ConfigError> CheckSyntax(SweepSpec spec, SweepExpression expression, IReadOnlyList<MetricDefinition> metrics)
    {
        var errors = new List<ConfigError>();
        if (CheckShape(expression.Text) is { } shape)
        {
            errors.Add(At(spec, expression, shape.Offset, 1, shape.Problem));
            return errors;
        }

        var parsed = SyntaxFactory.ParseExpression(expression.Text, options: new CSharpParseOptions(LanguageVersion.Latest));
        foreach (var diagnostic in parsed.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(1))
        {
            errors.Add(At(spec, expression, diagnostic.Location.SourceSpan.Start, Math.Max(1, diagnostic.Location.SourceSpan.Length),
                $"error {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var names = metrics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in parsed.DescendantNodesAndSelf())
        {
            string? problem = node switch
            {
                BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AsExpression) || binary.IsKind(SyntaxKind.IsExpression) || binary.IsKind(SyntaxKind.CoalesceExpression)
                    => $"'{binary.OperatorToken.Text}' is not allowed",
                BinaryExpressionSyntax or ParenthesizedExpressionSyntax or ConditionalExpressionSyntax or ArgumentListSyntax => null,
                PrefixUnaryExpressionSyntax unary => unary.IsKind(SyntaxKind.PreIncrementExpression) || unary.IsKind(SyntaxKind.PreDecrementExpression) ? "'++' and '--' are not allowed" : null,
                LiteralExpressionSyntax literal => literal.IsKind(SyntaxKind.NullLiteralExpression) || literal.IsKind(SyntaxKind.DefaultLiteralExpression) ? $"'{literal}' is not allowed" : null,
                ArgumentSyntax argument => argument.RefKindKeyword.IsKind(SyntaxKind.None) && argument.NameColon is null ? null : "ref, out and named arguments are not allowed",
                InvocationExpressionSyntax invocation => MathFunction(invocation.Expression) is { } function && MathFunctions.Contains(function)
                    ? null
                    : $"'{invocation.Expression}(…)' is not a function expressions may call; use one of: {string.Join(", ", MathFunctions.Order(StringComparer.Ordinal))}",
                MemberAccessExpressionSyntax access => access.Expression is IdentifierNameSyntax { Identifier.Text: "Math" } ? null : $"'{access}' is not allowed; expressions see the metrics by name",
                IdentifierNameSyntax identifier => CheckIdentifier(identifier, names, metrics),
                _ => $"{Describe(node)} is not allowed in a sweep expression",
            };
            if (problem is not null)
            {
                string hint = node is IdentifierNameSyntax ? string.Empty
                    : " (expressions use metrics, numbers, strings, + - * / %, comparisons, && || !, ?: and Math functions)";
                errors.Add(At(spec, expression, node.SpanStart, Math.Max(1, node.Span.Length), problem + hint));
                break;
            }
        }

        return errors;
    }

    /// <summary>
    /// What must be refused before the text reaches the C# parser: more than <see cref="MaxLength"/>
    /// characters, a preprocessor directive (a line starting with '#': the expression is pasted into
    /// generated source, where <c>#if</c> would change what compiles around it), or brackets nested
    /// deeper than <see cref="MaxNesting"/> (the compiler recurses once per level and would overflow
    /// its stack, ending the process).
    /// </summary>
    private static (int Offset, string Problem)? CheckShape(string text)
    {
        if (text.Length > MaxLength)
        {
            return (0, $"the expression is {text.Length} characters long; sweep expressions may have at most {MaxLength}");
        }

        int depth = 0;
        bool lineStart = true;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote || c == '\n')
                {
                    quote = '\0';
                }

                continue;
            }

            if (c == '#' && lineStart)
            {
                return (i, "preprocessor directives (#if, #define, #pragma, …) are not allowed in a sweep expression");
            }

            lineStart = c == '\n' || (lineStart && char.IsWhiteSpace(c));
            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '(' or '[' or '{':
                    if (++depth > MaxNesting)
                    {
                        return (i, $"brackets are nested more than {MaxNesting} deep");
                    }

                    break;
                case ')' or ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }

        return null;
    }

    private static string? CheckIdentifier(IdentifierNameSyntax identifier, HashSet<string> names, IReadOnlyList<MetricDefinition> metrics)
    {
        string name = identifier.Identifier.Text;
        switch (identifier.Parent)
        {
            case InvocationExpressionSyntax invocation when invocation.Expression == identifier:
                return null;
            case MemberAccessExpressionSyntax access when access.Expression == identifier && name == "Math":
                return null;
            case MemberAccessExpressionSyntax access when access.Name == identifier:
                return access.Parent is InvocationExpressionSyntax || MathConstants.Contains(name) ? null : $"'Math.{name}' is not allowed";
        }

        if (names.Contains(name) || MathConstants.Contains(name))
        {
            return null;
        }

        if (SweepMetrics.ByName.TryGetValue(name, out var metric) && metric.NeedsSynth)
        {
            return $"the metric '{name}' comes from yosys: run the sweep with --synth to use it";
        }

        return ConfigNames.Closest(name, metrics.Select(m => m.Name)) is { } near
            ? $"unknown metric '{name}'; did you mean '{near}'?"
            : $"unknown metric '{name}' (metrics: {string.Join(", ", metrics.Select(m => m.Name))}; docs/sweeps.md describes them)";
    }

    private static string? MathFunction(ExpressionSyntax target) => target switch
    {
        IdentifierNameSyntax name => name.Identifier.Text,
        MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "Math" } } access => access.Name.Identifier.Text,
        _ => null,
    };

    private static string Describe(SyntaxNode node)
    {
        string kind = node.Kind().ToString();
        return $"'{node}' ({kind.Replace("Expression", string.Empty, StringComparison.Ordinal).Replace("Syntax", string.Empty, StringComparison.Ordinal)})";
    }

    /// <summary>The C# source: one static method per expression, the metrics as locals.</summary>
    private static (string Source, int[] Starts) Generate(List<(SweepExpression Expression, bool IsConstraint)> expressions, IReadOnlyList<MetricDefinition> metrics)
    {
        var code = new StringBuilder();
        int line = 0;
        void Line(string text)
        {
            code.Append(text).Append('\n');
            line++;
        }

        Line("#pragma warning disable");
        Line("using System;");
        Line("using static System.Math;");
        Line("namespace HwGen.SweepGenerated;");
        Line("public static class Expressions");
        Line("{");
        var starts = new int[expressions.Count];
        for (var i = 0; i < expressions.Count; i++)
        {
            Line($"    public static {(expressions[i].IsConstraint ? "bool" : "double")} E{i}(double[] n, string[] t)");
            Line("    {");
            int number = 0;
            int text = 0;
            foreach (var metric in metrics)
            {
                Line(metric.Kind == MetricKind.Number
                    ? $"        double {metric.Name} = n[{number++}];"
                    : $"        string {metric.Name} = t[{text++}];");
            }

            Line("        return");
            starts[i] = line;
            foreach (string part in expressions[i].Expression.Text.Split('\n'))
            {
                Line(part);
            }

            Line("        ;");
            Line("    }");
        }

        Line("}");
        return (code.ToString(), starts);
    }

    private static IEnumerable<MetadataReference> References()
    {
        string[] wanted = ["System.Private.CoreLib", "System.Runtime", "System.Runtime.Extensions", "System.Private.Uri"];
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty).Split(Path.PathSeparator);
        var found = trusted.Where(p => wanted.Contains(Path.GetFileNameWithoutExtension(p), StringComparer.Ordinal)).ToList();
        if (!found.Any(p => Path.GetFileNameWithoutExtension(p) == "System.Private.CoreLib"))
        {
            found.Add(typeof(object).Assembly.Location);
        }

        return found.Select(p => MetadataReference.CreateFromFile(p));
    }

    private static int LineCount(string text) => text.Count(c => c == '\n') + 1;

    /// <summary>The character offset in <paramref name="text"/> of a (line, column) inside it.</summary>
    private static int Offset(string text, int line, int column)
    {
        int offset = 0;
        for (int l = 0; l < line; l++)
        {
            offset = text.IndexOf('\n', offset) + 1;
        }

        return offset + column;
    }

    /// <summary>An error at a position of an expression: the file column when it can be told, the expression and a caret line.</summary>
    private static ConfigError At(SweepSpec spec, SweepExpression expression, int offset, int length, string message)
    {
        string text = expression.Text;
        offset = Math.Clamp(offset, 0, text.Length);
        int lineStart = text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1;
        int lineEnd = text.IndexOf('\n', offset);
        string line = (lineEnd < 0 ? text[lineStart..] : text[lineStart..lineEnd]).TrimEnd('\r');
        int column = offset - lineStart;
        if (line.Length > 100)
        {
            // Quote 100 characters around the position, not a whole overlong line.
            int from = Math.Clamp(column - 50, 0, line.Length - 100);
            line = string.Concat(from > 0 ? "…" : string.Empty, line.AsSpan(from, 100), from + 100 < line.Length ? "…" : string.Empty);
            column = column - from + (from > 0 ? 1 : 0);
        }

        int width = Math.Clamp(length, 1, Math.Max(1, line.Length - column));
        string caret = new string(' ', column) + new string('^', width);
        string where = expression.Exact ? string.Empty : $" (at character {offset + 1} of the expression)";
        var at = expression.Exact ? new ConfigLocation(expression.At.Line, expression.At.Column + offset) : expression.At;
        string full = $"{message}{where}\n    {line}\n    {caret}";
        return new ConfigError(spec.SourceFile, at.Line, at.Column, expression.Key, full);
    }
}
