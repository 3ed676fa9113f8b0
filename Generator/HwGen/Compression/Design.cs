using HwGen.Configuration;
using HwGen.Data;

namespace HwGen.Compression;

/// <summary>
/// A config with its loaded data and its compressed network: what every command starts from. The
/// config stays here for the command line (error locations) and for writing the effective config
/// and reproducers; the stages after compression read only <see cref="Network"/>.
/// </summary>
public sealed record Design(HwGenConfig Config, NetworkData Data, CompressedNetwork Network)
{
    /// <summary>Loads, validates and compresses the design a config file describes.</summary>
    /// <exception cref="ConfigException">Bad input: every problem found, with file, line and key.</exception>
    public static Design Load(string configPath)
    {
        var config = ConfigLoader.Load(configPath);
        return FromConfig(config);
    }

    /// <summary>Loads the data of an already validated config and compresses it.</summary>
    public static Design FromConfig(HwGenConfig config)
    {
        var data = NetworkLoader.Load(config);
        return new Design(config, data, Compressor.Compress(config, data));
    }

    /// <summary>
    /// The vectors a run uses: the config's own input vector(s) first, then random vectors drawn
    /// with the config's input settings from <paramref name="seed"/>, <paramref name="count"/> in all.
    /// </summary>
    public IReadOnlyList<double[]> Vectors(int count, int seed)
    {
        var vectors = Data.Inputs.Take(count).ToList();
        if (vectors.Count < count)
        {
            vectors.AddRange(NetworkLoader.RandomInputs(Config, count - vectors.Count, seed));
        }

        return vectors;
    }

    /// <summary>A spec error as bad input at the config key behind it (file, line and key).</summary>
    public ConfigException Locate(HardwareSpecException error)
    {
        var at = Config.Locations.Find(error.Key);
        return new ConfigException(new ConfigError(Config.SourceFile, at.Line, at.Column, error.Key, error.Message));
    }
}
