using HwGen.Compression;
using HwGen.Model;
using Xunit.Abstractions;

namespace HwGen.Tests.Model;

/// <summary>
/// The external memory's timing model on hand-worked sequences, its closed form against stepping,
/// and its parameter checks; AxiMemTestbenchTests holds it to hwgen_axi_mem in both simulators.
/// </summary>
public class DramTimingTests(ITestOutputHelper output)
{
    private static DramParameters Dram(int d, int b, int l, int m = 4096, int outstanding = 8) => new(d, b, l, m, outstanding);

    /// <summary>Steps a memory with one request per entry and rready from <paramref name="rready"/> (1 when null).</summary>
    private static long[] Stepped(DramParameters p, IReadOnlyList<(long AcceptCycle, int Beats)> requests, Func<long, bool>? rready = null)
    {
        var dram = new DramTiming(p);
        long total = requests.Sum(r => (long)r.Beats);
        var cycles = new List<long>();
        int next = 0;
        while (cycles.Count < total)
        {
            dram.Cycle.ShouldBeLessThan(1_000_000, "the memory never delivered every beat");
            if (next < requests.Count && requests[next].AcceptCycle == dram.Cycle)
            {
                dram.Accept(requests[next++].Beats);
            }

            bool taken = dram.BeatValid && (rready?.Invoke(dram.Cycle) ?? true);
            if (taken)
            {
                cycles.Add(dram.Cycle);
            }

            dram.Step(taken);
        }

        return [.. cycles];
    }

    private static void BothForms(DramParameters p, (long, int)[] requests, long[] expected)
    {
        DramTiming.HandshakeCycles(p, requests).ShouldBe(expected, "closed form");
        Stepped(p, requests).ShouldBe(expected, "stepped");
    }

    [Fact]
    public void Sixty_four_byte_beats_at_24_bytes_per_cycle_complete_in_cycles_0_2_5_8_10_after_the_latency()
    {
        // Credit 24 | beat in 1 -> -16 -> 8 | beat in 3 -> -32 -> -8 -> 16 | beat in 6 -> -24 -> 0 -> 24 | beat in 9 ...
        BothForms(Dram(64, 24, 1), [(0, 8)], [1, 3, 6, 9, 11, 14, 17, 19]);
    }

    [Fact]
    public void Sixty_four_byte_beats_at_8_bytes_per_cycle_complete_every_8_cycles()
    {
        BothForms(Dram(64, 8, 1), [(0, 4)], [1, 9, 17, 25]);
    }

    [Fact]
    public void Full_bandwidth_gives_one_beat_per_cycle()
    {
        BothForms(Dram(16, 16, 1), [(0, 5)], [1, 2, 3, 4, 5]);
    }

    [Fact]
    public void First_beat_comes_latency_cycles_after_acceptance()
    {
        BothForms(Dram(16, 16, 100), [(5, 4)], [105, 106, 107, 108]);
        BothForms(Dram(4, 1, 255), [(0, 2)], [255, 259]);
    }

    [Fact]
    public void Back_to_back_requests_stream_without_a_bubble()
    {
        // Request 1 is ready in cycle 4, when request 0's last beat is taken: it follows in cycle 5.
        BothForms(Dram(8, 8, 3), [(0, 2), (1, 2)], [3, 4, 5, 6]);
    }

    [Fact]
    public void Request_accepted_while_the_previous_streams_waits_for_its_turn_and_the_credit()
    {
        // D = 32, B = 16: a beat every 2 cycles; request 1 (ready in cycle 5) queues behind request 0.
        BothForms(Dram(32, 16, 2), [(0, 4), (3, 2)], [2, 4, 6, 8, 10, 12]);
    }

    [Fact]
    public void Idle_memory_saves_no_more_than_one_cycle_of_credit()
    {
        // After 100 idle cycles the bucket holds B = 8 bytes, not 800: the second request's beats
        // are still 8 cycles apart.
        BothForms(Dram(64, 8, 1), [(0, 1), (100, 3)], [1, 101, 109, 117]);
    }

    [Fact]
    public void Beat_held_by_rready_low_keeps_rvalid_and_pays_for_itself_when_taken()
    {
        // D = 64, B = 24: the first beat is presented in cycle 1 but taken in 5 (rready 0 in 1..4);
        // the credit, full since, drops to -16 and the next beat comes in 7, then 10, 13.
        var p = Dram(64, 24, 1);
        var dram = new DramTiming(p);
        var valid = new List<bool>();
        var taken = new List<long>();
        dram.Accept(4);
        while (taken.Count < 4)
        {
            valid.Add(dram.BeatValid);
            bool take = dram.BeatValid && dram.Cycle is not (>= 1 and <= 4);
            if (take)
            {
                taken.Add(dram.Cycle);
            }

            dram.Step(take);
        }

        taken.ShouldBe([5, 7, 10, 13]);
        valid.Take(6).ShouldBe([false, true, true, true, true, true]);
        Stepped(p, [(0, 4)], t => t is not (>= 1 and <= 4)).ShouldBe([5, 7, 10, 13]);
    }

