using HwGen.IO;

namespace HwGen.Tests.IO;

public class NpyTests
{
    [Fact]
    public void Reads_every_array_of_the_real_alex8_archive_with_its_dtype_and_shape()
    {
        var arrays = Npy.ReadNpz(TestData.Alex8Npz);

        arrays["codes"].Type.ShouldBe(NpyType.UInt8);
        arrays["codes"].Shape.ShouldBe([1000, 4096]);
        arrays["codebook"].Type.ShouldBe(NpyType.Float32);
        arrays["codebook"].Shape.ShouldBe([16]);
        arrays["weights"].Shape.ShouldBe([1000, 4096]);
        arrays["input"].Shape.ShouldBe([4096]);
        arrays["output"].Shape.ShouldBe([1000]);
        arrays["bias_codes"].Shape.ShouldBe([1000]);
    }

    [Fact]
    public void Alex8_codes_match_the_facts_its_readme_states()
    {
        var arrays = Npy.ReadNpz(TestData.Alex8Npz);
        var codes = arrays["codes"].ToBytes();
        var codebook = arrays["codebook"].ToDoubles();
        var weights = arrays["weights"].ToDoubles();

        codes.Count(c => c != 0).ShouldBe(1_051_032);
        arrays["input"].ToDoubles().Count(x => x != 0).ShouldBe(1759);
        codebook[0].ShouldBe(0.0);
        for (var i = 0; i < codes.Length; i += 997)
        {
            weights[i].ShouldBe((double)(float)codebook[codes[i]]);
        }
    }

    [Fact]
    public void An_array_larger_than_asked_for_is_read_header_only_and_its_data_never_touched()
    {
        byte[] file = NpyBytes.Npy("<f8", "(1000, 1000)", new byte[8_000_000]);
        using var stream = new MemoryStream(file);

        var array = Npy.Read(stream, "big.npy", maxElements: 32);

        array.HasData.ShouldBeFalse();
        array.ShapeText.ShouldBe("(1000, 1000)");
        stream.Position.ShouldBe(file.Length - 8_000_000, "only the header was read");
        Should.Throw<InvalidOperationException>(() => array.ToDoubles()).Message.ShouldContain("only the header");
    }

    [Fact]
    public void A_header_that_claims_more_data_than_a_file_holds_is_truncated_without_allocating_for_it()
    {
        using var stream = new MemoryStream(NpyBytes.Npy("<f4", "(50000, 10000)", new byte[12]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Should.Throw<NpyFormatException>(() => Npy.Read(stream, "short.npy"));

        error.Message.ShouldBe("short.npy: truncated: shape (50000, 10000) needs 2000000000 data bytes, the file has 12");
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBeLessThan(1 << 20);
    }

    [Theory]
    [InlineData("()", "")]
    [InlineData("(7,)", "7")]
    [InlineData("(3, 4)", "3,4")]
    [InlineData("(3L, 4L)", "3,4")]
    [InlineData("(0, 100000000000)", null)]
    public void Shapes_parse_as_numpy_writes_them(string shape, string? dimensions)
    {
        using var stream = new MemoryStream(NpyBytes.Npy("<f4", shape, new byte[8 * 4 * 4]));

        if (dimensions is null)
        {
            Should.Throw<NpyFormatException>(() => Npy.Read(stream, "x.npy")).Message.ShouldContain("more than the 2147483647 HwGen handles");
        }
        else
        {
            string.Join(',', Npy.Read(stream, "x.npy").Shape).ShouldBe(dimensions);
        }
    }
}
