using System.Text;

namespace HwGen.Configuration;

/// <summary>
/// How HwGen spells things in YAML, file names and messages: the one snake_case conversion of the
/// library, the rule for design and layer names, and the "did you mean" search.
/// </summary>
public static class ConfigNames
{
    /// <summary>
    /// Longest design or layer name. Names become module, signal and file names
    /// (<c>NAME_top.sv</c>, <c>NAME_LAYER_…</c>); 64 keeps every path component far below the
    /// 255 bytes file systems allow.
    /// </summary>
    public const int MaxNameLength = 64;

    /// <summary><c>LoadBalanced</c> → <c>load_balanced</c>; <c>Ice40Spram</c> → <c>ice40_spram</c>.</summary>
    public static string Snake(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsAsciiLetterUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    /// <summary>An enum value as configs spell it.</summary>
    public static string Snake<TEnum>(TEnum value)
        where TEnum : struct, Enum => Snake(value.ToString());

    /// <summary>
    /// Whether <paramref name="name"/> is <c>[a-z][a-z0-9_]*</c> and at most <see cref="MaxNameLength"/>
    /// characters: the whole text, so a trailing newline does not pass.
    /// </summary>
    public static bool IsName(string name) =>
        name.Length is > 0 and <= MaxNameLength
        && char.IsAsciiLetterLower(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    /// <summary>The candidate nearest to <paramref name="text"/> when it is near enough to be a likely typo.</summary>
    public static string? Closest(string text, IEnumerable<string> candidates)
    {
        string lower = text.ToLowerInvariant();
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Levenshtein(lower, candidate);
            bool near = distance <= Math.Max(2, candidate.Length / 3)
                || (lower.Length >= 3 && (candidate.StartsWith(lower, StringComparison.Ordinal) || lower.StartsWith(candidate, StringComparison.Ordinal)));
            if (near && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static int Levenshtein(string a, string b)
    {
        // Typos are short; a long text (a hostile key) is compared only by its first 100 characters.
        a = a.Length > 100 ? a[..100] : a;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
