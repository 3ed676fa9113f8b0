namespace HwGen.Model;

// TEMPORARY stand-in until the dram-mem branch's DramTiming lands (same contract).
public sealed record DramParameters(int DataBytes, int BytesPerCycle, int LatencyCycles, int MaxBurstBytes, int Outstanding);

public sealed class DramTiming
{
    private readonly DramParameters p;
    private readonly Queue<(long At, int Beats)> requests = new();
    private long credit;
    private int beatInRequest;
    private bool presented;

    public DramTiming(DramParameters parameters)
    {
        p = parameters;
        credit = parameters.BytesPerCycle;
    }

    public long Cycle { get; private set; }

    public bool BeatValid => presented || (requests.Count > 0 && Cycle >= requests.Peek().At + p.LatencyCycles && credit > 0);

    public void Accept(int beats) => requests.Enqueue((Cycle, beats));

    public void Step(bool beatTaken)
    {
        bool valid = BeatValid;
        presented = valid && !beatTaken;
        if (beatTaken)
        {
            if (++beatInRequest == requests.Peek().Beats)
            {
                requests.Dequeue();
                beatInRequest = 0;
            }
        }

        credit = Math.Min(p.BytesPerCycle, credit + p.BytesPerCycle - (beatTaken ? p.DataBytes : 0));
        Cycle++;
    }
}
