namespace HwGen.Configuration;

/// <summary>
/// Reads a HwGen config (YAML, DESIGN §10, docs/config.md) into a validated <see cref="HwGenConfig"/>.
/// Every problem is reported at once, each with the file, line, column and dotted key, in one
/// <see cref="ConfigException"/>: YAML syntax, unknown or duplicate keys, values of the wrong type,
/// enum values that are not allowed, missing required keys, and everything
/// <see cref="ConfigValidator"/> checks (ranges, names, data sources, data files that must exist).
/// </summary>
public static class ConfigLoader
{
    /// <summary>Loads a config file; relative data paths in it resolve against its folder.</summary>
    /// <param name="path">The config file, as the user named it (messages repeat it as given).</param>
    /// <exception cref="ConfigException">The file is unreadable or the config is invalid.</exception>
    public static HwGenConfig Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ConfigException(new ConfigError(path, 0, 0, string.Empty, "is a folder, not a config file"));
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException(new ConfigError(path, 0, 0, string.Empty, "config file not found"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigException(new ConfigError(path, 0, 0, string.Empty, $"cannot read the config file: {e.Message}"));
        }

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
        YNode? root;
        try
        {
            root = YamlTree.Parse(yaml);
        }
        catch (YamlSyntaxException e)
        {
            throw new ConfigException(new ConfigError(fileName, e.Line, e.Column, e.Key, $"YAML syntax error: {e.Message}"));
        }

        var context = new ConfigReadContext(fileName);
        var rootAt = root is null ? new ConfigLocation(1, 1) : new ConfigLocation(root.Line, root.Column);
        context.Locations[string.Empty] = rootAt;
        var top = new ConfigSection(context, root, string.Empty, string.Empty, rootAt);

        var defaults = new HwGenConfig();
        var config = new HwGenConfig
        {
            Name = top.String("name", "a name such as 'lenet300'") ?? defaults.Name,
            Seed = top.Int("seed", ConfigRanges.Seed) ?? defaults.Seed,
            Input = ReadInput(top),
            Layers = ReadLayers(top, context),
            Compression = ReadCompression(top.Section("compression", "compression")),
            Quantization = ReadQuantization(top.Section("quantization", "quantization")),
            Hardware = ReadHardware(top.Section("hardware", "hardware")),
            BaseDirectory = baseDirectory,
            SourceFile = fileName,
            Locations = new ConfigLocations(context.Locations),
        };

        var errors = InFileOrder(context.Errors.Concat(ConfigValidator.Validate(config, context.Rejected)));
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        return config;
    }

    /// <summary>Errors sorted by line and column (errors without a line last), otherwise in the order found.</summary>
    internal static List<ConfigError> InFileOrder(IEnumerable<ConfigError> errors) =>
        [.. errors
            .Select((error, order) => (error, order))
            .OrderBy(e => e.error.Line == 0 ? int.MaxValue : e.error.Line)
            .ThenBy(e => e.error.Column)
            .ThenBy(e => e.order)
            .Select(e => e.error)];

    private static InputConfig ReadInput(ConfigSection top)
    {
        var input = top.Section("input", "input");
        var defaults = new InputConfig();
        if (!input.Has("size"))
        {
            input.Missing("size", $"missing: give the length of the input vector ({ConfigRanges.InputSize.Text}) as input.size");
        }

        return new InputConfig
        {
            Size = input.Int("size", ConfigRanges.InputSize) ?? defaults.Size,
            Source = input.Enum<DataSource>("source") ?? defaults.Source,
            Density = input.Double("density", ConfigRanges.InputDensity) ?? defaults.Density,
            Signed = input.Bool("signed") ?? defaults.Signed,
            Path = input.String("path", "a file path"),
            Key = input.String("key", "an array name") ?? defaults.Key,
        };
    }

