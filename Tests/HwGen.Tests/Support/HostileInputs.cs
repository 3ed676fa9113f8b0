using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using HwGen.Tests.IO;

namespace HwGen.Tests.Support;

/// <summary>
/// One hostile command line (bad data files, options, paths, sweep files): what it sets up, the
/// arguments, and what the error must name. Every case must exit 2 with that message, no stack
/// trace, and leave every file as it was (no output folder appears).
/// </summary>
/// <param name="Name">What is wrong, as a test case name.</param>
/// <param name="Arrange">Writes the inputs into the folder and returns the arguments.</param>
/// <param name="Named">The file, key or option the message must name.</param>
/// <param name="MessagePart">Text the message must contain.</param>
internal sealed record HostileInput(string Name, Func<TempFolder, string[]> Arrange, string Named, string MessagePart)
{
    public override string ToString() => Name;
}

/// <summary>The hostile command lines that are not about the config file's own syntax (those are <see cref="MalformedInputs"/>).</summary>
internal static class HostileInputs
{
    /// <summary>A config whose only layer reads its weights from <c>w.npy</c>.</summary>
    private const string NpyWeights = """
        name: bad
        input:
          size: 8
        layers:
          - outputs: 4
            weights:
              source: npy
              path: w.npy
        """;

    /// <summary>A config whose only layer reads its weights from <c>w.npz['w']</c>.</summary>
    private const string NpzWeights = """
        name: bad
        input:
          size: 8
        layers:
          - outputs: 4
            weights:
              source: npz
              path: w.npz
              weights: w
        """;

    private const string Plain = """
        name: plain
        input:
          size: 8
        layers:
          - outputs: 4
        """;

