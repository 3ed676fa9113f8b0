using System.Numerics;
using HwGen.Configuration;
using HwGen.Sweep;

namespace HwGen.Tests.Configuration;

/// <summary>
/// The one table of config keys (<see cref="ConfigSchema"/>): the effective config it writes reads
/// back to the same config, a schema declared once is read, checked, written and documented, and
/// hostile text never escapes as anything but a <see cref="ConfigException"/>.
/// </summary>
public class ConfigSchemaTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_effective_config_of_random_configs_reads_back_to_the_same_config_and_the_same_text(int seed)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("data.npz"), "only its existence is checked here");
        var random = new Random(seed);
        for (var n = 0; n < 100; n++)
        {
            var config = RandomConfig(random, folder.Path);
            string yaml = ConfigYaml.Write(config);

            var loaded = Should.NotThrow(() => ConfigLoader.LoadFromText(yaml, "roundtrip.yaml", folder.Path), $"seed {seed}, config {n}:\n{yaml}");

            Effective(loaded).ShouldBe(Effective(config), $"seed {seed}, config {n}:\n{yaml}");
            ConfigYaml.Write(loaded).ShouldBe(yaml, $"seed {seed}, config {n}");
        }
    }

    [Fact]
    public void A_key_without_effect_is_left_out_of_the_effective_config()
    {
        var config = new HwGenConfig
        {
            Input = new InputConfig { Size = 8, Source = DataSource.Npz, Path = "x.npz", Density = 0.9 },
            Layers = [new LayerConfig { Weights = new WeightsConfig { Source = DataSource.Npz, Path = "w.npz", CodesKey = "c", CodebookKey = "cb", Density = 0.7 } }],
        };

        string yaml = ConfigYaml.Write(config);

        yaml.ShouldContain("  key: 'input'\n");
        yaml.ShouldNotContain("density");
        yaml.ShouldNotContain("signed");
        yaml.ShouldContain("      codes: 'c'\n      codebook: 'cb'\n");
    }

    [Fact]
    public void Text_with_quotes_and_line_breaks_is_quoted_so_that_it_reads_back()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("it's here.npz"), string.Empty);
        var config = new HwGenConfig
        {
            Input = new InputConfig { Size = 4, Source = DataSource.Npz, Path = "it's here.npz", Key = "a \"b\"\n#c: d" },
            Layers = [new LayerConfig { Outputs = 2 }],
        };

        var loaded = ConfigLoader.LoadFromText(ConfigYaml.Write(config), "q.yaml", folder.Path);

        loaded.Input.ShouldBe(config.Input);
    }

    [Fact]
    public void A_schema_declared_once_reads_checks_writes_and_documents_a_nested_section()
    {
        // What a future key such as hardware.dram.bytes_per_cycle costs: one entry per key.
        var schema = KeysOf<Probe>.Document(
            "probe file",
            null,
            KeysOf<Probe>.Section(
                "dram", p => p.Dram, (p, v) => p with { Dram = v }, "External memory.",
                KeysOf<Dram>.Int("bytes_per_cycle", d => d.BytesPerCycle, (d, v) => d with { BytesPerCycle = v }, 1, 64, "Bandwidth.", unit: "bytes"),
                KeysOf<Dram>.Enum("kind", d => d.Kind, (d, v) => d with { Kind = v }, "Which memory.")));
        var reader = new SchemaReader("p.yaml", schema);

        var probe = (Probe)reader.Read(YamlTree.Parse("dram:\n  bytes_per_cycle: 16\n  kind: lstm\n  byte_per_cycle: 2\n"), new Probe());

        probe.Dram.ShouldBe(new Dram { BytesPerCycle = 16, Kind = LayerKind.Lstm });
        reader.Errors.ShouldHaveSingleItem().ToString().ShouldBe(
            "p.yaml:4:3: dram.byte_per_cycle: unknown key 'byte_per_cycle' in dram; did you mean 'bytes_per_cycle'? (known keys here: bytes_per_cycle, kind)");
        var check = new ConfigValidator.Checker("p.yaml", ConfigLocations.None, new HashSet<string>());
        ConfigValidator.CheckKeys(schema, probe with { Dram = probe.Dram with { BytesPerCycle = 99 } }, string.Empty, check);
        check.Errors.ShouldHaveSingleItem().ToString().ShouldBe("p.yaml: dram.bytes_per_cycle: must be in 1..64, got 99");
        schema.Keys[0].Keys[0].Path.ShouldBe("dram.bytes_per_cycle");
        ConfigDocsTests.Table(schema.Keys[0], new Dram()).ShouldContain("| `dram.bytes_per_cycle` | int (bytes) | `8` | 1..64 | Bandwidth. |");
        ConfigDocsTests.Table(schema.Keys[0], new Dram()).ShouldContain("| `dram.kind` | enum | `dense` | `dense`, `lstm` | Which memory. |");
    }

    [Fact]
    public void Names_are_whole_lowercase_identifiers_of_at_most_64_characters()
    {
        ConfigNames.IsName("lenet_300").ShouldBeTrue();
        ConfigNames.IsName(new string('a', 64)).ShouldBeTrue();
        ConfigNames.IsName(new string('a', 65)).ShouldBeFalse();
        ConfigNames.IsName("accel\n").ShouldBeFalse("$ in a regular expression matches before a final newline; the rule must not");
        ConfigNames.IsName("Accel").ShouldBeFalse();
        ConfigNames.IsName("1accel").ShouldBeFalse();
        ConfigNames.IsName(string.Empty).ShouldBeFalse();
        ConfigNames.Snake(MemoryStyle.Ice40Spram).ShouldBe("ice40_spram");
        ConfigNames.Snake(PruningMethod.LoadBalanced).ShouldBe("load_balanced");
    }

    [Fact]
    public void Crlf_line_ends_and_a_byte_order_mark_give_the_same_config_as_plain_lf()
    {
        string yaml = File.ReadAllText(Path.Combine(TestData.RepoRoot, "examples", "tiny.yaml"));
        string folder = Path.Combine(TestData.RepoRoot, "examples");

        var plain = ConfigLoader.LoadFromText(yaml, "tiny.yaml", folder);
        var crlf = ConfigLoader.LoadFromText("\uFEFF" + yaml.Replace("\n", "\r\n", StringComparison.Ordinal), "tiny.yaml", folder);

        ConfigYaml.Write(crlf).ShouldBe(ConfigYaml.Write(plain));
        crlf.Locations.ShouldBe(plain.Locations);
    }

    [Fact]
    public void Every_truncation_and_every_deleted_character_of_a_flow_style_config_loads_or_is_a_config_error()
    {
        // YamlDotNet throws InvalidOperationException on some broken text, e.g. an unclosed { before a CRLF.
        const string Flow = "name: flow\ninput: {size: 8, density: 0.5}\nlayers: [{name: a, outputs: 4, weights: {density: 0.2}}, {outputs: 2}]\nhardware: {pes: 2, clock_mhz: 50}\n";
        Mutations(Flow, text => ConfigLoader.LoadFromText(text, "flow.yaml", ".")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("alex8.yaml")]
    [InlineData("lenet300.yaml")]
    public void Every_truncation_and_every_deleted_character_of_an_example_sweep_loads_or_is_a_config_error(string name)
    {
        string path = Path.Combine(TestData.RepoRoot, "examples", "sweeps", name);
        Mutations(File.ReadAllText(path), text => SweepLoader.LoadFromText(text, name, Path.GetDirectoryName(path)!)).ShouldBeEmpty();
    }

    /// <summary>Loads every prefix and every one-character deletion, with LF and with CRLF; returns what failed otherwise than with a located ConfigException.</summary>
    private static List<string> Mutations(string text, Action<string> load)
    {
        var unexpected = new List<string>();
        foreach (string variant in new[] { text, text.Replace("\n", "\r\n", StringComparison.Ordinal) })
        {
            for (var i = 0; i < variant.Length; i++)
            {
                foreach (string mutant in new[] { variant[..i], variant.Remove(i, 1) })
                {
                    try
                    {
                        load(mutant);
                    }
                    catch (ConfigException e) when (e.Errors.All(error => error.Line > 0))
                    {
                    }
                    catch (Exception e)
                    {
                        unexpected.Add($"{e.GetType().Name}: {e.Message} in {mutant.ReplaceLineEndings("⏎")}");
                    }
                }
            }
        }

        return unexpected;
    }

    /// <summary>A valid config with every key of the table set at random (then made consistent across keys).</summary>
    private static HwGenConfig RandomConfig(Random random, string folder)
    {
        int layerCount = random.Next(1, 5);
        object record = new HwGenConfig { Layers = [.. Enumerable.Range(0, layerCount).Select(_ => new LayerConfig())] };
        foreach (var key in ConfigSchema.Values)
        {
            for (var i = 0; i < (key.IsLayerKey ? layerCount : 1); i++)
            {
                record = key.Set(record, i, RandomValue(key, random));
            }
        }

        var config = (HwGenConfig)record;
        string? Text() => RandomValue(ConfigSchema.Key("input.key"), random) as string;
        var layers = config.Layers.Select((layer, i) =>
        {
            var w = layer.Weights;
            bool codes = random.Next(2) == 0;
            w = w.Source switch
            {
                DataSource.Random => w with { Path = null, WeightsKey = null, BiasKey = null, CodesKey = null, CodebookKey = null },
                DataSource.Npy => w with { Path = "data.npz", WeightsKey = null, BiasKey = null, CodesKey = null, CodebookKey = null },
                DataSource.Onnx => w with { Path = "data.npz", WeightsKey = null, BiasKey = null, CodesKey = null, CodebookKey = null, Layer = Text() },
                _ => w with { Path = "data.npz", WeightsKey = codes ? null : Text(), BiasKey = random.Next(2) == 0 ? null : Text(), CodesKey = codes ? Text() : null, CodebookKey = codes ? Text() : null },
            };
            return layer with { Name = $"{layer.Name}_{i}", Outputs = random.Next(1, 300), Hidden = random.Next(1, 100), Weights = w };
        });
        var q = config.Quantization;
        var layerList = layers.ToList();

        // An lstm layer comes first or after an lstm layer that gives its sequence.
        for (var i = 1; i < layerList.Count; i++)
        {
            if (layerList[i].Kind == HwGen.Configuration.LayerKind.Lstm && layerList[i - 1].Kind != HwGen.Configuration.LayerKind.Lstm)
            {
                layerList[i] = layerList[i] with { Kind = HwGen.Configuration.LayerKind.Fc };
            }
            else if (layerList[i].Kind == HwGen.Configuration.LayerKind.Lstm)
            {
                layerList[i - 1] = layerList[i - 1] with { Output = LstmOutput.Sequence };
            }
        }

        bool lstm = layerList.Any(l => l.Kind == HwGen.Configuration.LayerKind.Lstm);
        var dataset = config.Dataset with
        {
            Test = config.Dataset.Test with { Path = random.Next(2) == 0 ? null : "data.npz", LabelsPath = null },
            Train = config.Dataset.Train with { Path = random.Next(2) == 0 ? null : "data.npz", LabelsPath = null },
        };
        var retrain = config.Compression.Retrain;
        if (!dataset.Train.IsGiven || layerList.Any(l => l.Weights.IsPrecompressed) || lstm)
        {
            retrain = retrain with { Epochs = 0 };
        }

        return config with
        {
            Name = SystemVerilogKeywords.Contains(config.Name) ? config.Name + "1" : config.Name,
            Input = config.Input with
            {
                Size = random.Next(1, 300),
                Steps = random.Next(1, 5),
                Source = config.Input.Source == DataSource.Onnx ? DataSource.Npz : config.Input.Source,
                Path = config.Input.Source == DataSource.Random ? null : "data.npz",
            },
            Layers = layerList,
            Dataset = dataset,
            // Precompressed layers cannot become linear weights (a validation error).
            Compression = config.Compression with
            {
                Retrain = retrain,
                Weights = layerList.Any(l => l.Weights.IsPrecompressed) ? WeightEncoding.Codebook : config.Compression.Weights,
            },
            // LSTM layers read and write the activation memory in one cycle: not in single-port SPRAM.
            Hardware = ValidHardware(config.Hardware, lstm),
            Quantization = q with { ActivationFrac = Math.Min(q.ActivationFrac, q.ActivationBits - 1) },
            BaseDirectory = folder,
        };
    }

    /// <summary>
    /// The random hardware made valid across keys: LSTM layers read and write the activation memory in
    /// one cycle (not in single-port SPRAM) and have no external weights; a DRAM port's width and
    /// burst are powers of two, at most a beat a cycle, a burst at least a beat; external weights have
    /// no sparse-matrix memory to place in SPRAM; without them `dram` is unused. Column pairs need an
    /// even number of PEs, fully connected layers and on-chip weights.
    /// </summary>
    private static HardwareConfig ValidHardware(HardwareConfig hw, bool lstm)
    {
        if (hw.ColumnPairs && (lstm || hw.WeightMemory == WeightMemory.External))
        {
            hw = hw with { ColumnPairs = false };
        }
        else if (hw.ColumnPairs && hw.Pes % 2 != 0)
        {
            hw = hw with { Pes = hw.Pes + 1 };
        }

        if ((lstm || hw.OverlapWriteback) && hw.ActMemory == MemoryStyle.Ice40Spram)
        {
            hw = hw with { ActMemory = MemoryStyle.Auto };
        }

        if (lstm)
        {
            hw = hw with { WeightMemory = WeightMemory.OnChip };
        }

        if (hw.WeightMemory != WeightMemory.External)
        {
            // Without external weights the dram section is unused: the effective config leaves it out.
            return hw with { Dram = new DramConfig() };
        }

        var d = hw.Dram;
        int dataBits = (int)BitOperations.RoundUpToPowerOf2((uint)d.DataBits);
        int burst = Math.Max((int)BitOperations.RoundUpToPowerOf2((uint)d.MaxBurstBytes) >> 1, dataBits / 8);
        hw = hw with { Dram = d with { DataBits = dataBits, BytesPerCycle = Math.Min(d.BytesPerCycle, dataBits / 8), MaxBurstBytes = Math.Min(burst, 4096) } };
        return hw.WeightMemory == WeightMemory.External && hw.SpmatMemory == MemoryStyle.Ice40Spram ? hw with { SpmatMemory = MemoryStyle.Auto } : hw;
    }

    private static object RandomValue(ConfigKey key, Random random)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyz";
        const string Tricky = "ab_9 '\"#:{}[]é\\-\n\t";
        switch (key.Type)
        {
            case ConfigType.Integer:
                return (int)random.NextInt64((long)key.Range!.Min, (long)key.Range.Max + 1);
            case ConfigType.Real:
                double unit = key.Range!.MinExclusive ? 1 - random.NextDouble() : random.NextDouble();
                return key.Range.Min + (unit * (key.Range.Max - key.Range.Min));
            case ConfigType.Boolean:
                return random.Next(2) == 0;
            case ConfigType.Enum:
                var values = Enum.GetValues(key.EnumType!);
                return values.GetValue(random.Next(values.Length))!;
            case ConfigType.Name:
                return Letters[random.Next(26)] + new string([.. Enumerable.Range(0, random.Next(0, 20)).Select(_ => (Letters + "0123456789_")[random.Next(37)])]);
            default:
                return "x" + new string([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => Tricky[random.Next(Tricky.Length)])]);
        }
    }

    /// <summary>Every key of the table that has an effect, with its value (per layer for layer keys).</summary>
    private static List<string> Effective(HwGenConfig config)
    {
        var values = new List<string>();
        foreach (var key in ConfigSchema.Values)
        {
            for (var i = 0; i < (key.IsLayerKey ? config.Layers.Count : 1); i++)
            {
                object parent = key.Parent!.Path.Length == 0 ? config : key.Parent.Get(config, i)!;
                if (key.When?.Invoke(parent) != false && key.Get(config, i) is { } value)
                {
                    values.Add($"{key.Path}[{i}] = {ConfigKey.Format(value)}");
                }
            }
        }

        return values;
    }

    private enum LayerKind
    {
        Dense,
        Lstm,
    }

    private sealed record Probe
    {
        public Dram Dram { get; init; } = new();
    }

    private sealed record Dram
    {
        public int BytesPerCycle { get; init; } = 8;

        public LayerKind Kind { get; init; } = LayerKind.Dense;
    }
}
