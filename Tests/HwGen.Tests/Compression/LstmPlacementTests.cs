using HwGen.Compression;
using HwGen.Configuration;
using HwGen.Tests.Model;

namespace HwGen.Tests.Compression;

/// <summary>
/// An LSTM layer's hardware coordinates: the unit placement of its gate rows, its padded columns,
/// the hardware input and output orders the layers around it follow, and load-balance-aware
/// pruning over the placement.
/// </summary>
public class LstmPlacementTests
{
    [Fact]
    public void Unit_placement_puts_a_units_four_gates_on_one_pe_and_pads_the_last_units_with_minus_one()
    {
        // H = 5 on N = 3: U = 2; units 0, 1, 2 at local rows 0..3, units 3, 4 (and padding 5) at 4..7.
        int[] map = RowAssignment.LstmUnits(hidden: 5, pes: 3);

        map.Length.ShouldBe(4 * 2 * 3);
        int[] expected =
        [
            0, 1, 2, // local 0: gate i of units 0, 1, 2
            5, 6, 7, // local 1: gate f
            10, 11, 12, // local 2: gate g
            15, 16, 17, // local 3: gate o
            3, 4, -1, // local 4: gate i of units 3, 4, padding
            8, 9, -1,
            13, 14, -1,
            18, 19, -1,
        ];
        map.ShouldBe(expected);
    }

    [Fact]
    public void Lstm_columns_pad_the_features_and_the_hidden_state_to_whole_groups()
    {
        // F = 4, H = 5, N = 3: F' = 6, U·N = 6.
        RowAssignment.LstmColumns(features: 4, hidden: 5, pes: 3).ShouldBe([0, 1, 2, 3, -1, -1, 4, 5, 6, 7, 8, -1]);
    }

    [Fact]
    public void Balanced_units_move_whole_units_keep_each_pes_unit_count_and_even_out_a_skewed_matrix()
    {
        // H = 8 units on N = 2, 6 columns: units 0, 2, 4, 6 (PE 0 under interleaving) dense, the
        // others empty, so interleaving puts all the work on PE 0.
        const int hidden = 8;
        const int cols = 6;
        var codes = new byte[4 * hidden * cols];
        for (var gate = 0; gate < 4; gate++)
        {
            for (var k = 0; k < hidden; k += 2)
            {
                for (var j = 0; j < cols; j++)
                {
                    codes[(((gate * hidden) + k) * cols) + j] = 1;
                }
            }
        }

        int[] order = RowAssignment.BalancedUnits(codes, hidden, cols, pes: 2);

        order.Order().ShouldBe(Enumerable.Range(0, hidden), "a permutation of the units");
        int[] map = RowAssignment.LstmUnits(hidden, 2, order);
        var work = new long[2];
        for (var h = 0; h < map.Length; h++)
        {
            if (map[h] >= 0)
            {
                work[h % 2] += Enumerable.Range(0, cols).Count(j => codes[(map[h] * cols) + j] != 0);
            }
        }

        work.ShouldBe([48L, 48L], "two dense units on each PE");
        for (var s = 0; s < hidden; s++)
        {
            int pe = s % 2;
            int local = 4 * (s / 2);
            for (var gate = 0; gate < 4; gate++)
            {
                map[((local + gate) * 2) + pe].ShouldBe((gate * hidden) + order[s], "a unit's four gates stay together on its slot's PE");
            }
        }

        RowAssignment.LstmColumns(3, hidden, 2, unitOrder: order)[4..].ShouldBe(order.Select(k => 3 + k), "h_(t-1) columns follow the slots");
    }

    [Fact]
    public void A_padding_unit_with_zero_gate_inputs_and_zero_cell_gives_c_zero_and_h_zero()
    {
        foreach (var (bits, frac) in new[] { (8, 0), (8, 4), (12, 6), (16, 10), (32, 20) })
        {
            var (c, h) = FixedLstm.Step(0, 0, 0, 0, 0, bits, frac);
            c.ShouldBe(0, $"A = {bits}, Fa = {frac}");
            h.ShouldBe(0, $"A = {bits}, Fa = {frac}");
        }
    }

