using HwGen.Compression;
using System.Globalization;
using System.Text;
using HwGen.Model;
using HwGen.Tools;
using Xunit.Abstractions;

namespace HwGen.Tests.Simulation;

/// <summary>
/// Runs Testbenches/hwgen_axi_mem.sv (the simulated DRAM) under Testbenches/unit/hwgen_axi_mem_tb.sv
/// in Verilator and Icarus: random request streams, with random gaps, lengths, in-flight limits and
/// rready-low cycles, for several memories at once (one simulation, one slave per case). Every
/// beat's handshake cycle must be the one DramTiming predicts and its data the image's.
/// </summary>
[Trait("Category", "Tools")]
public class AxiMemTestbenchTests(ITestOutputHelper output)
{
    public enum Simulator
    {
        Verilator,
        Icarus,
    }

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Cycles with a random rready; rready is 1 from then on.</summary>
    private const int RreadyCycles = 4000;

    private const int TimeoutCycles = 200_000;

    /// <summary>Roughly the cycles a case's requests take (keeps each run small).</summary>
    private const int CycleBudget = 2500;

    /// <summary>One AR: due <paramref name="Gap"/> cycles after the previous acceptance.</summary>
    private sealed record Request(int Gap, long Address, int Beats, int Size, int Burst = 1);

    private sealed record Case(
        string Name, DramParameters Dram, int Words, byte[] Image, IReadOnlyList<Request> Requests,
        bool[] Rready, int StallPercent = 0, int StallSeed = 1)
    {
        public bool RreadyAt(long cycle) => cycle >= Rready.Length || Rready[cycle];

        public override string ToString() =>
            $"{Name}: D {Dram.DataBytes} B {Dram.BytesPerCycle} L {Dram.LatencyCycles} M {Dram.MaxBurstBytes} " +
            $"outstanding {Dram.Outstanding}, {Words} words, {Requests.Count} requests, " +
            $"{Requests.Sum(r => r.Beats)} beats, stall {StallPercent} %";
    }

    private sealed record Beat(long Cycle, int Resp, bool Last, byte[] Data);

    private sealed record Trace(List<long> Accepts, List<Beat> Beats, List<string> Failures, bool Ended);

    [Theory]
    [InlineData(Simulator.Verilator, 1)]
    [InlineData(Simulator.Icarus, 2)]
    public void Exact_mode_delivers_every_beat_in_the_cycle_dram_timing_predicts_with_the_image_data(Simulator simulator, int seed)
    {
        var cases = MixedCases(seed, stallPercent: 0);
        using var dir = new TempFolder("axi-mem-exact");

        var (traces, log) = Simulate(dir, simulator, cases);

        log.ShouldNotContain("hwgen_axi_mem:", customMessage: "the slave reported a protocol error");
        for (int c = 0; c < cases.Count; c++)
        {
            var (accepts, beatCycles) = Predict(cases[c]);
            var trace = traces[c];
            string where = $"seed {seed}, {cases[c]}";
            trace.Failures.ShouldBeEmpty(where);
            trace.Ended.ShouldBeTrue(where);
            SameCycles(trace.Accepts, accepts, $"{where}: request");
            SameCycles([.. trace.Beats.Select(b => b.Cycle)], beatCycles, $"{where}: beat");
            CheckData(cases[c], trace, where);
        }
    }

