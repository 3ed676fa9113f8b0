namespace HwGen.Onnx;

/// <summary>
/// A model HwGen cannot import: unreadable, truncated or corrupt, or a graph with an operator or
/// a shape it does not support. The message names the file and, where one is at fault, the node
/// and its operator type. The CLI maps it to exit code 2.
/// </summary>
public sealed class OnnxImportException : Exception
{
    /// <summary>A problem with the model as a whole.</summary>
    public OnnxImportException(string file, string reason)
        : base($"{file}: {reason}")
    {
        File = file;
        Reason = reason;
    }

    /// <summary>A problem with one node.</summary>
    public OnnxImportException(string file, string node, string opType, string reason)
        : base($"{file}: node '{node}' ({opType}): {reason}")
    {
        File = file;
        Node = node;
        OpType = opType;
        Reason = reason;
    }

    /// <summary>The model file as the user named it.</summary>
    public string File { get; }

    /// <summary>The node at fault (its name, or <c>#index</c> when it has none), or null.</summary>
    public string? Node { get; }

    /// <summary>The node's operator type, or null.</summary>
    public string? OpType { get; }

    /// <summary>Why the model cannot be imported.</summary>
    public string Reason { get; }
}
