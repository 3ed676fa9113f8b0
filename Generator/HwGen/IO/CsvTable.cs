using CsvHelper;

namespace HwGen.IO;

/// <summary>
/// A CSV table as HwGen writes and reads it, through CsvHelper: RFC 4180, comma separated, LF line
/// ends, a field quoted only when it holds a comma, a quote or a line break (quotes doubled inside),
/// a header row first. Cells are text the caller formats (numbers in their shortest exact invariant
/// form), so the same values give the same bytes.
/// </summary>
/// <param name="Header">The column names.</param>
/// <param name="Rows">The records, each with a cell per column.</param>
public sealed record CsvTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    private static readonly CsvWriterOptions WriterOptions = CsvWriterOptions.Default with { NewLine = "\n" };

    private static readonly CsvReaderOptions ReaderOptions = CsvReaderOptions.Default with { Separator = ',', PoolStrings = false };

    /// <summary>The table as CSV text.</summary>
    /// <exception cref="InvalidOperationException">A row has another number of cells than the header.</exception>
    public string Write()
    {
        using var text = new StringWriter();
        using (var csv = CsvWriter.Create(text, WriterOptions, leaveOpen: true))
        {
            csv.WriteRecord([.. Header]);
            foreach (var row in Rows)
            {
                csv.WriteRecord([.. row]);
            }
        }

        return text.ToString();
    }

    /// <summary>The index of a column.</summary>
    /// <exception cref="InvalidDataException">The table has no such column.</exception>
    public int Column(string name) =>
        Header.ToList().IndexOf(name) is var i and >= 0 ? i : throw new InvalidDataException($"no column {name}");

    /// <summary>Reads a CSV file with a header row.</summary>
    /// <exception cref="InvalidDataException">The file is not CSV (a malformed quote).</exception>
    public static CsvTable Read(string path)
    {
        using var csv = CsvReader.FromFile(path, ReaderOptions);
        var rows = new List<IReadOnlyList<string>>();
        try
        {
            while (csv.Read())
            {
                rows.Add([.. Enumerable.Range(0, csv.FieldCount).Select(csv.GetString)]);
            }

            return new CsvTable([.. csv.Headers], rows);
        }
        catch (CsvFormatException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
