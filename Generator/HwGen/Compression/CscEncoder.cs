namespace HwGen.Compression;

/// <summary>
/// EIE's relative-indexed CSC (DESIGN §3), per PE, over hardware columns. For each hardware column
/// j in order, a PE's entries are its non-zero weights of column j by ascending local row; each is
/// <c>(code, z)</c> with z the zero rows skipped since the previous entry (the first counts from
/// local row −1). A gap d ≥ 2^Z becomes d div 2^Z padding entries <c>(0, 2^Z − 1)</c> and then
/// <c>(code, d mod 2^Z)</c>. Trailing zero rows of a column cost nothing. Hardware rows and columns
/// that map to −1 (an LSTM layer's padding units and columns, a fully connected layer's columns
/// after an LSTM's padding outputs) hold no weights: padding rows are skipped by the relative
/// index like zero rows, padding columns are empty.
/// </summary>
public static class CscEncoder
{
    /// <summary>Encodes one layer for N PEs.</summary>
    /// <param name="codes">Rows × Cols row-major in original coordinates, 0 = pruned.</param>
    /// <param name="rows">Outputs (rows of <paramref name="codes"/>).</param>
    /// <param name="cols">Inputs (columns of <paramref name="codes"/>).</param>
    /// <param name="pes">N ≥ 1.</param>
    /// <param name="indexBits">Z, 1..8.</param>
    /// <param name="hwRowToRow">
    /// Hardware row h (= local × N + pe) → original row or −1; every original row appears once.
    /// Its length, the hardware rows, gives each PE's <see cref="PeEncoding.LocalRows"/>.
    /// </param>
    /// <param name="hwColToCol">
    /// Hardware column → original column or −1; every original column appears once. Its length,
    /// the hardware columns, is the pointer arrays' length minus one.
    /// </param>
    /// <param name="values">
    /// Linear weights: Rows × Cols values in original coordinates, copied into each entry's
    /// <see cref="PeEncoding.EntryValues"/> (the codes are then the pruning mask); null for a codebook layer.
    /// </param>
    public static PeEncoding[] Encode(
        ReadOnlySpan<byte> codes, int rows, int cols, int pes, int indexBits, ReadOnlySpan<int> hwRowToRow, ReadOnlySpan<int> hwColToCol,
        long[]? values = null)
    {
        bool linear = values is not null;
        if (values is not null && values.Length != codes.Length)
        {
            throw new ArgumentException($"{values.Length} linear values for {codes.Length} codes", nameof(values));
        }

        if (indexBits is < 1 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(indexBits), indexBits, "index bits must be 1..8");
        }

        if (codes.Length != (long)rows * cols || hwRowToRow.Length < rows || hwColToCol.Length < cols || pes < 1)
        {
            throw new ArgumentException(
                $"inconsistent layer shape: {codes.Length} codes, {rows} × {cols}, " +
                $"{hwRowToRow.Length} row and {hwColToCol.Length} column map entries, {pes} PEs");
        }

        Inverse(hwRowToRow, rows);
        int[] colToHwCol = Inverse(hwColToCol, cols);
        int hwRows = hwRowToRow.Length;
        int hwCols = hwColToCol.Length;

        // Bucket the non-zeros by (PE, hardware column) — counting sort, two passes over the codes.
        // Walking hardware rows in ascending order puts each bucket's local rows in ascending order.
        var bucketStart = new int[((long)pes * hwCols) + 1];
        ForEachNonZero(codes, cols, hwRows, pes, hwRowToRow, colToHwCol, (pe, _, hwCol, _, _) => bucketStart[(pe * hwCols) + hwCol + 1]++);
        for (var b = 1; b < bucketStart.Length; b++)
        {
            bucketStart[b] += bucketStart[b - 1];
        }

        var fill = bucketStart[..^1];
        var localRow = new int[bucketStart[^1]];
        var entryCode = new byte[bucketStart[^1]];
        var entryValue = linear ? new long[bucketStart[^1]] : [];
        ForEachNonZero(codes, cols, hwRows, pes, hwRowToRow, colToHwCol, (pe, local, hwCol, code, flat) =>
        {
            int at = fill[(pe * hwCols) + hwCol]++;
            localRow[at] = local;
            entryCode[at] = code;
            if (linear)
            {
                entryValue[at] = values![flat];
            }
        });

