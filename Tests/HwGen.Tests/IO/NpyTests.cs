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
}
