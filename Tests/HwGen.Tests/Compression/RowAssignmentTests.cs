using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Model;
using Xunit.Abstractions;

namespace HwGen.Tests.Compression;

public class RowAssignmentTests(ITestOutputHelper output)
{
    [Fact]
    public void Interleaving_is_the_identity_in_hardware_row_order()
    {
        RowAssignment.Interleaved(5).ShouldBe([0, 1, 2, 3, 4]);
    }

    [Fact]
    public void Measure_counts_the_per_column_maximum_and_the_largest_pe_total()
    {
        // 4 rows × 3 cols on 2 PEs (interleaved: PE0 rows 0, 2; PE1 rows 1, 3).
        byte[] codes =
        [
            1, 1, 0,
            0, 1, 0,
            1, 0, 1,
            0, 0, 0,
        ];

        var balance = RowAssignment.Measure(codes, 4, 3, 2, RowAssignment.Interleaved(4));

        // work(PE0) = [2, 1, 1], work(PE1) = [0, 1, 0]: Σ_j max = 2 + 1 + 1 = 4; totals 4 and 1.
        balance.ShouldBe(new LoadBalance(SumOfColumnMax: 4, MaxPeTotal: 4, NonZeros: 5, Pes: 2));
        balance.LowerBound.ShouldBe(3);
    }

    [Fact]
    public void Balanced_assignment_spreads_heavy_rows_over_the_pes()
    {
        // Under interleaving PE0 gets both dense rows (0 and 2); balancing gives one to each PE.
        byte[] codes =
        [
            1, 1, 1, 1,
            0, 0, 0, 1,
            1, 1, 1, 1,
            0, 0, 1, 0,
        ];

        int[] hwRowToRow = RowAssignment.Balanced(codes, 4, 4, 2);

        var before = RowAssignment.Measure(codes, 4, 4, 2, RowAssignment.Interleaved(4));
        var after = RowAssignment.Measure(codes, 4, 4, 2, hwRowToRow);
        before.ShouldBe(new LoadBalance(8, 8, 10, 2));
        after.ShouldBe(new LoadBalance(6, 5, 10, 2));
    }

    [Property(Arbitrary = [typeof(AssignCases)], MaxTest = 300)]
    public void Balanced_assignment_is_a_count_preserving_permutation_never_worse_than_interleaving(AssignCase c)
    {
        byte[] codes = Networks.RandomCodes(new Random(c.Seed), c.Rows, c.Cols, c.Density, 15);

        int[] hwRowToRow = RowAssignment.Balanced(codes, c.Rows, c.Cols, c.Pes);

        RowAssignment.Balanced(codes, c.Rows, c.Cols, c.Pes).ShouldBe(hwRowToRow, c.ToString());
        hwRowToRow.Order().ShouldBe(Enumerable.Range(0, c.Rows), c.ToString());
        for (var pe = 0; pe < c.Pes; pe++)
        {
            int owned = Enumerable.Range(0, c.Rows).Count(h => h % c.Pes == pe);
            owned.ShouldBe(CompressedLayer.LocalRows(c.Rows, c.Pes, pe), c.ToString());
        }

        var before = RowAssignment.Measure(codes, c.Rows, c.Cols, c.Pes, RowAssignment.Interleaved(c.Rows));
        var after = RowAssignment.Measure(codes, c.Rows, c.Cols, c.Pes, hwRowToRow);
        (after.SumOfColumnMax < before.SumOfColumnMax
            || (after.SumOfColumnMax == before.SumOfColumnMax && after.MaxPeTotal <= before.MaxPeTotal)).ShouldBeTrue(c.ToString());

        // The incremental bookkeeping (exact swap deltas) agrees with a recount.
        var (unchecked_, tracked) = RowAssignment.BalancedUnchecked(codes, c.Rows, c.Cols, c.Pes);
        tracked.ShouldBe(NaiveObjective(codes, c.Rows, c.Cols, c.Pes, unchecked_), c.ToString());
    }

    [Fact]
    public void Balanced_assignment_evens_out_alex8_on_64_pes()
    {
        int[] balanced = RowAssignment.Balanced(Alex8.Codes, Alex8.Rows, Alex8.Cols, 64);

        var before = RowAssignment.Measure(Alex8.Codes, Alex8.Rows, Alex8.Cols, 64, RowAssignment.Interleaved(Alex8.Rows));
        var after = RowAssignment.Measure(Alex8.Codes, Alex8.Rows, Alex8.Cols, 64, balanced);
        output.WriteLine($"alex8, 64 PEs, lower bound {before.LowerBound}:");
        output.WriteLine($"  interleaved: Σ_j max_p work = {before.SumOfColumnMax}, max_p Σ_j work = {before.MaxPeTotal}");
        output.WriteLine($"  balanced:    Σ_j max_p work = {after.SumOfColumnMax}, max_p Σ_j work = {after.MaxPeTotal}");
        after.SumOfColumnMax.ShouldBeLessThan(before.SumOfColumnMax);
        after.MaxPeTotal.ShouldBeLessThan(before.MaxPeTotal);
    }

