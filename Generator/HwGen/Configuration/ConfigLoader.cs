using System.Buffers;
using System.Text;

namespace HwGen.Configuration;

/// <summary>
/// Reads a HwGen config (YAML, DESIGN §10, docs/config.md) into a validated <see cref="HwGenConfig"/>
/// by <see cref="ConfigSchema"/>. Every problem is reported at once, each with the file, line,
/// column and dotted key, in one <see cref="ConfigException"/>: the file itself (missing, too
/// large, not UTF-8), YAML syntax, everything the schema checks (unknown or duplicate keys, types,
/// enum values, missing keys) and everything <see cref="ConfigValidator"/> checks.
/// </summary>
public static class ConfigLoader
{
    /// <summary>The characters YAML allows in a file (its c-printable set, as UTF-16 code units).</summary>
    private static readonly SearchValues<char> Printable = SearchValues.Create(
        "\t\n\r" + string.Concat(Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c)) + "\u0085"
        + string.Concat(Enumerable.Range(0xA0, 0xFFFE - 0xA0).Select(c => (char)c)));

    /// <summary>What bytes that are not text decode to: a noncharacter, outside <see cref="Printable"/>.</summary>
    private const string NotText = "\uFFFF";

    /// <summary>Largest config or sweep file read: a config of 1000 layers, every key written, is about 200 kB.</summary>
    public const int MaxFileBytes = 4 << 20;

    /// <summary>Loads a config file; relative data paths in it resolve against its folder.</summary>
    /// <param name="path">The config file, as the user named it (messages repeat it as given).</param>
    /// <exception cref="ConfigException">The file is unreadable or the config is invalid.</exception>
    public static HwGenConfig Load(string path)
    {
        string text = ReadText(path, "config file");
        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        return LoadFromText(text, path, directory);
    }

    /// <summary>Loads a config from text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="fileName">The name that messages give the text, and <see cref="HwGenConfig.SourceFile"/>.</param>
    /// <param name="baseDirectory">The folder relative data paths resolve against.</param>
    /// <exception cref="ConfigException">The config is invalid.</exception>
    public static HwGenConfig LoadFromText(string yaml, string fileName, string baseDirectory)
    {
        var reader = new SchemaReader(fileName, ConfigSchema.Root);
        var config = (HwGenConfig)reader.Read(Parse(yaml, fileName), new HwGenConfig());
        config = config with { BaseDirectory = baseDirectory, SourceFile = fileName, Locations = new ConfigLocations(reader.Locations) };
        var errors = InFileOrder(reader.Errors.Concat(ConfigValidator.Validate(config, reader.Rejected)));
        return errors.Count > 0 ? throw new ConfigException(errors) : config;
    }

    /// <summary>Errors sorted by line and column (errors without a line last), otherwise in the order found.</summary>
    internal static List<ConfigError> InFileOrder(IEnumerable<ConfigError> errors) =>
        [.. errors
            .Select((error, order) => (error, order))
            .OrderBy(e => e.error.Line == 0 ? int.MaxValue : e.error.Line)
            .ThenBy(e => e.error.Column)
            .ThenBy(e => e.order)
            .Select(e => e.error)];

    /// <summary>The YAML tree of a config or sweep file (a leading byte-order mark is dropped).</summary>
    /// <exception cref="ConfigException">A YAML syntax error, located.</exception>
    internal static YNode? Parse(string yaml, string fileName)
    {
        yaml = yaml.StartsWith('\uFEFF') ? yaml[1..] : yaml;
        YNode? root = null;
        YamlSyntaxException? syntax = null;
        try
        {
            root = YamlTree.Parse(yaml);
        }
        catch (YamlSyntaxException e)
        {
            syntax = e;
        }

        // YAML text holds no control characters other than tab and line breaks; YamlDotNet lets some through.
        int bad = yaml.AsSpan().IndexOfAnyExcept(Printable);
        if (bad >= 0)
        {
            int lineStart = bad == 0 ? 0 : yaml.LastIndexOf('\n', bad - 1) + 1;
            int line = 1 + yaml.AsSpan(0, lineStart).Count('\n');
            int column = bad - lineStart + 1;
            string problem = yaml[bad] == NotText[0] ? "is not UTF-8 text here; save the file as UTF-8" : $"holds the control character U+{(int)yaml[bad]:X4}; a config or sweep file is plain text";
            throw new ConfigException(new ConfigError(fileName, line, column, YamlTree.KeyAt(root, line, column), problem));
        }

        return syntax is null ? root : throw new ConfigException(new ConfigError(fileName, syntax.Line, syntax.Column, syntax.Key, $"YAML syntax error: {syntax.Message}"));
    }

    /// <summary>
    /// A config or sweep file's text: UTF-8 (or UTF-16 with a byte-order mark), at most
    /// <see cref="MaxFileBytes"/>. A file that cannot be read is a <see cref="ConfigException"/> naming it.
    /// </summary>
    /// <param name="path">The file as the user named it.</param>
    /// <param name="what">What it is in messages, e.g. <c>config file</c>.</param>
    internal static string ReadText(string path, string what)
    {
        ConfigException Problem(string message) => new(new ConfigError(path, 0, 0, string.Empty, message));

        if (Directory.Exists(path))
        {
            throw Problem($"is a folder, not a {what}");
        }

        var bytes = new MemoryStream();
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[81920];
            int read;
            while (bytes.Length <= MaxFileBytes && (read = stream.Read(buffer)) > 0)
            {
                bytes.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Problem($"{what} not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Problem($"cannot read the {what}: {e.Message}");
        }

        if (bytes.Length > MaxFileBytes)
        {
            throw Problem($"is larger than {MaxFileBytes >> 20} MiB; a {what} is a short text file");
        }

        // Bytes that are not text become U+FFFF, which Parse reports at its line and column.
        var data = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
        int codePage = data.StartsWith((byte[])[0xFF, 0xFE]) ? 1200 : data.StartsWith((byte[])[0xFE, 0xFF]) ? 1201 : 65001;
        return Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, new DecoderReplacementFallback(NotText)).GetString(data);
    }
}
