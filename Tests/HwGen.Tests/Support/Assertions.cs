namespace HwGen.Tests.Support;

/// <summary>Assertions for large arrays, where a generic element-by-element report would be slow.</summary>
internal static class Assertions
{
    /// <summary>Equal code matrices; on failure names the first differing row and column.</summary>
    public static void ShouldBeSameCodes(this byte[] actual, byte[] expected, int cols, string? context = null)
    {
        actual.Length.ShouldBe(expected.Length, context);
        if (actual.AsSpan().SequenceEqual(expected))
        {
            return;
        }

        int at = actual.AsSpan().CommonPrefixLength(expected);
        throw new ShouldAssertException(
            $"codes differ first at row {at / cols}, column {at % cols}: {actual[at]} instead of {expected[at]}" + (context is null ? "" : $" ({context})"));
    }
}
