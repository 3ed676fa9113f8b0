using System.Buffers.Binary;
using System.IO.Compression;
using HwGen.IO;

namespace HwGen.Tests.IO;

public class NpyWriterTests
{
    public static TheoryData<NpyType, double[]> Arrays => new()
    {
        { NpyType.Float32, [0, 1.5, -2.25, 3.4028234663852886E+38, 1e-45, double.NaN] },
        { NpyType.Float64, [0, Math.PI, -1e300, double.Epsilon, double.NegativeInfinity, 7] },
        { NpyType.UInt8, [0, 1, 2, 127, 128, 255] },
        { NpyType.Int8, [0, -1, -128, 127, 5, -6] },
        { NpyType.Int16, [0, -1, short.MinValue, short.MaxValue, 300, -300] },
        { NpyType.Int32, [0, -1, int.MinValue, int.MaxValue, 70000, -70000] },
    };

    [Theory]
    [MemberData(nameof(Arrays))]
    public void An_npy_file_reads_back_with_its_type_shape_and_values(NpyType type, double[] values)
    {
        using var folder = new TempFolder();
        string path = folder.File("a.npy");

        Npy.WriteNpy(path, Npy.Create(type, [2, 3], values));
        var array = Npy.ReadNpy(path);

        array.Type.ShouldBe(type);
        array.Shape.ShouldBe([2, 3]);
        array.ToDoubles().ShouldBe(type == NpyType.Float32 ? [.. values.Select(v => (double)(float)v)] : values);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_npz_archive_reads_back_every_array_stored_or_compressed(bool compressed)
    {
        using var folder = new TempFolder();
        string path = folder.File("a.npz");
        var codes = Npy.CreateUInt8([2, 2], [0, 3, 1, 2]);
        var codebook = Npy.Create(NpyType.Float32, [4], [0, 0.5, -0.5, 1]);
        var scalar = Npy.Create(NpyType.Float64, [], [42]);

        Npy.WriteNpz(path, [KeyValuePair.Create("codes", codes), KeyValuePair.Create("codebook", codebook), KeyValuePair.Create("scalar", scalar)], compressed);
        var arrays = Npy.ReadNpz(path);

        arrays.Keys.ShouldBe(["codes", "codebook", "scalar"], ignoreOrder: true);
        arrays["codes"].ToBytes().ShouldBe(new byte[] { 0, 3, 1, 2 });
        arrays["codebook"].ToDoubles().ShouldBe([0, 0.5, -0.5, 1]);
        arrays["scalar"].Shape.ShouldBeEmpty();
        arrays["scalar"].ToDoubles().ShouldBe([42]);
        using var zip = ZipFile.OpenRead(path);
        zip.Entries.Select(e => e.FullName).ShouldBe(["codes.npy", "codebook.npy", "scalar.npy"]);
    }

    [Theory]
    [InlineData("input", NpyType.Float32, new[] { 4096 })]
    [InlineData("codes", NpyType.UInt8, new[] { 1000, 4096 })]
    [InlineData("codebook", NpyType.Float32, new[] { 16 })]
    public void The_header_is_byte_identical_to_the_one_numpy_wrote_in_alex8(string member, NpyType type, int[] shape)
    {
        using var zip = ZipFile.OpenRead(TestData.Alex8Npz);
        using var numpyStream = zip.GetEntry(member + ".npy")!.Open();
        var numpyHeader = new byte[128];
        numpyStream.ReadExactly(numpyHeader);
        int count = shape.Aggregate(1, (a, b) => a * b);
        using var ours = new MemoryStream();

        Npy.WriteNpy(ours, Npy.Create(type, shape, new double[count]));

        ours.ToArray()[..128].ShouldBe(numpyHeader);
    }

    [Fact]
    public void Writing_the_same_arrays_twice_gives_byte_identical_archives()
    {
        using var folder = new TempFolder();
        var arrays = new[] { KeyValuePair.Create("w", Npy.Create(NpyType.Float32, [3], [1, 2, 3])) };

        Npy.WriteNpz(folder.File("a.npz"), arrays, compressed: true);
        Npy.WriteNpz(folder.File("b.npz"), arrays, compressed: true);

        File.ReadAllBytes(folder.File("a.npz")).ShouldBe(File.ReadAllBytes(folder.File("b.npz")));
        using var zip = ZipFile.OpenRead(folder.File("a.npz"));
        zip.Entries.ShouldAllBe(e => e.LastWriteTime.Year == 1980); // not the time of writing
    }

    [Fact]
    public void A_header_too_long_for_version_1_is_written_as_version_2()
    {
        int[] shape = [.. Enumerable.Repeat(1, 25_000)];
        using var stream = new MemoryStream();

        Npy.WriteNpy(stream, Npy.Create(NpyType.UInt8, shape, [7]));
        stream.Position = 0;

        stream.ToArray()[6].ShouldBe((byte)2);
        BinaryPrimitives.ReadUInt32LittleEndian(stream.ToArray().AsSpan(8)).ShouldBeGreaterThan(ushort.MaxValue);
        // NumPy itself reads at most 64 dimensions, and so does HwGen.
        Should.Throw<NpyFormatException>(() => Npy.Read(stream, "long header")).Message.ShouldContain("25000 dimensions");
    }

    [Fact]
    public void Values_that_do_not_fit_an_integer_type_are_refused_with_their_index()
    {
        Should.Throw<ArgumentException>(() => Npy.Create(NpyType.UInt8, [2], [1, 256])).Message.ShouldContain("index 1");
        Should.Throw<ArgumentException>(() => Npy.Create(NpyType.Int16, [1], [0.5])).Message.ShouldContain("does not fit Int16");
        Should.Throw<ArgumentException>(() => Npy.Create(NpyType.Int32, [1], [double.NaN]));
    }

    [Fact]
    public void A_shape_that_does_not_match_the_values_is_refused()
    {
        Should.Throw<ArgumentException>(() => Npy.Create(NpyType.Float32, [2, 2], [1, 2, 3])).Message.ShouldContain("holds 4 elements, but 3 values");
        Should.Throw<ArgumentException>(() => Npy.CreateUInt8([-1], []));
    }

    [Fact]
    public void An_npz_archive_opened_lazily_lists_its_arrays_and_reads_one_even_when_another_is_unreadable()
    {
        using var folder = new TempFolder();
        string path = folder.File("mixed.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var good = zip.CreateEntry("good.npy").Open())
            {
                Npy.WriteNpy(good, Npy.Create(NpyType.Int16, [2], [5, -5]));
            }

            using var bad = zip.CreateEntry("bad.npy").Open();
            bad.Write(NpyBytes.Npy("<c16", "(1,)", new byte[16]));
        }

        using var archive = NpzArchive.Open(path);

        archive.Names.ShouldBe(["bad", "good"]);
        archive.Read("good").ToDoubles().ShouldBe([5, -5]);
        Should.Throw<NpyFormatException>(() => archive.Read("bad")).Message.ShouldContain("'<c16' is not supported");
        Should.Throw<KeyNotFoundException>(() => archive.Read("missing"));
    }
}
