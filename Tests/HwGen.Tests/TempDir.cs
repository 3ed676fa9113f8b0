namespace HwGen.Tests;

/// <summary>A fresh folder per test, removed afterwards unless HWGEN_KEEP_TEST_OUTPUT is set.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string? prefix = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"hwgen-{prefix ?? "test"}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("HWGEN_KEEP_TEST_OUTPUT") is null && Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
