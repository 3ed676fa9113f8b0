using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Xml.Linq;
using HwGen.Benchmarks;
using HwGen.Emit;
using HwGen.Reports;
using HwGen.Sweep;
using HwGen.Synthesis;
using HwGen.Tests.Sweep;
using CommandLine = HwGen.Cli.Cli;

namespace HwGen.Tests;

/// <summary>
/// docs/json.md is generated from the records every <c>--json</c> output and JSON file is serialized
/// from: each table (after a marker <c>&lt;!-- json: TYPE --&gt;</c>) lists the record's fields, their
/// JSON types and their meaning (the records' doc comments), nested records as dotted paths. To rewrite
/// the tables after changing a record, run these tests with HWGEN_UPDATE_DOCS=1.
/// </summary>
public class JsonDocsTests
{
    /// <summary>The documented records, in the order of docs/json.md.</summary>
    public static readonly Type[] Documented =
    [
        typeof(ImportJson), typeof(EstimateJson), typeof(ModelEstimateJson), typeof(GenerateJson), typeof(DesignReportJson), typeof(SimulationJson), typeof(SynthesisJson),
        typeof(EieBenchmarkJson), typeof(SweepSummaryJson), typeof(SlurmSummaryJson), typeof(SweepResultsJson), typeof(SweepStateJson),
        typeof(SweepRecord), typeof(SlurmJobJson),
    ];

    private static readonly Lazy<XDocument> XmlDocs = new(() => XDocument.Load(Path.Combine(AppContext.BaseDirectory, "HwGen.Core.xml")));

    [Fact]
    public void The_field_tables_of_docs_json_md_are_generated_from_the_records()
    {
        string path = Path.Combine(TestData.RepoRoot, "docs", "json.md");
        var lines = File.ReadAllLines(path).ToList();
        var markers = lines.Where(l => l.StartsWith("<!-- json: ", StringComparison.Ordinal)).ToList();
        markers.ShouldBe(Documented.Select(Marker), "docs/json.md: one marker per documented record, in this order");

        bool update = Environment.GetEnvironmentVariable("HWGEN_UPDATE_DOCS") == "1";
        foreach (var type in Documented.Reverse())
        {
            int start = lines.IndexOf(Marker(type)) + 1;
            int end = start;
            while (end < lines.Count && lines[end].StartsWith('|'))
            {
                end++;
            }

            var rows = Table(type);
            if (update)
            {
                lines.RemoveRange(start, end - start);
                lines.InsertRange(start, rows);
            }
            else
            {
                lines.GetRange(start, end - start).ShouldBe(rows, $"docs/json.md, the table after {Marker(type)} (run with HWGEN_UPDATE_DOCS=1 to regenerate)");
            }
        }

        if (update)
        {
            File.WriteAllText(path, string.Join('\n', lines) + "\n");
        }
    }

    [Fact]
    public void Every_json_record_of_the_library_is_in_a_documented_table()
    {
        var reached = new HashSet<Type>();
        foreach (var type in Documented)
        {
            Reach(type, reached);
        }

        var records = typeof(HwGenJson).Assembly.GetExportedTypes().Where(t => t.Name.EndsWith("Json", StringComparison.Ordinal) && t != typeof(HwGenJson));
        records.Where(t => !reached.Contains(t)).Select(t => t.FullName).ShouldBeEmpty("a JSON record no table of docs/json.md shows: add its command to Documented and the doc");
    }

    [Fact]
    public void A_table_row_shows_the_path_type_and_meaning_and_nested_records_as_paths()
    {
        var rows = Table(typeof(SimulationJson));

        rows.ShouldContain("| `cycles` | array of integer | Cycles per vector in the RTL. |");
        rows.ShouldContain("| `first_mismatch` | object or null | The first output that differs; null when none does. |");
        rows.ShouldContain("| `first_mismatch.got` | integer | The RTL's value. |");
        Table(typeof(SynthesisJson)).ShouldContain(r => r.StartsWith("| `resources.*.used` | number |", StringComparison.Ordinal));
        Table(typeof(GenerateJson)).ShouldContain(r => r.StartsWith("| `estimate` | object ([`hwgen estimate --json`]", StringComparison.Ordinal));
    }

