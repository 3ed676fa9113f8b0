using System.Globalization;

namespace HwGen.Platform;

/// <summary>
/// How much memory HwGen may allocate: what .NET reports the machine (or the container, or
/// <c>DOTNET_GCHeapHardLimit</c>) gives the process. Inputs whose size would exceed it are refused
/// up front with a message that says so, instead of failing with an OutOfMemoryException.
/// </summary>
public static class MemoryBudget
{
    /// <summary>
    /// Peak memory per weight of a layer, dense as HwGen holds it while compressing (an 8-byte float,
    /// its codes, masks and sort keys): <c>hwgen estimate</c> of a random 4096 × 8192 layer peaks
    /// 224 MB above a 4096 × 4096 one (<c>/usr/bin/time -v</c>), 13.4 bytes per weight; 16 leaves room.
    /// </summary>
    public const long BytesPerWeight = 16;

    /// <summary>Memory per activation of a run's vectors: the float input, its quantized copy, the golden model's outputs and their text form.</summary>
    public const long BytesPerActivation = 32;

    /// <summary>The bytes HwGen may use (the GC's total available memory).</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>"the 23.5 GB this machine gives HwGen" for messages.</summary>
    public static string Available => $"the {Size(AvailableBytes)} this machine gives HwGen";

    /// <summary>A byte count for people: 512 B, 1.5 MB, 16.0 GB, 4.3 TB (powers of 1000).</summary>
    public static string Size(double bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        int unit = 0;
        while (bytes >= 1000 && unit < units.Length - 1)
        {
            bytes /= 1000;
            unit++;
        }

        return unit == 0 ? $"{bytes:0} B" : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {units[unit]}");
    }
}