    [Theory]
    [InlineData(Simulator.Verilator, 3)]
    [InlineData(Simulator.Icarus, 4)]
    public void Back_pressure_mode_keeps_the_data_exact_and_delivers_no_beat_before_its_exact_cycle(Simulator simulator, int seed)
    {
        var cases = MixedCases(seed, stallPercent: 30);
        using var dir = new TempFolder("axi-mem-stall");

        var (traces, log) = Simulate(dir, simulator, cases);
        string first = string.Join('\n', Enumerable.Range(0, cases.Count).Select(c => File.ReadAllText(dir.File($"c{c}_out.txt"))));
        var (_, again) = Simulate(dir, simulator, cases, build: false);

        log.ShouldNotContain("hwgen_axi_mem:", customMessage: "the slave reported a protocol error");
        for (int c = 0; c < cases.Count; c++)
        {
            var (accepts, beatCycles) = Predict(cases[c]);
            var trace = traces[c];
            string where = $"seed {seed}, {cases[c]}";
            trace.Failures.ShouldBeEmpty(where);
            trace.Ended.ShouldBeTrue(where);
            CheckData(cases[c], trace, where);
            trace.Accepts.Count.ShouldBe(accepts.Length, where);
            for (int r = 0; r < accepts.Length; r++)
            {
                trace.Accepts[r].ShouldBeGreaterThanOrEqualTo(accepts[r], $"{where}: request {r}");
            }

            for (int i = 0; i < beatCycles.Length; i++)
            {
                trace.Beats[i].Cycle.ShouldBeGreaterThanOrEqualTo(beatCycles[i], $"{where}: beat {i}");
            }

            trace.Beats.Select(b => b.Cycle).SequenceEqual(beatCycles).ShouldBeFalse($"{where}: the stalls changed nothing");
        }

        string second = string.Join('\n', Enumerable.Range(0, cases.Count).Select(c => File.ReadAllText(dir.File($"c{c}_out.txt"))));
        second.ShouldBe(first, "a back-pressure run is reproducible from its seed");
        again.ShouldNotContain("hwgen_axi_mem:");
    }

    [Theory]
    [InlineData(Simulator.Verilator)]
    [InlineData(Simulator.Icarus)]
    public void Slave_reports_each_request_a_correct_master_never_makes_and_answers_slverr_beyond_the_image(Simulator simulator)
    {
        // D = 8, M = 64 (8 beats), 600 words: every request but the first and the last breaks one rule.
        var dram = new DramParameters(8, 8, 2, 64, 4);
        var image = RandomImage(new Random(7), 600 * 8);
        Request[] requests =
        [
            new(0, 0x100, 2, 3),
            new(1, 0x104, 1, 3),          // misaligned
            new(1, 0x200, 1, 2),          // arsize 2 for 8-byte beats
            new(1, 0x300, 1, 3, Burst: 0), // FIXED
            new(1, 0x400, 9, 3),          // 72 bytes > max_burst_bytes 64
            new(1, 0xff0, 4, 3),          // crosses the 4 KB boundary at 0x1000
            new(1, 598 * 8, 4, 3),        // words 600 and 601 are beyond the image
            new(1, 0x80, 1, 3),
        ];
        var cases = new List<Case> { new("bad", dram, 600, image, requests, [true]) };
        using var dir = new TempFolder("axi-mem-errors");

        var (traces, log) = Simulate(dir, simulator, cases);

        log.ShouldContain("araddr 'h104 is not aligned to 8 bytes");
        log.ShouldContain("arsize 2 is not log2(8 bytes) = 3");
        log.ShouldContain("arburst 0 is not INCR (1)");
        log.ShouldContain("a burst of 9 beats is longer than 64 bytes");
        log.ShouldContain("the burst at 'hff0 of 4 beats crosses a 4 KB boundary");
        log.ShouldContain("read of word 600 beyond the image of 600 words");
        log.ShouldContain("read of word 601 beyond the image of 600 words");
        var trace = traces[0];
        trace.Ended.ShouldBeTrue();
        trace.Failures.ShouldBeEmpty();
        var beats = trace.Beats;
        beats.Count.ShouldBe(requests.Sum(r => r.Beats));
        beats.Select(b => b.Resp).ShouldBe(Enumerable.Repeat(0, 18).Concat([0, 0, 2, 2, 0]));
        beats[^3].Data.ShouldBe(new byte[8], "a beat beyond the image reads 0");
        beats[^5].Data.ShouldBe(image[(598 * 8)..(599 * 8)]);
        beats[^1].Data.ShouldBe(image[0x80..0x88]);
        beats.Select(b => b.Last).Count(l => l).ShouldBe(requests.Length);
    }

