using System.Runtime.CompilerServices;
using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Data;

namespace HwGen.Model;

/// <summary>
/// The second half of <c>row_assignment: balanced</c>: refines the assignment the proxy search of
/// <see cref="RowAssignment.Balanced"/> found by swapping rows between PEs and keeping a swap only
/// when the cycle model, run on the search vectors, says the layer got faster
/// (<c>compression.balance_search</c>).
/// </summary>
/// <remarks>
/// <para>
/// <b>Vectors.</b> The config's own input vectors first (an input file's vectors; for a random
/// input, the one vector drawn from <c>seed</c>), then random vectors of the same density drawn
/// from <c>seed + 1</c>, <c>compression.balance_search.vectors</c> in all. Later layers see the
/// golden model's outputs of those vectors. A dataset's vectors are not used.
/// </para>
/// <para>
/// <b>Objective.</b> Lexicographic: the sum over the vectors of the layer's cycles, then the sum
/// over vectors and PEs of the square of each PE's last issue cycle (it breaks ties in favour of
/// even finishing times, so the search can walk across plateaus of equal cycles).
/// </para>
/// <para>
/// <b>Moves.</b> Each step takes the PE that finishes last summed over the vectors (then the
/// next ones) and the PEs that finish first, and proposes the swap of one row of each whose
/// difference in useful work on the vectors comes closest to half the gap between the two PEs'
/// finishing times; it is evaluated exactly (both PEs' columns re-encoded, padding included, the
/// cycle model run on every vector), kept when the objective falls and undone otherwise. A pair
/// that was undone is not proposed again until a swap is kept. The search stops after
/// <c>compression.balance_search.evaluations</c> evaluations or when no move is left.
/// Deterministic: one thread, no clock, ties broken by index.
/// </para>
/// </remarks>
public static class AssignmentSearch
{
    /// <summary>PEs that finish last tried as the source of a swap, per step.</summary>
    public const int LatePes = 4;

    /// <summary>PEs that finish first tried as the partner of a swap, per late PE.</summary>
    public const int EarlyPes = 8;

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Compression cannot use Model (docs/architecture.md); this hands Compressor the search at load, so every caller of Compressor.Compress gets the same assignment.")]
    internal static void Register() => Compressor.Refine = Refine;

    /// <summary>
    /// Refines every layer's row assignment of <paramref name="network"/> (built with the proxy
    /// search), in layer order, and re-encodes the network.
    /// </summary>
    /// <param name="config">The config (search budget, input density, seed, FIFO depth).</param>
    /// <param name="data">The loaded data (its input vectors).</param>
    /// <param name="network">The network with the proxy assignment.</param>
    public static CompressedNetwork Refine(HwGenConfig config, NetworkData data, CompressedNetwork network)
    {
        var search = config.Compression.BalanceSearch;
        if (search.Evaluations == 0 || network.Pes == 1 || network.Layers.Any(l => l.Lstm is not null))
        {
            // A network with LSTM layers keeps the proxy assignment (BalancedUnits for its LSTM
            // layers): the search does not model steps or padded columns.
            return network;
        }

        var inputs = Vectors(config, data, search.Vectors);
        var quantized = inputs.Select(v => GoldenModel.QuantizeInput(network.Format, v)).ToList();
        var sources = new List<IReadOnlyList<long[]>> { quantized };
        if (network.Layers.Count > 1)
        {
            var results = quantized.Select(q => GoldenModel.Run(network, q)).ToList();
            for (var l = 0; l + 1 < network.Layers.Count; l++)
            {
                sources.Add(results.Select(r => r.LayerOutputs[l]).ToList());
            }
        }

        var maps = new List<int[]>();
        int[] hwColToCol = network.Layers[0].HwColToCol;
        int[]? inputOrder = null;
        for (var l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            var masks = sources[l].Select(s => Enumerable.Range(0, layer.Cols).Select(h => s[hwColToCol[h]] != 0).ToArray()).ToList();
            var state = new LayerSearch(layer.Name, layer.Codes, layer.Rows, layer.Cols, network.Pes, config.Compression.IndexBits, config.Hardware.FifoDepth, hwColToCol, layer.HwRowToRow, masks, network.Spec.ColumnPairs);
            state.Run(search.Evaluations);
            maps.Add(state.HwRowToRow());
            if (l == 0 && network.Spec.ColumnPairs)
            {
                // The first layer's column order is the host's to choose (it writes the inputs in
                // it): with column pairs it decides which columns share a broadcast.
                var order = new ColumnOrderSearch(state.Table, layer.Name, layer.Rows, config.Hardware.FifoDepth, masks, config.Seed);
                order.Run(search.Evaluations);
                inputOrder = order.Apply(hwColToCol);
            }

            hwColToCol = maps[^1];
        }

        return Compressor.Reassign(config, network, maps, inputOrder);
    }

