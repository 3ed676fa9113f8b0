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
        var context = new ConfigReadContext(fileName);
        var config = (HwGenConfig)new SchemaReader(context, ConfigSchema.Root).Read(Parse(yaml, fileName), new HwGenConfig());
        config = config with { BaseDirectory = baseDirectory, SourceFile = fileName, Locations = new ConfigLocations(context.Locations) };
        var errors = InFileOrder(context.Errors.Concat(ConfigValidator.Validate(config, context.Rejected)));
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
        YNode? root;
        try
        {
            root = YamlTree.Parse(yaml);
        }
        catch (YamlSyntaxException e)
        {
            throw new ConfigException(new ConfigError(fileName, e.Line, e.Column, e.Key, $"YAML syntax error: {e.Message}"));
        }

        // YAML text holds no control characters other than tab and line breaks; YamlDotNet lets some through.
        int bad = yaml.AsSpan().IndexOfAnyExcept(Printable);
        if (bad >= 0)
        {
            int lineStart = bad == 0 ? 0 : yaml.LastIndexOf('\n', bad - 1) + 1;
            int line = 1 + yaml.AsSpan(0, lineStart).Count('\n');
            int column = bad - lineStart + 1;
            throw new ConfigException(new ConfigError(fileName, line, column, YamlTree.KeyAt(root, line, column), $"holds the control character U+{(int)yaml[bad]:X4}; a config or sweep file is plain text"));
        }

        return root;
    }

    /// <summary>
    /// A config or sweep file's text: UTF-8 (or UTF-16 with a byte-order mark), at most
    /// <see cref="MaxFileBytes"/>. Anything else is a <see cref="ConfigException"/> naming the file.
    /// </summary>
    /// <param name="path">The file as the user named it.</param>
    /// <param name="what">What it is in messages, e.g. <c>config file</c>.</param>
    internal static string ReadText(string path, string what)
    {
        ConfigException Problem(string message, int line = 0, int column = 0, string key = "") =>
            new(new ConfigError(path, line, column, key, message));

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

        var data = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
        Encoding encoding = data.StartsWith((byte[])[0xFF, 0xFE]) ? new UnicodeEncoding(false, true, true)
            : data.StartsWith((byte[])[0xFE, 0xFF]) ? new UnicodeEncoding(true, true, true)
            : new UTF8Encoding(false, true);
        try
        {
            return encoding.GetString(data);
        }
        catch (DecoderFallbackException) when (encoding is UTF8Encoding)
        {
            // Name the key the bad byte sits in: the text read with replacement characters still parses.
            int at = 0;
            while (at < data.Length && Rune.DecodeFromUtf8(data[at..], out _, out int length) == System.Buffers.OperationStatus.Done)
            {
                at += length;
            }

            at = Math.Min(at, data.Length - 1);
            int line = 1 + data[..at].Count((byte)'\n');
            int column = 1 + Encoding.UTF8.GetCharCount(data[(data[..at].LastIndexOf((byte)'\n') + 1)..at]);
            string key = string.Empty;
            try
            {
                key = YamlTree.KeyAt(YamlTree.Parse(Encoding.UTF8.GetString(data)), line, column);
            }
            catch (YamlSyntaxException)
            {
            }

            throw Problem($"is not UTF-8 text (byte 0x{data[at]:X2} here); save the file as UTF-8", line, column, key);
        }
        catch (DecoderFallbackException)
        {
            throw Problem("is not valid UTF-16 text; save the file as UTF-8");
        }
    }
}
