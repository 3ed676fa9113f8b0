using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HwGen.Sweep;

/// <summary>
/// What a sweep knows about one point: its values, whether it could be built, its metrics, and
/// whether it was co-simulated. One JSON line of <c>points.jsonl</c>, the state that makes a sweep
/// resumable and its shards mergeable.
/// </summary>
public sealed record SweepRecord
{
    public const string Ok = "ok";
    public const string Invalid = "invalid";
    public const string VerifyPassed = "passed";

    /// <summary>Position in the sweep.</summary>
    public required int Index { get; init; }

    /// <summary>
    /// The point's identity: a hash of its effective config, the contents of the data files it names,
    /// the number of vectors and the HwGen and resource-model versions. A stored point is reused only
    /// when its key matches.
    /// </summary>
    public required string Key { get; init; }

    /// <summary>The axis values, as written.</summary>
    public required IReadOnlyList<string> Values { get; init; }

    /// <summary><c>ok</c>, or <c>invalid</c> when the point's config is impossible.</summary>
    public required string Status { get; init; }

    /// <summary>Why the point is invalid.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>The numeric metrics (docs/sweeps.md), by name; none for an invalid point.</summary>
    public IReadOnlyDictionary<string, double> Numbers { get; init; } = new Dictionary<string, double>();

    /// <summary>The text metrics, by name; none for an invalid point.</summary>
    public IReadOnlyDictionary<string, string> Texts { get; init; } = new Dictionary<string, string>();

    /// <summary>Null when not co-simulated; <c>passed</c>; or what failed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Verified { get; init; }

    [JsonIgnore]
    public bool IsOk => Status == Ok;

    /// <summary>Whether the yosys metrics are present.</summary>
    [JsonIgnore]
    public bool HasSynth => Numbers.ContainsKey("synth_luts");

    /// <summary>One JSON line (metrics sorted by name, numbers round-trip exact).</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(
        this with
        {
            Numbers = new SortedDictionary<string, double>(new Dictionary<string, double>(Numbers), StringComparer.Ordinal),
            Texts = new SortedDictionary<string, string>(new Dictionary<string, string>(Texts), StringComparer.Ordinal),
        },
        HwGenJson.Line);

    /// <summary>Reads one JSON line; null when it is not a complete record (a run stopped mid-write).</summary>
    public static SweepRecord? FromJsonLine(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<SweepRecord>(line, HwGenJson.Line);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A metric's value as a CSV cell or table entry: numbers round-trip exact, integers without a point.</summary>
    public string Cell(MetricDefinition metric)
    {
        if (metric.Kind == MetricKind.Text)
        {
            return Texts.TryGetValue(metric.Name, out string? text) ? text : string.Empty;
        }

        return Numbers.TryGetValue(metric.Name, out double value) ? FormatNumber(value) : string.Empty;
    }

    /// <summary>Shortest exact text of a number.</summary>
    public static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
