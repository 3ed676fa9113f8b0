using HwGen.Configuration;

namespace HwGen.Compression;

/// <summary>
/// The external memory an external-weight design reads its sparse matrices from: an AXI4 port
/// of <see cref="DataBytes"/> bytes per beat with a bandwidth, a latency and a burst limit.
/// DramTiming (Model/DramTiming.cs) models its timing exactly; Testbenches/hwgen_axi_mem.sv implements it.
/// </summary>
/// <param name="DataBytes">
/// Bytes per beat, D: a power of two from 4 to 64 (a 32- to 512-bit data bus).
/// </param>
/// <param name="BytesPerCycle">
/// Sustained bandwidth B in bytes per cycle, 1 to D: a beat of D bytes costs D / B cycles of
/// credit (D = 64, B = 8: one beat every 8 cycles; B = D: one beat per cycle).
/// </param>
/// <param name="LatencyCycles">
/// Cycles L from a request's acceptance to the earliest cycle its first beat may be presented,
/// 1 to 255.
/// </param>
/// <param name="MaxBurstBytes">
/// Largest burst in bytes M: a power of two from D to 4096. A burst is at most
/// <see cref="MaxBurstBeats"/> = min(256, M / D) beats and never crosses a 4 KB boundary.
/// </param>
/// <param name="Outstanding">
/// Requests the master may have in flight (accepted, last beat not yet received), 1 to
/// <see cref="MaxOutstanding"/>. The memory itself serves any number in order; this bounds the
/// master, and the simulated memory's queue holds <see cref="MaxOutstanding"/>.
/// </param>
public sealed record DramParameters(int DataBytes, int BytesPerCycle, int LatencyCycles, int MaxBurstBytes, int Outstanding)
{
    /// <summary>Requests hwgen_axi_mem queues (its QueueDepth), so the most a master may have in flight.</summary>
    public const int MaxOutstanding = 64;

    /// <summary>The longest burst in beats: min(256, MaxBurstBytes / DataBytes).</summary>
    public int MaxBurstBeats => Math.Min(256, MaxBurstBytes / DataBytes);

    /// <summary>Every problem with these values, in words naming the key (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        bool dataOk = IsPowerOfTwo(DataBytes) && DataBytes is >= 4 and <= 64;
        if (!dataOk)
        {
            problems.Add($"data_bytes must be a power of two from 4 to 64 (a 32- to 512-bit port), not {DataBytes}");
        }

        if (BytesPerCycle < 1 || (dataOk && BytesPerCycle > DataBytes))
        {
            problems.Add(dataOk
                ? $"bytes_per_cycle must be from 1 to data_bytes ({DataBytes}), not {BytesPerCycle}"
                : $"bytes_per_cycle must be at least 1, not {BytesPerCycle}");
        }

        if (LatencyCycles is < 1 or > 255)
        {
            problems.Add($"latency_cycles must be from 1 to 255, not {LatencyCycles}");
        }

        if (!IsPowerOfTwo(MaxBurstBytes) || MaxBurstBytes > 4096 || (dataOk && MaxBurstBytes < DataBytes))
        {
            problems.Add(dataOk
                ? $"max_burst_bytes must be a power of two from data_bytes ({DataBytes}) to 4096, not {MaxBurstBytes}"
                : $"max_burst_bytes must be a power of two up to 4096, not {MaxBurstBytes}");
        }

        if (Outstanding is < 1 or > MaxOutstanding)
        {
            problems.Add($"outstanding must be from 1 to {MaxOutstanding}, not {Outstanding}");
        }

        return problems;
    }

    private static bool IsPowerOfTwo(int x) => x > 0 && (x & (x - 1)) == 0;
}

/// <summary>
/// The engine's memory system when the sparse-matrix entries are in external DRAM: how far the
/// scanner may run ahead of the broadcast, each PE's capture buffer, and the beat buffer.
/// </summary>
/// <param name="Dram">The memory and the AXI port (<see cref="DramParameters"/>).</param>
/// <param name="ColumnQueue">Columns the scanner may announce ahead of the broadcast (Q).</param>
/// <param name="PeRows">Rows of each PE's capture buffer (a row holds one beat and the lanes of the PE's segment in it).</param>
/// <param name="BeatBuffer">Beats the core can hold between the R channel and the PEs (read requests are issued only for room in it).</param>
public sealed record ExternalMemorySystem(DramParameters Dram, int ColumnQueue, int PeRows, int BeatBuffer)
{
    /// <summary>Longest burst in beats: max_burst_bytes, at most 256 beats.</summary>
    public int MaxBurstBeats => Math.Min(256, Dram.MaxBurstBytes / Dram.DataBytes);

    /// <summary>
    /// The generator's sizes for a memory: the column queue covers the latency (8 + latency / 4
    /// columns, at most 64); 8 capture rows a PE behind a port wider than 64 bits, 4 behind a
    /// narrower one (which delivers at most 8 bytes a cycle, too few to keep PEs that run ahead
    /// busy: alex8's cycles at 8 bytes a cycle are the same with 4 rows, while at 64 bytes a cycle
    /// 4 rows would cost 5 %); the beat buffer holds a longest burst plus what arrives during the
    /// latency at full bandwidth (read requests wait for room, so the R channel never stalls).
    /// </summary>
    public static ExternalMemorySystem Size(DramConfig dram)
    {
        int dataBytes = dram.DataBits / 8;
        var parameters = new DramParameters(dataBytes, dram.BytesPerCycle, dram.LatencyCycles, dram.MaxBurstBytes, dram.Outstanding);
        int maxBurst = Math.Min(256, dram.MaxBurstBytes / dataBytes);
        int queue = Math.Min(64, 8 + ((dram.LatencyCycles + 3) / 4));
        int buffer = maxBurst + (int)(((long)(dram.LatencyCycles + 8) * dram.BytesPerCycle + dataBytes - 1) / dataBytes);
        int rows = dataBytes > 8 ? 8 : 4;
        return new ExternalMemorySystem(parameters, queue, rows, buffer);
    }
}