    /// <summary>The search vectors of a config (see the class remarks), as floats.</summary>
    public static IReadOnlyList<double[]> Vectors(HwGenConfig config, NetworkData data, int count)
    {
        var vectors = data.Inputs.Take(count).ToList();
        if (vectors.Count < count)
        {
            vectors.AddRange(NetworkLoader.RandomInputs(WithInputDensity(config, data), count - vectors.Count, config.Seed + 1));
        }

        return vectors;
    }

    /// <summary>
    /// The config with <c>input.density</c> set to the mean density of its own input vectors, so
    /// that random vectors resemble them (unchanged for a random input).
    /// </summary>
    public static HwGenConfig WithInputDensity(HwGenConfig config, NetworkData data)
    {
        if (data.Inputs.Count == 0)
        {
            return config;
        }

        double density = data.Inputs.Average(v => v.Count(x => x != 0) / (double)v.Length);
        return config with { Input = config.Input with { Density = density } };
    }

    /// <summary>The search state of one layer.</summary>
    internal sealed class LayerSearch
    {
        private readonly string _name;
        private readonly int _rows;
        private readonly int _cols;
        private readonly int _pes;
        private readonly int _span;
        private readonly int _fifoDepth;
        private readonly IReadOnlyList<bool[]> _masks;

        // Row r's non-zero hardware columns: _rowCols[_rowStart[r] .. _rowStart[r + 1]).
        private readonly int[] _rowStart;
        private readonly int[] _rowCols;

        // Useful work of row r summed over the vectors.
        private readonly long[] _active;

        // Each PE's rows in local order (ascending original row).
        private readonly List<int>[] _peRows;
        private readonly WorkTable _table;

        // With column pairs, the table the cycle model runs on (WorkTable.Pairs), kept up to date with _table.
        private readonly WorkTable? _pairs;
        private readonly int[] _last;
        private readonly int[][] _ends;
        private readonly int[][] _savedEnds;

        // Per vector: its broadcast columns in order, and the PE that stalled each broadcast (−1 for none).
        private readonly int[][] _broadcastCols;
        private readonly int[][] _stallBy;
        private readonly int[][] _savedStallBy;
        private readonly long[] _colWeight;
        private readonly HashSet<(int, int)> _rejected = [];
        private (long Cycles, long Spread) _cost;

