namespace HwGen.Compression;

/// <summary>
/// The naive inverse of <see cref="CscEncoder"/>, written from DESIGN §3 alone and kept apart from
/// the encoder so that each checks the other: walk every PE's columns with
/// <c>row := −1; for each entry: row += z + 1</c> and write each non-zero code back into a dense
/// matrix.
/// </summary>
public static class CscDecoder
{
    /// <summary>Decodes per-PE encodings to a dense Rows × Cols code matrix in hardware coordinates.</summary>
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
    public static byte[] Decode(CompressedLayer layer)
    {
        byte[] hardware = DecodeHardware(layer.PeEncodings, layer.Rows, layer.Cols);
        var original = new byte[hardware.Length];
        for (var h = 0; h < layer.Rows; h++)
        {
            for (var j = 0; j < layer.Cols; j++)
            {
                original[(layer.HwRowToRow[h] * layer.Cols) + layer.HwColToCol[j]] = hardware[(h * layer.Cols) + j];
            }
        }

        return original;
    }
}
