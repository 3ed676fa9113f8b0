using System.Globalization;
using System.Text;

namespace HwGen.Hardware;

/// <summary>
/// A 32-bit identity of a design's hardware and weights (FNV-1a over its shape and its memory
/// contents). The board top reports it and the host code checks it before loading, so a host
/// program never drives a bitstream of another design.
/// </summary>
public static class DesignSignature
{
    public static uint Compute(HardwareLayout layout)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{layout.Network.Name} {layout.Pes} {layout.ActivationBits} {layout.WeightBits} {layout.AccumulatorBits} ");
        text.Append(CultureInfo.InvariantCulture,
            $"{layout.CodeBits} {layout.IndexBits} {layout.LineEntries} {layout.FifoDepth} {layout.Network.InputSize} {layout.Network.OutputSize}\n");
        text.Append(MemoryMap.LoadScript(layout));
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(text.ToString()))
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }
}