    [Fact]
    public void What_estimate_generate_and_sweep_print_and_write_has_exactly_the_documented_fields()
    {
        using var folder = new TempFolder();
        string sweep = SweepFiles.Arrange(folder, SweepFiles.Grid);

        CheckAgainstDoc(typeof(EstimateJson), Run("estimate", Examples.Path("tiny.yaml"), "--json"));
        CheckAgainstDoc(typeof(GenerateJson), Run("generate", Examples.Path("tiny.yaml"), "-o", folder.File("design"), "--json"));
        CheckAgainstDoc(typeof(DesignReportJson), JsonNode.Parse(File.ReadAllText(folder.File("design/report.json")))!);
        string external = folder.Write("external.yaml", File.ReadAllText(Examples.Path("tiny.yaml")) + "  weight_memory: external\n");
        Run("generate", external, "-o", folder.File("external"), "--json");
        var report = JsonNode.Parse(File.ReadAllText(folder.File("external/report.json")))!;
        CheckAgainstDoc(typeof(DesignReportJson), report);
        report["hardware"]!["external"]!["pointer_words_per_pe"]!.GetValue<int>().ShouldBeGreaterThan(0);
        CheckAgainstDoc(typeof(SweepSummaryJson), Run("sweep", sweep, "-o", folder.File("sweep"), "--json"));
        CheckAgainstDoc(typeof(SweepResultsJson), JsonNode.Parse(File.ReadAllText(folder.File("sweep/results.json")))!);
        CheckAgainstDoc(typeof(SweepStateJson), JsonNode.Parse(File.ReadAllText(folder.File("sweep/sweep.json")))!);
        foreach (string line in File.ReadLines(folder.File("sweep/points.jsonl")))
        {
            CheckAgainstDoc(typeof(SweepRecord), JsonNode.Parse(line)!);
        }
    }

    /// <summary>The table of a record: <c>| field | type | meaning |</c>, a row per field and per field of a nested record.</summary>
    /// <param name="type">The record.</param>
    /// <param name="expandAll">List the fields of nested records that have a table of their own too.</param>
    internal static IReadOnlyList<string> Table(Type type, bool expandAll = false)
    {
        var rows = new List<string> { "| field | type | meaning |", "|---|---|---|" };
        AddRows(type, string.Empty, rows, expandAll ? null : type);
        return rows;
    }

    private static void AddRows(Type type, string prefix, List<string> rows, Type? root)
    {
        foreach (var (name, property) in Fields(type))
        {
            string path = prefix + name;
            bool absent = property.GetCustomAttribute<JsonIgnoreAttribute>()?.Condition == JsonIgnoreCondition.WhenWritingNull;
            var (shown, nested, suffix) = Describe(property.PropertyType, Nullable(property), root);
            string meaning = Meaning(type, property);
            meaning.ShouldNotBeNullOrWhiteSpace($"{type.Name}.{property.Name} has no doc comment: docs/json.md takes the field's meaning from it");
            rows.Add($"| `{path}` | {(absent ? shown.Replace(" or null", " or absent", StringComparison.Ordinal) : shown)} | {meaning} |");
            if (nested is not null)
            {
                AddRows(nested, path + suffix + ".", rows, root);
            }
        }
    }

    /// <summary>The JSON type of a CLR type, and the record whose fields are listed below it (with the path's suffix: <c>[]</c>, <c>.*</c>).</summary>
    private static (string Shown, Type? Nested, string Suffix) Describe(Type type, bool nullable, Type? root)
    {
        string orNull = nullable ? " or null" : string.Empty;
        var underlying = System.Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return (Scalar(underlying) + " or null", null, string.Empty);
        }

        if (type == typeof(string) || type.IsPrimitive || type == typeof(object))
        {
            return (Scalar(type) + orNull, null, string.Empty);
        }

        if (Dictionary(type) is { } value)
        {
            var (inner, nested, suffix) = Describe(value, false, root);
            return ($"object: name → {inner}" + orNull, nested, ".*" + suffix);
        }

        if (List(type) is { } item)
        {
            var (inner, nested, suffix) = Describe(item, false, root);
            return ($"array of {inner}" + orNull, nested, "[]" + suffix);
        }

        if (root is not null && type != root && Array.IndexOf(Documented, type) >= 0)
        {
            return ($"object ([{Heading(type)}](#{Anchor(Heading(type))}))" + orNull, null, string.Empty);
        }