        var encodings = new PeEncoding[pes];
        int span = 1 << indexBits;
        for (var pe = 0; pe < pes; pe++)
        {
            // Pass 1: entries per column (real + padding) give the pointers.
            var pointers = new int[hwCols + 1];
            for (var j = 0; j < hwCols; j++)
            {
                int begin = bucketStart[(pe * hwCols) + j];
                int end = bucketStart[(pe * hwCols) + j + 1];
                int entries = end - begin;
                int previous = -1;
                for (int e = begin; e < end; e++)
                {
                    entries += (localRow[e] - previous - 1) / span;
                    previous = localRow[e];
                }

                pointers[j + 1] = pointers[j] + entries;
            }

            // Pass 2: the entries themselves.
            var codesOut = new byte[pointers[hwCols]];
            var indicesOut = new byte[pointers[hwCols]];
            long[]? valuesOut = linear ? new long[pointers[hwCols]] : null;
            var at = 0;
            for (var j = 0; j < hwCols; j++)
            {
                int previous = -1;
                for (int e = bucketStart[(pe * hwCols) + j]; e < bucketStart[(pe * hwCols) + j + 1]; e++)
                {
                    int gap = localRow[e] - previous - 1;
                    for (; gap >= span; gap -= span)
                    {
                        codesOut[at] = 0;
                        indicesOut[at] = (byte)(span - 1);
                        at++;
                    }

                    codesOut[at] = entryCode[e];
                    indicesOut[at] = (byte)gap;
                    if (valuesOut is not null)
                    {
                        valuesOut[at] = entryValue[e];
                    }

                    at++;
                    previous = localRow[e];
                }
            }

            encodings[pe] = new PeEncoding
            {
                Pe = pe,
                LocalRows = CompressedLayer.LocalRows(hwRows, pes, pe),
                ColumnPointers = pointers,
                EntryCodes = codesOut,
                EntryIndices = indicesOut,
                EntryValues = valuesOut,
            };
        }

        return encodings;
    }

    /// <summary>The inverse of a permutation: <c>inverse[map[i]] = i</c>.</summary>
    public static int[] Inverse(ReadOnlySpan<int> map) => Inverse(map, map.Length);

    /// <summary>
    /// The inverse of a map with padding: <paramref name="map"/> (hardware position → original
    /// index or −1) must hit each of 0..<paramref name="length"/> − 1 exactly once;
    /// <c>inverse[map[i]] = i</c>, length <paramref name="length"/>.
    /// </summary>
    public static int[] Inverse(ReadOnlySpan<int> map, int length)
    {
        var inverse = new int[length];
        Array.Fill(inverse, -1);
        var hits = 0;
        for (var i = 0; i < map.Length; i++)
        {
            if (map[i] == -1)
            {
                continue;
            }

            if ((uint)map[i] >= (uint)length || inverse[map[i]] >= 0)
            {
                throw new ArgumentException($"not a map onto 0..{length - 1}: {map[i]} at {i}", nameof(map));
            }

            inverse[map[i]] = i;
            hits++;
        }

        if (hits != length)
        {
            throw new ArgumentException($"the map hits {hits} of 0..{length - 1}", nameof(map));
        }

        return inverse;
    }

    private delegate void NonZeroVisitor(int pe, int localRow, int hwCol, byte code, long flatIndex);

    /// <summary>Visits the non-zeros in ascending hardware row, then ascending original column; padding rows (−1) have none.</summary>
    private static void ForEachNonZero(
        ReadOnlySpan<byte> codes, int cols, int hwRows, int pes, ReadOnlySpan<int> hwRowToRow, int[] colToHwCol, NonZeroVisitor visit)
    {
        for (var h = 0; h < hwRows; h++)
        {
            if (hwRowToRow[h] < 0)
            {
                continue;
            }

            var row = codes.Slice(hwRowToRow[h] * cols, cols);
            int pe = h % pes;
            int local = h / pes;
            var j = 0;
            while (true)
            {
                int offset = row[j..].IndexOfAnyExcept((byte)0);
                if (offset < 0)
                {
                    break;
                }

                j += offset;
                visit(pe, local, colToHwCol[j], row[j], ((long)hwRowToRow[h] * cols) + j);
                j++;
            }
        }
    }
}
