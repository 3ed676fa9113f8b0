using System.Reflection;

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

    private static string FindResourceRoot()
    {
        string baseDir = AppContext.BaseDirectory;
        return Directory.Exists(Path.Combine(baseDir, "Templates"))
            ? baseDir
            : throw new InvalidOperationException($"HwGen's Templates/ folder is missing beside {baseDir}; rebuild HwGen");
    }
}
