using HwGen.IO;

namespace HwGen.Tests.IO;

/// <summary>CSV through CsvHelper: RFC 4180 quoting where a cell needs it, plain cells as they are, and a round trip.</summary>
public class CsvTableTests
{
    [Fact]
    public void Plain_cells_are_written_as_they_are_with_lf_line_ends()
    {
        var table = new CsvTable(["layer", "cols", "load_efficiency"], [["Alex-6", "9216", "0.9375"], ["alex8 (real)", "4096", ""]]);

        table.Write().ShouldBe("layer,cols,load_efficiency\nAlex-6,9216,0.9375\nalex8 (real),4096,\n");
    }

    [Fact]
    public void A_cell_with_a_comma_a_quote_or_a_line_break_is_quoted_with_its_quotes_doubled()
    {
        var table = new CsvTable(["name", "error"], [["a, b", "say \"no\""], ["two\nlines", " spaced "]]);

        table.Write().ShouldBe("name,error\n\"a, b\",\"say \"\"no\"\"\"\n\"two\nlines\", spaced \n");
    }

    [Fact]
    public void What_is_written_reads_back_cell_for_cell()
    {
        using var folder = new TempFolder();
        var table = new CsvTable(["index", "error", "empty"], [["0", "quantization.activation_frac: must be in 0..3, got \"8\"", ""], ["1", "x\ny", "z"]]);

        string path = folder.Write("t.csv", table.Write());
        var read = CsvTable.Read(path);

        read.Header.ShouldBe(table.Header);
        read.Rows.Count.ShouldBe(2);
        read.Rows[0].ShouldBe(table.Rows[0]);
        read.Rows[1].ShouldBe(table.Rows[1]);
        read.Column("error").ShouldBe(1);
        Should.Throw<InvalidDataException>(() => read.Column("missing")).Message.ShouldContain("missing");
    }

    [Fact]
    public void A_row_with_another_number_of_cells_than_the_header_is_refused()
    {
        var table = new CsvTable(["a", "b"], [["1"]]);

        Should.Throw<InvalidOperationException>(() => table.Write());
    }
}
