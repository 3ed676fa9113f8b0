using HwGen.Data;
using HwGen.Onnx;
using static HwGen.Tests.Onnx.OnnxModels;

namespace HwGen.Tests.Onnx;

public class OnnxImporterTests
{
    [Fact]
    public void Gemm_and_MatMul_exports_of_the_mnist_model_import_to_the_same_network_bit_for_bit()
    {
        var gemm = OnnxImporter.Import(LeNetGemm);
        var matmul = OnnxImporter.Import(LeNetMatMul);

        gemm.Network.InputSize.ShouldBe(784);
        matmul.Network.InputSize.ShouldBe(784);
        gemm.Network.Layers.Select(l => (l.Name, l.Outputs, l.Inputs, l.Activation)).ShouldBe(
            [("fc1", 300, 784, ActivationKind.Relu), ("fc2", 100, 300, ActivationKind.Relu), ("fc3", 10, 100, ActivationKind.None)]);
        matmul.Network.Layers.Select(l => (l.Name, l.Outputs, l.Inputs, l.Activation))
            .ShouldBe(gemm.Network.Layers.Select(l => (l.Name, l.Outputs, l.Inputs, l.Activation)));
        for (var l = 0; l < 3; l++)
        {
            var a = gemm.Network.Layers[l];
            var b = matmul.Network.Layers[l];
            a.Weights.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.Weights.Select(BitConverter.DoubleToInt64Bits)).ShouldBeTrue(a.Name);
            a.Bias.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.Bias.Select(BitConverter.DoubleToInt64Bits)).ShouldBeTrue(a.Name);
            a.Density.ShouldBe(1.0);
        }

        gemm.InputShape.ShouldBe([-1, 784]);
        matmul.InputShape.ShouldBe([-1, 1, 28, 28]);
        gemm.LayerOutputTensors[^1].ShouldBe("logits");
        gemm.Producer.ShouldStartWith("pytorch");
    }

    [Fact]
    public void Gemm_weights_are_taken_row_major_from_transB_1_and_transposed_from_transB_0_with_alpha_and_beta()
    {
        // W (2 × 3) and bias; the transB = 0 model stores Wᵀ (3 × 2) and scales by alpha = 2, beta = 0.5.
        float[] w = [1, 2, 3, 4, 5, 6];
        float[] wt = [1, 4, 2, 5, 3, 6];
        var direct = OnnxImporter.Import(Bytes(Build(
            Tensor("x", "n", 3), Tensor("y", "n", 2),
            [Node("Gemm", "g", ["x", "w", "b"], ["y"], Int("transB", 1))],
            [Floats("w", w, 2, 3), Floats("b", [0.5f, -1], 2)])), "direct.onnx");
        var transposed = OnnxImporter.Import(Bytes(Build(
            Tensor("x", "n", 3), Tensor("y", "n", 2),
            [Node("Gemm", "g", ["x", "w", "b"], ["y"], Float("alpha", 2), Float("beta", 0.5f))],
            [Floats("w", wt, 3, 2), Floats("b", [0.5f, -1], 1, 2)])), "transposed.onnx");

        direct.Network.Layers[0].Weights.ShouldBe([1, 2, 3, 4, 5, 6]);
        direct.Network.Layers[0].Bias.ShouldBe([0.5, -1]);
        transposed.Network.Layers[0].Weights.ShouldBe([2, 4, 6, 8, 10, 12]);
        transposed.Network.Layers[0].Bias.ShouldBe([0.25, -0.5]);
    }

    [Fact]
    public void A_keras_style_graph_with_identity_dropout_tanh_sigmoid_and_a_reshape_imports()
    {
        // tf2onnx style: Reshape to (-1, 6), MatMul + Add with path-like names, Identity, Dropout, Tanh, Sigmoid.
        var random = new Random(5);
        var model = Build(
            Tensor("input_1", "unk__6", 2, 3), Tensor("dense_1", "unk__7", 2),
            [
                Node("Reshape", "sequential/flatten/Reshape", ["input_1", "shape"], ["flat"]),
                Node("MatMul", "sequential/dense/MatMul", ["flat", "sequential/dense/MatMul/ReadVariableOp:0"], ["mm"]),
                Node("Add", "sequential/dense/BiasAdd", ["mm", "sequential/dense/BiasAdd/ReadVariableOp:0"], ["ba"]),
                Node("Tanh", "sequential/dense/Tanh", ["ba"], ["t"]),
                Node("Identity", "id", ["t"], ["t2"]),
                Node("Dropout", "drop", ["t2"], ["d", "mask"]),
                Node("MatMul", "sequential/dense_1/MatMul", ["d", "onnx::MatMul_7"], ["mm2"]),
                Node("Add", "sequential/dense_1/BiasAdd", ["onnx::Add_8", "mm2"], ["ba2"]),
                Node("Sigmoid", "sequential/dense_1/Sigmoid", ["ba2"], ["dense_1"]),
            ],
            [
                Ints("shape", [-1, 6], 2),
                Floats("sequential/dense/MatMul/ReadVariableOp:0", Random(random, 24, 0.5), 6, 4),
                Floats("sequential/dense/BiasAdd/ReadVariableOp:0", Random(random, 4, 0.5), 4),
                Floats("onnx::MatMul_7", Random(random, 8, 0.5), 4, 2),
                Floats("onnx::Add_8", Random(random, 2, 0.5), 2),
            ]);

        var import = OnnxImporter.Import(Bytes(model), "keras.onnx");

        import.Network.Layers.Select(l => (l.Name, l.Outputs, l.Inputs, l.Activation)).ShouldBe(
            [("sequential_dense", 4, 6, ActivationKind.Tanh), ("sequential_dense_1", 2, 4, ActivationKind.Sigmoid)]);
        import.LayerOutputTensors.ShouldBe(["d", "dense_1"]);
        import.InputShape.ShouldBe([-1, 2, 3]);
    }

    [Fact]
    public void Opset_11_shape_arithmetic_with_attribute_axes_slice_and_a_transposed_constant_weight_folds()
    {
        // x (n, 1, 4) → Shape → Slice [0:1] → Concat with [-1] → Reshape; weight Transpose(w) folded.
        var model = Build(
            Tensor("x", "n", 1, 4), Tensor("y", "n", 3),
            [
                Node("Shape", "s", ["x"], ["shape"]),
                Node("Slice", "sl", ["shape"], ["batch"], IntList("starts", 0), IntList("ends", 1), IntList("axes", 0)),
                Node("Constant", "c", [], ["minus1"], TensorValue(Ints("", [-1], 1))),
                Node("Concat", "cat", ["batch", "minus1"], ["target"], Int("axis", 0)),
                Node("Reshape", "r", ["x", "target"], ["flat"]),
                Node("Gather", "g", ["shape", "two"], ["four"], Int("axis", 0)),
                Node("Unsqueeze", "u", ["four"], ["four1"], IntList("axes", 0)),
                Node("Transpose", "t", ["w"], ["wt"]),
                Node("MatMul", "/head/MatMul", ["flat", "wt"], ["mm"]),
                Node("Add", "a", ["mm", "bias"], ["y"]),
            ],
            [Ints("two", [2]), Floats("w", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 3, 4), Floats("bias", [1, 2, 3], 3)],
            opset: 11);

        var import = OnnxImporter.Import(Bytes(model), "opset11.onnx");

        var layer = import.Network.Layers.ShouldHaveSingleItem();
        layer.Weights.ShouldBe([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        layer.Name.ShouldBe("head"); // the weight's name is the Transpose's output and the bias is called "bias": the node names it
        import.Opset.ShouldBe(11);
    }

    [Fact]
    public void A_single_dynamic_feature_dimension_is_fixed_from_the_first_layers_weights()
    {
        var model = Mlp(1, 6, 5, 3, "Relu", "batch");
        model.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimParam = "features";

        var import = OnnxImporter.Import(Bytes(model), "dynamic.onnx");

        import.InputShape.ShouldBe([-1, 6]);
    }

    [Theory]
    [InlineData("model.0.weight", "model_0")]
    [InlineData("/encoder/fc1/Gemm", "encoder_fc1")]
    [InlineData("onnx::MatMul_29", null)]
    [InlineData("/MatMul_1", null)]
    [InlineData("fc3_b", "fc3")]
    [InlineData("Dense-Layer 2.kernel", "dense_layer_2")]
    [InlineData("0.weight", "layer_0")]
    public void Layer_names_come_from_the_module_and_are_sanitised(string candidate, string? expected) =>
        OnnxLayerNames.FromCandidate(candidate).ShouldBe(expected);

    [Fact]
    public void Layer_names_are_unique_and_avoid_systemverilog_keywords()
    {
        var taken = new HashSet<string>();
        OnnxLayerNames.Choose(["dense.weight"], 0, taken).ShouldBe("dense");
        OnnxLayerNames.Choose(["dense.weight"], 1, taken).ShouldBe("dense_2");
        OnnxLayerNames.Choose(["input.weight"], 2, taken).ShouldBe("input_layer");
        OnnxLayerNames.Choose(["onnx::MatMul_3", "/MatMul"], 3, taken).ShouldBe("fc4");
    }
}
