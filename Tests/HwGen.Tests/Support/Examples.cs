namespace HwGen.Tests.Support;

/// <summary>The example configs under examples/.</summary>
internal static class Examples
{
    public static string Path(string name) => System.IO.Path.Combine(TestData.RepoRoot, "examples", name);
}
