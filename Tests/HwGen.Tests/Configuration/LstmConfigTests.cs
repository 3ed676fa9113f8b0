using HwGen.Configuration;

namespace HwGen.Tests.Configuration;

/// <summary>The config of LSTM layers: input.steps, kind, hidden, output, and the rules between layers.</summary>
public class LstmConfigTests
{
    [Fact]
    public void An_lstm_classifier_loads_with_its_sequence_shapes()
    {
        using var folder = new TempFolder();
        string path = folder.Write("lstm.yaml", """
            input: {size: 28, steps: 28}
            layers:
              - {name: lstm1, kind: lstm, hidden: 64, output: sequence}
              - {name: lstm2, kind: lstm, hidden: 32}
              - {name: head, outputs: 10, activation: none}
            """);

        var config = ConfigLoader.Load(path);

        config.InputLength.ShouldBe(784);
        config.Layers.Select(l => l.Kind).ShouldBe([LayerKind.Lstm, LayerKind.Lstm, LayerKind.Fc]);
        config.Layers[1].Output.ShouldBe(LstmOutput.Last);
        config.LayerShapes().ShouldBe(
        [
            new LayerShape(256, 92, 28, 28, 784, 28 * 64),
            new LayerShape(128, 96, 28, 64, 28 * 64, 32),
            new LayerShape(10, 32, 1, 32, 32, 10),
        ]);
    }

    [Fact]
    public void A_fully_connected_first_layer_takes_a_sequence_input_flattened()
    {
        var config = new HwGenConfig { Input = new InputConfig { Size = 4, Steps = 3 }, Layers = [new LayerConfig { Outputs = 2 }] };

        ConfigValidator.Validate(config).ShouldBeEmpty();
        config.LayerShapes()[0].Cols.ShouldBe(12);
    }

    [Fact]
    public void Misplaced_lstm_layers_and_keys_of_the_other_kind_are_reported_with_file_line_and_key()
    {
        using var folder = new TempFolder();
        string path = folder.Write("bad.yaml", """
            input: {size: 8, steps: 4}
            layers:
              - name: a
                kind: lstm
                hidden: 16
                outputs: 4
              - name: b
                kind: lstm
                hidden: 8
                activation: relu
              - name: c
                outputs: 4
                output: last
              - name: d
                kind: lstm
                hidden: 4
            """);

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        exception.Errors.Select(e => (e.Line, e.Key)).ShouldBe(
        [
            (3, "layers[0].output"),
            (6, "layers[0].outputs"),
            (10, "layers[1].activation"),
            (13, "layers[2].output"),
            (15, "layers[3].kind"),
        ]);
        exception.Errors.ShouldAllBe(e => e.File == path);
        exception.Errors[0].Message.ShouldContain("set output: sequence");
        exception.Errors[1].Message.ShouldContain("an lstm layer's size is 'hidden'");
        exception.Errors[4].Message.ShouldContain("an lstm layer takes a sequence");
    }

    [Fact]
    public void An_lstm_layer_without_hidden_is_reported_missing_and_an_fc_layer_needs_no_hidden()
    {
        using var folder = new TempFolder();
        string path = folder.Write("missing.yaml", """
            input: {size: 8}
            layers:
              - {name: a, kind: lstm}
              - {name: b, outputs: 3}
            """);

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        exception.Errors.Select(e => (e.Line, e.Key)).ShouldBe([(3, "layers[0].hidden")]);
        exception.Errors[0].Message.ShouldContain("missing");
    }

    [Fact]
    public void An_unknown_layer_kind_is_the_one_error_not_also_a_missing_size_of_either_kind()
    {
        using var folder = new TempFolder();
        string path = folder.Write("kind.yaml", """
            input: {size: 8}
            layers:
              - {name: a, kind: gru}
              - {name: b}
            """);

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        exception.Errors.Select(e => (e.Line, e.Key)).ShouldBe([(3, "layers[0].kind"), (4, "layers[1].outputs")]);
        exception.Errors[0].Message.ShouldContain("'gru' is not allowed; use one of: fc, lstm");
    }

