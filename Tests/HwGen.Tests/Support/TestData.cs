namespace HwGen.Tests.Support;

/// <summary>Locates the repository and the shared real data the tests run against.</summary>
internal static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The real pruned, weight-shared AlexNet fc8 layer (../shared/data/eie-alex8).</summary>
    public static string Alex8Npz => Path.Combine(RepoRoot, "..", "shared", "data", "eie-alex8", "alex8.npz");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HwGen.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("HwGen.sln not found above the test binaries");
    }
}
