using HwGen.Data;

namespace HwGen.Onnx;

/// <summary>
/// A model imported from ONNX: the float network, plus what running the original model in ONNX
/// Runtime needs (the input's name and shape, each layer's output tensor).
/// </summary>
public sealed record OnnxImport
{
    /// <summary>The model file as the user named it.</summary>
    public required string File { get; init; }

    /// <summary>The dense layers found in the graph, in order.</summary>
    public required FloatNetwork Network { get; init; }

    /// <summary>The graph input's name.</summary>
    public required string InputName { get; init; }

    /// <summary>
    /// The graph input's shape with every dimension resolved, the first being the batch; that one
    /// is −1 when dynamic (any batch size runs).
    /// </summary>
    public required long[] InputShape { get; init; }

    /// <summary>Per layer, the graph tensor that holds its output (after the activation); the last is the graph output.</summary>
    public required IReadOnlyList<string> LayerOutputTensors { get; init; }

    /// <summary>
    /// Per layer, whether its output tensor is an LSTM sequence laid out time-major (steps, batch,
    /// hidden), as the next LSTM node takes it; false for (batch, …). Empty: all batch-major.
    /// </summary>
    public IReadOnlyList<bool> LayerOutputTimeMajor { get; init; } = [];

    /// <summary>The default-domain operator set the model imports.</summary>
    public required long Opset { get; init; }

    /// <summary>The exporter, e.g. <c>pytorch 1.13.0</c> (empty when the model does not say).</summary>
    public required string Producer { get; init; }

    /// <summary>The batch size every run must use, or null when the batch dimension is dynamic.</summary>
    public long? FixedBatch => InputShape[0] < 0 ? null : InputShape[0];
}
