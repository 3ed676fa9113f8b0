using HwGen.Configuration;

namespace HwGen.Tests.Support;

/// <summary>
/// Random designs for co-simulation, each derived from one seed so a failure can be replayed:
/// PE counts including 1 and non-powers of two, 1–4 layers, tiny to a few hundred rows, densities
/// from 0 to 1, narrow index fields (frequent padding), signed inputs (negative activations),
/// narrow activations (saturation), FIFO depths 1–16, and both row assignments.
/// </summary>
internal static class RandomDesigns
{
    private static readonly int[] PeChoices = [1, 2, 3, 4, 5, 8, 16];

    public static HwGenConfig Create(int seed)
    {
        var random = new Random(seed);
        int pes = PeChoices[seed % PeChoices.Length];
        int layerCount = 1 + random.Next(4);
        bool tiny = random.Next(4) == 0;
        int Size() => tiny ? 1 + random.Next(6) : 1 + random.Next(random.Next(3) == 0 ? 300 : 60);
        double Density() => random.Next(8) switch
        {
            0 => 0.0,
            1 => 1.0,
            _ => random.NextDouble(),
        };

        var layers = new List<LayerConfig>();
        for (int l = 0; l < layerCount; l++)
        {
            layers.Add(new LayerConfig
            {
                Name = $"fc{l}",
                Outputs = Size(),
                Activation = random.Next(3) == 0 ? LayerActivation.None : LayerActivation.Relu,
                Weights = new WeightsConfig { Density = Density() },
            });
        }

        bool narrow = random.Next(3) == 0;
        int activationBits = narrow ? 6 + random.Next(4) : 16;
        return new HwGenConfig
        {
            Name = $"rnd{seed}",
            Seed = seed,
            Input = new InputConfig
            {
                Size = Size(),
                Density = random.Next(6) == 0 ? 0.0 : random.NextDouble(),
                Signed = random.Next(2) == 0,
            },
            Layers = layers,
            Compression = new CompressionConfig
            {
                CodebookBits = 2 + random.Next(3),
                IndexBits = 2 + random.Next(3),
                RowAssignment = random.Next(3) == 0 ? RowAssignmentMethod.Balanced : RowAssignmentMethod.Interleaved,
                Pruning = random.Next(4) == 0 ? PruningMethod.LoadBalanced : PruningMethod.Magnitude,
            },
            Quantization = new QuantizationConfig
            {
                ActivationBits = activationBits,
                ActivationFrac = narrow ? 2 + random.Next(3) : 8,
                WeightBits = narrow ? 8 : 16,
            },
            Hardware = new HardwareConfig
            {
                Pes = pes,
                FifoDepth = 1 + random.Next(16),
                SpmatLineEntries = 1 + random.Next(8),
            },
        };
    }

    /// <summary>The design with <c>hardware.column_pairs</c> and an even number of PEs (an odd N + 1).</summary>
    public static HwGenConfig WithColumnPairs(HwGenConfig config) => config with
    {
        Name = config.Name + "_cp",
        Hardware = config.Hardware with { ColumnPairs = true, Pes = config.Hardware.Pes + (config.Hardware.Pes % 2) },
    };

    /// <summary>
    /// <see cref="Create"/>'s design with linear weights (<c>compression.weights: linear</c>) of
    /// W = 2 to 16 bits, drawn with its own generator so the rest of the design is Create's.
    /// </summary>
    public static HwGenConfig CreateWithLinearWeights(int seed)
    {
        var config = Create(seed);
        var random = new Random(seed ^ 0x11ea);
        int[] widths = [2, 3, 4, 6, 8, 12, 16];
        return config with
        {
            Name = $"lin{seed}",
            Compression = config.Compression with { Weights = WeightEncoding.Linear },
            Quantization = config.Quantization with { WeightBits = widths[random.Next(widths.Length)] },
        };
    }

    /// <summary>
    /// <see cref="Create"/>'s design (with linear weights for one seed in four) with its entries in
    /// external DRAM: ports of 32 to 512 bits, bandwidths from 1 byte a cycle to a beat a cycle,
    /// latencies 1 to 100, bursts of one beat to 4 KB, 1 to 8 outstanding bursts.
    /// </summary>
    public static HwGenConfig CreateWithExternalWeights(int seed)
    {
        var random = new Random(seed ^ 0xd4a3);
        var config = random.Next(4) == 0 ? CreateWithLinearWeights(seed) : Create(seed);
        int dataBits = 32 << random.Next(5);
        int beat = dataBits / 8;
        int bytesPerCycle = random.Next(3) switch
        {
            0 => beat,
            1 => 1 + random.Next(beat),
            _ => Math.Max(1, beat >> random.Next(4)),
        };
        int latency = random.Next(4) switch
        {
            0 => 1,
            1 => 100,
            _ => 2 + random.Next(40),
        };
        int burst = Math.Min(4096, beat << random.Next(7));
        return config with
        {
            Name = $"ext{seed}",
            Hardware = config.Hardware with
            {
                WeightMemory = WeightMemory.External,
                Dram = new DramConfig
                {
                    DataBits = dataBits,
                    BytesPerCycle = bytesPerCycle,
                    LatencyCycles = latency,
                    MaxBurstBytes = burst,
                    Outstanding = 1 + random.Next(8),
                },
            },
        };
    }

