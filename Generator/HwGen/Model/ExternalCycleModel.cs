using HwGen.Compression;
using HwGen.Hardware;

namespace HwGen.Model;

/// <summary>One layer's cycles with external weights, and what the memory did.</summary>
/// <param name="Cycles">The layer's cycles and where they go (<see cref="LayerCycles.MemoryIdlePeCycles"/> among them).</param>
/// <param name="BeatsFetched">Beats the port delivered.</param>
/// <param name="Bursts">Read bursts issued.</param>
public sealed record ExternalLayerRun(LayerCycles Cycles, long BeatsFetched, long Bursts);

/// <summary>
/// Cycle-by-cycle model of the engine with external weights (docs/microarchitecture.md, "Weights
/// in external DRAM"): the scanner announces columns into a queue ahead of the broadcast; an
/// announced column's beats are requested (INCR bursts, a beat shared with the previous column
/// fetched once); beats enter the beat buffer and each PE copies the beats that hold its entries
/// into its capture buffer; the PE's issue stage waits for its next entry to be there. Everything
/// else is the on-chip engine's timing (<see cref="CycleModel.RunLayerStepped"/>).
/// </summary>
public static class ExternalCycleModel
{
    /// <summary>Runs one fully connected layer.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="layerIndex">Its index in the network (its region in <paramref name="layout"/>).</param>
    /// <param name="layout">The DRAM layout.</param>
    /// <param name="pes">N.</param>
    /// <param name="fifoDepth">The activation queue's depth.</param>
    /// <param name="system">The memory system.</param>
    /// <param name="nonZero">Which hardware columns are broadcast.</param>
    public static ExternalLayerRun RunLayer(
        CompressedLayer layer, int layerIndex, ExternalLayout layout, int pes, int fifoDepth, ExternalMemorySystem system, bool[] nonZero)
    {
        int cols = layer.HwCols;
        int groups = (cols + pes - 1) / pes;
        int perBeat = layout.EntriesPerBeat;
        long region = layout.RegionBeat[layerIndex];
        var colBase = layout.ColumnBase[layerIndex];
        var peOffset = layout.PeOffset[layerIndex];
        var dram = system.Dram;
        int maxBurst = Math.Min(256, dram.MaxBurstBytes / dram.DataBytes);
        long beatsPer4K = Math.Max(1, 4096 / dram.DataBytes);

        var (columns, work, usefulMacs, entries, groupStart) = CycleModel.ScanWork(layer, pes, nonZero);
        int k = columns.Count;

        // Scanner.
        int group = 0, next = 0;
        bool active = false, done = false;
        long lastAnnounce = -10;

        // Announced columns: `announced` so far, `broadcast` so far; the announce of cycle t is
        // pushed at the end of t + 1 (after the pointer and column-base reads), so column i can be
        // broadcast from announcedAt[i] + 2 on.
        var announcedAt = new long[k];
        int announced = 0, broadcastCount = 0;
        int genPending = -1;

        // Read requests: ranges of beats [First, Last] still to request, the head one partly
        // requested (`First` advances); the burst launched into the AR register (accepted by the
        // memory the next cycle); bursts accepted and not yet complete, in order.
        var ranges = new LinkedList<(long First, long Last)>();
        var inFlight = new Queue<(long First, int Beats)>();
        long lastRequested = -1;
        int outstanding = 0;
        int free = system.BeatBuffer;
        var timing = new DramTiming(dram);
        int beatInBurst = 0;
        (long First, int Beats)? arReg = null;

        // Beat buffer: beat index and the cycle from which it is visible.
        var beats = new Queue<(long Beat, long From)>();

        // Per PE: segments of announced columns (absolute slots [s, e), visible from), capture
        // progress, capture-buffer rows (entries in each), entries captured and not issued.
        var segs = new Queue<(long S, long E, long From)>[pes];
        var progress = new long[pes];
        var rows = new Queue<int>[pes];
        var headLeft = new int[pes];
        var captured = new int[pes]; // entries each PE captures this cycle, −1 for none
        var avail = new int[pes];
        for (int p = 0; p < pes; p++)
        {
            segs[p] = new Queue<(long, long, long)>();
            rows[p] = new Queue<int>();
            progress[p] = -1;
        }

        // PE issue registers, as on chip.
        var pend = new bool[pes];
        var pendWork = new int[pes];
        var queue = new int[pes * fifoDepth];
        var head = new int[pes];
        var count = new int[pes];
        var busy = new bool[pes];
        var left = new int[pes];
        var s1 = new bool[pes];
        var s2 = new bool[pes];

        long fetched = 0, bursts = 0;
        var remaining = new long[pes];
        for (int i = 0; i < k; i++)
        {
            for (int p = 0; p < pes; p++)
            {
                remaining[p] += work[(i * pes) + p];
            }
        }

        // Where the idle PE-cycles of the issue window go, as of the last issue (as on chip, and
        // `memory`: a PE with a column taken waits for its next entry).
        long stallCycles = 0, idlePeCycles = 0;
        long firstIssue = -1, lastIssue = -1;
        long tail = 0, stall = 0, scan = 0, memory = 0;
        long tailAtLast = 0, stallAtLast = 0, scanAtLast = 0, memoryAtLast = 0;
        long t = 0;
        for (; ; t++)
        {
            bool allIdle = done && broadcastCount == k && genPending < 0 && beats.Count == 0 && outstanding == 0 && ranges.Count == 0;
            for (int p = 0; allIdle && p < pes; p++)
            {
                allIdle = !pend[p] && count[p] == 0 && !busy[p] && !s1[p] && !s2[p];
            }

            if (allIdle)
            {
                break;
            }

            // Scanner: announce the next column when the column queue has room.
            bool offer = active && next < groupStart[group + 1];
            bool announce = offer && announced - broadcastCount < system.ColumnQueue
                && ranges.Count + (genPending >= 0 ? 1 : 0) < Math.Max(2, system.ColumnQueue);
            int announcedNow = next;

            // Broadcast of the oldest announced column when every PE is ready.
            bool allReady = true;
            for (int p = 0; allReady && p < pes; p++)
            {
                allReady = count[p] + (pend[p] ? 1 : 0) < fifoDepth;
            }

            bool fire = broadcastCount < announced && announcedAt[broadcastCount] + 2 <= t && allReady;
            int fired = broadcastCount;

            // Read address channel: the burst in the AR register is accepted now (arready is 1);
            // the next burst is launched from the head range when one may be outstanding and its
            // beats have room: as many beats as the range, the burst limit and the 4 KB boundary allow.
            bool arAccept = arReg is not null;
            (long First, int Beats)? launch = null;
            if (ranges.Count > 0 && outstanding < dram.Outstanding)
            {
                var (first, last) = ranges.First!.Value;
                int n = (int)Math.Min(last - first + 1, Math.Min(maxBurst, beatsPer4K - (first % beatsPer4K)));
                if (free >= n)
                {
                    launch = (first, n);
                }
            }

            // Read data channel (rready is always 1).
            bool rFire = timing.BeatValid;

            // Distributor: the beat at the head of the buffer, if visible.
            bool haveBeat = beats.Count > 0 && beats.Peek().From <= t;
            long beat = haveBeat ? beats.Peek().Beat : -1;
            bool settled = done && lastAnnounce <= t - 2;
            bool releasable = haveBeat && (beat < lastRequested || settled);
            for (int p = 0; p < pes; p++)
            {
                captured[p] = -1;
                if (!haveBeat || segs[p].Count == 0 || segs[p].Peek().From > t)
                {
                    continue;
                }

                var (s, e, _) = segs[p].Peek();
                long at = Math.Max(progress[p], s);
                long atBeat = region + (at / perBeat);
                if (atBeat < beat)
                {
                    throw new InvalidOperationException($"PE {p} lost slot {at} (beat {atBeat} released before beat {beat})");
                }

                if (atBeat != beat)
                {
                    continue;
                }

                bool room = rows[p].Count < system.PeRows;
                long beatEnd = (beat - region + 1) * perBeat;
                if (room)
                {
                    long to = Math.Min(e, beatEnd);
                    captured[p] = (int)(to - at);
                    progress[p] = to;
                }

                // The beat stays while this PE still needs a slot of it after this cycle.
                long after = room ? Math.Min(e, beatEnd) : at;
                if (after < beatEnd && after < e)
                {
                    releasable = false;
                }
                else if (after == e && segs[p].Count > 1)
                {
                    var nextSeg = segs[p].ElementAt(1);
                    if (nextSeg.S < beatEnd)
                    {
                        releasable = false;
                    }
                }
            }

            // Idle PE-cycles by cause.
            bool stalled = broadcastCount < announced && announcedAt[broadcastCount] + 2 <= t && !allReady;
            if (stalled)
            {
                stallCycles++;
            }

            bool anyIssue = false;
            int idleTail = 0, idleMemory = 0, idleOther = 0;
            for (int p = 0; p < pes; p++)
            {
                if (busy[p] && avail[p] > 0)
                {
                    anyIssue = true;
                    remaining[p]--;
                }
                else if (remaining[p] == 0)
                {
                    idleTail++;
                }
                else if (busy[p])
                {
                    idleMemory++;
                }
                else
                {
                    idleOther++;
                }
            }

            idlePeCycles += idleTail + idleMemory + idleOther;
            if (anyIssue && firstIssue < 0)
            {
                firstIssue = t;
            }

            if (firstIssue >= 0)
            {
                tail += idleTail;
                memory += idleMemory;
                if (stalled)
                {
                    stall += idleOther;
                }
                else
                {
                    scan += idleOther;
                }
            }

            if (anyIssue)
            {
                lastIssue = t;
                (tailAtLast, stallAtLast, scanAtLast, memoryAtLast) = (tail, stall, scan, memory);
            }

            // Processing elements: issue needs the next entry captured in an earlier cycle.
            for (int p = 0; p < pes; p++)
            {
                bool issuing = busy[p] && avail[p] > 0;
                bool pushing = pend[p] && pendWork[p] > 0;
                bool last = issuing && left[p] == 1;
                bool take = (count[p] > 0 || pushing) && (!busy[p] || last);
                s2[p] = s1[p];
                s1[p] = issuing;
                if (take)
                {
                    if (count[p] > 0)
                    {
                        left[p] = queue[(p * fifoDepth) + head[p]];
                        head[p] = (head[p] + 1) % fifoDepth;
                        count[p]--;
                    }
                    else
                    {
                        left[p] = pendWork[p];
                        pushing = false;
                    }

                    busy[p] = true;
                }
                else if (issuing)
                {
                    left[p]--;
                    busy[p] = !last;
                }

                if (issuing)
                {
                    avail[p]--;
                    if (--headLeft[p] == 0)
                    {
                        rows[p].Dequeue();
                        headLeft[p] = rows[p].Count > 0 ? rows[p].Peek() : 0;
                    }
                }

                if (pushing)
                {
                    queue[(p * fifoDepth) + ((head[p] + count[p]) % fifoDepth)] = pendWork[p];
                    count[p]++;
                }

                pend[p] = fire;
                pendWork[p] = fire ? work[(fired * pes) + p] : 0;

                if (captured[p] >= 0)
                {
                    rows[p].Enqueue(captured[p]);
                    if (rows[p].Count == 1)
                    {
                        headLeft[p] = captured[p];
                    }

                    avail[p] += captured[p];
                    if (progress[p] == segs[p].Peek().E)
                    {
                        segs[p].Dequeue();
                        progress[p] = -1;
                    }
                }
            }

            // End of cycle: the beat buffer, the read channels, the request generator.
            if (releasable)
            {
                beats.Dequeue();
                free++;
            }

            if (rFire)
            {
                var burst = inFlight.Peek();
                beats.Enqueue((burst.First + beatInBurst, t + 1));
                fetched++;
                if (++beatInBurst == burst.Beats)
                {
                    inFlight.Dequeue();
                    outstanding--;
                    beatInBurst = 0;
                }
            }

            if (arAccept)
            {
                timing.Accept(arReg!.Value.Beats);
                inFlight.Enqueue(arReg.Value);
                bursts++;
            }

            timing.Step(rFire);

            arReg = launch;
            if (launch is { } burst0)
            {
                outstanding++;
                free -= burst0.Beats;
                var (first, last) = ranges.First!.Value;
                if (first + burst0.Beats > last)
                {
                    ranges.RemoveFirst();
                }
                else
                {
                    ranges.First!.Value = (first + burst0.Beats, last);
                }
            }

            if (genPending >= 0)
            {
                // The column announced last cycle: its PEs' segments, and its beats requested.
                int i = genPending;
                int j = columns[i];
                for (int p = 0; p < pes; p++)
                {
                    int c = work[(i * pes) + p];
                    if (c > 0)
                    {
                        long s = colBase[j] + peOffset[(j * pes) + p];
                        segs[p].Enqueue((s, s + c, t + 1));
                    }
                }

                if (colBase[j + 1] > colBase[j])
                {
                    long first = region + (colBase[j] / perBeat);
                    long lastBeat = region + ((colBase[j + 1] - 1) / perBeat);
                    first = Math.Max(first, lastRequested + 1);
                    if (first <= lastBeat)
                    {
                        // Contiguous with the newest range: it grows (unless that range was the
                        // head and its last burst was launched this cycle).
                        if (ranges.Count > 0 && ranges.Last!.Value.Last + 1 == first)
                        {
                            ranges.Last!.Value = (ranges.Last.Value.First, lastBeat);
                        }
                        else
                        {
                            ranges.AddLast((first, lastBeat));
                        }
                    }

                    lastRequested = Math.Max(lastRequested, lastBeat);
                }

                genPending = -1;
            }

            if (announce)
            {
                announcedAt[announced++] = t;
                genPending = announcedNow;
                lastAnnounce = t;
            }

            if (fire)
            {
                broadcastCount++;
            }

            // Scanner registers (as on chip, advancing on an announce rather than a broadcast).
            if (t == 0)
            {
                group = 0;
                next = groupStart[0];
                active = true;
                done = false;
            }
            else if (active)
            {
                int after = next + (announce ? 1 : 0);
                if (after == groupStart[group + 1])
                {
                    if (group + 1 == groups)
                    {
                        active = false;
                        done = true;
                    }
                    else
                    {
                        group++;
                    }
                }

                next = after;
            }
        }

        long compute = t + 1;
        long window = firstIssue < 0 ? 0 : lastIssue - firstIssue + 1;
        var cycles = new LayerCycles(
            Name: layer.Name,
            Pes: pes,
            ComputeCycles: compute,
            WritebackCycles: CycleModel.WritebackCycles(layer, pes),
            UsefulMacs: usefulMacs,
            Entries: entries,
            Broadcasts: k,
            IdealCycles: (usefulMacs + pes - 1) / pes,
            StallCycles: stallCycles,
            IdlePeCycles: idlePeCycles,
            SwitchCycles: compute - window,
            StallIdlePeCycles: stallAtLast,
            TailIdlePeCycles: tailAtLast,
            ScanIdlePeCycles: scanAtLast,
            MemoryIdlePeCycles: memoryAtLast,
            DramBytes: fetched * dram.DataBytes,
            BandwidthBoundCycles: ((fetched * dram.DataBytes) + dram.BytesPerCycle - 1) / dram.BytesPerCycle);
        return new ExternalLayerRun(cycles, fetched, bursts);
    }
}
