using Google.Protobuf;
using HwGen.Onnx;
using Onnx;
using static HwGen.Tests.Onnx.OnnxModels;

namespace HwGen.Tests.Onnx;

/// <summary>
/// ONNX LSTM import: the node as PyTorch exports it (zero initial state from a
/// Shape/Gather/Unsqueeze/Concat/ConstantOfShape chain, the last step by Squeeze, Transpose and
/// Gather), the variants (initializer state, Expand, Y_h, Slice, stacked LSTMs), gate reordering,
/// every import checked against ONNX Runtime, and what HwGen refuses, by node and attribute.
/// </summary>
public class OnnxLstmImportTests
{
    private const int Steps = 5;
    private const int Features = 3;
    private const int Hidden = 4;
    private const int Classes = 3;

    private static readonly string[] WrongActivations = ["Sigmoid", "Relu", "Tanh"];

    /// <summary>How the test graph gets its initial state and takes the last step.</summary>
    public enum Variant
    {
        /// <summary>PyTorch's export: ConstantOfShape state, Squeeze(Y) → Transpose → Gather(axis 1, −1).</summary>
        PyTorch,

        /// <summary>Fixed batch 1, zero initializers as the state, Squeeze(Y_h).</summary>
        Initializers,

        /// <summary>Expand of a zero constant as the state, Slice(Y, −1:) on the steps axis, Squeeze.</summary>
        ExpandSlice,

        /// <summary>Two LSTMs: the first's Y squeezed into the second, the second's Y_h gathered.</summary>
        Stacked,
    }

    [Theory]
    [InlineData(Variant.PyTorch)]
    [InlineData(Variant.Initializers)]
    [InlineData(Variant.ExpandSlice)]
    [InlineData(Variant.Stacked)]
    public void An_lstm_graph_imports_with_its_last_state_and_agrees_with_onnx_runtime(Variant variant)
    {
        var model = LstmModel(11, variant);
        byte[] bytes = Bytes(model);

        var import = OnnxImporter.Import(bytes, "lstm.onnx");

        var layers = import.Network.Layers;
        import.Network.InputSize.ShouldBe(Steps * Features);
        import.Network.OutputSize.ShouldBe(Classes);
        layers.Count.ShouldBe(variant == Variant.Stacked ? 3 : 2);
        layers[0].Lstm.ShouldNotBeNull();
        layers[0].Lstm!.ShouldBe(new HwGen.Data.LstmShape(Hidden, Features, Steps, ReturnSequence: variant == Variant.Stacked));
        layers[0].Outputs.ShouldBe(4 * Hidden);
        layers[0].Inputs.ShouldBe(Features + Hidden);
        if (variant == Variant.Stacked)
        {
            layers[1].Lstm!.ShouldBe(new HwGen.Data.LstmShape(Hidden, Hidden, Steps, ReturnSequence: false));
            import.LayerOutputTimeMajor[0].ShouldBeTrue();
        }

        layers[^1].Lstm.ShouldBeNull();
        layers[^1].Inputs.ShouldBe(Hidden);

        var check = OnnxRuntimeCheck.Run(import, bytes, OnnxConfig.RandomInputs(Steps * Features, 40));
        check.FirstMismatch.ShouldBeNull();
        check.MaxAbsOutputDifference.ShouldBeLessThan(1e-4);
        check.ArgmaxAgreements.ShouldBe(40);
    }

