using HwGen.Onnx;
using static HwGen.Tests.Onnx.OnnxModels;

namespace HwGen.Tests.Onnx;

/// <summary>Models HwGen cannot import stop with a typed error naming the file, the node and why.</summary>
public class OnnxBadModelTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.999)]
    [InlineData(0.01)]
    public void A_truncated_model_is_a_clear_error_not_a_crash(double fraction)
    {
        using var dir = new TempFolder("onnx-truncated");
        byte[] bytes = File.ReadAllBytes(LeNetGemm);
        string path = dir.File("cut.onnx");
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * fraction)]);

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(path, "cut.onnx"));

        e.Message.ShouldStartWith("cut.onnx: ");
        e.Message.ShouldContain("truncated");
    }

    [Theory]
    [InlineData("")]
    [InlineData("name: not a model\n")]
    [InlineData("\u0008\u0096\u0001garbage")]
    public void A_file_that_is_not_an_onnx_model_is_a_clear_error(string text)
    {
        using var dir = new TempFolder("onnx-garbage");
        string path = dir.Write("model.onnx", text);

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(path, "model.onnx"));

        e.File.ShouldBe("model.onnx");
        e.Node.ShouldBeNull();
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import("/nonexistent/m.onnx", "m.onnx"));
        e.Message.ShouldBe("m.onnx: no such file");
    }

    [Theory]
    [InlineData("Conv", "operator is not supported")]
    [InlineData("LeakyRelu", "operator is not supported")]
    [InlineData("Softmax", "export the logits")]
    public void An_unsupported_operator_names_the_node_and_its_op_type(string op, string reason)
    {
        var model = Mlp(1, 4, 3, 2, "Relu", "n");
        model.Graph.Node.Add(Node(op, "/head/" + op, ["y"], ["z"]));
        model.Graph.Output[0].Name = "z";

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(model), "bad.onnx"));

        e.Node.ShouldBe("/head/" + op);
        e.OpType.ShouldBe(op);
        e.Message.ShouldStartWith($"bad.onnx: node '/head/{op}' ({op}): ");
        e.Message.ShouldContain(reason);
    }

    [Fact]
    public void Two_dynamic_feature_dimensions_cannot_be_fixed()
    {
        var model = Build(
            Tensor("x", "n", "h", "w"), Tensor("y", "n", 2),
            [Node("Flatten", "f", ["x"], ["flat"]), Node("Gemm", "g", ["flat", "w", "b"], ["y"], Int("transB", 1))],
            [Floats("w", new float[8], 2, 4), Floats("b", new float[2], 2)]);

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(model), "dyn.onnx"));

        e.Message.ShouldContain("dynamic dimensions 1 ('h') and 2 ('w')");
    }

    [Fact]
    public void A_dynamic_batch_that_a_reshape_fixes_to_one_is_an_error()
    {
        // Traced with a batch of 1 and exported with a dynamic batch: Reshape(x, [1, 4]) cannot run other batches.
        var model = Build(
            Tensor("x", "batch", 2, 2), Tensor("y", "batch", 2),
            [Node("Reshape", "/Reshape", ["x", "shape"], ["flat"]), Node("Gemm", "g", ["flat", "w", "b"], ["y"], Int("transB", 1))],
            [Ints("shape", [1, 4], 2), Floats("w", new float[8], 2, 4), Floats("b", new float[2], 2)]);

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(model), "batch.onnx"));

        e.OpType.ShouldBe("Reshape");
        e.Message.ShouldContain("fixes the batch size to 1 while the model's batch is dynamic");
    }

    [Fact]
    public void A_skip_connection_is_an_error_naming_the_add()
    {
        var model = Build(
            Tensor("x", "n", 4), Tensor("y", "n", 4),
            [Node("Gemm", "g", ["x", "w", "b"], ["h"], Int("transB", 1)), Node("Add", "/skip/Add", ["h", "x"], ["y"])],
            [Floats("w", new float[16], 4, 4), Floats("b", new float[4], 4)]);

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(model), "res.onnx"));

        e.Node.ShouldBe("/skip/Add");
        e.Message.ShouldContain("skip connection");
    }

    [Fact]
    public void Gemm_with_transA_is_an_error()
    {
        var model = Build(
            Tensor("x", 4, "n"), Tensor("y", "n", 2),
            [Node("Gemm", "g", ["x", "w"], ["y"], Int("transA", 1), Int("transB", 1))],
            [Floats("w", new float[8], 2, 4)]);

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(model), "ta.onnx"));

        e.Message.ShouldContain("transA = 1 is not supported");
    }

    [Fact]
    public void A_weight_whose_data_is_cut_short_names_the_initializer()
    {
        var model = Mlp(1, 4, 3, 2, "Relu", "n");
        var w = model.Graph.Initializer[0];
        w.RawData = Google.Protobuf.ByteString.CopyFrom(w.RawData.Span[..8]);

        var e = Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(model), "short.onnx"));

        e.Message.ShouldBe("short.onnx: initializer 'fc1.weight': 8 bytes of data for 12 elements of 4 bytes (truncated or corrupt)");
    }

    [Fact]
    public void An_activation_on_the_raw_input_and_a_bias_after_an_activation_are_errors()
    {
        var before = Build(
            Tensor("x", "n", 4), Tensor("y", "n", 2),
            [Node("Relu", "r", ["x"], ["a"]), Node("Gemm", "g", ["a", "w"], ["y"], Int("transB", 1))],
            [Floats("w", new float[8], 2, 4)]);
        var after = Build(
            Tensor("x", "n", 4), Tensor("y", "n", 2),
            [Node("Gemm", "g", ["x", "w"], ["h"], Int("transB", 1)), Node("Relu", "r", ["h"], ["a"]), Node("Add", "late", ["a", "b"], ["y"])],
            [Floats("w", new float[8], 2, 4), Floats("b", new float[2], 2)]);

        Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(before), "m.onnx")).Message.ShouldContain("before any layer");
        Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(after), "m.onnx")).Message.ShouldContain("after an activation");
    }

    [Fact]
    public void A_model_with_two_inputs_or_an_integer_input_is_an_error()
    {
        var two = Mlp(1, 4, 3, 2, "Relu", "n");
        two.Graph.Input.Add(Tensor("mask", "n", 4));
        var integer = Mlp(1, 4, 3, 2, "Relu", "n");
        integer.Graph.Input[0].Type.TensorType.ElemType = (int)global::Onnx.TensorProto.Types.DataType.Int64;

        Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(two), "m.onnx")).Message.ShouldContain("2 inputs");
        Should.Throw<OnnxImportException>(() => OnnxImporter.Import(Bytes(integer), "m.onnx")).Message.ShouldContain("element type Int64");
    }
}
