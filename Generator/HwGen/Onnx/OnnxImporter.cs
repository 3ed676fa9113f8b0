using System.Globalization;
using Google.Protobuf;
using HwGen.Data;
using Onnx;

namespace HwGen.Onnx;

/// <summary>
/// Imports a trained fully connected network from ONNX into HwGen's <see cref="FloatNetwork"/>.
/// </summary>
/// <remarks>
/// <para>
/// Supported, as PyTorch and Keras (tf2onnx) export these networks: <c>Gemm</c> (alpha, beta,
/// transA = 0, transB 0 or 1) and <c>MatMul</c> with a constant weight, followed by an optional
/// <c>Add</c> of a constant bias; <c>Relu</c>, <c>Tanh</c>, <c>Sigmoid</c> after a layer;
/// <c>Identity</c> and <c>Dropout</c> (inference: the identity) anywhere; <c>Flatten</c> and
/// <c>Reshape</c> that keep the batch first and the features in C order (at the input, or as
/// no-ops between layers); initializers and <c>Constant</c> nodes; and constant shape arithmetic,
/// folded: <c>Shape</c>, <c>Gather</c>, <c>Unsqueeze</c>, <c>Squeeze</c>, <c>Concat</c>,
/// <c>Slice</c>, <c>Cast</c>, <c>Transpose</c> and <c>Add</c>/<c>Sub</c>/<c>Mul</c>/<c>Div</c>
/// of constants. The batch size a <c>Shape</c> node reports stays symbolic through that arithmetic.
/// </para>
/// <para>
/// The graph must be one chain from its single float input to its single output. A dynamic
/// batch dimension (the first) is fine; another dynamic dimension of the input is fixed from the
/// first layer's weights when it is the only one, and is an error otherwise. Anything else is an
/// <see cref="OnnxImportException"/> naming the node, its operator type and why.
/// </para>
/// </remarks>
public static class OnnxImporter
{
    /// <summary>Reads and imports a model file.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="displayName">How messages name it (the path by default).</param>
    /// <exception cref="OnnxImportException">Unreadable, truncated, corrupt or unsupported.</exception>
    public static OnnxImport Import(string path, string? displayName = null)
    {
        string name = displayName ?? path;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OnnxImportException(name, "no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxImportException(name, $"cannot be read ({e.Message})");
        }

        return Import(bytes, name);
    }

    /// <summary>Imports a model from its bytes.</summary>
    /// <exception cref="OnnxImportException">Truncated, corrupt or unsupported.</exception>
    public static OnnxImport Import(byte[] bytes, string name) => Import(Parse(bytes, name), name);

    /// <summary>Parses a model's bytes with ONNX's protobuf schema.</summary>
    /// <exception cref="OnnxImportException">Not a readable ONNX model.</exception>
    public static ModelProto Parse(byte[] bytes, string name)
    {
        if (bytes.Length == 0)
        {
            throw new OnnxImportException(name, "the file is empty");
        }

        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException(name, $"not a readable ONNX model: truncated or corrupt ({e.Message})");
        }

        if (model.Graph is null || model.Graph.Node.Count == 0)
        {
            throw new OnnxImportException(name, "not an ONNX model: it holds no graph (truncated, corrupt, or another kind of file)");
        }