    /// <summary>
    /// <see cref="Create"/>'s design with each layer's activation drawn from tanh, sigmoid, ReLU and
    /// the identity (the output stage's table path): layer 0 tanh or sigmoid and layer 1 the other,
    /// so that the table is always there and both functions run when there are two layers; the draw
    /// uses its own generator, so the rest of the design is Create's.
    /// </summary>
    public static HwGenConfig CreateWithTableActivations(int seed)
    {
        var config = Create(seed);
        var random = new Random(seed ^ 0x5eed);
        LayerActivation[] kinds = [LayerActivation.Tanh, LayerActivation.Sigmoid, LayerActivation.Relu, LayerActivation.None];
        int first = random.Next(2);
        var layers = config.Layers
            .Select((l, i) => l with
            {
                Activation = i switch
                {
                    0 => kinds[first],
                    1 => kinds[1 - first],
                    _ => kinds[random.Next(kinds.Length)],
                },
            })
            .ToList();
        return config with { Name = $"act{seed}", Layers = layers };
    }

    /// <summary>
    /// A random design with LSTM layers for co-simulation: one LSTM layer or two (the first then
    /// gives its whole sequence), hidden sizes from 1, 1 to 6 steps, 1 to 9 features, densities
    /// 0–1, codebook or linear weights, interleaved or balanced units, an optional fully connected
    /// head (else the output is the last state or the whole sequence), 1 to 7 PEs, FIFO depths 1–8, 1–8 entries a line, narrow
    /// activations (saturation of gates, cell and h), signed inputs.
    /// </summary>
    public static HwGenConfig CreateLstm(int seed)
    {
        var random = new Random(seed);
        bool stacked = random.Next(3) == 0;
        bool head = random.Next(3) != 0;
        bool linear = random.Next(2) == 0;
        double Density() => random.Next(6) switch { 0 => 0, 1 => 1, _ => random.NextDouble() };
        var layers = new List<LayerConfig>
        {
            new()
            {
                Name = "lstm1", Kind = LayerKind.Lstm, Hidden = 1 + random.Next(random.Next(3) == 0 ? 24 : 9),
                Output = stacked || (!head && random.Next(2) == 0) ? LstmOutput.Sequence : LstmOutput.Last,
                Weights = new WeightsConfig { Density = Density() },
            },
        };
        if (stacked)
        {
            layers.Add(new LayerConfig
            {
                Name = "lstm2", Kind = LayerKind.Lstm, Hidden = 1 + random.Next(7),
                Output = head || random.Next(2) == 0 ? LstmOutput.Last : LstmOutput.Sequence,
                Weights = new WeightsConfig { Density = Density() },
            });
        }

        if (head)
        {
            layers.Add(new LayerConfig
            {
                Name = "fc", Outputs = 1 + random.Next(9),
                Activation = random.Next(2) == 0 ? LayerActivation.None : LayerActivation.Relu,
                Weights = new WeightsConfig { Density = Density() },
            });
        }

        int fa = 3 + random.Next(8);
        return new HwGenConfig
        {
            Name = $"lstm{seed}",
            Seed = seed,
            Input = new InputConfig { Size = 1 + random.Next(9), Steps = 1 + random.Next(6), Density = random.Next(6) == 0 ? 0.0 : random.NextDouble(), Signed = true },
            Layers = layers,
            Compression = new CompressionConfig
            {
                Weights = linear ? WeightEncoding.Linear : WeightEncoding.Codebook,
                CodebookBits = 1 + random.Next(5),
                IndexBits = 1 + random.Next(4),
                Pruning = random.Next(4) == 0 ? PruningMethod.LoadBalanced : PruningMethod.Magnitude,
                RowAssignment = random.Next(2) == 0 ? RowAssignmentMethod.Balanced : RowAssignmentMethod.Interleaved,
            },
            Quantization = new QuantizationConfig { ActivationBits = fa + 2 + random.Next(6), ActivationFrac = fa, WeightBits = 4 + random.Next(10) },
            Hardware = new HardwareConfig { Pes = 1 + random.Next(7), FifoDepth = 1 + random.Next(8), SpmatLineEntries = 1 + random.Next(8) },
        };
    }
}
