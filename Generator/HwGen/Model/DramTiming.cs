using HwGen.Compression;
namespace HwGen.Model;

/// <summary>
/// Cycle-exact model of the external memory's timing in exact mode, the contract
/// Testbenches/hwgen_axi_mem.sv implements. Stepped once per clock cycle; allocation-free per cycle.
/// </summary>
/// <remarks>
/// Cycle 0 is the first cycle after reset; "in cycle t" means the handshake sampled at the rising
/// edge that ends cycle t. Requests are accepted (<see cref="Accept"/>, at most one per cycle) and
/// served strictly in order; their beats form one sequence. A beat is presented
/// (<see cref="BeatValid"/>) in the first cycle t in which (1) t ≥ a + L for its request's
/// acceptance cycle a, (2) the previous beat's handshake was in a cycle before t, and (3) the
/// credit is positive; it then stays presented until its handshake. The credit is a token bucket:
/// credit₀ = B, credit_(t+1) = min(B, credit_t + B − (handshake in t ? D : 0)). With D = 64 and
/// B = 24 and the beats always taken, beats complete in cycles 0, 2, 5, 8, 10, 13, …
/// <para>
/// A cycle: call <see cref="Accept"/> if a request is accepted in it, read <see cref="BeatValid"/>
/// (and <see cref="LastBeat"/>), then <see cref="Step"/> with whether the master took the beat.
/// </para>
/// </remarks>
public sealed class DramTiming
{
    private const int InitialCapacity = 64;

    private readonly int _dataBytes;
    private readonly int _bytesPerCycle;
    private readonly int _latencyCycles;
    private readonly int _maxBurstBeats;

    // The queue of accepted requests not yet ended: a ring of (first cycle a beat may be
    // presented, beats), a power-of-two capacity that grows only in Accept.
    private long[] _readyCycle = new long[InitialCapacity];
    private int[] _beats = new int[InitialCapacity];
    private int _head;
    private int _count;

    private int _beat;
    private bool _shown;
    private int _credit;
    private long _lastAcceptCycle = -1;

    /// <summary>A memory in the first cycle after reset, with no request.</summary>
    /// <exception cref="ArgumentException">The parameters are invalid (every problem is listed).</exception>
    public DramTiming(DramParameters parameters)
    {
        var problems = parameters.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid DRAM parameters: " + string.Join("; ", problems), nameof(parameters));
        }