    private static List<LayerConfig> ReadLayers(ConfigSection top, ConfigReadContext context)
    {
        var items = top.List("layers", "layers (each a mapping with name, outputs, activation, weights)");
        if (items is null)
        {
            if (!top.Has("layers"))
            {
                top.Missing("layers", "missing: give at least one layer, e.g. layers: [{name: fc1, outputs: 10}]");
                context.Rejected.Add("layers");
            }

            return [];
        }

        if (items.Count == 0)
        {
            context.Error(top.Location("layers"), "layers", "needs at least one layer, e.g. layers: [{name: fc1, outputs: 10}]");
            context.Rejected.Add("layers");
            return [];
        }

        var layers = new List<LayerConfig>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            string path = $"layers[{i}]";
            var at = new ConfigLocation(item.Line, item.Column);
            context.Locations[path] = at;
            var layer = new ConfigSection(context, item, path, "layers[]", at);
            if (!layer.Has("outputs"))
            {
                layer.Missing("outputs", $"missing: give the layer's number of outputs ({ConfigRanges.LayerOutputs.Text})");
            }

            var defaults = new LayerConfig();
            layers.Add(new LayerConfig
            {
                Name = layer.String("name", "a layer name such as 'fc1'") ?? $"fc{i + 1}",
                Outputs = layer.Int("outputs", ConfigRanges.LayerOutputs) ?? defaults.Outputs,
                Activation = layer.Enum<LayerActivation>("activation") ?? defaults.Activation,
                Weights = ReadWeights(layer.Section("weights", "layers[].weights")),
            });
        }

        return layers;
    }

    private static WeightsConfig ReadWeights(ConfigSection weights)
    {
        var defaults = new WeightsConfig();
        return new WeightsConfig
        {
            Source = weights.Enum<DataSource>("source") ?? defaults.Source,
            Density = weights.Double("density", ConfigRanges.WeightsDensity) ?? defaults.Density,
            Path = weights.String("path", "a file path"),
            WeightsKey = weights.String("weights", "an array name"),
            BiasKey = weights.String("bias", "an array name"),
            CodesKey = weights.String("codes", "an array name"),
            CodebookKey = weights.String("codebook", "an array name"),
        };
    }

    private static CompressionConfig ReadCompression(ConfigSection section)
    {
        var defaults = new CompressionConfig();
        return new CompressionConfig
        {
            Pruning = section.Enum<PruningMethod>("pruning") ?? defaults.Pruning,
            CodebookBits = section.Int("codebook_bits", ConfigRanges.CodebookBits) ?? defaults.CodebookBits,
            IndexBits = section.Int("index_bits", ConfigRanges.IndexBits) ?? defaults.IndexBits,
            RowAssignment = section.Enum<RowAssignmentMethod>("row_assignment") ?? defaults.RowAssignment,
            KMeansIterations = section.Int("kmeans_iterations", ConfigRanges.KMeansIterations) ?? defaults.KMeansIterations,
        };
    }

    private static QuantizationConfig ReadQuantization(ConfigSection section)
    {
        var defaults = new QuantizationConfig();
        return new QuantizationConfig
        {
            ActivationBits = section.Int("activation_bits", ConfigRanges.ActivationBits) ?? defaults.ActivationBits,
            ActivationFrac = section.Int("activation_frac", ConfigRanges.ActivationFrac) ?? defaults.ActivationFrac,
            WeightBits = section.Int("weight_bits", ConfigRanges.WeightBits) ?? defaults.WeightBits,
        };
    }

    private static HardwareConfig ReadHardware(ConfigSection section)
    {
        var defaults = new HardwareConfig();
        return new HardwareConfig
        {
            Pes = section.Int("pes", ConfigRanges.Pes) ?? defaults.Pes,
            FifoDepth = section.Int("fifo_depth", ConfigRanges.FifoDepth) ?? defaults.FifoDepth,
            SpmatLineEntries = section.Int("spmat_line_entries", ConfigRanges.SpmatLineEntries) ?? defaults.SpmatLineEntries,
            ClockMhz = section.Double("clock_mhz", ConfigRanges.ClockMhz) ?? defaults.ClockMhz,
            SpmatMemory = section.Enum<MemoryStyle>("spmat_memory") ?? defaults.SpmatMemory,
            ActMemory = section.Enum<MemoryStyle>("act_memory") ?? defaults.ActMemory,
        };
    }
}