        public LayerSearch(string name, byte[] codes, int rows, int cols, int pes, int indexBits, int fifoDepth, int[] hwColToCol, int[] hwRowToRow, IReadOnlyList<bool[]> masks, bool columnPairs = false)
        {
            _name = name;
            _rows = rows;
            _cols = cols;
            _pes = pes;
            _span = 1 << indexBits;
            _fifoDepth = fifoDepth;
            _masks = masks;
            int[] colToHw = CscEncoder.Inverse(hwColToCol);

            _rowStart = new int[rows + 1];
            var list = new List<int>();
            _table = new WorkTable(pes, cols);
            for (var r = 0; r < rows; r++)
            {
                var row = codes.AsSpan(r * cols, cols);
                for (var j = 0; j < cols; j++)
                {
                    if (row[j] != 0)
                    {
                        list.Add(colToHw[j]);
                        _table.Useful[colToHw[j]]++;
                    }
                }

                _rowStart[r + 1] = list.Count;
            }

            _rowCols = [.. list];
            _active = new long[rows];
            for (var r = 0; r < rows; r++)
            {
                foreach (var mask in masks)
                {
                    foreach (int h in Cols(r))
                    {
                        _active[r] += mask[h] ? 1 : 0;
                    }
                }
            }

            _peRows = new List<int>[pes];
            for (var p = 0; p < pes; p++)
            {
                _peRows[p] = [];
            }

            for (var h = 0; h < rows; h++)
            {
                _peRows[h % pes].Add(hwRowToRow[h]);
            }

            _last = new int[cols];
            for (var p = 0; p < pes; p++)
            {
                _peRows[p].Sort();
                Encode(p);
            }

            _pairs = columnPairs ? WorkTable.PairsOf(_table, name) : null;
            _ends = masks.Select(_ => new int[pes]).ToArray();
            _savedEnds = masks.Select(_ => new int[pes]).ToArray();
            // A pair's broadcast is listed by its first column.
            _broadcastCols = masks.Select(m => columnPairs
                ? Enumerable.Range(0, (cols + 1) / 2).Where(q => m[2 * q] || ((2 * q) + 1 < cols && m[(2 * q) + 1])).Select(q => 2 * q).ToArray()
                : Enumerable.Range(0, cols).Where(j => m[j]).ToArray()).ToArray();
            _stallBy = _broadcastCols.Select(b => new int[b.Length]).ToArray();
            _savedStallBy = _broadcastCols.Select(b => new int[b.Length]).ToArray();
            _colWeight = new long[cols];
            _cost = Evaluate();
        }

        /// <summary>Entries per PE and hardware column of the current assignment, padding included.</summary>
        public WorkTable Table => _table;

        /// <summary>Cycles of the current assignment summed over the vectors.</summary>
        public long Cycles => _cost.Cycles;

        public int Evaluations { get; private set; }

        public int Kept { get; private set; }

        /// <summary>Hardware row h = local × N + pe → original row.</summary>
        public int[] HwRowToRow()
        {
            var map = new int[_rows];
            for (var p = 0; p < _pes; p++)
            {
                for (var local = 0; local < _peRows[p].Count; local++)
                {
                    map[(local * _pes) + p] = _peRows[p][local];
                }
            }

            return map;
        }

        public void Run(int budget)
        {
            var score = new long[_pes];
            var order = new int[_pes];
            var step = 0;
            while (Evaluations < budget)
            {
                Array.Clear(score);
                foreach (int[] ends in _ends)
                {
                    for (var p = 0; p < _pes; p++)
                    {
                        score[p] += ends[p];
                    }
                }

                for (var p = 0; p < _pes; p++)
                {
                    order[p] = p;
                }

                Array.Sort(order, (x, y) => score[y] != score[x] ? score[y].CompareTo(score[x]) : x.CompareTo(y));
                bool found = (step++ % 2 == 0)
                    ? ProposeByStalls(score, out int a, out int pa, out int b, out int pb) || Propose(score, order, out a, out pa, out b, out pb)
                    : Propose(score, order, out a, out pa, out b, out pb) || ProposeByStalls(score, out a, out pa, out b, out pb);
                if (!found)
                {
                    return;
                }

                for (var v = 0; v < _ends.Length; v++)
                {
                    _ends[v].CopyTo(_savedEnds[v], 0);
                    _stallBy[v].CopyTo(_savedStallBy[v], 0);
                }

                Swap(a, pa, b, pb);
                var cost = Evaluate();
                if (cost.Cycles < _cost.Cycles || (cost.Cycles == _cost.Cycles && cost.Spread < _cost.Spread))
                {
                    _cost = cost;
                    _rejected.Clear();
                    Kept++;
                }
                else
                {
                    Swap(b, pa, a, pb);
                    _rejected.Add((a, b));
                    for (var v = 0; v < _ends.Length; v++)
                    {
                        _savedEnds[v].CopyTo(_ends[v], 0);
                        _savedStallBy[v].CopyTo(_stallBy[v], 0);
                    }
                }
            }
        }

