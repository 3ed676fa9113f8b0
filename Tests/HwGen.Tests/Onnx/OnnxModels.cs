using Google.Protobuf;
using Onnx;

namespace HwGen.Tests.Onnx;

/// <summary>Small ONNX models built in code with ONNX's own protobuf classes, for importer tests.</summary>
internal static class OnnxModels
{
    public static string MnistDir => Path.Combine(TestData.RepoRoot, "examples", "mnist");

    /// <summary>The checked-in LeNet-300-100 exported as Gemm layers.</summary>
    public static string LeNetGemm => Path.Combine(MnistDir, "lenet300.onnx");

    /// <summary>The same network exported as Flatten + MatMul + Add.</summary>
    public static string LeNetMatMul => Path.Combine(MnistDir, "lenet300-matmul.onnx");

    public static string MnistTest => Path.Combine(MnistDir, "mnist-test.npz");

    public static string MnistTrain => Path.Combine(MnistDir, "mnist-train.npz");

    /// <summary>A model with one graph input and one graph output.</summary>
    public static ModelProto Build(
        ValueInfoProto input, ValueInfoProto output, IEnumerable<NodeProto> nodes, IEnumerable<TensorProto> initializers, long opset = 13)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Input.Add(input);
        graph.Output.Add(output);
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(initializers);
        var model = new ModelProto { IrVersion = 8, ProducerName = "hwgen-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    /// <summary>A float tensor value info; dims are numbers or names (dynamic).</summary>
    public static ValueInfoProto Tensor(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is string param
                ? new TensorShapeProto.Types.Dimension { DimParam = param }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    public static TensorProto Floats(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        return t;
    }

    /// <summary>A float tensor stored as raw little-endian bytes (as PyTorch writes them).</summary>
    public static TensorProto RawFloats(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        t.RawData = ByteString.CopyFrom(bytes);
        return t;
    }

    public static TensorProto Ints(string name, long[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        return t;
    }

    public static NodeProto Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto IntList(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto TensorValue(TensorProto value) =>
        new() { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    /// <summary>Normal random floats from a seeded generator.</summary>
    public static float[] Random(Random random, int count, double scale)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            values[i] = (float)(scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }

    /// <summary>
    /// A two-layer MLP in the Gemm form (transB = 1): inputs → hidden (activation) → outputs (none).
    /// </summary>
    public static ModelProto Mlp(int seed, int inputs, int hidden, int outputs, string activation, object batch)
    {
        var random = new Random(seed);
        return Build(
            Tensor("x", batch, inputs),
            Tensor("y", batch, outputs),
            [
                Node("Gemm", "/fc1/Gemm", ["x", "fc1.weight", "fc1.bias"], ["h"], Int("transB", 1)),
                Node(activation, "/act", ["h"], ["a"]),
                Node("Gemm", "/fc2/Gemm", ["a", "fc2.weight", "fc2.bias"], ["y"], Int("transB", 1)),
            ],
            [
                RawFloats("fc1.weight", Random(random, hidden * inputs, 1.0 / Math.Sqrt(inputs)), hidden, inputs),
                RawFloats("fc1.bias", Random(random, hidden, 0.3), hidden),
                RawFloats("fc2.weight", Random(random, outputs * hidden, 1.0 / Math.Sqrt(hidden)), outputs, hidden),
                RawFloats("fc2.bias", Random(random, outputs, 0.3), outputs),
            ]);
    }

    public static byte[] Bytes(ModelProto model) => model.ToByteArray();
}
