using HwGen.Configuration;
using HwGen.Sweep;

namespace HwGen.Tests.Sweep;

/// <summary>Constraints and objectives: C# over the metrics, compiled once; bad ones are bad input with position.</summary>
public class SweepExpressionTests
{
    private static SweepExpressions Compile(TempFolder folder, string constraints, string objectives = "")
    {
        string yaml = $"""
            base: base.yaml
            axes:
              hardware.pes: [1, 2]
            constraints:
            {constraints}
            {objectives}
            """;
        return SweepDefinition.Load(SweepFiles.Arrange(folder, yaml), synth: false).Expressions;
    }

    private static MetricVector Metrics(SweepExpressions expressions, double luts, double accuracy, string assignment = "interleaved") =>
        SweepExpressions.Vector(
            expressions.Metrics,
            new Dictionary<string, double> { ["luts"] = luts, ["accuracy"] = accuracy, ["accuracy_drop"] = 1 - accuracy, ["latency_us"] = 2.5, ["pes"] = 16 },
            new Dictionary<string, string> { ["row_assignment"] = assignment });

    [Fact]
    public void Constraints_and_objectives_evaluate_over_the_metrics_with_math_functions_and_words()
    {
        using var folder = new TempFolder();
        var expressions = Compile(folder, """
              - luts <= 5280 && accuracy_drop < 0.01
              - row_assignment == "balanced" || Log2(pes) >= 4
            """, """
            objectives:
              - minimize: latency_us * luts
              - maximize: Max(accuracy, 0.5) + Math.Sqrt(pes)
            """);

        expressions.Feasible(Metrics(expressions, 5000, 0.995)).ShouldBeTrue();
        expressions.Feasible(Metrics(expressions, 6000, 0.995)).ShouldBeFalse();
        expressions.Feasible(Metrics(expressions, 5000, 0.98)).ShouldBeFalse();
        expressions.Constraint(1, Metrics(expressions, 1, 1, "balanced")).ShouldBeTrue();
        expressions.Objective(0, Metrics(expressions, 4000, 1)).ShouldBe(10000);
        expressions.Objective(1, Metrics(expressions, 4000, 0.25)).ShouldBe(4.5);
    }

    public static TheoryData<string, string, string, int> BadExpressions => new()
    {
        { "unknown metric", "  - luts <= 5280 && acuracy_drop < 0.01", "unknown metric 'acuracy_drop'; did you mean 'accuracy_drop'?", 21 },
        { "type error", "  - luts && accuracy", "error CS0019", 5 },
        { "not a condition", "  - luts * 2", "error CS0029", 5 },
        { "syntax error", "  - luts <= ", "error CS1733", 12 },
        { "arbitrary code", "  - System.IO.File.Exists(\"x\")", "is not a function expressions may call", 5 },
        { "a yosys metric without --synth", "  - synth_luts < 100", "run the sweep with --synth", 5 },
    };

    [Theory]
    [MemberData(nameof(BadExpressions))]
    public void A_bad_expression_is_reported_with_the_expression_the_compilers_message_and_its_position(string what, string constraint, string message, int column)
    {
        using var folder = new TempFolder();

        var exception = Should.Throw<ConfigException>(() => Compile(folder, constraint), what);

        var error = exception.Errors.ShouldHaveSingleItem(what);
        error.Key.ShouldBe("constraints[0]");
        error.Line.ShouldBe(5);
        error.Column.ShouldBe(column, error.ToString());
        error.Message.ShouldContain(message, Case.Sensitive, error.ToString());
        error.Message.ShouldContain(constraint.TrimStart(' ', '-').TrimEnd(), Case.Sensitive, "the message repeats the expression");
        error.Message.ShouldContain("^", Case.Sensitive, "a caret marks the position");
    }

    [Fact]
    public void Every_bad_expression_is_reported_at_once_those_rejected_before_compiling_and_those_the_compiler_rejects()
    {
        using var folder = new TempFolder();

        var exception = Should.Throw<ConfigException>(() => Compile(folder, """
              - cycles < 1000 && lutz < 5
              - cycles < 1000 && luts
            """));

        exception.Errors.Select(e => e.Key).ShouldBe(["constraints[0]", "constraints[1]"]);
        exception.Errors[0].Message.ShouldStartWith("unknown metric 'lutz'; did you mean 'luts'?");
        exception.Errors[1].Message.ShouldStartWith("error CS0019");
    }

    [Fact]
    public void An_objective_that_is_not_a_number_is_reported_under_its_key()
    {
        using var folder = new TempFolder();

        var exception = Should.Throw<ConfigException>(() => Compile(folder, "  - luts > 0", """
            objectives:
              - minimize: luts > 10
            """));

        var error = exception.Errors.ShouldHaveSingleItem();
        error.Key.ShouldBe("objectives[0].minimize");
        error.Message.ShouldContain("error CS0029");
    }
}
