using System.Globalization;
using HwGen.Configuration;
using HwGen.Data;

namespace HwGen.Sweep;

/// <summary>One point of a sweep: its index and the value of every axis.</summary>
/// <param name="Index">Position in the sweep, 0-based; rows are ordered by it.</param>
/// <param name="Values">One value per axis, in the axes' order.</param>
public sealed record PlannedPoint(int Index, IReadOnlyList<AxisValue> Values);

/// <summary>
/// The points of a sweep, a function of the sweep file alone (so that shards and merges agree
/// without the base config): the grid of the axes in row-major order (the first axis varies
/// slowest, the last fastest), or <c>points</c> of its combinations drawn without replacement
/// from <c>seed</c> and kept in grid order.
/// </summary>
public static class SweepPlan
{
    /// <summary>Most points one sweep may have.</summary>
    public const int MaxPoints = 1_000_000;

    /// <summary>The sweep's points.</summary>
    /// <exception cref="ConfigException">A grid with more than <see cref="MaxPoints"/> points.</exception>
    public static IReadOnlyList<PlannedPoint> Points(SweepSpec spec)
    {
        long size = GridSize(spec);
        IEnumerable<long> indices;
        if (spec.Sampling == SweepSampling.Grid)
        {
            if (size > MaxPoints)
            {
                throw new ConfigException(spec.Error("axes", $"the grid has {Count(size)} points, more than {Count(MaxPoints)}; use sampling: random with points: K, or fewer values"));
            }

            indices = Enumerable.Range(0, (int)size).Select(i => (long)i);
        }
        else
        {
            indices = Sample(size, spec.Points, spec.Seed);
        }

        var points = new List<PlannedPoint>();
        foreach (long gridIndex in indices)
        {
            points.Add(new PlannedPoint(points.Count, Decode(spec, gridIndex)));
        }

        return points;
    }

    /// <summary>The number of combinations of the axes' values (long.MaxValue when larger).</summary>
    public static long GridSize(SweepSpec spec)
    {
        long size = 1;
        foreach (var axis in spec.Axes)
        {
            size = size > long.MaxValue / axis.Values.Count ? long.MaxValue : size * axis.Values.Count;
        }

        return size;
    }

    /// <summary>
    /// <paramref name="count"/> distinct grid indices below <paramref name="size"/> (all of them when
    /// there are fewer), in ascending order: Floyd's algorithm on the sweep's own random stream.
    /// </summary>
    public static IReadOnlyList<long> Sample(long size, long count, int seed)
    {
        if (count >= size)
        {
            return [.. Enumerable.Range(0, (int)Math.Min(size, MaxPoints)).Select(i => (long)i)];
        }

        var random = DeterministicRandom.ForStream(seed, "sweep", 0);
        var chosen = new HashSet<long>();
        for (long j = size - count; j < size; j++)
        {
            long t = NextLong(random, j + 1);
            chosen.Add(chosen.Contains(t) ? j : t);
        }

        return [.. chosen.Order()];
    }

    /// <summary>The axis values of a grid index (row-major: the last axis varies fastest).</summary>
    public static IReadOnlyList<AxisValue> Decode(SweepSpec spec, long gridIndex)
    {
        var values = new AxisValue[spec.Axes.Count];
        for (int a = spec.Axes.Count - 1; a >= 0; a--)
        {
            int n = spec.Axes[a].Values.Count;
            values[a] = spec.Axes[a].Values[(int)(gridIndex % n)];
            gridIndex /= n;
        }

        return values;
    }

    /// <summary>The points shard <paramref name="shard"/> of <paramref name="shards"/> (1-based) computes: a contiguous block.</summary>
    public static (int First, int End) ShardRange(int points, int shard, int shards)
    {
        int first = (int)((long)points * (shard - 1) / shards);
        int end = (int)((long)points * shard / shards);
        return (first, end);
    }

    private static long NextLong(DeterministicRandom random, long maxExclusive)
    {
        ulong bound = (ulong)maxExclusive;
        ulong limit = ulong.MaxValue - (ulong.MaxValue % bound);
        ulong value;
        do
        {
            value = random.NextUInt64();
        }
        while (value >= limit);

        return (long)(value % bound);
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
