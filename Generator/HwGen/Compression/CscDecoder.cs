namespace HwGen.Compression;

/// <summary>
/// The naive inverse of <see cref="CscEncoder"/>, written from DESIGN §3 alone and kept apart from
/// the encoder so that each checks the other: walk every PE's columns with
/// <c>row := −1; for each entry: row += z + 1</c> and write each non-zero code back into a dense
/// matrix.
/// </summary>
public static class CscDecoder
{
    /// <summary>Decodes per-PE encodings to a dense code matrix of <paramref name="rows"/> × <paramref name="cols"/> hardware rows and columns.</summary>
    /// <exception cref="InvalidDataException">An entry falls outside its PE's rows, or two entries hit one weight.</exception>
    public static byte[] DecodeHardware(IReadOnlyList<PeEncoding> encodings, int rows, int cols)
    {
        int pes = encodings.Count;
        var dense = new byte[(long)rows * cols];
        foreach (var encoding in encodings)
        {
            int pe = encoding.Pe;
            if (encoding.ColumnPointers.Length != cols + 1 || encoding.ColumnPointers[0] != 0 || encoding.ColumnPointers[cols] != encoding.Entries)
            {
                throw new InvalidDataException($"PE {pe}: column pointers do not span its {encoding.Entries} entries over {cols} columns");
            }

            for (var col = 0; col < cols; col++)
            {
                int row = -1;
                for (int e = encoding.ColumnPointers[col]; e < encoding.ColumnPointers[col + 1]; e++)
                {
                    row += encoding.EntryIndices[e] + 1;
                    if (encoding.EntryCodes[e] == 0)
                    {
                        continue;
                    }

                    int hwRow = (row * pes) + pe;
                    if (row >= encoding.LocalRows || hwRow >= rows)
                    {
                        throw new InvalidDataException($"PE {pe}, column {col}, entry {e}: local row {row} is past the PE's {encoding.LocalRows} rows");
                    }

                    if (dense[((long)hwRow * cols) + col] != 0)
                    {
                        throw new InvalidDataException($"PE {pe}, column {col}, entry {e}: row {row} written twice");
                    }

                    dense[((long)hwRow * cols) + col] = encoding.EntryCodes[e];
                }
            }
        }

        return dense;
    }

    /// <summary>Decodes a layer's encoding back to its codes in original coordinates.</summary>
    /// <exception cref="InvalidDataException">A weight sits in a padding row or column (one that maps to −1).</exception>
    public static byte[] Decode(CompressedLayer layer)
    {
        int hwRows = layer.HwRows;
        int hwCols = layer.HwCols;
        byte[] hardware = DecodeHardware(layer.PeEncodings, hwRows, hwCols);
        var original = new byte[(long)layer.Rows * layer.Cols];
        for (var h = 0; h < hwRows; h++)
        {
            for (var j = 0; j < hwCols; j++)
            {
                byte code = hardware[((long)h * hwCols) + j];
                int row = layer.HwRowToRow[h];
                int col = layer.HwColToCol[j];
                if (row < 0 || col < 0)
                {
                    if (code != 0)
                    {
                        throw new InvalidDataException($"hardware row {h}, column {j}: a weight in a padding {(row < 0 ? "row" : "column")}");
                    }

                    continue;
                }

                original[((long)row * layer.Cols) + col] = code;
            }
        }

        return original;
    }
}
