namespace HwGen.Compression;

/// <summary>
/// EIE's relative-indexed CSC (DESIGN §3), per PE, over hardware columns. For each hardware column
/// j in order, a PE's entries are its non-zero weights of column j by ascending local row; each is
/// <c>(code, z)</c> with z the zero rows skipped since the previous entry (the first counts from
/// local row −1). A gap d ≥ 2^Z becomes d div 2^Z padding entries <c>(0, 2^Z − 1)</c> and then
/// <c>(code, d mod 2^Z)</c>. Trailing zero rows of a column cost nothing.
/// </summary>
public static class CscEncoder
{
    /// <summary>Encodes one layer for N PEs.</summary>
    /// <param name="codes">Rows × Cols row-major in original coordinates, 0 = pruned.</param>
    /// <param name="rows">Outputs.</param>
    /// <param name="cols">Inputs.</param>
    /// <param name="pes">N ≥ 1.</param>
    /// <param name="indexBits">Z, 1..8.</param>
    /// <param name="hwRowToRow">Hardware row h (= local × N + pe) → original row.</param>
    /// <param name="hwColToCol">Hardware column → original column.</param>
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

        if (codes.Length != (long)rows * cols || hwRowToRow.Length != rows || hwColToCol.Length != cols || pes < 1)
        {
            throw new ArgumentException(
                $"inconsistent layer shape: {codes.Length} codes, {rows} × {cols}, " +
                $"{hwRowToRow.Length} row and {hwColToCol.Length} column map entries, {pes} PEs");
        }

        int[] colToHwCol = Inverse(hwColToCol);

        // Bucket the non-zeros by (PE, hardware column) — counting sort, two passes over the codes.
        // Walking hardware rows in ascending order puts each bucket's local rows in ascending order.
        var bucketStart = new int[((long)pes * cols) + 1];
        ForEachNonZero(codes, rows, cols, pes, hwRowToRow, colToHwCol, (pe, _, hwCol, _, _) => bucketStart[(pe * cols) + hwCol + 1]++);
        for (var b = 1; b < bucketStart.Length; b++)
        {
            bucketStart[b] += bucketStart[b - 1];
        }

        var fill = bucketStart[..^1];
        var localRow = new int[bucketStart[^1]];
        var entryCode = new byte[bucketStart[^1]];
        var entryValue = linear ? new long[bucketStart[^1]] : [];
        ForEachNonZero(codes, rows, cols, pes, hwRowToRow, colToHwCol, (pe, local, hwCol, code, flat) =>
        {
            int at = fill[(pe * cols) + hwCol]++;
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
            var pointers = new int[cols + 1];
            for (var j = 0; j < cols; j++)
            {
                int begin = bucketStart[(pe * cols) + j];
                int end = bucketStart[(pe * cols) + j + 1];
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
            var codesOut = new byte[pointers[cols]];
            var indicesOut = new byte[pointers[cols]];
            long[]? valuesOut = linear ? new long[pointers[cols]] : null;
            var at = 0;
            for (var j = 0; j < cols; j++)
            {
                int previous = -1;
                for (int e = bucketStart[(pe * cols) + j]; e < bucketStart[(pe * cols) + j + 1]; e++)
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
                LocalRows = CompressedLayer.LocalRows(rows, pes, pe),
                ColumnPointers = pointers,
                EntryCodes = codesOut,
                EntryIndices = indicesOut,
                EntryValues = valuesOut,
            };
        }

        return encodings;
    }

    /// <summary>The inverse of a permutation: <c>inverse[map[i]] = i</c>.</summary>
    public static int[] Inverse(ReadOnlySpan<int> map)
    {
        var inverse = new int[map.Length];
        Array.Fill(inverse, -1);
        for (var i = 0; i < map.Length; i++)
        {
            if ((uint)map[i] >= (uint)map.Length || inverse[map[i]] >= 0)
            {
                throw new ArgumentException($"not a permutation of 0..{map.Length - 1}: {map[i]} at {i}", nameof(map));
            }

            inverse[map[i]] = i;
        }

        return inverse;
    }

    private delegate void NonZeroVisitor(int pe, int localRow, int hwCol, byte code, long flatIndex);

    /// <summary>Visits the non-zeros in ascending hardware row, then ascending original column.</summary>
    private static void ForEachNonZero(
        ReadOnlySpan<byte> codes, int rows, int cols, int pes, ReadOnlySpan<int> hwRowToRow, int[] colToHwCol, NonZeroVisitor visit)
    {
        for (var h = 0; h < rows; h++)
        {
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