    [Fact]
    public void Balanced_assignment_brings_alex8_on_64_pes_within_2_percent_of_the_ideal_with_its_real_input()
    {
        var (ideal, interleaved, balanced) = Alex8Cycles(64);

        output.WriteLine($"alex8, 64 PEs, FIFO depth 8, real input: ideal {ideal}, interleaved {interleaved}, balanced {balanced} cycles");
        output.WriteLine($"  balanced / ideal = {balanced / (double)ideal:F4}, interleaved / ideal = {interleaved / (double)ideal:F4}");
        balanced.ShouldBeLessThan(interleaved);
        balanced.ShouldBeLessThanOrEqualTo((long)Math.Ceiling(1.02 * ideal));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(48)]
    public void Balanced_assignment_of_alex8_is_no_slower_than_interleaving_on_a_non_power_of_two_pe_count(int pes)
    {
        var (ideal, interleaved, balanced) = Alex8Cycles(pes);

        output.WriteLine($"alex8, {pes} PEs, FIFO depth 8, real input: ideal {ideal}, interleaved {interleaved}, balanced {balanced} cycles");
        balanced.ShouldBeLessThanOrEqualTo(interleaved);
    }

    [Fact]
    public void A_layers_row_permutation_orders_the_next_layers_columns()
    {
        var random = new Random(11);
        var first = Networks.Precompressed("fc1", 24, 10, Networks.RandomCodes(random, 24, 10, 0.4, 15), [.. Enumerable.Range(0, 16).Select(i => i / 16.0)]);
        var second = Networks.Precompressed("fc2", 6, 24, Networks.RandomCodes(random, 6, 24, 0.4, 15), [.. Enumerable.Range(0, 16).Select(i => i / 16.0)]);
        var config = Networks.Config([first, second], 4, new CompressionConfig { RowAssignment = RowAssignmentMethod.Balanced });

        var network = Compressor.Compress(config, Networks.Data(first, second));

        network.Layers[0].HwColToCol.ShouldBe(RowAssignment.Interleaved(10));
        network.Layers[0].HwRowToRow.ShouldNotBe(RowAssignment.Interleaved(24));
        network.Layers[1].HwColToCol.ShouldBe(network.Layers[0].HwRowToRow);
        CscDecoder.Decode(network.Layers[1]).ShouldBe(second.Codes);
    }

    /// <summary>
    /// Cycle-model cycles of alex8 (compute + writeback) with its real input at FIFO depth 8:
    /// ideal, interleaved and balanced rows.
    /// </summary>
    private static (long Ideal, long Interleaved, long Balanced) Alex8Cycles(int pes)
    {
        LayerCycles Run(RowAssignmentMethod assignment)
        {
            var network = Alex8.Compress(pes, assignment: assignment);
            network.Spec.FifoDepth.ShouldBe(8);
            var layer = network.Layers[0];
            long[] input = GoldenModel.QuantizeInput(network, Alex8.Input);
            bool[] nonZero = [.. layer.HwColToCol.Select(col => input[col] != 0)];
            return CycleModel.RunLayer(layer, pes, 8, nonZero);
        }

        var interleaved = Run(RowAssignmentMethod.Interleaved);
        var balanced = Run(RowAssignmentMethod.Balanced);
        balanced.IdealCycles.ShouldBe(interleaved.IdealCycles);
        return (interleaved.IdealCycles, interleaved.Cycles, balanced.Cycles);
    }

    /// <summary>
    /// The balanced search's objective recounted from scratch: Σ over PEs of λ × (its non-zeros)²
    /// over every column (λ = <see cref="BalanceSearch.ColumnWeight"/>), every block of every
    /// level of <see cref="BalanceSearch.BlockSizes"/> and the whole row (λ = 1).
    /// </summary>
    private static long NaiveObjective(byte[] codes, int rows, int cols, int pes, int[] hwRowToRow)
    {
        int[] sizes = BalanceSearch.BlockSizes(rows, cols, codes.Count(x => x != 0));
        long sum = 0;
        for (var pe = 0; pe < pes; pe++)
        {
            var column = new long[cols];
            for (int h = pe; h < rows; h += pes)
            {
                for (var j = 0; j < cols; j++)
                {
                    column[j] += codes[(hwRowToRow[h] * cols) + j] != 0 ? 1 : 0;
                }
            }

            sum += BalanceSearch.ColumnWeight * column.Sum(x => x * x);
            foreach (int size in sizes)
            {
                for (var start = 0; start < cols; start += size)
                {
                    long block = column.Skip(start).Take(size).Sum();
                    sum += block * block;
                }
            }

            sum += column.Sum() * column.Sum();
        }

        return sum;
    }

    /// <summary>One random assignment case: printed by FsCheck when a property fails.</summary>
    public sealed record AssignCase(int Seed, int Rows, int Cols, int Pes, double Density);

    /// <summary>The random cases of one property; FsCheck prints the failing case and the seed to replay it.</summary>
    public static class AssignCases
    {
        public static Arbitrary<AssignCase> Cases() =>
            (from seed in Gen.Choose(0, int.MaxValue)
             from rows in Gen.Choose(1, 60)
             from cols in Gen.Choose(1, 30)
             from pes in Gen.Choose(1, 12)
             from densityPercent in Gen.Elements(0, 5, 20, 50, 90)
             select new AssignCase(seed, rows, cols, pes, densityPercent / 100.0)).ToArbitrary();
    }
}