    [Theory]
    [InlineData("compression: {retrain: {epochs: 2}}", "compression.retrain.epochs", "prune and retrain it in PyTorch")]
    [InlineData("hardware: {act_memory: ice40_spram}", "hardware.act_memory", "one port")]
    [InlineData("input: {size: 8, steps: 0}", "input.steps", "1..100000")]
    [InlineData("input: {size: 8, stepz: 2}", "input.stepz", "did you mean 'steps'")]
    public void What_lstm_layers_cannot_do_yet_exits_with_a_clear_message(string extra, string key, string message)
    {
        using var folder = new TempFolder();
        folder.Write("train.npz", string.Empty);
        string yaml = extra.StartsWith("input", StringComparison.Ordinal)
            ? $"{extra}\nlayers: [{{name: a, kind: lstm, hidden: 4}}]\n"
            : $"input: {{size: 8}}\nlayers: [{{name: a, kind: lstm, hidden: 4}}]\n{extra}\ndataset: {{train: {{path: train.npz}}}}\n";
        string path = folder.Write("cfg.yaml", yaml);

        var exception = Should.Throw<ConfigException>(() => ConfigLoader.Load(path));

        var error = exception.Errors.Single(e => e.Key == key);
        error.Line.ShouldBeGreaterThan(0);
        error.Message.ShouldContain(message);
    }
}

/// <summary>LSTM layers' data: gate matrices from .npz, sequence inputs, ONNX layers of the wrong kind.</summary>
public class LstmDataTests
{
    [Fact]
    public void An_lstm_gate_matrix_and_sequence_inputs_load_from_npz_and_a_wrong_shape_names_the_gate_matrix()
    {
        using var folder = new TempFolder();
        var random = new Random(3);
        double[] gates = [.. Enumerable.Range(0, 8 * 5).Select(_ => random.NextDouble() - 0.5)];
        HwGen.IO.Npy.WriteNpz(folder.File("w.npz"), new Dictionary<string, HwGen.IO.NpyArray>
        {
            ["gates"] = HwGen.IO.Npy.Create(HwGen.IO.NpyType.Float64, [8, 5], gates),
            ["bias"] = HwGen.IO.Npy.Create(HwGen.IO.NpyType.Float64, [8], new double[8]),
            ["wrong"] = HwGen.IO.Npy.Create(HwGen.IO.NpyType.Float64, [8, 3], new double[24]),
            ["x"] = HwGen.IO.Npy.Create(HwGen.IO.NpyType.Float32, [2, 4, 3], [.. Enumerable.Range(0, 24).Select(i => i / 32.0)]),
        });
        string good = folder.Write("good.yaml", """
            input: {size: 3, steps: 4, source: npz, path: w.npz, key: x}
            layers:
              - {name: l, kind: lstm, hidden: 2, weights: {source: npz, path: w.npz, weights: gates, bias: bias, density: 1}}
            """);
        string bad = folder.Write("bad.yaml", """
            input: {size: 3, steps: 4}
            layers:
              - {name: l, kind: lstm, hidden: 2, weights: {source: npz, path: w.npz, weights: wrong}}
            """);

        var data = HwGen.Data.NetworkLoader.Load(ConfigLoader.Load(good));
        var error = Should.Throw<ConfigException>(() => HwGen.Data.NetworkLoader.Load(ConfigLoader.Load(bad))).Errors.Single();

        data.Layers[0].Lstm.ShouldBe(new HwGen.Data.LstmShape(2, 3, 4, ReturnSequence: false));
        data.Layers[0].Weights.ShouldBe(gates);
        data.Inputs.Count.ShouldBe(2);
        data.Inputs[1].ShouldBe([.. Enumerable.Range(12, 12).Select(i => i / 32.0)]);
        (error.Line, error.Key).ShouldBe((3, "layers[0].weights.weights"));
        error.Message.ShouldContain("gate matrix [W | R] as (4 × hidden, features + hidden) = (8, 5), the features being input.size");
    }

    [Fact]
    public void An_onnx_layer_of_the_other_kind_is_reported_at_the_layer_key()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("m.onnx"), Onnx.OnnxModels.Bytes(Onnx.OnnxLstmImportTests.LstmModel(1, Onnx.OnnxLstmImportTests.Variant.PyTorch)));
        string path = folder.Write("c.yaml", """
            input: {size: 3, steps: 5}
            layers:
              - {name: l, outputs: 16, weights: {source: onnx, path: m.onnx, layer: lstm_lstm}}
            """);

        var error = Should.Throw<ConfigException>(() => HwGen.Compression.Design.Load(path)).Errors.Single();

        (error.Line, error.Key).ShouldBe((3, "layers[0].weights.layer"));
        error.Message.ShouldContain("is an LSTM, but layers[0] is kind: fc");
    }
}
