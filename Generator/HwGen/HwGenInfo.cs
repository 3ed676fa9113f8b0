using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace HwGen;

/// <summary>Facts about this build of HwGen and where its resource folders are.</summary>
public static class HwGenInfo
{
    /// <summary>The version, without build metadata (it goes into every generated banner).</summary>
    public static string Version { get; } =
        (typeof(HwGenInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
            .Split('+')[0];

    /// <summary>
    /// The folder holding <c>Templates/</c>, <c>Rtl/</c>, <c>Testbenches/</c> and <c>Boards/</c>:
    /// copied beside the binaries by the build.
    /// </summary>
    public static string ResourceRoot { get; } = FindResourceRoot();

    public static string TemplatesDir => Path.Combine(ResourceRoot, "Templates");

    public static string RtlDir => Path.Combine(ResourceRoot, "Rtl");

    public static string TestbenchesDir => Path.Combine(ResourceRoot, "Testbenches");

    public static string BoardsDir => Path.Combine(ResourceRoot, "Boards");

    /// <summary>
    /// A hash of the hardware sources this build emits and runs: every file under <c>Rtl/</c>,
    /// <c>Templates/</c>, <c>Testbenches/</c> and <c>Boards/</c>, by relative path and content. A
    /// sweep point's key holds it, so that a changed RTL is never answered with stored yosys figures.
    /// </summary>
    public static string HardwareSourcesHash => _hardwareSourcesHash.Value;

    private static readonly Lazy<string> _hardwareSourcesHash =
        new(() => ContentHash(ResourceRoot, [RtlDir, TemplatesDir, TestbenchesDir, BoardsDir]));

    /// <summary>
    /// A hash of every file under <paramref name="dirs"/> (missing folders count as empty): the
    /// path relative to <paramref name="root"/> and the bytes of each, in ordinal path order.
    /// </summary>
    internal static string ContentHash(string root, IEnumerable<string> dirs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = dirs
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Select(f => (Relative: Path.GetRelativePath(root, f).Replace('\\', '/'), Full: f))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        foreach (var (relative, full) in files)
        {
            byte[] content = File.ReadAllBytes(full);
            hash.AppendData(Encoding.UTF8.GetBytes($"{relative}\n{content.Length}\n"));
            hash.AppendData(content);
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    private static string FindResourceRoot()
    {
        string baseDir = AppContext.BaseDirectory;
        return Directory.Exists(Path.Combine(baseDir, "Templates"))
            ? baseDir
            : throw new InvalidOperationException($"HwGen's Templates/ folder is missing beside {baseDir}; rebuild HwGen");
    }
}
