using System.Text.RegularExpressions;

namespace HwGen.Tests;

/// <summary>
/// The library's namespaces depend on each other in one direction only (docs/architecture.md):
/// every <c>using HwGen.X</c>, fully qualified <c>HwGen.X.</c> and partly qualified <c>X.Type</c>
/// of every file under Generator/HwGen must name a namespace earlier in <see cref="Order"/> than
/// the file's own, so a circle cannot come back.
/// </summary>
public partial class NamespaceOrderTests
{
    /// <summary>
    /// The order, lowest first: a namespace may use those before it, never those after it. Groups
    /// (one line each) are the layers; within a group the order is strict as well.
    /// </summary>
    public static readonly IReadOnlyList<string> Order =
    [
        "HwGen", // HwGenInfo only: the version and the resource folders
        "HwGen.Platform", // the operating system: signals, POSIX calls, the memory budget
        "HwGen.Configuration",
        "HwGen.IO", "HwGen.Data", "HwGen.Onnx",
        "HwGen.Compression",
        "HwGen.Hardware", "HwGen.Model",
        "HwGen.Emit",
        "HwGen.Tools", "HwGen.Simulation", "HwGen.Synthesis",
        "HwGen.Reports", "HwGen.Sweep", "HwGen.Benchmarks",
    ];

    private static string LibraryDir => Path.Combine(TestData.RepoRoot, "Generator", "HwGen");

    [Fact]
    public void Every_library_file_depends_only_on_namespaces_before_its_own()
    {
        var files = Directory.GetFiles(LibraryDir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(TestData.RepoRoot, f), File.ReadAllText(f)))
            .ToList();