    [Fact]
    public void Last_beat_and_queue_follow_the_requests()
    {
        var dram = new DramTiming(Dram(8, 8, 1));
        dram.Accept(2);
        dram.QueuedRequests.ShouldBe(1);
        dram.BeatValid.ShouldBeFalse();
        dram.Step(false);
        dram.Accept(1);
        dram.QueuedRequests.ShouldBe(2);
        (dram.BeatValid, dram.LastBeat).ShouldBe((true, false));
        dram.Step(true);
        (dram.BeatValid, dram.LastBeat).ShouldBe((true, true));
        dram.Step(true);
        dram.QueuedRequests.ShouldBe(1);
        (dram.BeatValid, dram.LastBeat).ShouldBe((true, true));
        dram.Step(true);
        (dram.QueuedRequests, dram.BeatValid, dram.BeatsTaken, dram.Cycle).ShouldBe((0, false, 3L, 4L));
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(64, 24)]
    [InlineData(64, 7)]
    [InlineData(32, 32)]
    [InlineData(16, 5)]
    public void Saturated_stream_delivers_exactly_bytes_per_cycle_over_time(int d, int b)
    {
        // With always more requests queued, beat n completes floor(n·D / B) cycles after beat 0.
        var requests = Enumerable.Range(0, 40).Select(r => ((long)r, 16)).ToArray();

        var cycles = DramTiming.HandshakeCycles(Dram(d, b, 7), requests);

        for (int n = 0; n < cycles.Length; n++)
        {
            (cycles[n] - cycles[0]).ShouldBe((long)n * d / b, $"beat {n}");
        }
    }

    [Fact]
    public void Closed_form_equals_stepping_on_random_request_streams()
    {
        for (int seed = 1; seed <= 300; seed++)
        {
            var random = new Random(seed);
            int d = 4 << random.Next(5);
            var p = Dram(d, random.Next(1, d + 1), random.Next(1, 256), d << random.Next(13 - (int)Math.Log2(d)));
            var requests = new List<(long, int)>();
            long accept = random.Next(3);
            for (int r = random.Next(1, 30); r > 0; r--)
            {
                requests.Add((accept, random.Next(1, p.MaxBurstBeats + 1)));
                accept += 1 + (random.Next(3) == 0 ? random.Next(300) : random.Next(3));
            }

            var closed = DramTiming.HandshakeCycles(p, requests);
            var stepped = Stepped(p, requests);

            closed.ShouldBe(stepped, $"seed {seed}: {p}");
        }

        output.WriteLine("seeds 1..300 agree");
    }

    [Fact]
    public void Step_allocates_nothing()
    {
        var dram = new DramTiming(Dram(64, 24, 10));
        void Run(int cycles)
        {
            for (int t = 0; t < cycles; t++)
            {
                if (dram.QueuedRequests < 8 && t % 3 == 0)
                {
                    dram.Accept(4);
                }

                dram.Step(dram.BeatValid && t % 5 != 0);
            }
        }

        Run(1000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(100_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.ShouldBe(0);
        dram.BeatsTaken.ShouldBeGreaterThan(10_000);
    }

    [Fact]
    public void Valid_parameters_have_no_problems()
    {
        Dram(4, 1, 1, 4, 1).Validate().ShouldBeEmpty();
        Dram(64, 64, 255, 4096, DramParameters.MaxOutstanding).Validate().ShouldBeEmpty();
        Dram(16, 16, 10, 4096).MaxBurstBeats.ShouldBe(256);
        Dram(64, 64, 10, 4096).MaxBurstBeats.ShouldBe(64);
    }

    [Fact]
    public void Invalid_parameters_are_all_reported_in_words_naming_the_key()
    {
        var problems = new DramParameters(48, 0, 256, 3000, 65).Validate();

        problems.ShouldBe([
            "data_bytes must be a power of two from 4 to 64 (a 32- to 512-bit port), not 48",
            "bytes_per_cycle must be at least 1, not 0",
            "latency_cycles must be from 1 to 255, not 256",
            "max_burst_bytes must be a power of two up to 4096, not 3000",
            "outstanding must be from 1 to 64, not 65",
        ]);
        Dram(8, 9, 0, 4, 0).Validate().ShouldBe([
            "bytes_per_cycle must be from 1 to data_bytes (8), not 9",
            "latency_cycles must be from 1 to 255, not 0",
            "max_burst_bytes must be a power of two from data_bytes (8) to 4096, not 4",
            "outstanding must be from 1 to 64, not 0",
        ]);
        Should.Throw<ArgumentException>(() => new DramTiming(Dram(2, 1, 1))).Message.ShouldContain("data_bytes");
    }

    [Fact]
    public void Misuse_of_the_stepped_model_is_refused()
    {
        var dram = new DramTiming(Dram(8, 8, 1, 64));
        Should.Throw<ArgumentOutOfRangeException>(() => dram.Accept(9));
        Should.Throw<ArgumentOutOfRangeException>(() => dram.Accept(0));
        Should.Throw<InvalidOperationException>(() => dram.Step(true)).Message.ShouldContain("none is presented");
        dram.Accept(1);
        Should.Throw<InvalidOperationException>(() => dram.Accept(1)).Message.ShouldContain("one per cycle");
        Should.Throw<ArgumentException>(() => DramTiming.HandshakeCycles(Dram(8, 8, 1), [(3, 1), (3, 1)]));
        Should.Throw<ArgumentException>(() => DramTiming.HandshakeCycles(Dram(8, 8, 1, 64), [(0, 9)]));
    }

    [Fact]
    public void Queue_grows_past_its_initial_capacity_in_order()
    {
        // 200 single-beat requests accepted back to back at B = 1, D = 64: far more than 64 queue.
        var requests = Enumerable.Range(0, 200).Select(r => ((long)r, 1 + (r % 3))).ToArray();

        Stepped(Dram(64, 1, 1, 256), requests).ShouldBe(DramTiming.HandshakeCycles(Dram(64, 1, 1, 256), requests));
    }
}
