using HwGen.Configuration;

namespace HwGen.Emit;

/// <summary>
/// Forwards to <see cref="ConfigYaml"/> and <see cref="ConfigNames"/>, where the effective-config
/// writer and the snake_case names live now, for callers that still use the old names.
/// </summary>
public static class ConfigWriter
{
    /// <inheritdoc cref="ConfigYaml.Write"/>
    public static string ToYaml(HwGenConfig config, bool resolvePaths = false, string? header = null) =>
        ConfigYaml.Write(config, resolvePaths, header);

    /// <summary>An enum value as the config spells it: LoadBalanced → load_balanced (<see cref="ConfigNames.Snake{TEnum}"/>).</summary>
    public static string Snake<T>(T value)
        where T : struct, Enum => ConfigNames.Snake(value);
}
