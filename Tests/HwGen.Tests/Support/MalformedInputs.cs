using HwGen.IO;
using HwGen.Tests.IO;

namespace HwGen.Tests.Support;

/// <summary>
/// One bad config (with its data files) and the single error it must produce. The line is marked
/// in the YAML with <c># &lt;--</c>, so the expectation sits where a reader looks for it.
/// </summary>
/// <param name="Name">What is wrong, as a test case name.</param>
/// <param name="Yaml">The config; exactly one line carries the marker.</param>
/// <param name="Key">The dotted key the error must name.</param>
/// <param name="MessagePart">Text the message must contain (what is wrong or allowed).</param>
/// <param name="Data">Writes the data files the config names.</param>
/// <param name="Encode">Turns the text into the file's bytes (UTF-8 when null), for encodings, line ends and bad bytes.</param>
/// <param name="FileName">The file the YAML is written to.</param>
internal sealed record MalformedInput(
    string Name, string Yaml, string Key, string MessagePart, Action<TempFolder>? Data = null, Func<string, byte[]>? Encode = null, string FileName = "config.yaml")
{
    private const string Marker = "# <--";

    /// <summary>The 1-based line of the marker.</summary>
    public int Line
    {
        get
        {
            var lines = Yaml.Split('\n');
            var marked = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains(Marker, StringComparison.Ordinal)).ToList();
            return marked.Count == 1 ? marked[0] + 1 : throw new InvalidOperationException($"{Name}: mark exactly one line with '{Marker}'");
        }
    }

    /// <summary>Writes the data files and the YAML file into the folder; returns the YAML file's path.</summary>
    public string Arrange(TempFolder folder)
    {
        Data?.Invoke(folder);
        string path = folder.Write(FileName, Yaml);
        if (Encode is not null)
        {
            File.WriteAllBytes(path, Encode(Yaml));
        }

        return path;
    }

    public override string ToString() => Name;
}