        files.Count.ShouldBeGreaterThan(50, $"the library's files under {LibraryDir}");
        Violations(files).ShouldBeEmpty();
    }

    [Fact]
    public void A_dependency_against_the_order_is_reported_with_its_file_and_edge()
    {
        var files = new List<(string, string)>
        {
            ("Hardware/Signature.cs", "using HwGen.Compression;\nusing HwGen.Emit;\n\nnamespace HwGen.Hardware;\n\npublic static class Signature { }\n"),
            ("Emit/Images.cs", "namespace HwGen.Emit;\n\npublic static class Images { const string Text = \"HwGen.Sweep.SweepRunner\"; object X => Reports.Json.Y; object Z => HwGen.Reports.Json.Y; }\n"),
            ("Reports/Json.cs", "namespace HwGen.Reports;\n\npublic static class Json { }\n"),
            ("Compression/Network.cs", "namespace HwGen.Compression;\n\npublic sealed record Network;\n"),
            ("Odd/Thing.cs", "namespace HwGen.Odd;\n\npublic sealed record Thing;\n"),
        };

        var violations = Violations(files);

        violations.ShouldBe(
        [
            "Hardware/Signature.cs: HwGen.Hardware uses HwGen.Emit (using HwGen.Emit)",
            "Emit/Images.cs: HwGen.Emit uses HwGen.Reports (HwGen.Reports.)",
            "Emit/Images.cs: HwGen.Emit uses HwGen.Reports (Reports.Json)",
            "Odd/Thing.cs: namespace HwGen.Odd is not in the order (NamespaceOrderTests.Order, docs/architecture.md)",
        ]);
    }

    /// <summary>Every dependency of the files against <see cref="Order"/>: "file: A uses B (how)".</summary>
    public static List<string> Violations(IReadOnlyList<(string Path, string Text)> files)
    {
        var rank = Order.Select((ns, i) => (ns, i)).ToDictionary(p => p.ns, p => p.i, StringComparer.Ordinal);
        var parsed = files.Select(f => (f.Path, Code: WithoutLiterals(f.Text))).ToList();
        var namespaces = parsed.Select(f => (f.Path, f.Code, Namespace: NamespaceLine().Match(f.Code) is { Success: true } m ? m.Groups[1].Value : "HwGen")).ToList();

        // The types each namespace declares, to recognise partly qualified names such as Emit.DesignWriter.
        var types = namespaces.GroupBy(f => f.Namespace, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => g.SelectMany(f => TypeDeclaration().Matches(f.Code).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);

        var violations = new List<string>();
        foreach (var (path, code, ns) in namespaces)
        {
            if (!rank.TryGetValue(ns, out int own))
            {
                violations.Add($"{path}: namespace {ns} is not in the order (NamespaceOrderTests.Order, docs/architecture.md)");
                continue;
            }

            var edges = new List<(string Target, string How)>();
            edges.AddRange(UsingLine().Matches(code).Select(m => (Known(m.Groups[1].Value), $"using HwGen.{m.Groups[1].Value}")));
            edges.AddRange(QualifiedName().Matches(code).Select(m => (
                types.GetValueOrDefault("HwGen")?.Contains(m.Groups[1].Value) == true ? "HwGen" : Known(m.Groups[1].Value),
                $"HwGen.{m.Groups[1].Value}.")));
            foreach (Match m in PartlyQualifiedName().Matches(code))
            {
                string target = $"HwGen.{m.Groups[1].Value}";
                if (types.TryGetValue(target, out var declared) && declared.Contains(m.Groups[2].Value))
                {
                    edges.Add((target, $"{m.Groups[1].Value}.{m.Groups[2].Value}"));
                }
            }

            foreach (var (target, how) in edges.Distinct())
            {
                if (target != ns && (!rank.TryGetValue(target, out int other) || other > own))
                {
                    violations.Add($"{path}: {ns} uses {target} ({how})");
                }
            }
        }

        return violations;

        // The longest namespace of the order that a dotted name starts with (HwGen.Emit.X → HwGen.Emit).
        string Known(string dotted) =>
            Order.Where(n => $"HwGen.{dotted}" == n || $"HwGen.{dotted}".StartsWith(n + ".", StringComparison.Ordinal)).MaxBy(n => n.Length) is { } known && known != "HwGen"
                ? known
                : $"HwGen.{dotted.Split('.')[0]}";
    }

    /// <summary>The code with the contents of string and character literals blanked (comments kept: crefs are dependencies).</summary>
    private static string WithoutLiterals(string code)
    {
        var text = new System.Text.StringBuilder(code.Length);
        int i = 0;
        while (i < code.Length)
        {
            char c = code[i];
            if (c == '/' && i + 1 < code.Length && code[i + 1] == '/')
            {
                int end = code.IndexOf('\n', i);
                end = end < 0 ? code.Length : end;
                text.Append(code, i, end - i);
                i = end;
            }
            else if (c == '"' && code.AsSpan(i).StartsWith("\"\"\""))
            {
                int end = code.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                i = end < 0 ? code.Length : end + 3;
                text.Append("\"\"");
            }
            else if (c == '"' || c == '\'')
            {
                bool verbatim = i > 0 && (code[i - 1] == '@' || (code[i - 1] == '$' && i > 1 && code[i - 2] == '@'));
                int j = i + 1;
                while (j < code.Length && code[j] != c && code[j] != '\n')
                {
                    j += !verbatim && code[j] == '\\' ? 2 : 1;
                }

                text.Append(c).Append(c);
                i = j + 1;
            }
            else
            {
                text.Append(c);
                i++;
            }
        }

        return text.ToString();
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"\b(?:class|record|struct|enum|interface)\s+([A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?:global::)?HwGen\.([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"(?<![\w.])(?:global::)?HwGen\.(\w+)\.(?=[A-Z])")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"(?<![\w.:])(Configuration|IO|Data|Compression|Hardware|Model|Emit|Tools|Simulation|Synthesis|Reports|Sweep|Benchmarks)\.([A-Z]\w*)")]
    private static partial Regex PartlyQualifiedName();
}
