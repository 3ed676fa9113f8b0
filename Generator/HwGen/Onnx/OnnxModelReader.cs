using HwGen.Data;

namespace HwGen.Onnx;

/// <summary>Reads layers for <c>source: onnx</c> weights through <see cref="OnnxImporter"/>.</summary>
public sealed class OnnxModelReader : IModelReader
{
    /// <summary>The one reader (it holds no state).</summary>
    public static OnnxModelReader Instance { get; } = new();

    /// <inheritdoc/>
    public FloatNetwork Read(string path, string displayName)
    {
        try
        {
            return OnnxImporter.Import(path, displayName).Network;
        }
        catch (OnnxImportException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