        /// <summary>The untried swap between a late and an early PE whose work difference is nearest half their gap.</summary>
        private bool Propose(long[] score, int[] order, out int a, out int pa, out int b, out int pb)
        {
            for (var i = 0; i < Math.Min(LatePes, _pes); i++)
            {
                int late = order[i];
                for (var k = 0; k < Math.Min(EarlyPes, _pes - i - 1); k++)
                {
                    int early = order[_pes - 1 - k];
                    long gap = score[late] - score[early];
                    if (gap <= 0)
                    {
                        break;
                    }

                    long bestMiss = long.MaxValue;
                    int bestA = -1;
                    int bestB = -1;
                    foreach (int x in _peRows[late])
                    {
                        foreach (int y in _peRows[early])
                        {
                            long d = _active[x] - _active[y];
                            if (d <= 0 || d >= gap)
                            {
                                continue;
                            }

                            long miss = Math.Abs((2 * d) - gap);
                            if (miss < bestMiss && !_rejected.Contains((x, y)))
                            {
                                bestMiss = miss;
                                bestA = x;
                                bestB = y;
                            }
                        }
                    }

                    if (bestA >= 0)
                    {
                        (a, pa, b, pb) = (bestA, late, bestB, early);
                        return true;
                    }
                }
            }

            (a, pa, b, pb) = (-1, -1, -1, -1);
            return false;
        }

        /// <summary>
        /// The untried swap that takes work away from the PE whose full queue stalled the most
        /// broadcasts, in the columns broadcast just before those stalls, and gives it to a PE that
        /// stalled few, with the two rows' useful work as equal as possible.
        /// </summary>
        private bool ProposeByStalls(long[] score, out int a, out int pa, out int b, out int pb)
        {
            var stalls = new long[_pes];
            foreach (int[] by in _stallBy)
            {
                foreach (int p in by)
                {
                    if (p >= 0)
                    {
                        stalls[p]++;
                    }
                }
            }

            var byStalls = Enumerable.Range(0, _pes).OrderByDescending(p => stalls[p]).ThenBy(p => score[p]).ThenBy(p => p).ToArray();
            for (var i = 0; i < Math.Min(LatePes, _pes); i++)
            {
                int heavy = byStalls[i];
                if (stalls[heavy] == 0)
                {
                    break;
                }

                // Weight of a column: how often it was among the 2D broadcasts before a stall by this PE.
                Array.Clear(_colWeight);
                for (var v = 0; v < _stallBy.Length; v++)
                {
                    int[] by = _stallBy[v];
                    int[] columns = _broadcastCols[v];
                    for (var k = 0; k < by.Length; k++)
                    {
                        if (by[k] == heavy)
                        {
                            for (int w = Math.Max(0, k - (2 * _fifoDepth)); w <= k; w++)
                            {
                                _colWeight[columns[w]]++;
                                if (_pairs is not null && columns[w] + 1 < _cols)
                                {
                                    _colWeight[columns[w] + 1]++;
                                }
                            }
                        }
                    }
                }

                for (var k = 0; k < Math.Min(EarlyPes, _pes - i - 1); k++)
                {
                    int light = byStalls[_pes - 1 - k];
                    long best = 0;
                    int bestA = -1;
                    int bestB = -1;
                    var lightWeights = _peRows[light].Select(Weight).ToArray();
                    foreach (int x in _peRows[heavy])
                    {
                        long wx = Weight(x);
                        for (var iy = 0; iy < lightWeights.Length; iy++)
                        {
                            int y = _peRows[light][iy];
                            long gain = wx - lightWeights[iy] - (_masks.Count * Math.Abs(_active[x] - _active[y]));
                            if (gain > best && !_rejected.Contains((x, y)))
                            {
                                best = gain;
                                bestA = x;
                                bestB = y;
                            }
                        }
                    }

                    if (bestA >= 0)
                    {
                        (a, pa, b, pb) = (bestA, heavy, bestB, light);
                        return true;
                    }
                }
            }

            (a, pa, b, pb) = (-1, -1, -1, -1);
            return false;
        }