    [Theory]
    [InlineData(Simulator.Verilator)]
    [InlineData(Simulator.Icarus)]
    public void Slave_stops_the_simulation_when_a_master_has_more_than_64_requests_outstanding(Simulator simulator)
    {
        // 70 one-beat requests back to back, none answered before cycle 100: the 65th overflows.
        var dram = new DramParameters(4, 1, 100, 4, 70);
        var requests = Enumerable.Range(0, 70).Select(r => new Request(0, r * 4L, 1, 2)).ToList();
        var cases = new List<Case> { new("overflow", dram, 70, RandomImage(new Random(5), 280), requests, [true]) };
        using var dir = new TempFolder("axi-mem-overflow");

        var (traces, log) = Simulate(dir, simulator, cases, checkExit: false);

        log.ShouldContain("hwgen_axi_mem: cycle 64: more than 64 requests outstanding");
        traces[0].Ended.ShouldBeFalse();
    }

    [Fact]
    public void Slave_refuses_parameters_outside_the_contract_naming_each_in_icarus()
    {
        using var dir = new TempFolder("axi-mem-parameters");
        string[] overrides = ["DataBytes=48", "BytesPerCycle=0", "LatencyCycles=256", "MaxBurstBytes=8192", "StallPercent=100", "QueueDepth=8", "AddrBits=8"];

        ProcessRunner.RunChecked(
            "iverilog", ["-g2012", .. overrides.Select(o => "-Phwgen_axi_mem." + o), "-o", "tb.vvp", Path.Combine(HwGenInfo.TestbenchesDir, "hwgen_axi_mem.sv")], dir.Path, Timeout);
        var run = ProcessRunner.Run("vvp", ["-n", "tb.vvp"], dir.Path, Timeout);

        run.Succeeded.ShouldBeFalse();
        run.Stdout.ShouldContain("DataBytes 48 must be a power of two from 4 to 64");
        run.Stdout.ShouldContain("BytesPerCycle 0 must be from 1 to DataBytes (48)");
        run.Stdout.ShouldContain("LatencyCycles 256 must be from 1 to 255");
        run.Stdout.ShouldContain("MaxBurstBytes 8192 must be a power of two from DataBytes to 4096");
        run.Stdout.ShouldContain("StallPercent 100 must be from 0 to 99");
        run.Stdout.ShouldContain("QueueDepth 8 must be at least 64");
        run.Stdout.ShouldContain("AddrBits 8 must be from 12 to 64");
        run.Stdout.ShouldContain("hwgen_axi_mem: invalid parameters");
    }

    [Theory]
    [InlineData("")]
    [InlineData("-GDataBytes=64 -GBytesPerCycle=24 -GLatencyCycles=100 -GWords=1 -GStallPercent=30")]
    [InlineData("-GDataBytes=4 -GBytesPerCycle=1 -GMaxBurstBytes=4 -GAddrBits=12 -GWords=5000")]
    public void Slave_is_clean_under_verilator_lint_wall(string parameters)
    {
        using var dir = new TempFolder("axi-mem-lint");

        var result = ProcessRunner.Run(
            "verilator", ["--lint-only", "-Wall", .. parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries), Path.Combine(HwGenInfo.TestbenchesDir, "hwgen_axi_mem.sv")],
            dir.Path, Timeout);