        return ("object" + orNull, type, string.Empty);
    }

    private static string Scalar(Type type) =>
        type == typeof(string) ? "string"
        : type == typeof(bool) ? "boolean"
        : type == typeof(int) || type == typeof(long) ? "integer"
        : type == typeof(double) ? "number"
        : type == typeof(object) ? "number, boolean or string"
        : throw new InvalidOperationException($"no JSON type for {type}");

    private static Type? Dictionary(Type type) =>
        type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))?.GetGenericArguments()[1];

    /// <summary>The serialized fields of a record, by JSON name, in serialization order.</summary>
    private static IEnumerable<(string Name, PropertyInfo Property)> Fields(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always } && p.GetMethod is not null && p.GetIndexParameters().Length == 0)
            .Where(p => p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken)
            .Select(p => (p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name), p));

    private static bool Nullable(PropertyInfo property) =>
        new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;

    /// <summary>The property's doc comment: its summary, or the record's param of the same name.</summary>
    private static string Meaning(Type type, PropertyInfo property)
    {
        var members = XmlDocs.Value.Root!.Element("members")!.Elements("member").ToList();
        string Clean(XElement element) => string.Join(' ', string.Concat(element.Nodes().Select(n => n switch
        {
            XText text => text.Value,
            XElement { Name.LocalName: "see" } see => (see.Attribute("cref")?.Value.Split('.')[^1] ?? see.Attribute("langword")?.Value ?? string.Empty),
            XElement { Name.LocalName: "c" } code => $"`{code.Value}`",
            XElement other => other.Value,
            _ => string.Empty,
        })).Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)).Replace("|", "\\|", StringComparison.Ordinal);
        string typeName = type.FullName!;
        var summary = members.FirstOrDefault(m => m.Attribute("name")?.Value == $"P:{typeName}.{property.Name}")?.Element("summary");
        var param = members.FirstOrDefault(m => m.Attribute("name")?.Value == $"T:{typeName}")?.Elements("param")
            .FirstOrDefault(p => p.Attribute("name")?.Value == property.Name);
        return summary is not null ? Clean(summary) : param is not null ? Clean(param) : string.Empty;
    }

    private static void Reach(Type type, HashSet<Type> reached)
    {
        if (!reached.Add(type))
        {
            return;
        }

        foreach (var (_, property) in Fields(type))
        {
            var t = Element(property.PropertyType);
            if (t.Assembly == typeof(HwGenJson).Assembly)
            {
                Reach(t, reached);
            }
        }
    }

    /// <summary>The type a field holds, through nullables, dictionaries and lists.</summary>
    private static Type Element(Type type)
    {
        while (true)
        {
            if (System.Nullable.GetUnderlyingType(type) is { } underlying)
            {
                type = underlying;
            }
            else if (Dictionary(type) is { } value)
            {
                type = value;
            }
            else if (type != typeof(string) && List(type) is { } item)
            {
                type = item;
            }
            else
            {
                return type;
            }
        }
    }

    private static Type? List(Type type) =>
        type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    /// <summary>Every field of the JSON is a documented path (dictionary keys as <c>*</c>), and every documented field not marked absent is there.</summary>
    private static void CheckAgainstDoc(Type type, JsonNode json)
    {
        var rows = Table(type, expandAll: true).Skip(2).Select(r => r.Split(" | ")).ToDictionary(c => c[0].Trim('|', ' ', '`'), c => c[1]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonObject obj when path.Length == 0 || (rows.TryGetValue(path, out string? kind) && kind.StartsWith("object", StringComparison.Ordinal) && !kind.StartsWith("object:", StringComparison.Ordinal)):
                    foreach (var (name, child) in obj)
                    {
                        string field = path.Length == 0 ? name : $"{path}.{name}";
                        rows.ShouldContainKey(field, $"{type.Name}: the output has {field}, which docs/json.md does not list");
                        if (child is not null)
                        {
                            seen.Add(field);
                        }
                        else
                        {
                            seen.Add(field + " (null)");
                        }

                        Walk(child, field);
                    }

                    break;
                case JsonObject map:
                    foreach (var (_, child) in map)
                    {
                        seen.Add(path + ".*");
                        Walk(child, path + ".*");
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        seen.Add(path + "[]");
                        Walk(item, path + "[]");
                    }

                    break;
            }
        }

        Walk(json, string.Empty);
        var required = rows.Where(r => !r.Value.EndsWith(" or absent", StringComparison.Ordinal) && !r.Key.Contains('*', StringComparison.Ordinal) && !r.Key.Contains("[]", StringComparison.Ordinal)
            && (r.Key.LastIndexOf('.') is var dot && (dot < 0 || seen.Contains(r.Key[..dot]))));
        // A null object's own fields are not required (it has none); the null field itself is.
        required.Select(r => r.Key).Where(k => !seen.Contains(k) && !seen.Contains(k + " (null)")).ShouldBeEmpty($"{type.Name}: documented fields missing from the output");
    }

    private static JsonNode Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = CommandLine.Run(args, stdout, stderr);
        exit.ShouldBe(CommandLine.Success, stderr.ToString());
        return JsonNode.Parse(stdout.ToString())!;
    }

    private static string Marker(Type type) => $"<!-- json: {type.Name} -->";

    /// <summary>The heading of a record's section in docs/json.md (the line before its marker).</summary>
    private static string Heading(Type type)
    {
        var lines = File.ReadAllLines(Path.Combine(TestData.RepoRoot, "docs", "json.md"));
        int marker = Array.IndexOf(lines, Marker(type));
        return marker > 0 ? lines[..marker].Last(l => l.StartsWith("## ", StringComparison.Ordinal))[3..] : type.Name;
    }

    /// <summary>GitHub's anchor of a heading: lower case, spaces as dashes, punctuation dropped.</summary>
    private static string Anchor(string heading) =>
        string.Concat(heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')).Replace(' ', '-');
}
