using System.Text;

namespace HwGen.Emit;

/// <summary>One file of a generated design: a path relative to the output folder and its bytes.</summary>
public sealed record GeneratedFile(string RelativePath, byte[] Content, bool Executable = false)
{
    public static GeneratedFile Text(string relativePath, string text, bool executable = false) =>
        new(relativePath, Encoding.UTF8.GetBytes(NormalizeText(text)), executable);

    /// <summary>LF line endings, no trailing spaces, one final newline.</summary>
    public static string NormalizeText(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var builder = new StringBuilder(text.Length);
        foreach (var line in lines)
        {
            builder.Append(line.TrimEnd(' ', '\t')).Append('\n');
        }

        return builder.ToString().TrimEnd('\n') + "\n";
    }
}