        result.ExitCode.ShouldBe(0, string.Join('\n', result.ErrorLines));
        result.Stderr.ShouldNotContain("%Warning");
    }

    // -----------------------------------------------------------------------------------------
    // Cases
    // -----------------------------------------------------------------------------------------

    /// <summary>
    /// Nine memories from one seed: B = D, B = 1, L = 1, L = 100, the D = 64 / B = 24, D = 4 and
    /// D = 64 / B = 1 corners, and two fully random; the other parameters random.
    /// </summary>
    private List<Case> MixedCases(int seed, int stallPercent)
    {
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        int RandomD() => 4 << random.Next(5);
        var shapes = new List<(string Name, int D, Func<int, int> B, int L)>
        {
            ("b_eq_d", RandomD(), d => d, random.Next(1, 40)),
            ("b_1", RandomD(), _ => 1, random.Next(1, 40)),
            ("l_1", RandomD(), d => random.Next(1, d + 1), 1),
            ("l_100", RandomD(), d => random.Next(1, d + 1), 100),
            ("d64_b24", 64, _ => 24, random.Next(1, 20)),
            ("d4", 4, d => random.Next(1, d + 1), random.Next(1, 256)),
            ("d64_b1", 64, _ => 1, random.Next(1, 256)),
            ("random", RandomD(), d => random.Next(1, d + 1), random.Next(1, 256)),
            ("random2", RandomD(), d => random.Next(1, d + 1), random.Next(1, 256)),
        };
        var cases = new List<Case>();
        foreach (var (name, d, b, l) in shapes)
        {
            int m = d << random.Next(13 - (int)Math.Log2(d));
            var dram = new DramParameters(d, b(d), l, m, random.Next(4) == 0 ? random.Next(1, 4) : random.Next(1, DramParameters.MaxOutstanding + 1));
            cases.Add(RandomCase(name, dram, random, stallPercent, stallSeed: random.Next(1, int.MaxValue)));
        }

        foreach (var c in cases)
        {
            output.WriteLine(c.ToString());
        }

        return cases;
    }

    private static Case RandomCase(string name, DramParameters dram, Random random, int stallPercent, int stallSeed)
    {
        int d = dram.DataBytes;
        int words = random.Next(32, 8192 / d + 1);
        var image = RandomImage(random, words * d);
        int cyclesPerBeat = (d + dram.BytesPerCycle - 1) / dram.BytesPerCycle;
        var requests = new List<Request>();

        // A request costs its beats at the memory's rate, or its latency shared by the requests
        // in flight, whichever is more, plus its gap (when the master waits for nothing else).
        for (double cycles = 0; cycles < CycleBudget;)
        {
            int length = random.Next(2) == 0 ? random.Next(1, 5) : random.Next(1, dram.MaxBurstBeats + 1);
            length = Math.Min(Math.Min(length, dram.MaxBurstBeats), words);
            long start = random.Next(0, words - length + 1);
            long inPage = (start * d) % 4096;
            length = (int)Math.Min(length, (4096 - inPage) / d);
            int gap = random.Next(10) switch
            {
                < 5 => 0,
                < 8 => random.Next(1, 6),
                _ => random.Next(dram.LatencyCycles + 40),
            };
            requests.Add(new Request(gap, start * d, length, (int)Math.Log2(d)));
            cycles += gap + Math.Max(length * cyclesPerBeat, (dram.LatencyCycles + length) / (double)dram.Outstanding);
        }

        double low = new[] { 0.0, 0.1, 0.3, 0.6 }[random.Next(4)];
        var rready = new bool[RreadyCycles];
        for (int t = 0; t < RreadyCycles;)
        {
            // Runs of 1 to 8 cycles, low with probability `low`.
            bool value = random.NextDouble() >= low;
            for (int run = random.Next(1, 9); run > 0 && t < RreadyCycles; run--)
            {
                rready[t++] = value;
            }
        }

        return new Case(name, dram, words, image, requests, rready, stallPercent, stallSeed);
    }

    private static byte[] RandomImage(Random random, int bytes)
    {
        var image = new byte[bytes];
        random.NextBytes(image);
        return image;
    }

    // -----------------------------------------------------------------------------------------
    // The prediction: the testbench's master, cycle by cycle, against DramTiming
    // -----------------------------------------------------------------------------------------

    private static (long[] Accepts, long[] Beats) Predict(Case c)
    {
        var dram = new DramTiming(c.Dram);
        var accepts = new List<long>();
        var beats = new List<long>();
        long total = c.Requests.Sum(r => (long)r.Beats);
        int k = 0;
        long due = c.Requests[0].Gap;
        int inFlight = 0;
        for (long t = 0; beats.Count < total; t++)
        {
            t.ShouldBeLessThan(TimeoutCycles, $"{c}: the model never delivered every beat");
            int change = 0;
            if (k < c.Requests.Count && t >= due && inFlight < c.Dram.Outstanding)
            {
                dram.Accept(c.Requests[k].Beats);
                accepts.Add(t);
                k++;
                due = k < c.Requests.Count ? t + 1 + c.Requests[k].Gap : 0;
                change++;
            }

            bool taken = dram.BeatValid && c.RreadyAt(t);
            if (taken)
            {
                beats.Add(t);
                change -= dram.LastBeat ? 1 : 0;
            }

            inFlight += change;
            dram.Step(taken);
        }

        return ([.. accepts], [.. beats]);
    }

    /// <summary>Equal sequences of cycles; else the first difference, readably.</summary>
    private static void SameCycles(List<long> actual, long[] expected, string what)
    {
        for (int i = 0; i < Math.Min(actual.Count, expected.Length); i++)
        {
            actual[i].ShouldBe(expected[i], $"{what} {i} (the first {i} agree)");
        }

        actual.Count.ShouldBe(expected.Length, $"{what}s");
    }

    private static void CheckData(Case c, Trace trace, string where)
    {
        int d = c.Dram.DataBytes;
        int i = 0;
        trace.Beats.Count.ShouldBe(c.Requests.Sum(r => r.Beats), where);
        foreach (var request in c.Requests)
        {
            for (int k = 0; k < request.Beats; k++, i++)
            {
                var beat = trace.Beats[i];
                long word = (request.Address / d) + k;
                beat.Resp.ShouldBe(0, $"{where}: beat {i}");
                beat.Last.ShouldBe(k == request.Beats - 1, $"{where}: beat {i} rlast");
                beat.Data.ShouldBe(c.Image[(int)(word * d)..(int)((word + 1) * d)], $"{where}: beat {i} (word {word})");
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Files, the simulation and its output
    // -----------------------------------------------------------------------------------------

    private (List<Trace> Traces, string Log) Simulate(TempFolder dir, Simulator simulator, IReadOnlyList<Case> cases, bool build = true, bool checkExit = true)
    {
        for (int c = 0; c < cases.Count; c++)
        {
            WriteCase(dir, $"c{c}", cases[c]);
        }

        var sources = new List<string>
        {
            Path.Combine(HwGenInfo.TestbenchesDir, "hwgen_axi_mem.sv"),
            Path.Combine(HwGenInfo.TestbenchesDir, "unit", "hwgen_axi_mem_tb.sv"),
            dir.Write("axi_mem_top.sv", Top(cases)),
        };
        ProcessResult run;
        if (simulator == Simulator.Verilator)
        {
            if (build)
            {
                ProcessRunner.RunChecked(
                    "nice", ["verilator", "--binary", "--timing", "--assert", "-Wno-fatal", "-j", "1", "--top-module", "axi_mem_top", "-o", "tb", .. sources], dir.Path, Timeout);
            }

            // $error stops a Verilator run at the first error unless the limit is raised.
            run = ProcessRunner.Run(Path.Combine(dir.Path, "obj_dir", "tb"), ["+verilator+error+limit+1000"], dir.Path, Timeout);
        }
        else
        {
            if (build)
            {
                ProcessRunner.RunChecked("iverilog", ["-g2012", "-s", "axi_mem_top", "-o", "tb.vvp", .. sources], dir.Path, Timeout);
            }

            run = ProcessRunner.Run("vvp", ["-n", "tb.vvp"], dir.Path, Timeout);
        }

        if (checkExit && !run.Succeeded)
        {
            throw new ToolException(run);
        }

        output.WriteLine($"{simulator}: {run.Duration.TotalSeconds:F1} s");
        var traces = Enumerable.Range(0, cases.Count).Select(c => ReadTrace(dir.File($"c{c}_out.txt"), cases[c].Dram.DataBytes)).ToList();
        return (traces, run.Stdout + run.Stderr);
    }

    private static void WriteCase(TempFolder dir, string stem, Case c)
    {
        int d = c.Dram.DataBytes;
        var stim = new StringBuilder();
        foreach (var r in c.Requests)
        {
            stim.Append(CultureInfo.InvariantCulture, $"{r.Gap:x4}{r.Beats - 1:x2}{r.Size:x1}{r.Burst:x1}{r.Address:x8}\n");
        }

        var image = new StringBuilder();
        for (int w = 0; w < c.Words; w++)
        {
            for (int j = d - 1; j >= 0; j--)
            {
                image.Append(CultureInfo.InvariantCulture, $"{c.Image[(w * d) + j]:x2}");
            }

            image.Append('\n');
        }

        dir.Write(stem + "_stim.hex", stim.ToString());
        dir.Write(stem + "_image.hex", image.ToString());
        dir.Write(stem + "_rready.bin", string.Concat(c.Rready.Select(r => r ? "1\n" : "0\n")));
    }

    /// <summary>A top with one hwgen_axi_mem_tb per case, ending when all are done.</summary>
    private static string Top(IReadOnlyList<Case> cases)
    {
        var top = new StringBuilder();
        top.Append("// One hwgen_axi_mem_tb per case of AxiMemTestbenchTests.\nmodule axi_mem_top;\n\n");
        top.Append(CultureInfo.InvariantCulture, $"  logic [{cases.Count - 1}:0] done;\n\n");
        for (int c = 0; c < cases.Count; c++)
        {
            var x = cases[c];
            top.Append(CultureInfo.InvariantCulture, $"""
                  hwgen_axi_mem_tb #(
                    .DataBytes({x.Dram.DataBytes}),
                    .BytesPerCycle({x.Dram.BytesPerCycle}),
                    .LatencyCycles({x.Dram.LatencyCycles}),
                    .MaxBurstBytes({x.Dram.MaxBurstBytes}),
                    .Words({x.Words}),
                    .StallPercent({x.StallPercent}),
                    .Seed({x.StallSeed}),
                    .Requests({x.Requests.Count}),
                    .RreadyCycles({x.Rready.Length}),
                    .Outstanding({x.Dram.Outstanding}),
                    .StimFile("c{c}_stim.hex"),
                    .RreadyFile("c{c}_rready.bin"),
                    .MemFile("c{c}_image.hex"),
                    .OutFile("c{c}_out.txt"),
                    .TimeoutCycles({TimeoutCycles})
                  ) u_c{c} (
                    .done_o(done[{c}])
                  );


                """);
        }

        top.Append("  initial begin\n    wait (&done);\n    $finish;\n  end\n\nendmodule\n");
        return top.ToString();
    }

    private static Trace ReadTrace(string path, int dataBytes)
    {
        var trace = new Trace([], [], [], false);
        bool ended = false;
        foreach (string line in File.ReadAllLines(path))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (f[0])
            {
                case "ar":
                    trace.Accepts.Add(long.Parse(f[1], CultureInfo.InvariantCulture));
                    break;
                case "r":
                    string hex = f[4].PadLeft(2 * dataBytes, '0');
                    var data = new byte[dataBytes];
                    for (int j = 0; j < dataBytes; j++)
                    {
                        data[j] = byte.Parse(hex.AsSpan(hex.Length - (2 * j) - 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    }

                    trace.Beats.Add(new Beat(long.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), f[3] == "1", data));
                    break;
                case "end":
                    ended = true;
                    break;
                default:
                    trace.Failures.Add(line);
                    break;
            }
        }

        return trace with { Ended = ended };
    }
}
