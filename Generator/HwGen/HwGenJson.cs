using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HwGen;

/// <summary>
/// How HwGen writes JSON: every <c>--json</c> output and every JSON file (report.json, a sweep's
/// results.json, sweep.json and points.jsonl, a Slurm run's job.json) is a typed record serialized
/// with these options. Names are snake_case, nulls are written, numbers take their shortest exact
/// form, text is written as it is (no <c>\u</c> escapes for non-ASCII or HTML characters), and the
/// indented form uses two spaces and LF line ends, so the same values give the same bytes.
/// docs/json.md lists every field of every command; a test checks it against the records.
/// </summary>
public static class HwGenJson
{
    /// <summary>Indented, for the commands' output and the files people read.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>One line per record, for <c>points.jsonl</c>.</summary>
    public static JsonSerializerOptions Line { get; } = Create(indented: false);

    /// <summary>The record as indented JSON, without a final line break.</summary>
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Indented);

    /// <summary>Reads a record; null for the JSON literal <c>null</c>.</summary>
    /// <exception cref="JsonException">The text is not JSON of the record's shape: a required field missing or null, or a value of another type.</exception>
    public static T? Read<T>(string text) => JsonSerializer.Deserialize<T>(text, Indented);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            WriteIndented = indented,
            IndentSize = 2,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