    /// <summary>
    /// PyTorch's own export of a two-layer nn.LSTM (Onnx/Data/make_stacked_lstm.py): one zero state
    /// of shape (2, batch, 8) sliced per layer, the first layer's sequence into the second.
    /// </summary>
    [Fact]
    public void A_pytorch_two_layer_lstm_imports_as_two_lstm_layers_and_agrees_with_onnx_runtime()
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TestData.RepoRoot, "Tests", "HwGen.Tests", "Onnx", "Data", "stacked-lstm.onnx"));

        var import = OnnxImporter.Import(bytes, "stacked-lstm.onnx");

        var layers = import.Network.Layers;
        layers.Count.ShouldBe(3);
        layers[0].Lstm.ShouldBe(new HwGen.Data.LstmShape(8, 6, 5, ReturnSequence: true));
        layers[1].Lstm.ShouldBe(new HwGen.Data.LstmShape(8, 8, 5, ReturnSequence: false));
        layers[2].Outputs.ShouldBe(3);
        var check = OnnxRuntimeCheck.Run(import, bytes, OnnxConfig.RandomInputs(5 * 6, 40));
        check.FirstMismatch.ShouldBeNull();
        check.MaxAbsOutputDifference.ShouldBeLessThan(1e-4);
        check.ArgmaxAgreements.ShouldBe(40);
    }

    [Fact]
    public void Onnx_gate_blocks_i_o_f_c_become_i_f_g_o_and_the_two_biases_are_added()
    {
        var model = LstmModel(3, Variant.PyTorch);
        var init = model.Graph.Initializer.ToDictionary(t => t.Name);
        float[] w = Values(init["W"]);
        float[] r = Values(init["R"]);
        float[] b = Values(init["B"]);

        var layer = OnnxImporter.Import(Bytes(model), "lstm.onnx").Network.Layers[0];

        // HwGen's gate g (0 = i, 1 = f, 2 = g, 3 = o) is ONNX's block [0, 2, 3, 1][g] (ONNX: i, o, f, c).
        int[] onnxBlock = [0, 2, 3, 1];
        for (var gate = 0; gate < 4; gate++)
        {
            for (var k = 0; k < Hidden; k++)
            {
                int row = (gate * Hidden) + k;
                int onnxRow = (onnxBlock[gate] * Hidden) + k;
                for (var j = 0; j < Features; j++)
                {
                    layer.Weight(row, j).ShouldBe(w[(onnxRow * Features) + j]);
                }

                for (var j = 0; j < Hidden; j++)
                {
                    layer.Weight(row, Features + j).ShouldBe(r[(onnxRow * Hidden) + j]);
                }

                layer.Bias[row].ShouldBe((double)b[onnxRow] + b[(4 * Hidden) + onnxRow]);
            }
        }
    }

    [Theory]
    [InlineData("direction", "bidirectional")]
    [InlineData("direction", "reverse")]
    [InlineData("clip", "")]
    [InlineData("input_forget", "")]
    [InlineData("activations", "")]
    [InlineData("activation_alpha", "")]
    [InlineData("layout", "")]
    [InlineData("P", "peepholes")]
    [InlineData("initial_h", "is not zero")]
    [InlineData("sequence_lens", "")]
    public void An_unsupported_lstm_feature_is_refused_naming_the_node_and_the_attribute(string what, string detail)
    {
        var model = LstmModel(5, Variant.PyTorch);
        var lstm = model.Graph.Node.Single(n => n.OpType == "LSTM");
        var random = new Random(1);
        switch (what)
        {
            case "direction":
                lstm.Attribute.Add(new AttributeProto { Name = "direction", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(detail) });
                break;
            case "clip":
                lstm.Attribute.Add(Float("clip", 3));
                break;
            case "input_forget" or "layout":
                lstm.Attribute.Add(Int(what, 1));
                break;
            case "activation_alpha":
                lstm.Attribute.Add(new AttributeProto { Name = what, Type = AttributeProto.Types.AttributeType.Floats, Floats = { 0.5f } });
                break;
            case "activations":
                var a = new AttributeProto { Name = "activations", Type = AttributeProto.Types.AttributeType.Strings };
                a.Strings.AddRange(WrongActivations.Select(ByteString.CopyFromUtf8));
                lstm.Attribute.Add(a);
                break;
            case "P":
                model.Graph.Initializer.Add(Floats("P", Random(random, 3 * Hidden, 0.1), 1, 3 * Hidden));
                while (lstm.Input.Count < 8)
                {
                    lstm.Input.Add(string.Empty);
                }

                lstm.Input[7] = "P";
                break;
            case "initial_h":
                model.Graph.Initializer.Add(Floats("h0", [.. Enumerable.Repeat(0.25f, Hidden)], 1, 1, Hidden));
                lstm.Input[5] = "h0";
                break;
            case "sequence_lens":
                model.Graph.Initializer.Add(Ints("lens", [Steps], 1));
                lstm.Input[4] = "lens";
                break;
        }

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(model), "bad.onnx"));

        e.Node.ShouldBe("/lstm/LSTM");
        e.OpType.ShouldBe("LSTM");
        e.Message.ShouldContain(what);
        e.Message.ShouldContain(detail);
    }

    [Fact]
    public void Using_an_lstms_final_cell_state_is_refused_naming_the_consumer_and_y_c()
    {
        var model = LstmModel(5, Variant.Initializers);
        var squeeze = model.Graph.Node.Single(n => n.Name == "/lstm/Squeeze_h");
        squeeze.Input[0] = "/lstm/LSTM_output_2";

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(model), "bad.onnx"));

        e.Node.ShouldBe("/lstm/Squeeze_h");
        e.Message.ShouldContain("'/lstm/LSTM_output_2' is the final cell state (Y_c) of LSTM node '/lstm/LSTM'");
    }

    [Fact]
    public void Taking_a_step_other_than_the_last_is_refused_naming_the_gather()
    {
        var model = LstmModel(5, Variant.PyTorch);
        var index = model.Graph.Node.Single(n => n.Name == "/Constant");
        index.Attribute[0].T = Ints("i", [2]);

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(model), "bad.onnx"));

        e.Node.ShouldBe("/Gather");
        e.Message.ShouldContain("last step only");
    }

    [Fact]
    public void The_lstm_sequence_fed_to_a_gemm_without_taking_the_last_step_is_refused()
    {
        var model = LstmModel(5, Variant.PyTorch);
        var gemm = model.Graph.Node.Single(n => n.OpType == "Gemm");
        gemm.Input[0] = "/lstm/Squeeze_output_0";
        model.Graph.Node.Remove(model.Graph.Node.Single(n => n.Name == "/lstm/Transpose_1"));
        model.Graph.Node.Remove(model.Graph.Node.Single(n => n.Name == "/Gather"));

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(model), "bad.onnx"));

        e.Node.ShouldBe("/head/Gemm");
        e.Message.ShouldContain("take the last step");
    }

    private static float[] Values(TensorProto tensor) => [.. tensor.FloatData];

    private static NodeProto Const(string name, string output, TensorProto value) => Node("Constant", name, [], [output], TensorValue(value));

    /// <summary>
    /// A small LSTM classifier in the form PyTorch 1.13 exports nn.LSTM(batch_first = True) +
    /// nn.Linear on out[:, −1] (see examples/mnist-lstm), or one of the variants.
    /// </summary>
    internal static ModelProto LstmModel(int seed, Variant variant)
    {
        var random = new Random(seed);
        bool fixedBatch = variant == Variant.Initializers;
        object batch = fixedBatch ? 1 : "batch";
        var nodes = new List<NodeProto>();
        var initializers = new List<TensorProto>();
        string AddLstm(string prefix, string x, int features, string state)
        {
            initializers.Add(Floats($"{prefix}W", Random(random, 4 * Hidden * features, 0.6), 1, 4 * Hidden, features));
            initializers.Add(Floats($"{prefix}R", Random(random, 4 * Hidden * Hidden, 0.6), 1, 4 * Hidden, Hidden));
            initializers.Add(Floats($"{prefix}B", Random(random, 8 * Hidden, 0.4), 1, 8 * Hidden));
            nodes.Add(Node("LSTM", $"/{prefix}lstm/LSTM", [x, $"{prefix}W", $"{prefix}R", $"{prefix}B", "", state, state],
                [$"/{prefix}lstm/LSTM_output_0", $"/{prefix}lstm/LSTM_output_1", $"/{prefix}lstm/LSTM_output_2"], Int("hidden_size", Hidden)));
            return $"/{prefix}lstm/LSTM_output_";
        }

        // The zero initial state.
        string state;
        if (fixedBatch)
        {
            initializers.Add(Floats("zeros", new float[Hidden], 1, 1, Hidden));
            state = "zeros";
        }
        else
        {
            nodes.Add(Node("Shape", "/lstm/Shape", ["input"], ["/lstm/Shape_output_0"]));
            nodes.Add(Const("/lstm/Constant", "/lstm/Constant_output_0", Ints("c0", [0])));
            nodes.Add(Node("Gather", "/lstm/Gather", ["/lstm/Shape_output_0", "/lstm/Constant_output_0"], ["/lstm/Gather_output_0"], Int("axis", 0)));
            nodes.Add(Const("/lstm/Constant_1", "/lstm/Constant_1_output_0", Ints("c1", [1], 1)));
            nodes.Add(Const("/lstm/Constant_2", "/lstm/Constant_2_output_0", Ints("c2", [0], 1)));
            nodes.Add(Node("Unsqueeze", "/lstm/Unsqueeze", ["/lstm/Gather_output_0", "/lstm/Constant_2_output_0"], ["/lstm/Unsqueeze_output_0"]));
            nodes.Add(Const("/lstm/Constant_3", "/lstm/Constant_3_output_0", Ints("c3", [Hidden], 1)));
            nodes.Add(Node("Concat", "/lstm/Concat", ["/lstm/Constant_1_output_0", "/lstm/Unsqueeze_output_0", "/lstm/Constant_3_output_0"], ["/lstm/Concat_output_0"], Int("axis", 0)));
            if (variant == Variant.ExpandSlice)
            {
                initializers.Add(Floats("zero", [0f], 1, 1, 1));
                nodes.Add(Node("Expand", "/lstm/Expand", ["zero", "/lstm/Concat_output_0"], ["/lstm/state"]));
            }
            else
            {
                nodes.Add(Node("ConstantOfShape", "/lstm/ConstantOfShape", ["/lstm/Concat_output_0"], ["/lstm/state"], TensorValue(Floats("v", [0f], 1))));
            }

            state = "/lstm/state";
        }

        nodes.Add(Node("Transpose", "/lstm/Transpose", ["input"], ["/lstm/Transpose_output_0"], IntList("perm", 1, 0, 2)));
        string y = AddLstm(string.Empty, "/lstm/Transpose_output_0", Features, state);
        nodes.Add(Const("/lstm/Constant_4", "/lstm/Constant_4_output_0", Ints("c4", [1], 1)));
        string last;
        switch (variant)
        {
            case Variant.PyTorch:
                nodes.Add(Node("Squeeze", "/lstm/Squeeze", [y + "0", "/lstm/Constant_4_output_0"], ["/lstm/Squeeze_output_0"]));
                nodes.Add(Node("Transpose", "/lstm/Transpose_1", ["/lstm/Squeeze_output_0"], ["/lstm/Transpose_1_output_0"], IntList("perm", 1, 0, 2)));
                nodes.Add(Const("/Constant", "/Constant_output_0", Ints("i", [-1])));
                nodes.Add(Node("Gather", "/Gather", ["/lstm/Transpose_1_output_0", "/Constant_output_0"], ["/Gather_output_0"], Int("axis", 1)));
                last = "/Gather_output_0";
                break;
            case Variant.Initializers:
                nodes.Add(Const("/lstm/Constant_5", "/lstm/Constant_5_output_0", Ints("c5", [0], 1)));
                nodes.Add(Node("Squeeze", "/lstm/Squeeze_h", [y + "1", "/lstm/Constant_5_output_0"], ["/h"]));
                last = "/h";
                break;
            case Variant.ExpandSlice:
                initializers.Add(Ints("starts", [-1], 1));
                initializers.Add(Ints("ends", [long.MaxValue], 1));
                initializers.Add(Ints("axes", [0], 1));
                initializers.Add(Ints("sq", [0, 1], 2));
                nodes.Add(Node("Slice", "/Slice", [y + "0", "starts", "ends", "axes"], ["/sliced"]));
                nodes.Add(Node("Squeeze", "/Squeeze", ["/sliced", "sq"], ["/h"]));
                last = "/h";
                break;
            default:
                nodes.Add(Node("Squeeze", "/lstm/Squeeze", [y + "0", "/lstm/Constant_4_output_0"], ["/lstm/Squeeze_output_0"]));
                string y2 = AddLstm("l2", "/lstm/Squeeze_output_0", Hidden, state);
                nodes.Add(Const("/Constant", "/Constant_output_0", Ints("i", [0])));
                nodes.Add(Node("Gather", "/Gather", [y2 + "1", "/Constant_output_0"], ["/h"], Int("axis", 0)));
                last = "/h";
                break;
        }

        initializers.Add(Floats("head.weight", Random(random, Classes * Hidden, 0.7), Classes, Hidden));
        initializers.Add(Floats("head.bias", Random(random, Classes, 0.2), Classes));
        nodes.Add(Node("Gemm", "/head/Gemm", [last, "head.weight", "head.bias"], ["logits"], Int("transB", 1)));
        return Build(Tensor("input", batch, Steps, Features), Tensor("logits", batch, Classes), nodes, initializers, opset: 14);
    }
}