        return model;
    }

    /// <summary>Imports a parsed model.</summary>
    /// <exception cref="OnnxImportException">Unsupported.</exception>
    public static OnnxImport Import(ModelProto model, string name) => new GraphWalker(model, name).Walk();

    /// <summary>The value a tensor name holds while the graph is walked.</summary>
    private abstract record Value;

    /// <summary>A tensor known at import time.</summary>
    private sealed record Const(OnnxTensor Tensor) : Value;

    /// <summary>
    /// The data flowing from the input: its shape (the batch first, <see cref="OnnxTensor.Batch"/>
    /// when dynamic) and its position on the chain (only the newest position may be consumed).
    /// </summary>
    /// <param name="Shape">The tensor's shape; the batch first unless <paramref name="TimeMajor"/>.</param>
    /// <param name="Step">The position on the chain.</param>
    /// <param name="TimeMajor">A sequence laid out (steps, [directions,] batch, features), as an ONNX LSTM takes and gives it.</param>
    /// <param name="Part">Which output of an LSTM node this is, before the last step is taken or the directions axis squeezed.</param>
    private sealed record Flow(long[] Shape, int Step, bool TimeMajor = false, LstmPart Part = LstmPart.None) : Value
    {
        public long Features => Shape.Skip(1).Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>An LSTM node's outputs as they flow on.</summary>
    private enum LstmPart
    {
        /// <summary>Ordinary data.</summary>
        None,

        /// <summary>Y: (steps, 1, batch, hidden), every step's hidden state.</summary>
        Sequence,

        /// <summary>Y_h: (1, batch, hidden), the last hidden state.</summary>
        LastHidden,
    }

    /// <summary>A tensor of zeros whose shape may hold the symbolic batch (ConstantOfShape, Expand): an LSTM's zero initial state.</summary>
    private sealed record Zeros(long[] Shape) : Value;

    /// <summary>A layer as it is being found.</summary>
    private sealed class LayerBuilder
    {
        public required int Inputs { get; init; }

        public required int Outputs { get; init; }

        public required double[] Weights { get; init; }

        public required double[] Bias { get; init; }

        public required List<string?> NameCandidates { get; init; }

        public ActivationKind Activation { get; set; }

        /// <summary>An activation was applied: no bias may follow.</summary>
        public bool Closed { get; set; }

        public string OutputTensor { get; set; } = "";

        /// <summary>An LSTM layer's shape (its return-sequence flag is settled when the last step is taken); null for fully connected.</summary>
        public LstmShape? Lstm { get; set; }

        /// <summary>Whether <see cref="OutputTensor"/> is laid out time-major (steps, [1,] batch, hidden).</summary>
        public bool OutputTimeMajor { get; set; }
    }

    private sealed class GraphWalker(ModelProto model, string file)
    {
        private const int FloatType = (int)TensorProto.Types.DataType.Float;
        private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
        private readonly List<LayerBuilder> _layers = [];
        private readonly Dictionary<string, string> _producers = new(StringComparer.Ordinal);

        /// <summary>Each LSTM node's Y_c (final cell state) output, by tensor name: the node's name.</summary>
        private readonly Dictionary<string, string> _cellStates = new(StringComparer.Ordinal);
        private int _step;
        private NodeProto _node = null!;
        private string _nodeName = "";

        public OnnxImport Walk()
        {
            var graph = model.Graph;
            long opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
            if (graph.SparseInitializer.Count > 0)
            {
                throw new OnnxImportException(file, $"sparse initializer '{graph.SparseInitializer[0].Values?.Name}' is not supported");
            }

            foreach (var initializer in graph.Initializer)
            {
                _values[initializer.Name] = new Const(Decode(initializer, $"initializer '{initializer.Name}'"));
            }

            var (inputName, inputShape) = Input(graph);
            _values[inputName] = new Flow(inputShape.Select(d => d < 0 ? OnnxTensor.Batch : d).ToArray(), 0);

            for (var n = 0; n < graph.Node.Count; n++)
            {
                _node = graph.Node[n];
                _nodeName = _node.Name.Length > 0 ? _node.Name : $"#{n}";
                if (_node.Domain is not ("" or "ai.onnx"))
                {
                    throw NodeError($"operators of domain '{_node.Domain}' are not supported");
                }

                Visit();
                foreach (string output in _node.Output.Where(o => o.Length > 0))
                {
                    _producers[output] = _nodeName;
                }
            }

            return Finish(graph, inputName, inputShape, opset);
        }

        /// <summary>The single non-initializer input; its shape with one dynamic non-batch dimension resolved.</summary>
        private (string Name, long[] Shape) Input(GraphProto graph)
        {
            var inputs = graph.Input.Where(i => !_values.ContainsKey(i.Name)).ToList();
            if (inputs.Count != 1)
            {
                throw new OnnxImportException(file, $"the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); HwGen imports networks with one input");
            }

            var input = inputs[0];
            var tensorType = input.Type?.TensorType;
            if (tensorType is null)
            {
                throw new OnnxImportException(file, $"input '{input.Name}' is not a tensor");
            }

            if (tensorType.ElemType != FloatType)
            {
                throw new OnnxImportException(file, $"input '{input.Name}' has element type {(TensorProto.Types.DataType)tensorType.ElemType}; HwGen feeds float inputs");
            }

            var dims = tensorType.Shape?.Dim;
            if (dims is null || dims.Count < 2)
            {
                throw new OnnxImportException(file, $"input '{input.Name}' has rank {dims?.Count ?? 0}; HwGen expects (batch, features) or (batch, d1, d2, ...)");
            }

            long[] shape = dims.Select(d => d.HasDimValue && d.DimValue > 0 ? d.DimValue : -1).ToArray();
            var dynamic = Enumerable.Range(1, shape.Length - 1).Where(d => shape[d] < 0).ToList();
            if (dynamic.Count > 0)
            {
                long? first = FirstLayerInputs(graph);
                long known = shape.Skip(1).Where(d => d > 0).Aggregate(1L, (a, b) => a * b);
                string which = string.Join(" and ", dynamic.Select(d => $"{d} ('{DimName(dims[d])}')"));
                if (dynamic.Count > 1 || first is null || first % known != 0)
                {
                    throw new OnnxImportException(file,
                        $"input '{input.Name}' has dynamic dimension{(dynamic.Count > 1 ? "s" : "")} {which} besides the batch, and " +
                        (dynamic.Count > 1 ? "the first layer's weights cannot fix more than one" : "the first layer's weights do not fix it") +
                        "; export the model with fixed feature dimensions");
                }

                shape[dynamic[0]] = first.Value / known;
            }

            return (input.Name, shape);
        }

        private static string DimName(TensorShapeProto.Types.Dimension dim) => dim.HasDimParam ? dim.DimParam : "?";

        /// <summary>The input count of the first Gemm or MatMul whose weight is an initializer, if any.</summary>
        private long? FirstLayerInputs(GraphProto graph)
        {
            var node = graph.Node.FirstOrDefault(n => n.OpType is "Gemm" or "MatMul");
            if (node is null || node.Input.Count < 2 || !_values.TryGetValue(node.Input[1], out var w) || w is not Const { Tensor.Rank: 2 } c)
            {
                return null;
            }

            bool transB = node.OpType == "Gemm" && node.Attribute.Any(a => a.Name == "transB" && a.I != 0);
            return transB ? c.Tensor.Shape[1] : c.Tensor.Shape[0];
        }

        private OnnxTensor Decode(TensorProto tensor, string what)
        {
            try
            {
                return OnnxTensor.FromProto(tensor);
            }
            catch (FormatException e)
            {
                throw new OnnxImportException(file, $"{what}: {e.Message}");
            }
        }

        private OnnxImportException NodeError(string reason) => new(file, _nodeName, _node.OpType, reason);

        private void Visit()
        {
            switch (_node.OpType)
            {
                case "Constant":
                    VisitConstant();
                    break;
                case "Identity":
                    Define(0, Get(0));
                    break;
                case "Dropout":
                    VisitDropout();
                    break;
                case "Shape":
                    VisitShape();
                    break;
                case "Gather" when Get(0) is Flow:
                    VisitGatherStep();
                    break;
                case "Gather":
                    Fold(() => ConstAt(0).Gather(ConstAt(1).RequireInts(NodeError), (int)IntAttribute("axis", 0)));
                    break;
                case "Unsqueeze":
                    Fold(() => ConstAt(0).Unsqueeze(Axes() ?? throw NodeError("no axes")));
                    break;
                case "Squeeze" when Get(0) is Flow:
                    VisitSqueezeFlow();
                    break;
                case "Squeeze":
                    Fold(() => ConstAt(0).Squeeze(Axes()));
                    break;
                case "Slice" when Get(0) is Zeros zeros:
                    Define(0, SliceZeros(zeros));
                    break;
                case "Slice" when Get(0) is Flow:
                    VisitSliceStep();
                    break;
                case "ConstantOfShape":
                    VisitConstantOfShape();
                    break;
                case "Expand":
                    VisitExpand();
                    break;
                case "LSTM":
                    VisitLstm();
                    break;
                case "Transpose" when Get(0) is Flow:
                    VisitTransposeFlow();
                    break;
                case "Concat":
                    Fold(() => OnnxTensor.Concat(_node.Input.Select((_, i) => ConstAt(i)).ToList(), (int)IntAttribute("axis", 0)));
                    break;
                case "Slice":
                    Fold(Slice);
                    break;
                case "Cast":
                    VisitCast();
                    break;
                case "Transpose":
                    Fold(() => ConstAt(0).Transpose(IntsAttribute("perm")));
                    break;
                case "Sub" or "Mul" or "Div":
                    Fold(() => OnnxTensor.Arithmetic(_node.OpType, ConstAt(0), ConstAt(1)));
                    break;
                case "Add":
                    VisitAdd();
                    break;
                case "Flatten":
                    VisitFlatten();
                    break;
                case "Reshape":
                    VisitReshape();
                    break;
                case "Gemm":
                    VisitGemm();
                    break;
                case "MatMul":
                    VisitMatMul();
                    break;
                case "Relu":
                    VisitActivation(ActivationKind.Relu);
                    break;
                case "Tanh":
                    VisitActivation(ActivationKind.Tanh);
                    break;
                case "Sigmoid":
                    VisitActivation(ActivationKind.Sigmoid);
                    break;
                case "Softmax" or "LogSoftmax":
                    throw NodeError("is not supported: export the logits (the network without its final softmax; the top-1 class is the same)");
                default:
                    throw NodeError("operator is not supported (HwGen imports fully connected layers: Gemm, MatMul + Add, Relu, Tanh, Sigmoid, with Flatten/Reshape at the input; and LSTM)");
            }
        }

        // ------------------------------------------------------------------------------------
        // Values
        // ------------------------------------------------------------------------------------

        private Value Get(int input)
        {
            if (input >= _node.Input.Count || _node.Input[input].Length == 0)
            {
                throw NodeError($"input {input} is missing");
            }

            string name = _node.Input[input];
            if (_values.TryGetValue(name, out var value))
            {
                return value;
            }

            if (_cellStates.TryGetValue(name, out string? lstm))
            {
                throw NodeError(CellStateUse(name, lstm));
            }

            throw NodeError($"uses tensor '{name}', which is neither the graph input, an initializer, nor the output of an earlier supported node");
        }

        private bool Has(int input) => input < _node.Input.Count && _node.Input[input].Length > 0;

        private OnnxTensor ConstAt(int input) => Get(input) switch
        {
            Const c => c.Tensor,
            Zeros z when !z.Shape.Contains(OnnxTensor.Batch) => OnnxTensor.FromFloats(new double[z.Shape.Aggregate(1L, (a, b) => a * b)], z.Shape),
            Zeros => throw NodeError($"input '{_node.Input[input]}' is a tensor of zeros sized by the batch, which HwGen folds only as an LSTM's initial state"),
            _ => throw NodeError($"input '{_node.Input[input]}' is the network's data, not a constant; only constant shape arithmetic is supported"),
        };

        private void Define(int output, Value value)
        {
            if (output < _node.Output.Count && _node.Output[output].Length > 0)
            {
                _values[_node.Output[output]] = value;
            }
        }

        /// <summary>Folds a node whose inputs are all constants.</summary>
        private void Fold(Func<OnnxTensor> compute)
        {
            try
            {
                Define(0, new Const(compute()));
            }
            catch (FormatException e)
            {
                throw NodeError(e.Message);
            }
            catch (InvalidCastException e)
            {
                throw NodeError(e.Message);
            }
        }

        /// <summary>
        /// <see cref="Head"/> for nodes that need (batch, …) data: not an LSTM's time-major
        /// sequence or state before the last step is taken (Gather, Squeeze) and the axes put back (Transpose).
        /// </summary>
        private Flow BatchHead(int input)
        {
            var flow = Head(input);
            if (flow.TimeMajor || flow.Part != LstmPart.None)
            {
                throw NodeError($"its data '{_node.Input[input]}' is an LSTM's output laid out {ShapeText(flow.Shape, flow.TimeMajor)}; " +
                    "take the last step (Gather, Squeeze of Y_h) or transpose the sequence to (batch, steps, hidden) first");
            }

            return flow;
        }

        /// <summary>The newest position of the data chain: consuming an older one would branch the graph.</summary>
        private Flow Head(int input)
        {
            var value = Get(input);
            if (value is not Flow flow)
            {
                throw NodeError($"input '{_node.Input[input]}' is a constant where the network's data was expected");
            }

            if (flow.Step != _step)
            {
                throw NodeError($"uses '{_node.Input[input]}', which another node already consumed: the graph branches (skip connections and parallel paths are not supported)");
            }

            return flow;
        }

        /// <summary>Defines output 0 as the next position of the data chain.</summary>
        private void Advance(long[] shape)
        {
            _step++;
            Define(0, new Flow(shape, _step));
        }

        private long IntAttribute(string name, long fallback) =>
            _node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

        private float FloatAttribute(string name, float fallback) =>
            _node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

        private long[]? IntsAttribute(string name) =>
            _node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? [.. a.Ints] : null;

        /// <summary>Unsqueeze/Squeeze axes: an input from opset 13, an attribute before.</summary>
        private long[]? Axes() => Has(1) ? ConstAt(1).RequireInts(NodeError).Ints : IntsAttribute("axes");

        // ------------------------------------------------------------------------------------
        // Constants and shape arithmetic
        // ------------------------------------------------------------------------------------

        private void VisitConstant()
        {
            var attribute = _node.Attribute.FirstOrDefault() ?? throw NodeError("has no value");
            try
            {
                Define(0, new Const(OnnxTensor.FromConstantAttribute(attribute)));
            }
            catch (FormatException e)
            {
                throw NodeError(e.Message);
            }
        }

        private void VisitShape()
        {
            long[] shape = Get(0) switch
            {
                Const c => c.Tensor.Shape,
                Flow f => f.Shape,
                _ => throw NodeError("unexpected input"),
            };
            long rank = shape.Length;
            long Clamp(long v) => Math.Clamp(v < 0 ? v + rank : v, 0, rank);
            long start = Clamp(IntAttribute("start", 0));
            long end = Clamp(IntAttribute("end", rank));
            long[] picked = shape.Skip((int)start).Take((int)Math.Max(0, end - start)).ToArray();
            Define(0, new Const(OnnxTensor.IntVector(picked)));
        }

        private OnnxTensor Slice()
        {
            var data = ConstAt(0);
            var (start, end, axes, step) = SliceArguments();
            if (axes is not null && (axes.Length != 1 || (axes[0] != 0 && axes[0] != -1)))
            {
                throw NodeError("only slices of rank-1 shape tensors are folded");
            }

            return data.Slice1D(start, end, step);
        }

        /// <summary>
        /// A slice of a tensor of zeros along one axis that is not the batch: zeros of the sliced
        /// shape. PyTorch slices a stacked LSTM's (layers, batch, hidden) zero state this way.
        /// </summary>
        private Zeros SliceZeros(Zeros zeros)
        {
            var (start, end, axes, step) = SliceArguments();
            if (axes is { Length: not 1 })
            {
                throw NodeError("only slices along one axis of a tensor of zeros are folded");
            }

            long rank = zeros.Shape.Length;
            long axis = axes is null ? 0 : axes[0] < 0 ? axes[0] + rank : axes[0];
            if (axis < 0 || axis >= rank || zeros.Shape[axis] == OnnxTensor.Batch || step == 0)
            {
                throw NodeError($"slices a tensor of zeros sized by the batch along axis {axis}; only the other axes are folded");
            }

            // The sliced length, by the constant slice's own index rules applied to the axis' indices.
            var indices = OnnxTensor.IntVector([.. Enumerable.Range(0, (int)zeros.Shape[axis]).Select(i => (long)i)]);
            long[] shape = [.. zeros.Shape];
            shape[axis] = indices.Slice1D(start, end, step).Shape[0];
            return new Zeros(shape);
        }

        /// <summary>A Slice node's start, end, axes and step: inputs from opset 10, attributes before.</summary>
        private (long Start, long End, long[]? Axes, long Step) SliceArguments() => Has(1)
            ? (Single(ConstAt(1)), Single(ConstAt(2)), Has(3) ? ConstAt(3).RequireInts(NodeError).Ints : null, Has(4) ? Single(ConstAt(4)) : 1)
            : (Single(IntsAttribute("starts")), Single(IntsAttribute("ends")), IntsAttribute("axes"), 1);

        private long Single(OnnxTensor tensor) =>
            tensor.TryScalarInt(out long v) ? v : throw NodeError($"expected one integer, found {tensor.ShapeText}");

        private long Single(long[]? values) =>
            values is { Length: 1 } ? values[0] : throw NodeError("expected one start and one end");

        private void VisitCast()
        {
            var to = (TensorProto.Types.DataType)IntAttribute("to", 0);
            bool toFloat = to is TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Float16;
            bool toInteger = to is TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Int32 or TensorProto.Types.DataType.Int16
                or TensorProto.Types.DataType.Int8 or TensorProto.Types.DataType.Uint8;
            switch (Get(0))
            {
                case Const c when toFloat || toInteger:
                    Fold(() => c.Tensor.Cast(toInteger));
                    break;
                case Flow when to == TensorProto.Types.DataType.Float:
                    Advance(Head(0).Shape);
                    break;
                default:
                    throw NodeError($"a cast to {to} is not supported here");
            }
        }

        private void VisitDropout()
        {
            if (Has(2) && ConstAt(2).TryScalarInt(out long training) && training != 0)
            {
                throw NodeError("runs in training mode (training_mode = true); export the model in inference mode");
            }

            Define(0, Get(0));
        }

        // ------------------------------------------------------------------------------------
        // The data path
        // ------------------------------------------------------------------------------------

        private void VisitFlatten()
        {
            if (Get(0) is Const c)
            {
                Fold(() =>
                {
                    int axis = (int)IntAttribute("axis", 1);
                    axis = axis < 0 ? axis + c.Tensor.Rank : axis;
                    long outer = c.Tensor.Shape.Take(axis).Aggregate(1L, (a, b) => a * b);
                    return c.Tensor.WithShape([outer, c.Tensor.Count / Math.Max(outer, 1)]);
                });
                return;
            }

            var flow = BatchHead(0);
            int rank = flow.Shape.Length;
            long flattenAxis = IntAttribute("axis", 1);
            long at = flattenAxis < 0 ? flattenAxis + rank : flattenAxis;
            if (at < 1 || at > rank || flow.Shape.Skip(1).Take((int)at - 1).Any(d => d != 1))
            {
                throw NodeError($"flattening {ShapeText(flow.Shape)} at axis {flattenAxis} does not keep the batch dimension first");
            }

            Advance([flow.Shape[0], flow.Features]);
        }

        private void VisitReshape()
        {
            if (Get(0) is Const c)
            {
                Fold(() => c.Tensor.WithShape(ResolveConstShape(c.Tensor, ConstAt(1))));
                return;
            }

            var flow = BatchHead(0);
            var target = ConstAt(1).RequireInts(NodeError);
            bool allowZero = IntAttribute("allowzero", 0) != 0;
            long[] dims = [.. target.Ints!];
            for (var d = 0; d < dims.Length; d++)
            {
                if (dims[d] == 0 && !allowZero)
                {
                    dims[d] = d < flow.Shape.Length ? flow.Shape[d] : throw NodeError($"shape {target} copies dimension {d}, which the input lacks");
                }
            }

            long batch = flow.Shape[0];
            long features = flow.Features;
            int inferred = Array.IndexOf(dims, -1);
            if (dims.Length < 2 || dims.Count(d => d == -1) > 1 || dims.Skip(1).Any(d => d == OnnxTensor.Batch) || dims.Any(d => d < -1 && d != OnnxTensor.Batch))
            {
                throw NodeError($"reshaping {ShapeText(flow.Shape)} to {target} does not keep the batch dimension first");
            }

            // The first dimension must be the batch: the symbolic batch, a copy of it, -1 with the
            // features fixed by the others, or the batch's own fixed size.
            long rest = dims.Skip(1).Where(d => d != -1).Aggregate(1L, (a, b) => a * b);
            if (inferred > 0)
            {
                if (rest == 0 || features % rest != 0)
                {
                    throw NodeError($"reshaping {ShapeText(flow.Shape)} to {target}: {features} features do not divide into {rest}");
                }

                dims[inferred] = features / rest;
                rest = features;
            }

            if (rest != features)
            {
                throw NodeError($"reshaping {ShapeText(flow.Shape)} to {target} moves elements between the batch and the features");
            }

            if (dims[0] == -1 || dims[0] == OnnxTensor.Batch || dims[0] == batch)
            {
                dims[0] = batch;
            }
            else
            {
                throw NodeError($"reshaping {ShapeText(flow.Shape)} to {target} fixes the batch size to {dims[0]} while the model's batch is {(batch == OnnxTensor.Batch ? "dynamic" : batch.ToString(CultureInfo.InvariantCulture))}");
            }

            Advance(dims);
        }

        private long[] ResolveConstShape(OnnxTensor data, OnnxTensor shape)
        {
            long[] dims = [.. shape.RequireInts(NodeError).Ints!];
            for (var d = 0; d < dims.Length; d++)
            {
                if (dims[d] == 0)
                {
                    dims[d] = data.Shape[d];
                }
            }

            int inferred = Array.IndexOf(dims, -1);
            if (inferred >= 0)
            {
                long known = dims.Where(d => d != -1).Aggregate(1L, (a, b) => a * b);
                dims[inferred] = data.Count / Math.Max(known, 1);
            }

            if (dims.Aggregate(1L, (a, b) => a * b) != data.Count)
            {
                throw new FormatException($"cannot reshape {data.ShapeText} to ({string.Join(", ", dims)})");
            }

            return dims;
        }

        private void VisitGemm()
        {
            var flow = BatchHead(0);
            if (IntAttribute("transA", 0) != 0)
            {
                throw NodeError("transA = 1 is not supported (the data must be the first operand, batch first)");
            }

            var b = FloatConst(1, "weight");
            bool transB = IntAttribute("transB", 0) != 0;
            double alpha = FloatAttribute("alpha", 1f);
            double beta = FloatAttribute("beta", 1f);
            if (b.Rank != 2)
            {
                throw NodeError($"weight '{_node.Input[1]}' has shape {b.ShapeText}, not a matrix");
            }

            var w = transB ? b : b.Transpose(null);
            StartLayer(flow, w, alpha, _node.Input[1]);
            if (Has(2))
            {
                AddBias(FloatConst(2, "bias"), beta, _node.Input[2]);
            }

            Advance([flow.Shape[0], _layers[^1].Outputs]);
        }

        private void VisitMatMul()
        {
            if (Get(0) is Const && Get(1) is Const)
            {
                throw NodeError("a product of two constants is not folded");
            }

            if (Get(1) is Flow)
            {
                throw NodeError("the data is the second operand; HwGen needs x @ W with the batch first");
            }

            var flow = BatchHead(0);
            var b = FloatConst(1, "weight");
            if (b.Rank != 2)
            {
                throw NodeError($"weight '{_node.Input[1]}' has shape {b.ShapeText}, not a matrix");
            }

            StartLayer(flow, b.Transpose(null), 1.0, _node.Input[1]);
            Advance([flow.Shape[0], _layers[^1].Outputs]);
        }

        private void VisitAdd()
        {
            var a = Get(0);
            var b = Get(1);
            if (a is Const ca && b is Const cb)
            {
                Fold(() => OnnxTensor.Arithmetic("Add", ca.Tensor, cb.Tensor));
                return;
            }

            if (a is Flow && b is Flow)
            {
                throw NodeError("adds two data tensors (a skip connection), which is not supported");
            }

            int dataInput = a is Flow ? 0 : 1;
            var flow = BatchHead(dataInput);
            if (_layers.Count == 0)
            {
                throw NodeError("adds a constant to the input before any layer; normalise the data before export instead");
            }

            if (_layers[^1].Lstm is not null)
            {
                throw NodeError("adds a constant to an LSTM layer's output, which is not supported");
            }

            if (_layers[^1].Closed)
            {
                throw NodeError("adds a constant after an activation; only a bias right after MatMul or Gemm is supported");
            }

            AddBias(FloatConst(1 - dataInput, "bias"), 1.0, _node.Input[1 - dataInput]);
            Advance(flow.Shape);
        }

        private void VisitActivation(ActivationKind kind)
        {
            if (Get(0) is Const)
            {
                throw NodeError("applies to a constant, which is not folded");
            }

            var flow = BatchHead(0);
            if (_layers.Count == 0)
            {
                throw NodeError("applies to the input before any layer, which the hardware cannot do");
            }

            var layer = _layers[^1];
            if (layer.Lstm is not null)
            {
                throw NodeError($"follows an LSTM layer, whose output is its hidden state; an activation after it is not supported");
            }

            if (layer.Closed && !(kind == ActivationKind.Relu && layer.Activation == ActivationKind.Relu))
            {
                throw NodeError($"follows the layer's {Activations.Name(layer.Activation)}; one activation per layer is supported");
            }

            layer.Activation = kind;
            layer.Closed = true;
            Advance(flow.Shape);
        }

        // ------------------------------------------------------------------------------------
        // LSTM: the node, its zero initial state, and taking its last step
        // ------------------------------------------------------------------------------------

        /// <summary>
        /// ONNX's LSTM as PyTorch exports it: forward, default activations, no clip, no peepholes,
        /// zero initial state, X time-major (steps, batch, features). Its gate blocks, ONNX's i, o, f,
        /// c, become HwGen's i, f, g, o, and the gate matrix [W | R] with bias Wb + Rb.
        /// </summary>
        private void VisitLstm()
        {
            var flow = Head(0);
            if (!flow.TimeMajor || flow.Part != LstmPart.None || flow.Shape.Length != 3)
            {
                throw NodeError($"its input X '{_node.Input[0]}' is {ShapeText(flow.Shape, flow.TimeMajor)}; HwGen expects the sequence as (steps, batch, features), " +
                    "the transpose of a (batch, steps, features) input (PyTorch's batch_first = True)");
            }

            long steps = flow.Shape[0];
            if (steps < 1 || steps == OnnxTensor.Batch)
            {
                throw NodeError("the sequence length is not fixed; export the model with a fixed number of steps");
            }

            string direction = _node.Attribute.FirstOrDefault(a => a.Name == "direction") is { } d ? d.S.ToStringUtf8() : "forward";
            if (direction != "forward")
            {
                throw NodeError($"attribute direction = '{direction}' is not supported: HwGen's lstm layers run forward (no bidirectional or reverse LSTMs)");
            }

            if (_node.Attribute.FirstOrDefault(a => a.Name == "activations") is { } activations
                && !activations.Strings.Select(x => x.ToStringUtf8()).SequenceEqual(["Sigmoid", "Tanh", "Tanh"]))
            {
                throw NodeError($"attribute activations = [{string.Join(", ", activations.Strings.Select(x => x.ToStringUtf8()))}] is not supported: HwGen's lstm layers use Sigmoid, Tanh, Tanh");
            }

            foreach (string name in new[] { "activation_alpha", "activation_beta", "clip" })
            {
                if (_node.Attribute.Any(a => a.Name == name))
                {
                    throw NodeError($"attribute {name} is not supported ({(name == "clip" ? "HwGen's lstm layers do not clip the gate inputs" : "HwGen's lstm layers use the default activations")})");
                }
            }

            if (IntAttribute("input_forget", 0) != 0)
            {
                throw NodeError("attribute input_forget = 1 (coupled input and forget gates) is not supported");
            }

            if (IntAttribute("layout", 0) != 0)
            {
                throw NodeError("attribute layout = 1 (batch-first X and Y) is not supported; export with the default layout 0");
            }

            if (Has(4))
            {
                throw NodeError($"input sequence_lens '{_node.Input[4]}' is not supported: every sequence runs all {steps} steps");
            }

            if (Has(7))
            {
                throw NodeError($"input P '{_node.Input[7]}' (peepholes) is not supported");
            }

            foreach (var (input, role) in new[] { (5, "initial_h"), (6, "initial_c") })
            {
                if (Has(input) && !IsZero(Get(input)))
                {
                    throw NodeError($"input {role} '{_node.Input[input]}' is not zero: HwGen's lstm layers start from a zero state");
                }
            }

            var w = FloatConst(1, "W");
            var r = FloatConst(2, "R");
            long features = flow.Shape[2];
            if (w.Rank != 3 || w.Shape[0] != 1 || w.Shape[1] % 4 != 0 || w.Shape[1] == 0)
            {
                throw NodeError($"W '{_node.Input[1]}' has shape {w.ShapeText}; expected (1, 4 × hidden, features)");
            }

            long hidden = w.Shape[1] / 4;
            if (IntAttribute("hidden_size", hidden) != hidden)
            {
                throw NodeError($"attribute hidden_size = {IntAttribute("hidden_size", hidden)} but W '{_node.Input[1]}' has {w.Shape[1]} gate rows");
            }

            if (w.Shape[2] != features)
            {
                throw NodeError($"W '{_node.Input[1]}' takes {w.Shape[2]} features but the sequence has {features}");
            }

            if (r.Rank != 3 || r.Shape[0] != 1 || r.Shape[1] != 4 * hidden || r.Shape[2] != hidden)
            {
                throw NodeError($"R '{_node.Input[2]}' has shape {r.ShapeText}; expected (1, {4 * hidden}, {hidden})");
            }

            OnnxTensor? b = Has(3) ? FloatConst(3, "B") : null;
            if (b is not null && (b.Count != 8 * hidden || b.Shape[^1] != 8 * hidden))
            {
                throw NodeError($"B '{_node.Input[3]}' has shape {b.ShapeText}; expected (1, {8 * hidden})");
            }

            int h = (int)hidden;
            int f = (int)features;
            int cols = f + h;
            var weights = new double[4 * h * cols];
            var bias = new double[4 * h];
            for (var gate = 0; gate < 4; gate++)
            {
                int onnxGate = OnnxGateOf[gate];
                for (var k = 0; k < h; k++)
                {
                    int row = (gate * h) + k;
                    int onnxRow = (onnxGate * h) + k;
                    for (var j = 0; j < f; j++)
                    {
                        weights[(row * cols) + j] = w.Floats![(onnxRow * f) + j];
                    }

                    for (var j = 0; j < h; j++)
                    {
                        weights[(row * cols) + f + j] = r.Floats![(onnxRow * h) + j];
                    }

                    bias[row] = b is null ? 0 : b.Floats![onnxRow] + b.Floats![(4 * h) + onnxRow];
                }
            }

            if (_layers.Count > 0)
            {
                if (_layers[^1].Lstm is not { ReturnSequence: true })
                {
                    throw NodeError("follows a fully connected layer; HwGen's lstm layers take the network's input sequence or a previous LSTM's whole sequence");
                }

                _layers[^1].Closed = true;
                _layers[^1].OutputTensor = _node.Input[0];
                _layers[^1].OutputTimeMajor = true;
            }

            string weightName = _node.Input[1];
            _layers.Add(new LayerBuilder
            {
                Inputs = cols,
                Outputs = 4 * h,
                Weights = weights,
                Bias = bias,
                NameCandidates = [_producers.ContainsKey(weightName) ? null : weightName, _node.Name],
                Lstm = new LstmShape(h, f, (int)steps, ReturnSequence: true),
                Activation = ActivationKind.None,
                Closed = true,
            });

            long batch = flow.Shape[1];
            _step++;
            Define(0, new Flow([steps, 1, batch, hidden], _step, TimeMajor: true, Part: LstmPart.Sequence));
            if (_node.Output.Count > 1 && _node.Output[1].Length > 0)
            {
                _values[_node.Output[1]] = new Flow([1, batch, hidden], _step, Part: LstmPart.LastHidden);
            }

            if (_node.Output.Count > 2 && _node.Output[2].Length > 0)
            {
                _cellStates[_node.Output[2]] = _nodeName;
            }
        }

        private static string CellStateUse(string tensor, string lstm) =>
            $"tensor '{tensor}' is the final cell state (Y_c) of LSTM node '{lstm}'; HwGen keeps an LSTM's cell state inside the layer and imports only its hidden states (Y, Y_h)";

        /// <summary>For HwGen's gate blocks i, f, g, o, the ONNX block (ONNX orders them i, o, f, c).</summary>
        private static readonly int[] OnnxGateOf = [0, 2, 3, 1];

        private static bool IsZero(Value value) => value switch
        {
            Zeros => true,
            Const c => c.Tensor.IsInteger ? c.Tensor.Ints!.All(v => v == 0) : c.Tensor.Floats!.All(v => v == 0),
            _ => false,
        };

        /// <summary>The LSTM layer whose sequence a node takes the last step of; its output becomes the last state.</summary>
        private void TakeLastStep(long steps)
        {
            if (_layers.Count == 0 || _layers[^1].Lstm is not { ReturnSequence: true } lstm || lstm.Steps != steps)
            {
                throw NodeError("takes a step of a sequence that is not an LSTM layer's output");
            }

            _layers[^1].Lstm = lstm with { ReturnSequence = false };
        }

        private void VisitConstantOfShape()
        {
            long[] shape = ConstAt(0).RequireInts(NodeError).Ints!;
            OnnxTensor fill = _node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } t }
                ? Decode(t, $"node '{_nodeName}' value")
                : OnnxTensor.FromFloats([0.0], 1);
            if (shape.Contains(OnnxTensor.Batch))
            {
                Define(0, IsZero(new Const(fill))
                    ? new Zeros(shape)
                    : throw NodeError($"fills a batch-sized tensor with {fill}; HwGen folds batch-sized tensors only as zeros (an LSTM's initial state)"));
                return;
            }

            long count = shape.Aggregate(1L, (a, b) => a * b);
            Fold(() => fill.IsInteger
                ? OnnxTensor.FromInts(Enumerable.Repeat(fill.Ints![0], (int)count).ToArray(), shape)
                : OnnxTensor.FromFloats(Enumerable.Repeat(fill.Floats![0], (int)count).ToArray(), shape));
        }

        private void VisitExpand()
        {
            var data = Get(0);
            long[] target = ConstAt(1).RequireInts(NodeError).Ints!;
            if (data is Flow || !IsZero(data))
            {
                throw NodeError("expands a tensor that is not a constant zero; HwGen folds Expand only for an LSTM's zero initial state");
            }

            long[] from = data is Zeros z ? z.Shape : ((Const)data).Tensor.Shape;
            int rank = Math.Max(from.Length, target.Length);
            var shape = new long[rank];
            for (var i = 0; i < rank; i++)
            {
                long a = i - (rank - from.Length) >= 0 ? from[i - (rank - from.Length)] : 1;
                long b = i - (rank - target.Length) >= 0 ? target[i - (rank - target.Length)] : 1;
                shape[i] = a == 1 ? b : b == 1 || b == a ? a : throw NodeError($"cannot expand {ShapeText(from)} to {ShapeText(target)}");
            }

            Define(0, new Zeros(shape));
        }

        private void VisitTransposeFlow()
        {
            var flow = Head(0);
            long[]? perm = IntsAttribute("perm");
            if (flow.Part != LstmPart.None || flow.Shape.Length != 3 || perm is null || !perm.SequenceEqual([1L, 0, 2]))
            {
                throw NodeError($"transposes the data {ShapeText(flow.Shape, flow.TimeMajor)} with perm [{string.Join(", ", perm ?? [])}]; " +
                    "only the swap of batch and steps of a 3-D sequence (perm [1, 0, 2]) is supported");
            }

            _step++;
            Define(0, new Flow([flow.Shape[1], flow.Shape[0], flow.Shape[2]], _step, !flow.TimeMajor));
        }

        private void VisitSqueezeFlow()
        {
            var flow = Head(0);
            int rank = flow.Shape.Length;
            var axes = (Axes() ?? throw NodeError("squeezes the data without axes; name them")).Select(a => (int)(a < 0 ? a + rank : a)).Distinct().Order().ToList();
            int batchAxis = flow.Part switch { LstmPart.Sequence => 2, _ when flow.TimeMajor => 1, LstmPart.LastHidden => 1, _ => 0 };
            if (axes.Any(a => a < 0 || a >= rank || a == batchAxis || flow.Shape[a] != 1))
            {
                throw NodeError($"squeezes axes [{string.Join(", ", axes)}] of {ShapeText(flow.Shape, flow.TimeMajor)}, which are not all of size 1 beside the batch");
            }

            long[] shape = [.. flow.Shape.Where((_, i) => !axes.Contains(i))];
            bool timeGone = flow.TimeMajor && axes.Contains(0);
            switch (flow.Part)
            {
                case LstmPart.Sequence when !axes.Contains(1):
                    throw NodeError("squeezes an LSTM's Y without its directions axis (1)");
                case LstmPart.LastHidden:
                    TakeLastStep(_layers.Count > 0 && _layers[^1].Lstm is { } last ? last.Steps : 0);
                    timeGone = true;
                    break;
                case LstmPart.Sequence or LstmPart.None when timeGone:
                    // A steps axis of size 1: a Slice took the last step already, or the sequence is one step long.
                    if (_layers.Count > 0 && _layers[^1].Lstm is { ReturnSequence: true })
                    {
                        TakeLastStep(1);
                    }

                    break;
            }

            _step++;
            Define(0, new Flow(shape, _step, flow.TimeMajor && !timeGone));
        }

        /// <summary>Gather of the last step of an LSTM's sequence (or of Y_h's only direction).</summary>
        private void VisitGatherStep()
        {
            var flow = Head(0);
            int rank = flow.Shape.Length;
            long axisAttribute = IntAttribute("axis", 0);
            int axis = (int)(axisAttribute < 0 ? axisAttribute + rank : axisAttribute);
            var indices = ConstAt(1).RequireInts(NodeError);
            if (indices.Rank != 0 || !indices.TryScalarInt(out long index))
            {
                throw NodeError($"gathers {indices.ShapeText} indices from the data; only one step (a scalar index) can be taken");
            }

            int timeAxis = flow.Part == LstmPart.None ? (flow.TimeMajor ? 0 : 1) : 0;
            long steps = axis >= 0 && axis < rank ? flow.Shape[axis] : 0;
            bool last = axis == timeAxis && (index == -1 || index == steps - 1);
            if (!last || (flow.Part == LstmPart.None && rank != 3))
            {
                throw NodeError($"gathers index {index} on axis {axisAttribute} of {ShapeText(flow.Shape, flow.TimeMajor)}; HwGen takes an LSTM's last step only (index −1 on the steps axis)");
            }

            TakeLastStep(flow.Part == LstmPart.LastHidden && _layers.Count > 0 && _layers[^1].Lstm is { } l ? l.Steps : steps);
            long[] shape = [.. flow.Shape.Where((_, i) => i != axis)];
            _step++;
            Define(0, flow.Part switch
            {
                LstmPart.Sequence => new Flow(shape, _step, Part: LstmPart.LastHidden),
                _ => new Flow(shape, _step),
            });
        }

        /// <summary>Slice of the last step of an LSTM's sequence: the steps axis to [T − 1, T).</summary>
        private void VisitSliceStep()
        {
            var flow = Head(0);
            int rank = flow.Shape.Length;
            if (!Has(1) || !Has(2))
            {
                throw NodeError("slices the data with attributes (opset < 10); only Slice with starts and ends inputs is supported on an LSTM's output");
            }

            long start = Single(ConstAt(1));
            long end = Single(ConstAt(2));
            long axisValue = Has(3) ? Single(ConstAt(3)) : 0;
            long step = Has(4) ? Single(ConstAt(4)) : 1;
            int axis = (int)(axisValue < 0 ? axisValue + rank : axisValue);
            int timeAxis = flow.Part == LstmPart.None && !flow.TimeMajor ? 1 : 0;
            long steps = axis >= 0 && axis < rank ? flow.Shape[axis] : 0;
            bool last = axis == timeAxis && step == 1 && (start == -1 || start == steps - 1) && (end >= steps || end == long.MaxValue);
            if (!last || flow.Part == LstmPart.LastHidden)
            {
                throw NodeError($"slices [{start}, {end}) on axis {axisValue} of {ShapeText(flow.Shape, flow.TimeMajor)}; HwGen takes an LSTM's last step only ([-1:] on the steps axis)");
            }

            TakeLastStep(steps);
            long[] shape = [.. flow.Shape];
            shape[axis] = 1;
            _step++;
            Define(0, flow with { Shape = shape, Step = _step });
        }

        private OnnxTensor FloatConst(int input, string role)
        {
            var value = Get(input);
            if (value is not Const c)
            {
                throw NodeError($"the {role} '{_node.Input[input]}' is not a constant");
            }

            if (c.Tensor.IsInteger)
            {
                throw NodeError($"the {role} '{_node.Input[input]}' is an integer tensor");
            }

            if (c.Tensor.Floats!.Any(v => !double.IsFinite(v)))
            {
                throw NodeError($"the {role} '{_node.Input[input]}' holds a value that is not finite");
            }

            return c.Tensor;
        }

        /// <summary>Starts a layer with weights <paramref name="w"/> (outputs × inputs) on the data.</summary>
        private void StartLayer(Flow flow, OnnxTensor w, double alpha, string weightName)
        {
            if (flow.Shape.Length != 2)
            {
                throw NodeError($"its data input has shape {ShapeText(flow.Shape)}; flatten it to (batch, features) first");
            }

            long outputs = w.Shape[0];
            long inputs = w.Shape[1];
            if (inputs != flow.Features)
            {
                throw NodeError($"weight '{weightName}' takes {inputs} inputs but the data has {flow.Features} features");
            }

            if (outputs < 1)
            {
                throw NodeError($"weight '{weightName}' has no outputs");
            }

            if (_layers.Count > 0)
            {
                _layers[^1].Closed = true;
                _layers[^1].OutputTensor = _node.Input[0];
                _layers[^1].OutputTimeMajor = false;
            }

            double[] weights = alpha == 1.0 ? w.Floats! : w.Floats!.Select(v => alpha * v).ToArray();
            _layers.Add(new LayerBuilder
            {
                Inputs = (int)inputs,
                Outputs = (int)outputs,
                Weights = weights,
                Bias = new double[outputs],
                // A folded weight's tensor (a Transpose's output, say) is named by the exporter, not the model.
                NameCandidates = [_producers.ContainsKey(weightName) ? null : weightName, _node.Name],
            });
        }

        private void AddBias(OnnxTensor c, double beta, string biasName)
        {
            var layer = _layers[^1];
            bool broadcastRow = c.Count == layer.Outputs && (c.Rank == 1 || (c.Rank == 2 && c.Shape[0] == 1));
            bool scalar = c.Count == 1 && c.Shape.All(d => d == 1);
            if (!broadcastRow && !scalar)
            {
                throw NodeError($"bias '{biasName}' has shape {c.ShapeText}; expected ({layer.Outputs},) or a scalar");
            }

            for (var i = 0; i < layer.Outputs; i++)
            {
                layer.Bias[i] += beta * c.Floats![scalar ? 0 : i];
            }

            // The weight's name comes first; the bias's helps when the weight's is generated.
            layer.NameCandidates.Insert(1, biasName);
        }

        private OnnxImport Finish(GraphProto graph, string inputName, long[] inputShape, long opset)
        {
            if (graph.Output.Count != 1)
            {
                throw new OnnxImportException(file, $"the graph has {graph.Output.Count} outputs; HwGen imports networks with one output");
            }

            string outputName = graph.Output[0].Name;
            if (_cellStates.TryGetValue(outputName, out string? cellOf))
            {
                throw new OnnxImportException(file, $"the graph output '{outputName}': {CellStateUse(outputName, cellOf)}");
            }

            if (!_values.TryGetValue(outputName, out var output) || output is not Flow flow)
            {
                throw new OnnxImportException(file, $"the graph output '{outputName}' is not computed from the input by the supported nodes");
            }

            if (_layers.Count == 0)
            {
                throw new OnnxImportException(file, "the graph has no fully connected layer (Gemm or MatMul with a constant weight)");
            }

            if (flow.Step != _step)
            {
                throw new OnnxImportException(file, $"the graph output '{outputName}' is not the end of the chain of layers: the graph branches");
            }

            bool sequenceOut = _layers[^1].Lstm is { ReturnSequence: true } && flow.Shape.Length == 3 && !flow.TimeMajor && flow.Part == LstmPart.None;
            if (flow.Shape.Length != 2 && !sequenceOut)
            {
                throw new OnnxImportException(file, $"the graph output '{outputName}' has shape {ShapeText(flow.Shape, flow.TimeMajor)}, not (batch, outputs)" +
                    (flow.TimeMajor || flow.Part != LstmPart.None ? " (an LSTM's output: take the last step, or transpose the sequence to (batch, steps, hidden))" : string.Empty));
            }

            _layers[^1].OutputTensor = outputName;
            _layers[^1].OutputTimeMajor = false;
            var taken = new HashSet<string>(StringComparer.Ordinal);
            var layers = _layers.Select((l, i) => new FloatLayer(
                OnnxLayerNames.Choose(l.NameCandidates, i, taken), l.Outputs, l.Inputs, l.Weights, l.Bias, l.Activation, l.Lstm)).ToList();
            for (var l = 1; l < layers.Count; l++)
            {
                if (layers[l].Lstm is not null && layers[l - 1].Lstm is not { ReturnSequence: true })
                {
                    throw new OnnxImportException(file, $"LSTM layer '{layers[l].Name}' follows '{layers[l - 1].Name}', which does not give a sequence; HwGen's lstm layers take the network's input or a previous LSTM's whole sequence");
                }
            }

            string producer = string.Join(" ", new[] { model.ProducerName, model.ProducerVersion }.Where(s => s.Length > 0));
            return new OnnxImport
            {
                File = file,
                Network = new FloatNetwork(layers),
                InputName = inputName,
                InputShape = inputShape,
                LayerOutputTensors = _layers.Select(l => l.OutputTensor).ToList(),
                LayerOutputTimeMajor = _layers.Select(l => l.OutputTimeMajor).ToList(),
                Opset = opset,
                Producer = producer,
            };
        }

        private static string ShapeText(long[] shape, bool timeMajor = false) =>
            "(" + string.Join(", ", shape.Select(d => d == OnnxTensor.Batch ? "batch" : d.ToString(CultureInfo.InvariantCulture))) + ")" +
            (timeMajor ? " (time-major)" : string.Empty);
    }
}

/// <summary>Helpers on constant tensors used by the importer.</summary>
internal static class OnnxTensorChecks
{
    /// <summary>The tensor itself when it holds integers; otherwise the error <paramref name="error"/> builds.</summary>
    public static OnnxTensor RequireInts(this OnnxTensor tensor, Func<string, Exception> error) =>
        tensor.IsInteger ? tensor : throw error($"expected an integer tensor, found floats {tensor}");
}
