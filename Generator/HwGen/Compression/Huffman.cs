namespace HwGen.Compression;

/// <summary>
/// Huffman coding of a symbol stream, as Deep Compression applies it to the code and index
/// streams: only the code lengths matter for the size, and every Huffman code of the same
/// frequencies has the same total size.
/// </summary>
public static class Huffman
{
    /// <summary>
    /// Code length of each symbol (0 for symbols that never occur). A stream of a single distinct
    /// symbol still needs 1 bit per symbol to be a code at all; it gets length 1.
    /// </summary>
    public static int[] CodeLengths(ReadOnlySpan<long> frequencies)
    {
        var lengths = new int[frequencies.Length];
        var used = new List<int>();
        for (var s = 0; s < frequencies.Length; s++)
        {
            if (frequencies[s] < 0)
            {
                throw new ArgumentException($"negative frequency for symbol {s}", nameof(frequencies));
            }

            if (frequencies[s] > 0)
            {
                used.Add(s);
            }
        }

        if (used.Count == 1)
        {
            lengths[used[0]] = 1;
            return lengths;
        }

        // Nodes 0..used-1 are leaves; merged nodes follow. Ties go to the node created first, so
        // the tree (not only its size) is deterministic.
        var parent = new List<int>(new int[used.Count]);
        var queue = new PriorityQueue<int, (long Weight, int Node)>();
        for (var leaf = 0; leaf < used.Count; leaf++)
        {
            queue.Enqueue(leaf, (frequencies[used[leaf]], leaf));
        }

        while (queue.Count > 1)
        {
            queue.TryDequeue(out int x, out var px);
            queue.TryDequeue(out int y, out var py);
            int node = parent.Count;
            parent.Add(-1);
            parent[x] = node;
            parent[y] = node;
            queue.Enqueue(node, (px.Weight + py.Weight, node));
        }

        for (var leaf = 0; leaf < used.Count; leaf++)
        {
            var depth = 0;
            for (int n = leaf; n != parent.Count - 1; n = parent[n])
            {
                depth++;
            }

            lengths[used[leaf]] = depth;
        }

        return lengths;
    }

    /// <summary>Σ frequency × code length: the stream's Huffman-coded size in bits.</summary>
    public static long EncodedBits(ReadOnlySpan<long> frequencies)
    {
        int[] lengths = CodeLengths(frequencies);
        long bits = 0;
        for (var s = 0; s < frequencies.Length; s++)
        {
            bits += frequencies[s] * lengths[s];
        }

        return bits;
    }

    /// <summary>How often each byte value occurs.</summary>
    public static long[] Histogram(ReadOnlySpan<byte> symbols)
    {
        var counts = new long[256];
        foreach (byte s in symbols)
        {
            counts[s]++;
        }

        return counts;
    }
}
