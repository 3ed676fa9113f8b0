namespace HwGen.Data;

/// <summary>
/// An LSTM layer in double precision (the float reference of docs/microarchitecture.md,
/// "LSTM layers"): zero initial state; at each step t the gate pre-activations
/// <c>z = b + [W | R] · [x_t ; h_(t−1)]</c> (bias first, then the products in column order), then
/// <c>i = σ(z_i)</c>, <c>f = σ(z_f)</c>, <c>g = tanh(z_g)</c>, <c>o = σ(z_o)</c>,
/// <c>c_t = f·c_(t−1) + i·g</c>, <c>h_t = o·tanh(c_t)</c>.
/// </summary>
public static class FloatLstm
{
    /// <summary>Runs a whole sequence; returns h_T, or h_1 … h_T step-major with <see cref="LstmShape.ReturnSequence"/>.</summary>
    /// <param name="shape">The layer's shape.</param>
    /// <param name="weight">The gate matrix's weight at (row, column).</param>
    /// <param name="bias">One per gate row.</param>
    /// <param name="x">steps × features inputs, step-major.</param>
    public static double[] Run(LstmShape shape, Func<int, int, double> weight, IReadOnlyList<double> bias, ReadOnlySpan<double> x)
    {
        if (x.Length != shape.InputLength)
        {
            throw new ArgumentException($"an LSTM of {shape.Steps} steps × {shape.Features} features takes {shape.InputLength} inputs, not {x.Length}", nameof(x));
        }

        int hidden = shape.Hidden;
        var h = new double[hidden];
        var c = new double[hidden];
        var v = new double[shape.Cols];
        var z = new double[shape.Rows];
        var output = new double[shape.OutputLength];
        for (var t = 0; t < shape.Steps; t++)
        {
            x.Slice(t * shape.Features, shape.Features).CopyTo(v);
            h.CopyTo(v, shape.Features);
            for (var r = 0; r < shape.Rows; r++)
            {
                double sum = bias[r];
                for (var j = 0; j < v.Length; j++)
                {
                    sum += weight(r, j) * v[j];
                }

                z[r] = sum;
            }

            Step(z, c, h);
            if (shape.ReturnSequence)
            {
                h.CopyTo(output, t * hidden);
            }
        }

        if (!shape.ReturnSequence)
        {
            h.CopyTo(output, 0);
        }

        return output;
    }

    /// <summary>
    /// The element-wise part of one step: from the gate pre-activations <paramref name="z"/>
    /// (4 × hidden, blocks i, f, g, o), updates the cell state <paramref name="c"/> and the hidden
    /// state <paramref name="h"/> in place.
    /// </summary>
    public static void Step(ReadOnlySpan<double> z, Span<double> c, Span<double> h)
    {
        int hidden = c.Length;
        for (var k = 0; k < hidden; k++)
        {
            double i = Activations.Logistic(z[k]);
            double f = Activations.Logistic(z[hidden + k]);
            double g = Math.Tanh(z[(2 * hidden) + k]);
            double o = Activations.Logistic(z[(3 * hidden) + k]);
            double cell = (f * c[k]) + (i * g);
            c[k] = cell;
            h[k] = o * Math.Tanh(cell);
        }
    }
}
