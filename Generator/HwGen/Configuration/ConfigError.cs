namespace HwGen.Configuration;

/// <summary>One problem with a config or the data it names: where it is and what is wrong.</summary>
/// <param name="File">The file as the user named it (config file or data file).</param>
/// <param name="Line">1-based line in the config file, or 0 when not tied to a line.</param>
/// <param name="Column">1-based column, or 0.</param>
/// <param name="Key">Dotted key path, e.g. <c>layers[1].weights.density</c>.</param>
/// <param name="Message">What is wrong and, where it helps, what is allowed.</param>
public sealed record ConfigError(string File, int Line, int Column, string Key, string Message)
{
    /// <summary><c>file:line:column: key: message</c>, leaving out what is unknown (line 0, empty key).</summary>
    public override string ToString()
    {
        string key = Key.Length > 0 ? $"{Key}: " : string.Empty;
        return Line > 0 ? $"{File}:{Line}:{Column}: {key}{Message}" : $"{File}: {key}{Message}";
    }
}

/// <summary>Bad input: every error found, reported at once. The CLI maps it to exit code 2.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public ConfigException(ConfigError error)
        : this([error])
    {
    }

    public IReadOnlyList<ConfigError> Errors { get; }
}