    [Fact]
    public void Random_lstm_designs_encode_in_their_hardware_coordinates_and_decode_back_to_their_codes()
    {
        var fcWithPaddingColumns = 0;
        var balancedLayers = 0;
        for (var seed = 1; seed <= 150; seed++)
        {
            var config = LstmCycleModelTests.RandomConfig(seed);
            var network = Design.FromConfig(config).Network;
            int pes = network.Pes;
            string where = $"seed {seed}";
            int[]? previousOut = null;
            for (var l = 0; l < network.Layers.Count; l++)
            {
                var layer = network.Layers[l];
                CscDecoder.Decode(layer).ShouldBe(layer.Codes, $"{where}, layer {layer.Name}");
                CscEncodingTests.AssertWellFormed(layer, pes, config.Compression.IndexBits);
                if (layer.Lstm is { } lstm)
                {
                    int units = (lstm.Hidden + pes - 1) / pes;
                    int xCols = (lstm.Features + pes - 1) / pes * pes;
                    layer.HwRows.ShouldBe(4 * units * pes, where);
                    layer.HwCols.ShouldBe(xCols + (units * pes), where);
                    // Interleaved or balanced units: slot s holds unit LstmSlotUnits[s] (a permutation of the units).
                    int[] order = layer.LstmSlotUnits[..lstm.Hidden];
                    order.Order().ShouldBe(Enumerable.Range(0, lstm.Hidden), where);
                    layer.LstmSlotUnits[lstm.Hidden..].ShouldAllBe(k => k == -1, where);
                    if (config.Compression.RowAssignment == RowAssignmentMethod.Interleaved)
                    {
                        order.ShouldBe(Enumerable.Range(0, lstm.Hidden), where);
                    }

                    balancedLayers += order.SequenceEqual(Enumerable.Range(0, lstm.Hidden)) ? 0 : 1;
                    layer.HwRowToRow.ShouldBe(RowAssignment.LstmUnits(lstm.Hidden, pes, order), where);
                    int[]? featureOrder = l > 0 && network.Layers[l - 1].Lstm is not null ? network.Layers[l - 1].LstmSlotUnits : null;
                    layer.HwColToCol.ShouldBe(RowAssignment.LstmColumns(lstm.Features, lstm.Hidden, pes, featureOrder, order), where);
                    layer.PeEncodings.ShouldAllBe(pe => pe.LocalRows == 4 * units);
                    layer.HwInToIn.Length.ShouldBe(lstm.Steps * xCols, where);
                    layer.HwOutToOut.Length.ShouldBe((lstm.ReturnSequence ? lstm.Steps : 1) * units * pes, where);
                    if (previousOut is not null)
                    {
                        // An LSTM after an LSTM's sequence: its F' is the previous layer's U·N.
                        xCols.ShouldBe(previousOut.Length / lstm.Steps, where);
                    }
                }
                else
                {
                    layer.HwInToIn.ShouldBe(layer.HwColToCol, where);
                    layer.HwOutToOut.ShouldBe(layer.HwRowToRow, where);
                    if (previousOut is not null)
                    {
                        layer.HwColToCol.ShouldBe(previousOut, where);
                        fcWithPaddingColumns += previousOut.Contains(-1) ? 1 : 0;
                    }
                }

                // Padding columns hold no entries; every original index appears once in each map.
                foreach (var pe in layer.PeEncodings)
                {
                    for (var j = 0; j < layer.HwCols; j++)
                    {
                        if (layer.HwColToCol[j] < 0)
                        {
                            (pe.ColumnPointers[j + 1] - pe.ColumnPointers[j]).ShouldBe(0, $"{where}, PE {pe.Pe}, padding column {j}");
                        }
                    }
                }

                layer.HwInToIn.Where(i => i >= 0).Order().ShouldBe(Enumerable.Range(0, layer.InputLength), where);
                layer.HwOutToOut.Where(i => i >= 0).Order().ShouldBe(Enumerable.Range(0, layer.OutputLength), where);
                previousOut = layer.HwOutToOut;
            }

            network.HwInputSize.ShouldBe(network.Layers[0].HwInToIn.Length, where);
            network.HwOutputSize.ShouldBe(network.Layers[^1].HwOutToOut.Length, where);
        }

        fcWithPaddingColumns.ShouldBeGreaterThan(0, "some fully connected layer follows an lstm with padding outputs");
        balancedLayers.ShouldBeGreaterThan(0, "some lstm layer's units were moved by row_assignment: balanced");
    }

    [Fact]
    public void Load_balanced_pruning_gives_every_pe_the_density_of_the_gate_rows_its_units_own()
    {
        for (var seed = 1; seed <= 60; seed++)
        {
            var config = LstmModelTests.RandomLstmConfig(seed);
            config = config with
            {
                Compression = config.Compression with { Pruning = PruningMethod.LoadBalanced, RowAssignment = RowAssignmentMethod.Interleaved },
                Hardware = config.Hardware with { Pes = 1 + (seed % 7) },
            };
            var network = Design.FromConfig(config).Network;
            foreach (var layer in network.Layers.Where(l => l.Lstm is not null))
            {
                var lstm = layer.Lstm!;
                double density = config.Layers.Single(c => c.Name == layer.Name).Weights.Density;
                int pes = network.Pes;
                for (var pe = 0; pe < pes; pe++)
                {
                    // Random float weights are non-zero, so each PE keeps exactly its share.
                    int ownUnits = Enumerable.Range(0, (lstm.Hidden + pes - 1) / pes).Count(u => (u * pes) + pe < lstm.Hidden);
                    long stored = 0;
                    for (var h = pe; h < layer.HwRows; h += pes)
                    {
                        if (layer.HwRowToRow[h] >= 0)
                        {
                            stored += layer.Cols - layer.Codes.AsSpan(layer.HwRowToRow[h] * layer.Cols, layer.Cols).Count((byte)0);
                        }
                    }

                    stored.ShouldBe(Pruning.KeepCount(density, 4L * ownUnits * layer.Cols), $"seed {seed}, layer {layer.Name}, PE {pe}");
                }
            }
        }
    }

    [Fact]
    public void Load_balanced_pruning_with_the_identity_placement_is_the_interleaved_one()
    {
        var random = new Random(7);
        var weights = Enumerable.Range(0, 9 * 5).Select(_ => random.NextDouble() - 0.5).ToArray();

        Pruning.LoadBalanced(weights, 9, 5, 0.4, 4, RowAssignment.Interleaved(9)).ShouldBe(Pruning.LoadBalanced(weights, 9, 5, 0.4, 4));
    }
}
