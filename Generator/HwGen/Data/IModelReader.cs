namespace HwGen.Data;

/// <summary>
/// Reads the dense layers of a trained model file, for layers whose weights have
/// <c>source: onnx</c> (the ONNX importer implements it; the loader sits below it).
/// </summary>
public interface IModelReader
{
    /// <summary>The model's layers, by the names the import gives them.</summary>
    /// <param name="path">The model file, resolved.</param>
    /// <param name="displayName">How messages name it (as the config wrote it).</param>
    /// <exception cref="InvalidDataException">The model cannot be read or imported; the message says why.</exception>
    FloatNetwork Read(string path, string displayName);
}