        private long Weight(int r)
        {
            long sum = 0;
            foreach (int j in Cols(r))
            {
                sum += _colWeight[j];
            }

            return sum;
        }

        /// <summary>Moves row <paramref name="a"/> from PE <paramref name="pa"/> to <paramref name="pb"/> and row <paramref name="b"/> back.</summary>
        private void Swap(int a, int pa, int b, int pb)
        {
            Replace(_peRows[pa], a, b);
            Replace(_peRows[pb], b, a);
            Encode(pa);
            Encode(pb);
        }

        private static void Replace(List<int> rows, int from, int to)
        {
            rows.RemoveAt(rows.BinarySearch(from));
            int at = rows.BinarySearch(to);
            rows.Insert(~at, to);
        }

        /// <summary>PE p's entries per hardware column, padding included (as <see cref="CscEncoder"/> counts them).</summary>
        private void Encode(int p)
        {
            var work = _table.Work;
            int stride = _table.Stride;
            for (var j = 0; j < _cols; j++)
            {
                work[(j * stride) + p] = 0;
            }

            Array.Fill(_last, -1);
            var rows = _peRows[p];
            for (var local = 0; local < rows.Count; local++)
            {
                foreach (int j in Cols(rows[local]))
                {
                    work[(j * stride) + p] += 1 + ((local - _last[j] - 1) / _span);
                    _last[j] = local;
                }
            }

            _pairs?.FillPairs(_table, p);
        }

        private (long Cycles, long Spread) Evaluate()
        {
            Evaluations++;
            var table = _pairs ?? _table;
            table.Seal(_name);
            long cycles = 0;
            long spread = 0;
            for (var v = 0; v < _masks.Count; v++)
            {
                cycles += CycleModel.Run(table, _name, _rows, _fifoDepth, _masks[v], _ends[v], _stallBy[v]).Cycles;
                foreach (int e in _ends[v])
                {
                    spread += (long)e * e;
                }
            }

            return (cycles, spread);
        }

        private ReadOnlySpan<int> Cols(int r) => _rowCols.AsSpan(_rowStart[r], _rowStart[r + 1] - _rowStart[r]);
    }

    /// <summary>
    /// With column pairs, the first layer's column order: swaps of two hardware columns (which
    /// pairs they join, and when they are broadcast) kept when the cycle model, run on the search
    /// vectors, says the layer got no slower. Each step takes a broadcast that stalled, the PE
    /// whose full queue stalled it and, among the pairs broadcast just before (one queue's worth),
    /// the column with the most work for that PE, and swaps it with a column drawn at random that
    /// has less. Deterministic: the draws come from the config's seed.
    /// </summary>
    internal sealed class ColumnOrderSearch
    {
        private readonly WorkTable _columns;
        private readonly WorkTable _pairs;
        private readonly string _name;
        private readonly int _rows;
        private readonly int _fifoDepth;
        private readonly List<bool[]> _masks;
        private readonly int[] _order;
        private readonly int[][] _stallBy;
        private readonly int[][] _savedStallBy;
        private readonly Random _random;
        private long _cycles;

        public ColumnOrderSearch(WorkTable table, string name, int rows, int fifoDepth, IReadOnlyList<bool[]> masks, int seed)
        {
            _columns = new WorkTable(table.Pes, table.Cols);
            Array.Copy(table.Work, _columns.Work, table.Work.Length);
            Array.Copy(table.Useful, _columns.Useful, table.Useful.Length);
            _pairs = WorkTable.PairsOf(_columns, name);
            _name = name;
            _rows = rows;
            _fifoDepth = fifoDepth;
            _masks = [.. masks.Select(m => (bool[])m.Clone())];
            _order = [.. Enumerable.Range(0, table.Cols)];
            int broadcasts = (table.Cols + 1) / 2;
            _stallBy = [.. _masks.Select(_ => new int[broadcasts])];
            _savedStallBy = [.. _masks.Select(_ => new int[broadcasts])];
            _random = new Random(seed);
            _cycles = Evaluate();
        }

        public int Evaluations { get; private set; }