    public static IReadOnlyList<HostileInput> All { get; } =
    [
        // ---- hwgen import: bad models and datasets ----------------------------------------------------
        new("import_of_a_truncated_model",
            f => Import(f, File.ReadAllBytes(Onnx.OnnxModels.LeNetGemm)[..5000]),
            "model.onnx", "truncated"),

        new("import_of_a_model_with_an_unsupported_operator",
            f => Import(f, WithHead("Conv")),
            "node '/head/Conv' (Conv)", "operator is not supported"),

        new("import_of_a_model_whose_reshape_fixes_a_dynamic_batch",
            f => Import(f, Onnx.OnnxModels.Bytes(Onnx.OnnxModels.Build(
                Onnx.OnnxModels.Tensor("x", "batch", 2, 2), Onnx.OnnxModels.Tensor("y", "batch", 2),
                [Onnx.OnnxModels.Node("Reshape", "/Reshape", ["x", "shape"], ["flat"]),
                    Onnx.OnnxModels.Node("Gemm", "g", ["flat", "w", "b"], ["y"], Onnx.OnnxModels.Int("transB", 1))],
                [Onnx.OnnxModels.Ints("shape", [1, 4], 2), Onnx.OnnxModels.Floats("w", new float[8], 2, 4), Onnx.OnnxModels.Floats("b", new float[2], 2)]))),
            "node '/Reshape' (Reshape)", "fixes the batch size to 1 while the model's batch is dynamic"),

        new("import_with_a_dataset_of_the_wrong_width",
            f => Import(f, Onnx.OnnxModels.Bytes(Onnx.OnnxModels.Mlp(1, 4, 3, 2, "Relu", "n")), Dataset(f, width: 5, label: 1)),
            "data.npz['x']", "vectors have 5 elements but the model takes 4 inputs"),

        new("import_with_a_label_out_of_range",
            f => Import(f, Onnx.OnnxModels.Bytes(Onnx.OnnxModels.Mlp(1, 4, 3, 2, "Relu", "n")), Dataset(f, width: 4, label: 2)),
            "data.npz['y']", "label 2 of vector 1 is outside 0..1 (the model has 2 outputs)"),

        new("import_over_an_existing_config_without_force",
            f =>
            {
                f.Write("model.yaml", "name: mine\n");
                return Import(f, Onnx.OnnxModels.Bytes(Onnx.OnnxModels.Mlp(1, 4, 3, 2, "Relu", "n")));
            },
            "-o", "exists; pass --force to replace it"),

        new("estimate_with_a_test_set_of_the_wrong_width",
            f => ["estimate", OnnxConfig(f, Dataset(f, width: 5, label: 0))],
            "dataset.test.inputs", "vectors have 5 elements but the model takes 4 inputs"),

        new("estimate_with_more_vectors_than_the_test_set",
            f => ["estimate", OnnxConfig(f, Dataset(f, width: 4, label: 0)), "--vectors", "4"],
            "--vectors", "4 vectors were asked for but the test set data.npz holds 3"),

        new("estimate_with_an_onnx_layer_the_model_does_not_have",
            f => ["estimate", OnnxConfig(f, Dataset(f, width: 4, label: 0), layer: "fc9")],
            "layers[0].weights.layer", "has no layer 'fc9'"),

        new("retraining_without_a_training_set",
            f => ["estimate", f.Write("config.yaml", Plain + "\ncompression:\n  retrain:\n    epochs: 2\n")],
            "compression.retrain.epochs", "retraining needs a labelled training set"),

        // ---- .npy / .npz data files -----------------------------------------------------------------
        new("npy_shape_with_an_overflowing_dimension",
            f => Generate(f, NpyWeights, ("w.npy", NpyBytes.Npy("<f4", "(99999999999999999999, 8)", new byte[16]))),
            "layers[0].weights.path", "has a dimension of 99999999999999999999, more than the 2147483647 HwGen handles"),

        new("npy_shape_with_a_negative_dimension",
            f => Generate(f, NpyWeights, ("w.npy", NpyBytes.Npy("<f4", "(-4, 8)", new byte[16]))),
            "layers[0].weights.path", "has a negative dimension, -4"),

        new("npy_shape_that_is_not_a_number",
            f => Generate(f, NpyWeights, ("w.npy", NpyBytes.Npy("<f4", "('four', 8)", new byte[16]))),
            "layers[0].weights.path", "has ''four'' where a whole number belongs"),

        new("npy_version_2_header_length_0xFFFFFFFF",
            f => Generate(f, NpyWeights, ("w.npy", [0x93, .. "NUMPY"u8, 2, 0, 0xFF, 0xFF, 0xFF, 0xFF, .. "{'descr': '<f4'"u8])),
            "layers[0].weights.path", "the .npy header claims 4294967295 bytes"),

        new("npy_truncated_inside_the_header",
            f => Generate(f, NpyWeights, ("w.npy", NpyBytes.Npy("<f4", "(4, 8)", [])[..30])),
            "layers[0].weights.path", "truncated .npy header"),

        new("npy_data_shorter_than_its_shape",
            f => Generate(f, NpyWeights, ("w.npy", NpyBytes.Npy("<f4", "(4, 8)", new byte[10]))),
            "layers[0].weights.path", "truncated: shape (4, 8) needs 128 data bytes, the file has 10"),

        new("npy_claiming_more_input_vectors_than_memory",
            f => Generate(f, """
                name: bad
                input:
                  size: 16
                  source: npy
                  path: x.npy
                layers:
                  - outputs: 4
                """, ("x.npy", NpyBytes.Npy("<f4", "(2000000000, 16)", new byte[64]))),
            "input.path", "use fewer vectors"),

        new("npz_member_that_inflates_far_beyond_its_layer",
            f =>
            {
                Bomb(f.File("w.npz"), megabytes: 16);
                return Generate(f, NpzWeights);
            },
            "layers[0].weights.weights", "w.npz['w'] has shape (2097152,); layer 'fc1' needs (outputs, inputs) = (4, 8)"),

        new("npz_member_with_corrupt_compressed_data",
            f =>
            {
                CorruptNpz(f.File("w.npz"));
                return Generate(f, NpzWeights);
            },
            "layers[0].weights.weights", "corrupt archive member"),

        new("npz_that_is_not_a_zip_file",
            f => Generate(f, NpzWeights, ("w.npz", Encoding.ASCII.GetBytes("just some text, not a zip archive\n"))),
            "layers[0].weights.path", "w.npz is not an .npz archive"),

        // ---- options ----------------------------------------------------------------------------------
        new("negative_seed_for_estimate",
            f => ["estimate", Config(f), "--seed", "-1"],
            "--seed", "must be from 0 to 2147483647, not -1"),

        new("negative_seed_for_simulate",
            f => ["simulate", Config(f), "-o", f.File("out"), "--seed", "-1"],
            "--seed", "must be from 0 to 2147483647, not -1"),

        new("more_vectors_than_memory_for_estimate",
            f => ["estimate", Config(f), "--vectors", "2147483647"],
            "--vectors", "this machine gives HwGen; use at most"),

        new("more_vectors_than_memory_for_simulate",
            f => ["simulate", Config(f), "-o", f.File("out"), "--vectors", "2147483647"],
            "--vectors", "this machine gives HwGen; use at most"),

        new("zero_vectors",
            f => ["simulate", Config(f), "-o", f.File("out"), "--vectors", "0"],
            "--vectors", "must be at least 1, not 0"),

        new("zero_simulation_jobs",
            f => ["simulate", Config(f), "-o", f.File("out"), "--jobs", "0"],
            "--jobs", "must be from 1 to 1024, not 0"),

        new("too_many_simulation_jobs",
            f => ["simulate", Config(f), "-o", f.File("out"), "--jobs", "5000"],
            "--jobs", "must be from 1 to 1024, not 5000"),

        new("simulation_jobs_in_icarus",
            f => ["simulate", Config(f), "-o", f.File("out"), "--jobs", "2", "--simulator", "iverilog"],
            "--jobs", "cannot go with --simulator iverilog"),

        new("simulation_jobs_with_a_trace",
            f => ["simulate", Config(f), "-o", f.File("out"), "-j", "2", "--trace"],
            "--jobs", "cannot go with --trace"),

        new("unknown_simulator",
            f => ["simulate", Config(f), "-o", f.File("out"), "--simulator", "vcs"],
            "--simulator", "'vcs' not recognized"),

        new("unknown_board",
            f => ["synth", Config(f), "-o", f.File("out"), "--board", "de10-nano"],
            "--board", "unknown board 'de10-nano'"),

        new("unknown_option",
            f => ["generate", Config(f), "-o", f.File("out"), "--frobnicate"],
            "--frobnicate", "Unrecognized"),

        // ---- output folders ---------------------------------------------------------------------------
        new("empty_output_folder_name",
            f => ["generate", Config(f), "-o", ""],
            "-o", "the output folder is empty"),

        new("output_folder_that_is_a_file",
            f => ["generate", Config(f), "-o", f.Write("notes.txt", "mine")],
            "-o", "is a file, not a folder"),

        new("output_folder_under_a_file",
            f => ["generate", Config(f), "-o", Path.Combine(f.Write("notes.txt", "mine"), "design")],
            "-o", "is a file"),

        new("output_folder_under_a_read_only_folder",
            f => ["generate", Config(f), "-o", $"/sys/hwgen-test-{Guid.NewGuid():N}/design"],
            "-o", "cannot write into this folder"),

        new("output_folder_holding_files_hwgen_did_not_write",
            f =>
            {
                f.Write("mine/notes.txt", "mine");
                return ["generate", Config(f), "-o", f.File("mine")];
            },
            "-o", "pass --force to write into it"),

        new("config_inside_the_output_folder_it_would_replace",
            f => ["generate", f.Write("design/config.yaml", Plain), "-o", f.File("design"), "--force"],
            "design/config.yaml: -o", "HwGen never replaces a file it was given"),

        new("bench_output_folder_name_empty",
            f => ["bench", "eie", "-o", "", "--no-figures"],
            "-o", "the output folder is empty"),

        new("bench_output_folder_under_a_file",
            f => ["bench", "eie", "-o", Path.Combine(f.Write("notes.txt", "mine"), "bench"), "--no-figures"],
            "-o", "is a file"),

        // ---- sweeps -----------------------------------------------------------------------------------
        new("sweep_output_folder_name_empty",
            f => ["sweep", Sweep(f, "luts > 0"), "-o", ""],
            "-o", "the output folder is empty"),

        new("sweep_output_folder_under_a_file",
            f => ["sweep", Sweep(f, "luts > 0"), "-o", Path.Combine(f.Write("notes.txt", "mine"), "sweep")],
            "-o", "is a file"),

        new("sweep_shard_zero",
            f => ["sweep", Sweep(f, "luts > 0"), "-o", f.File("out"), "--shard", "0/2"],
            "--shard", "got '0/2'"),

        new("sweep_shard_beyond_the_count",
            f => ["sweep", Sweep(f, "luts > 0"), "-o", f.File("out"), "--shard", "3/2"],
            "--shard", "got '3/2'"),

        new("sweep_shard_that_is_not_a_fraction",
            f => ["sweep", Sweep(f, "luts > 0"), "-o", f.File("out"), "--shard", "half"],
            "--shard", "got 'half'"),

        new("sweep_shard_negative",
            f => ["sweep", Sweep(f, "luts > 0"), "-o", f.File("out"), "--shard", "-1/2"],
            "--shard", "got '-1/2'"),

        new("sweep_with_zero_jobs",
            f => ["sweep", Sweep(f, "luts > 0"), "-o", f.File("out"), "--jobs", "0"],
            "--jobs", "must be at least 1, not 0"),

        new("sweep_expression_with_a_preprocessor_directive",
            f => ["sweep", Sweep(f, "|\n    luts > 0\n    #if false\n    && cycles > 0\n    #endif"), "-o", f.File("out")],
            "constraints[0]", "preprocessor directives (#if, #define, #pragma, …) are not allowed"),

        new("sweep_expression_nested_60_deep",
            f => ["sweep", Sweep(f, new string('(', 60) + "luts > 0" + new string(')', 60)), "-o", f.File("out")],
            "constraints[0]", "brackets are nested more than 50 deep"),

        new("sweep_expression_of_10000_nested_parentheses",
            f => ["sweep", Sweep(f, new string('(', 10_000) + "luts > 0" + new string(')', 10_000)), "-o", f.File("out")],
            "constraints[0]", "the expression is 20008 characters long; sweep expressions may have at most 2000"),

        new("sweep_merge_of_an_empty_folder",
            f =>
            {
                Directory.CreateDirectory(f.File("shard"));
                return ["sweep", "merge", f.File("shard"), "-o", f.File("merged")];
            },
            "sweep.json", "not a sweep output folder"),

        new("sweep_merge_of_a_file",
            f => ["sweep", "merge", Config(f), "-o", f.File("merged")],
            "sweep.json", "not found"),

        new("sweep_merge_of_a_design_folder",
            f =>
            {
                f.Write("design/.hwgen-manifest", "rtl/top.sv\n");
                f.Write("design/rtl/top.sv", "module top; endmodule\n");
                return ["sweep", "merge", f.File("design"), "-o", f.File("merged")];
            },
            "sweep.json", "not a sweep output folder"),

        new("sweep_merge_output_folder_name_empty",
            f => ["sweep", "merge", f.File("shard"), "-o", ""],
            "-o", "the output folder is empty"),
    ];