        Parameters = parameters;
        _dataBytes = parameters.DataBytes;
        _bytesPerCycle = parameters.BytesPerCycle;
        _latencyCycles = parameters.LatencyCycles;
        _maxBurstBeats = parameters.MaxBurstBeats;
        _credit = _bytesPerCycle;
    }

    /// <summary>The parameters.</summary>
    public DramParameters Parameters { get; }

    /// <summary>The current cycle (0 = the first cycle after reset).</summary>
    public long Cycle { get; private set; }

    /// <summary>Requests accepted and not yet ended (their last beat not yet taken).</summary>
    public int QueuedRequests => _count;

    /// <summary>Beats taken so far.</summary>
    public long BeatsTaken { get; private set; }

    /// <summary>The credit in bytes in the current cycle (at most BytesPerCycle; may be negative).</summary>
    public int Credit => _credit;

    /// <summary>Whether a beat is presented (rvalid) in the current cycle.</summary>
    public bool BeatValid => _shown || (_count > 0 && _readyCycle[_head] <= Cycle && _credit > 0);

    /// <summary>Whether the presented beat is its request's last (rlast); false when none is presented.</summary>
    public bool LastBeat => BeatValid && _beat == _beats[_head] - 1;

    /// <summary>A request of <paramref name="beats"/> beats is accepted in the current cycle.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Beats outside 1 … MaxBurstBeats.</exception>
    /// <exception cref="InvalidOperationException">A second request in the same cycle.</exception>
    public void Accept(int beats)
    {
        if (beats < 1 || beats > _maxBurstBeats)
        {
            throw new ArgumentOutOfRangeException(nameof(beats), beats, $"a burst is 1 to {_maxBurstBeats} beats");
        }

        if (_lastAcceptCycle == Cycle)
        {
            throw new InvalidOperationException($"a second request accepted in cycle {Cycle}: AXI accepts one per cycle");
        }

        if (_count == _beats.Length)
        {
            Grow();
        }

        int tail = (_head + _count) & (_beats.Length - 1);
        _readyCycle[tail] = Cycle + _latencyCycles;
        _beats[tail] = beats;
        _count++;
        _lastAcceptCycle = Cycle;
    }

    /// <summary>Ends the current cycle; <paramref name="beatTaken"/>: the presented beat's handshake happened in it.</summary>
    /// <exception cref="InvalidOperationException">A beat taken when none is presented.</exception>
    public void Step(bool beatTaken)
    {
        bool valid = BeatValid;
        if (beatTaken && !valid)
        {
            throw new InvalidOperationException($"a beat taken in cycle {Cycle}, in which none is presented");
        }

        _credit = Math.Min(_bytesPerCycle, _credit + _bytesPerCycle - (beatTaken ? _dataBytes : 0));
        _shown = valid && !beatTaken;
        if (beatTaken)
        {
            BeatsTaken++;
            if (++_beat == _beats[_head])
            {
                _beat = 0;
                _head = (_head + 1) & (_beats.Length - 1);
                _count--;
            }
        }

        Cycle++;
    }

    /// <summary>
    /// The handshake cycle of every beat, in order, of requests accepted in the given cycles with
    /// rready always 1: what stepping a <see cref="DramTiming"/> gives, computed per beat in
    /// closed form (the credit after a handshake in cycle h with credit c is
    /// min(B, c − D + (t − h)·B) in cycle t &gt; h).
    /// </summary>
    /// <param name="parameters">The memory.</param>
    /// <param name="requests">Acceptance cycles (strictly increasing, from 0) and beats (1 … MaxBurstBeats).</param>
    /// <exception cref="ArgumentException">Invalid parameters or requests.</exception>
    public static long[] HandshakeCycles(DramParameters parameters, IReadOnlyList<(long AcceptCycle, int Beats)> requests)
    {
        var problems = parameters.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid DRAM parameters: " + string.Join("; ", problems), nameof(parameters));
        }

        long total = 0;
        for (int r = 0; r < requests.Count; r++)
        {
            var (accept, beats) = requests[r];
            if (accept < 0 || (r > 0 && accept <= requests[r - 1].AcceptCycle))
            {
                throw new ArgumentException($"request {r}: acceptance cycles must increase strictly from 0 (one request per cycle), got {accept}", nameof(requests));
            }

            if (beats < 1 || beats > parameters.MaxBurstBeats)
            {
                throw new ArgumentException($"request {r}: a burst is 1 to {parameters.MaxBurstBeats} beats, got {beats}", nameof(requests));
            }

            total += beats;
        }

        long d = parameters.DataBytes, b = parameters.BytesPerCycle;
        var cycles = new long[total];
        long last = -1;    // the previous handshake's cycle (none yet: -1)
        long credit = b;   // the credit in that cycle, before its beat is paid
        int i = 0;
        foreach (var (accept, beats) in requests)
        {
            long ready = accept + parameters.LatencyCycles;
            for (int k = 0; k < beats; k++)
            {
                long t = Math.Max(ready, last + 1);
                if (last >= 0)
                {
                    t = Math.Max(t, last + ((d - credit) / b) + 1);
                    credit = Math.Min(b, credit - d + ((t - last) * b));
                }

                cycles[i++] = t;
                last = t;
            }
        }

        return cycles;
    }

    private void Grow()
    {
        var ready = new long[_beats.Length * 2];
        var beats = new int[_beats.Length * 2];
        for (int k = 0; k < _count; k++)
        {
            int slot = (_head + k) & (_beats.Length - 1);
            ready[k] = _readyCycle[slot];
            beats[k] = _beats[slot];
        }

        _readyCycle = ready;
        _beats = beats;
        _head = 0;
    }
}
