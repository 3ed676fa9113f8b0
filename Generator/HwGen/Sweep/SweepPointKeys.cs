using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HwGen.Configuration;

namespace HwGen.Sweep;

/// <summary>
/// The identity of a sweep point, by which a stored result is found again when a sweep resumes: a
/// hash of its effective config, the contents of the data files it names, the number of vectors,
/// the versions of HwGen and of the resource model and the content of HwGen's hardware sources (RTL,
/// templates, testbenches, board files). Anything that could change a metric changes the key.
/// </summary>
/// <param name="vectors">The sweep's number of vectors.</param>
/// <param name="hardwareSources">The hardware sources' hash; <see cref="HwGenInfo.HardwareSourcesHash"/> unless a test gives another.</param>
public sealed class SweepPointKeys(int vectors, string? hardwareSources = null)
{
    private readonly string _hardwareSources = hardwareSources ?? HwGenInfo.HardwareSourcesHash;

    private readonly ConcurrentDictionary<string, string> _fileHashes = new(StringComparer.Ordinal);

    /// <summary>The key of a valid point.</summary>
    public string Key(HwGenConfig config)
    {
        var text = new StringBuilder()
            .Append("hwgen-sweep-point 1\n")
            .Append(HwGenInfo.Version).Append('\n')
            .Append(ResourceModel.Version).Append('\n')
            .Append("hardware ").Append(_hardwareSources).Append('\n')
            .Append("vectors ").Append(vectors).Append('\n')
            .Append(ConfigYaml.Write(config));
        foreach (string path in DataFiles(config))
        {
            text.Append("file ").Append(_fileHashes.GetOrAdd(config.ResolvePath(path), FileHash)).Append('\n');
        }

        return Hash(text.ToString());
    }

    /// <summary>The key of a point whose values make an impossible config.</summary>
    public static string InvalidKey(IEnumerable<string> values) => Hash("hwgen-sweep-invalid 1\n" + string.Join('\n', values));

    private static string Hash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant()[..32];

    private static IEnumerable<string> DataFiles(HwGenConfig config)
    {
        if (config.Input.Source != DataSource.Random && config.Input.Path is not null)
        {
            yield return config.Input.Path;
        }

        foreach (var layer in config.Layers)
        {
            if (layer.Weights.Source != DataSource.Random && layer.Weights.Path is not null)
            {
                yield return layer.Weights.Path;
            }
        }
    }

    private static string FileHash(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexString(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "missing";
        }
    }
}