    /// <summary>The case names, for xunit theories.</summary>
    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    public static HostileInput Get(string name) => All.Single(c => c.Name == name);

    /// <summary>Writes the files and the config, and returns <c>generate config.yaml -o out</c>.</summary>
    private static string[] Generate(TempFolder folder, string yaml, params (string Name, byte[] Bytes)[] files)
    {
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(folder.File(name), bytes);
        }

        return ["generate", folder.Write("config.yaml", yaml), "-o", folder.File("out")];
    }

    private static string Config(TempFolder folder) => folder.Write("config.yaml", Plain);

    /// <summary><c>hwgen import model.onnx -o model.yaml</c> with the model's bytes (and a dataset).</summary>
    private static string[] Import(TempFolder folder, byte[] model, string? dataset = null)
    {
        string path = folder.File("model.onnx");
        File.WriteAllBytes(path, model);
        return ["import", path, "-o", folder.File("model.yaml"), .. dataset is null ? Array.Empty<string>() : ["--dataset", dataset]];
    }

    /// <summary>A 4-3-2 ReLU model with an operator after its output.</summary>
    private static byte[] WithHead(string op)
    {
        var model = Onnx.OnnxModels.Mlp(1, 4, 3, 2, "Relu", "n");
        model.Graph.Node.Add(Onnx.OnnxModels.Node(op, "/head/" + op, ["y"], ["z"]));
        model.Graph.Output[0].Name = "z";
        return Onnx.OnnxModels.Bytes(model);
    }

    /// <summary><c>data.npz</c>: three vectors of <paramref name="width"/> inputs, labels 0, <paramref name="label"/>, 0.</summary>
    private static string Dataset(TempFolder folder, int width, int label)
    {
        string path = folder.File("data.npz");
        HwGen.IO.Npy.WriteNpz(path, [
            new("x", HwGen.IO.Npy.Create(HwGen.IO.NpyType.Float32, [3, width], new double[3 * width])),
            new("y", HwGen.IO.Npy.Create(HwGen.IO.NpyType.UInt8, [3], [0, label, 0])),
        ]);
        return path;
    }

    /// <summary>A config of the 4-3-2 model's two layers from <c>model.onnx</c>, tested on a dataset.</summary>
    private static string OnnxConfig(TempFolder folder, string dataset, string layer = "fc1")
    {
        string model = folder.File("model.onnx");
        File.WriteAllBytes(model, Onnx.OnnxModels.Bytes(Onnx.OnnxModels.Mlp(1, 4, 3, 2, "Relu", "n")));
        var names = HwGen.Onnx.OnnxImporter.Import(model).Network.Layers.Select(l => l.Name).ToList();
        return folder.Write("config.yaml", $$"""
            name: onnx
            input:
              size: 4
            layers:
              - outputs: 3
                weights: { source: onnx, path: model.onnx, layer: {{(layer == "fc1" ? names[0] : layer)}}, density: 1 }
              - outputs: 2
                activation: none
                weights: { source: onnx, path: model.onnx, layer: {{names[1]}}, density: 1 }
            dataset:
              test: { path: {{Path.GetFileName(dataset)}} }
            """);
    }

    /// <summary>A two-point sweep over a small config with one constraint.</summary>
    private static string Sweep(TempFolder folder, string constraint)
    {
        Config(folder);
        return folder.Write("sweep.yaml", $"""
            name: hostile
            base: config.yaml
            axes:
              hardware.pes: [1, 2]
            metrics: [cycles, luts]
            constraints:
              - {constraint}
            objectives:
              - minimize: cycles
            """);
    }

    /// <summary>
    /// An .npz whose member <c>w</c> declares (megabytes × 2^17,) float64 and holds that many zero
    /// bytes: deflated, a few kilobytes per megabyte.
    /// </summary>
    public static void Bomb(string path, int megabytes)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var stream = zip.CreateEntry("w.npy", CompressionLevel.Optimal).Open();
        stream.Write(NpyBytes.Npy("<f8", $"({megabytes << 17},)", []));
        var chunk = new byte[1 << 20];
        for (var i = 0; i < megabytes; i++)
        {
            stream.Write(chunk);
        }
    }

    /// <summary>An .npz whose member <c>w</c> claims deflate but starts with a block of the reserved type 3.</summary>
    private static void CorruptNpz(string path)
    {
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var stream = zip.CreateEntry("w.npy", CompressionLevel.NoCompression).Open();
            stream.Write(NpyBytes.Npy("<f4", "(4, 8)", new byte[128]));
        }

        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)).ShouldBe((ushort)0, "a stored member");
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 8);
        int central = bytes.AsSpan().IndexOf("PK\u0001\u0002"u8);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(central + 10), 8);
        int data = 30 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(26)) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(28));
        bytes[data] = 0b111; // final block, type 3: "invalid block type" to any inflater
        File.WriteAllBytes(path, bytes);
    }
}
