using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HwGen.Compression;

namespace HwGen.Tests.Compression;

public class HuffmanTests
{
    [Fact]
    public void A_textbook_example_gets_the_optimal_lengths()
    {
        // Frequencies 5, 2, 1, 1 → lengths 1, 2, 3, 3 → 5 + 4 + 3 + 3 = 15 bits.
        long[] frequencies = [5, 2, 1, 1];

        Huffman.CodeLengths(frequencies).ShouldBe([1, 2, 3, 3]);
        Huffman.EncodedBits(frequencies).ShouldBe(15);
    }

    [Fact]
    public void Unused_symbols_get_no_code_and_a_single_symbol_one_bit()
    {
        Huffman.CodeLengths([0, 7, 0]).ShouldBe([0, 1, 0]);
        Huffman.EncodedBits([0, 7, 0]).ShouldBe(7);
        Huffman.EncodedBits([0, 0]).ShouldBe(0);
        Huffman.EncodedBits([]).ShouldBe(0);
    }

    [Property(Arbitrary = [typeof(HuffmanCases)], MaxTest = 200)]
    public void Huffman_codes_are_complete_prefix_codes_no_longer_than_fixed_width(HuffmanCase c)
    {
        var random = new Random(c.Seed);
        long[] frequencies = Enumerable.Range(0, c.Symbols).Select(_ => random.Next(3) == 0 ? 0L : random.Next(1, 1000)).ToArray();
        frequencies[0] = Math.Max(1, frequencies[0]);
        frequencies[1] = Math.Max(1, frequencies[1]);

        int[] lengths = Huffman.CodeLengths(frequencies);

        // Kraft: Σ 2^−length = 1 over used symbols (a complete prefix code).
        lengths.Where(l => l > 0).Sum(l => Math.ScaleB(1.0, -l)).ShouldBe(1.0, 1e-12, c.ToString());
        int used = frequencies.Count(f => f > 0);
        int fixedWidth = (int)Math.Ceiling(Math.Log2(used));
        Huffman.EncodedBits(frequencies).ShouldBeLessThanOrEqualTo(frequencies.Sum() * fixedWidth, c.ToString());
        double entropyBits = frequencies.Where(f => f > 0).Sum(f => f * -Math.Log2(f / (double)frequencies.Sum()));
        Huffman.EncodedBits(frequencies).ShouldBeGreaterThanOrEqualTo((long)Math.Floor(entropyBits), c.ToString());
    }

    /// <summary>One random frequency table: printed by FsCheck when a property fails.</summary>
    public sealed record HuffmanCase(int Seed, int Symbols);

    /// <summary>The random cases of one property; FsCheck prints the failing case and the seed to replay it.</summary>
    public static class HuffmanCases
    {
        public static Arbitrary<HuffmanCase> Cases() =>
            (from seed in Gen.Choose(0, int.MaxValue)
             from symbols in Gen.Choose(2, 256)
             select new HuffmanCase(seed, symbols)).ToArbitrary();
    }
}