/// <summary>
/// The malformed inputs every front end must reject with exit code 2 and a message naming the
/// file, line and key: written once, used by the library tests and the CLI tests.
/// </summary>
internal static class MalformedInputs
{
    public static IReadOnlyList<MalformedInput> All { get; } =
    [
        new("yaml_syntax_error",
            """
            name: bad
            input:
              size: 8
            layers:
              - name: "fc1      # <--
                outputs: 4
            """,
            "layers[0].name", "YAML syntax error"),

        new("unknown_key_suggests_the_closest_known_key",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
            hardware:
              pe: 4             # <--
            """,
            "hardware.pe", "did you mean 'pes'?"),

        new("misplaced_key_names_the_section_it_belongs_to",
            """
            name: bad
            pes: 4              # <--
            input:
              size: 8
            layers:
              - outputs: 4
            """,
            "pes", "belongs under 'hardware'"),

        new("negative_pes",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
            hardware:
              pes: -2           # <--
            """,
            "hardware.pes", "must be in 1..1024, got -2"),

        new("density_above_one",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
              - outputs: 3
                weights:
                  density: 1.5  # <--
            """,
            "layers[1].weights.density", "must be in [0, 1], got 1.5"),

        new("string_where_an_integer_is_expected",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: "300"  # <--
            """,
            "layers[0].outputs", "expected an integer in 1..1000000, got the string \"300\""),

        new("real_where_an_integer_is_expected",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
            hardware:
              fifo_depth: 8.5   # <--
            """,
            "hardware.fifo_depth", "expected an integer in 1..1024, got the number 8.5"),

        new("word_where_a_boolean_is_expected",
            """
            name: bad
            input:
              size: 8
              signed: yes       # <--
            layers:
              - outputs: 4
            """,
            "input.signed", "expected true or false, got 'yes'"),

        new("enum_value_not_allowed",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                activation: softmax  # <--
            """,
            "layers[0].activation", "use one of: relu, none, tanh, sigmoid"),

        new("missing_input_size",
            """
            name: bad
            input:              # <--
              density: 0.5
            layers:
              - outputs: 4
            """,
            "input.size", "missing"),

        new("missing_layer_outputs",
            """
            name: bad
            input:
              size: 8
            layers:
              - name: fc1       # <--
                activation: relu
            """,
            "layers[0].outputs", "missing"),

        new("no_layers",
            """
            name: bad
            input:
              size: 8
            layers: []          # <--
            """,
            "layers", "at least one layer"),

        new("no_layers_key",
            """
            name: bad           # <--
            input:
              size: 8
            """,
            "layers", "at least one layer"),

        new("invalid_design_name",
            """
            name: LeNet-300     # <--
            input:
              size: 8
            layers:
              - outputs: 4
            """,
            "name", "e.g. 'lenet_300'"),

        new("design_name_is_a_systemverilog_keyword",
            """
            name: design        # <--
            input:
              size: 8
            layers:
              - outputs: 4
            """,
            "name", "'design' is a SystemVerilog keyword"),

        new("layer_name_is_a_systemverilog_keyword",
            """
            name: bad
            input:
              size: 8
            layers:
              - name: input     # <--
                outputs: 4
            """,
            "layers[0].name", "'input' is a SystemVerilog keyword"),

        new("bad_memory_style",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
            hardware:
              spmat_memory: spram   # <--
            """,
            "hardware.spmat_memory", "use one of: auto, inferred, ice40_spram"),

        new("column_pairs_on_an_odd_number_of_pes",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
            hardware:
              pes: 5
              column_pairs: true    # <--
            """,
            "hardware.column_pairs", "needs an even number of PEs, not pes: 5: use 6 or 4"),

        new("column_pairs_with_an_lstm_layer",
            """
            name: bad
            input:
              size: 8
              steps: 3
            layers:
              - {name: rnn, kind: lstm, hidden: 4}
              - outputs: 4
            hardware:
              pes: 2
              column_pairs: true    # <--
            """,
            "hardware.column_pairs", "layer 'rnn' is an lstm layer"),

        new("column_pairs_with_external_weights",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
            hardware:
              pes: 2
              weight_memory: external
              column_pairs: true    # <--
            """,
            "hardware.column_pairs", "built for on-chip weights"),

        new("dram_width_not_a_power_of_two",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
            hardware:
              weight_memory: external
              dram:
                data_bits: 96       # <--
            """,
            "hardware.dram.data_bits", "96 is not a power of two"),

        new("dram_faster_than_its_port",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
            hardware:
              weight_memory: external
              dram:
                data_bits: 64
                bytes_per_cycle: 16 # <--
            """,
            "hardware.dram.bytes_per_cycle", "more than a beat of data_bits 64 (8 bytes) can carry"),

        new("dram_burst_shorter_than_a_beat",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
            hardware:
              weight_memory: external
              dram:
                data_bits: 512
                bytes_per_cycle: 64
                max_burst_bytes: 32 # <--
            """,
            "hardware.dram.max_burst_bytes", "less than one beat of data_bits 512"),

        new("external_weights_with_lstm_layers",
            """
            name: bad
            input:
              size: 8
              steps: 3
            layers:
              - kind: lstm
                hidden: 4
            hardware:
              weight_memory: external   # <--
            """,
            "hardware.weight_memory", "external weights are built for fully connected layers"),

        new("duplicate_layer_names",
            """
            name: bad
            input:
              size: 8
            layers:
              - name: fc1
                outputs: 4
              - name: fc1       # <--
                outputs: 2
            """,
            "layers[1].name", "already the name of layers[0] (line 5)"),

        new("duplicate_key",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
            hardware:
              pes: 4
              pes: 8            # <--
            """,
            "hardware.pes", "duplicate key 'pes' (first given on line 7)"),

        new("activation_frac_not_below_activation_bits",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
            quantization:
              activation_bits: 8
              activation_frac: 8  # <--
            """,
            "quantization.activation_frac", "must be in 0..7"),

        new("missing_npy_file",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npy
                  path: missing.npy  # <--
            """,
            "layers[0].weights.path", "data file not found: missing.npy"),

        new("missing_npz_array",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npz
                  path: w.npz
                  weights: w    # <--
            """,
            "layers[0].weights.weights", "w.npz has no array 'w' (it has: bias, weights)",
            folder => Npz(folder.File("w.npz"), ("weights", Floats(4, 8)), ("bias", Floats(4)))),

        new("unsupported_dtype_complex64",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npy
                  path: w.npy   # <--
            """,
            "layers[0].weights.path", "dtype '<c8' is not supported",
            folder => File.WriteAllBytes(folder.File("w.npy"), NpyBytes.Npy("<c8", "(4, 8)", new byte[4 * 8 * 8]))),

        new("unsupported_dtype_big_endian",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npz
                  path: w.npz
                  weights: w    # <--
            """,
            "layers[0].weights.weights", "dtype '>f4' is not supported",
            folder => NpyBytes.Npz(folder.File("w.npz"), "w", NpyBytes.Npy(">f4", "(4, 8)", new byte[4 * 8 * 4]))),

        new("shape_mismatch_between_layers",
            """
            name: bad
            input:
              size: 8
            layers:
              - name: fc1
                outputs: 6
              - name: fc2
                outputs: 4
                weights:
                  source: npy
                  path: fc2.npy  # <--
            """,
            "layers[1].weights.path", "has shape (4, 5); layer 'fc2' needs (outputs, inputs) = (4, 6), inputs being the outputs of layer 'fc1'",
            folder => Npy.WriteNpy(folder.File("fc2.npy"), Floats(4, 5))),

        new("codebook_entry_0_not_zero",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npz
                  path: w.npz
                  codes: codes
                  codebook: codebook  # <--
            """,
            "layers[0].weights.codebook", "entry 0 = 0.5; code 0 is reserved",
            folder => Npz(folder.File("w.npz"), ("codes", Codes(4, 8, maxCode: 1)), ("codebook", Npy.Create(NpyType.Float32, [2], [0.5, 1.0])))),

        new("code_beyond_the_codebook",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npz
                  path: w.npz
                  codes: codes  # <--
                  codebook: codebook
            """,
            "layers[0].weights.codes", "beyond the codebook's 2 entries",
            folder => Npz(folder.File("w.npz"), ("codes", Codes(4, 8, maxCode: 3)), ("codebook", Npy.Create(NpyType.Float32, [2], [0.0, 1.0])))),

        new("codes_with_linear_weights",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npz
                  path: w.npz
                  codes: codes  # <--
                  codebook: codebook
            compression:
              weights: linear
            """,
            "layers[0].weights.codes", "cannot be stored as linear weights",
            folder => Npz(folder.File("w.npz"), ("codes", Codes(4, 8, maxCode: 1)), ("codebook", Npy.Create(NpyType.Float32, [2], [0.0, 1.0])))),

        new("nan_in_weights",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npz
                  path: w.npz
                  weights: w    # <--
            """,
            "layers[0].weights.weights", "holds 1 NaN or infinite value (the first at [1, 2])",
            folder =>
            {
                var values = new double[4 * 8];
                values[(1 * 8) + 2] = double.NaN;
                Npz(folder.File("w.npz"), ("w", Npy.Create(NpyType.Float32, [4, 8], values)));
            }),

        new("both_weights_and_codes",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npz
                  path: w.npz
                  weights: w
                  codes: codes  # <--
                  codebook: codebook
            """,
            "layers[0].weights.codes", "not both",
            folder => Npz(folder.File("w.npz"), ("w", Floats(4, 8)))),

        new("codes_without_codebook",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                weights:        # <--
                  source: npz
                  path: w.npz
                  codes: codes
            """,
            "layers[0].weights.codebook", "is required with codes",
            folder => Npz(folder.File("w.npz"), ("codes", Codes(4, 8, maxCode: 1)))),

        new("bias_of_the_wrong_shape",
            """
            name: bad
            input:
              size: 8
            layers:
              - outputs: 4
                weights:
                  source: npz
                  path: w.npz
                  weights: w
                  bias: b       # <--
            """,
            "layers[0].weights.bias", "has shape (5,); the bias needs (outputs,) = (4,)",
            folder => Npz(folder.File("w.npz"), ("w", Floats(4, 8)), ("b", Floats(5)))),

        new("input_of_the_wrong_shape",
            """
            name: bad
            input:
              size: 8
              source: npz
              path: x.npz
              key: x            # <--
            layers:
              - outputs: 4
            """,
            "input.key", "has shape (9,); the input needs (8,) or (vectors, 8)",
            folder => Npz(folder.File("x.npz"), ("x", Floats(9)))),

        .. HostileConfigs.Configs,
    ];

    /// <summary>The case names, for xunit theories.</summary>
    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    public static MalformedInput Get(string name) => All.Single(c => c.Name == name);

    /// <summary>A float32 array of the shape holding 0.25, 0.5, 0.75, … (all distinct and non-zero).</summary>
    public static NpyArray Floats(params int[] shape)
    {
        int count = shape.Aggregate(1, (a, b) => a * b);
        return Npy.Create(NpyType.Float32, shape, Enumerable.Range(1, count).Select(i => i * 0.25).ToArray());
    }

    /// <summary>A uint8 codes matrix cycling through 0..maxCode.</summary>
    public static NpyArray Codes(int rows, int cols, int maxCode) =>
        Npy.CreateUInt8([rows, cols], Enumerable.Range(0, rows * cols).Select(i => (byte)(i % (maxCode + 1))).ToArray());

    public static void Npz(string path, params (string Name, NpyArray Array)[] arrays) =>
        Npy.WriteNpz(path, arrays.Select(a => KeyValuePair.Create(a.Name, a.Array)));
}
