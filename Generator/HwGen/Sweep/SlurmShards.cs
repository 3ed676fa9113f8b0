namespace HwGen.Sweep;

/// <summary>
/// Whether a shard's output folder holds everything its shard of a sweep must compute: the test that
/// decides which shards a Slurm run submits again. It reads only what <c>hwgen sweep --shard</c>
/// writes (<c>sweep.json</c> and <c>points.jsonl</c>), so it holds whatever the scheduler remembers.
/// </summary>
public sealed class SlurmShards
{
    private readonly SweepDefinition _definition;
    private readonly int _shards;
    private readonly HashSet<int> _verify;
    private readonly SweepPointKeys _keys;
    private readonly Dictionary<int, string> _expectedKeys = [];

    /// <param name="definition">The sweep, with its base config (the points' keys need their configs).</param>
    /// <param name="shards">Shards of the run.</param>
    /// <param name="verify">The run's <c>--verify K</c>.</param>
    public SlurmShards(SweepDefinition definition, int shards, int verify)
    {
        _definition = definition;
        _shards = shards;
        _verify = verify > 0 ? SweepRunner.VerifyChoice(definition, verify).ToHashSet() : [];
        _keys = new SweepPointKeys(definition.Spec.Vectors);
    }

    /// <summary>
    /// True when <paramref name="folder"/> holds shard <paramref name="shard"/> of this sweep, run with
    /// the same options and version of HwGen, with a stored record of every one of its points (each
    /// with every metric, the yosys ones with --synth, and a verdict where --verify chose it): what
    /// <see cref="SweepRunner.Merge"/> needs from it.
    /// </summary>
    public bool IsComplete(string folder, int shard)
    {
        if (!SameRun(Path.Combine(folder, SweepRunner.StateFile), shard))
        {
            return false;
        }

        string pointsFile = Path.Combine(folder, SweepRunner.PointsFile);
        if (!File.Exists(pointsFile))
        {
            return false;
        }

        var records = new Dictionary<int, SweepRecord>();
        foreach (string line in File.ReadLines(pointsFile))
        {
            if (line.Length > 0 && SweepRecord.FromJsonLine(line) is { } record)
            {
                records[record.Index] = record;
            }
        }

        var (first, end) = SweepPlan.ShardRange(_definition.Points.Count, shard, _shards);
        for (int index = first; index < end; index++)
        {
            if (!records.TryGetValue(index, out var record) || !Holds(record, _definition.Points[index]))
            {
                return false;
            }
        }

        return true;
    }

    private bool Holds(SweepRecord record, SweepPoint point)
    {
        var values = point.Values.Select(v => v.Text).ToList();
        if (!record.Values.SequenceEqual(values))
        {
            return false;
        }

        if (point.Config is null)
        {
            return record.Key == SweepPointKeys.InvalidKey(values);
        }

        if (!_expectedKeys.TryGetValue(point.Index, out string? key))
        {
            key = _keys.Key(point.Config);
            _expectedKeys[point.Index] = key;
        }

        if (record.Key != key)
        {
            return false;
        }

        // A point that failed to build is a result too (the run records why); an ok one needs its metrics.
        return !record.IsOk
            || (SweepMetrics.Available(_definition.Synth).All(m => m.Kind == MetricKind.Number ? record.Numbers.ContainsKey(m.Name) : record.Texts.ContainsKey(m.Name))
                && (!_verify.Contains(point.Index) || record.Verified is not null));
    }

    private bool SameRun(string stateFile, int shard)
    {
        SweepStateJson? state;
        try
        {
            state = File.Exists(stateFile) ? SweepRunner.TryReadState(stateFile) : null;
        }
        catch (Configuration.ConfigException)
        {
            return false;
        }

        return state is not null
            && state.Generator == $"HwGen {HwGenInfo.Version}"
            && state.SweepText == _definition.Spec.Text
            && state.Points == _definition.Points.Count
            && state.Vectors == _definition.Spec.Vectors
            && state.Shard == shard
            && state.Shards == _shards
            && state.Synth == _definition.Synth;
    }
}