        /// <summary>Runs up to <paramref name="budget"/> evaluations (fewer when no broadcast stalls).</summary>
        public void Run(int budget)
        {
            int cols = _columns.Cols;
            int stride = _columns.Stride;
            int proposals = 0;
            while (Evaluations < budget && proposals < 4 * budget)
            {
                proposals++;
                int v = _random.Next(_masks.Count);
                int[] stallBy = _stallBy[v];
                int stalls = stallBy.Count(p => p >= 0);
                if (stalls == 0)
                {
                    if (_stallBy.All(s => s.All(p => p < 0)))
                    {
                        return;
                    }

                    continue;
                }

                // The stalled broadcast (the stalls-th of them, in order), its PE, and the heaviest
                // column for that PE among the broadcasts of the window before it.
                int pick = _random.Next(stalls);
                int k0 = -1;
                for (int k = 0; k < stallBy.Length && pick >= 0; k++)
                {
                    if (stallBy[k] >= 0 && pick-- == 0)
                    {
                        k0 = k;
                    }
                }

                int pe = stallBy[k0];
                var broadcast = BroadcastPairs(v);
                int heavy = -1;
                int heavyWork = 0;
                for (int k = Math.Max(0, k0 - _fifoDepth); k <= k0; k++)
                {
                    for (int j = 2 * broadcast[k]; j < Math.Min(cols, (2 * broadcast[k]) + 2); j++)
                    {
                        int w = _masks[v][j] ? _columns.Work[(j * stride) + pe] : 0;
                        if (w > heavyWork)
                        {
                            (heavy, heavyWork) = (j, w);
                        }
                    }
                }

                int other = _random.Next(cols);
                if (heavy < 0 || other / 2 == heavy / 2 || _columns.Work[(other * stride) + pe] >= heavyWork)
                {
                    continue;
                }

                for (int i = 0; i < _stallBy.Length; i++)
                {
                    _stallBy[i].CopyTo(_savedStallBy[i], 0);
                }

                Swap(heavy, other);
                long cycles = Evaluate();
                if (cycles <= _cycles)
                {
                    _cycles = cycles;
                }
                else
                {
                    Swap(heavy, other);
                    for (int i = 0; i < _stallBy.Length; i++)
                    {
                        _savedStallBy[i].CopyTo(_stallBy[i], 0);
                    }
                }
            }
        }

        /// <summary>The first layer's new order: hardware column h reads what <paramref name="hwColToCol"/>'s column order[h] read.</summary>
        public int[] Apply(int[] hwColToCol) => [.. _order.Select(h => hwColToCol[h])];

        /// <summary>The pairs vector <paramref name="v"/> broadcasts, in order.</summary>
        private List<int> BroadcastPairs(int v)
        {
            var mask = _masks[v];
            var list = new List<int>();
            for (int q = 0; 2 * q < mask.Length; q++)
            {
                if (mask[2 * q] || ((2 * q) + 1 < mask.Length && mask[(2 * q) + 1]))
                {
                    list.Add(q);
                }
            }

            return list;
        }

        private void Swap(int a, int b)
        {
            int stride = _columns.Stride;
            for (int p = 0; p < _columns.Pes; p++)
            {
                (_columns.Work[(a * stride) + p], _columns.Work[(b * stride) + p]) = (_columns.Work[(b * stride) + p], _columns.Work[(a * stride) + p]);
            }

            (_columns.Useful[a], _columns.Useful[b]) = (_columns.Useful[b], _columns.Useful[a]);
            (_order[a], _order[b]) = (_order[b], _order[a]);
            foreach (var mask in _masks)
            {
                (mask[a], mask[b]) = (mask[b], mask[a]);
            }

            _pairs.FillPair(_columns, a / 2);
            _pairs.FillPair(_columns, b / 2);
        }

        private long Evaluate()
        {
            Evaluations++;
            long cycles = 0;
            for (int v = 0; v < _masks.Count; v++)
            {
                Array.Fill(_stallBy[v], -1);
                cycles += CycleModel.Run(_pairs, _name, _rows, _fifoDepth, _masks[v], stallBy: _stallBy[v]).Cycles;
            }

            return cycles;
        }
    }
}
