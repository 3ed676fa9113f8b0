using System.Globalization;
using System.Text;
using System.Text.Json;

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

    /// <summary><see cref="Ok"/>, or <see cref="Invalid"/> when the point's config is impossible.</summary>
    public required string Status { get; init; }

    /// <summary>Why the point is invalid.</summary>
    public string? Error { get; init; }

    public IReadOnlyDictionary<string, double> Numbers { get; init; } = new Dictionary<string, double>();

    public IReadOnlyDictionary<string, string> Texts { get; init; } = new Dictionary<string, string>();

    /// <summary>Null when not co-simulated; <see cref="VerifyPassed"/>; or what failed.</summary>
    public string? Verified { get; init; }

    public bool IsOk => Status == Ok;

    /// <summary>Whether the yosys metrics are present.</summary>
    public bool HasSynth => Numbers.ContainsKey("synth_luts");

    /// <summary>One JSON line (keys sorted, numbers round-trip exact).</summary>
    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("index", Index);
            json.WriteString("key", Key);
            json.WriteStartArray("values");
            foreach (string value in Values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
            json.WriteString("status", Status);
            if (Error is not null)
            {
                json.WriteString("error", Error);
            }

            json.WriteStartObject("numbers");
            foreach (var (name, value) in Numbers.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WriteNumber(name, value);
            }

            json.WriteEndObject();
            json.WriteStartObject("texts");
            foreach (var (name, value) in Texts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            if (Verified is not null)
            {
                json.WriteString("verified", Verified);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads one JSON line; null when it is not a complete record (a run stopped mid-write).</summary>
    public static SweepRecord? FromJsonLine(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var property in root.GetProperty("numbers").EnumerateObject())
            {
                numbers[property.Name] = property.Value.GetDouble();
            }

            var texts = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.GetProperty("texts").EnumerateObject())
            {
                texts[property.Name] = property.Value.GetString() ?? string.Empty;
            }

            return new SweepRecord
            {
                Index = root.GetProperty("index").GetInt32(),
                Key = root.GetProperty("key").GetString()!,
                Values = [.. root.GetProperty("values").EnumerateArray().Select(v => v.GetString()!)],
                Status = root.GetProperty("status").GetString()!,
                Error = root.TryGetProperty("error", out var error) ? error.GetString() : null,
                Numbers = numbers,
                Texts = texts,
                Verified = root.TryGetProperty("verified", out var verified) ? verified.GetString() : null,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
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
