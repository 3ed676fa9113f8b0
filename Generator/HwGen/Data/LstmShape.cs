namespace HwGen.Data;

/// <summary>
/// The shape of an LSTM layer (docs/microarchitecture.md, "LSTM layers"). Its weight matrix is the
/// gate matrix <c>[W | R]</c>: 4 × <see cref="Hidden"/> rows, the gate blocks in HwGen's order
/// i (input), f (forget), g (cell candidate), o (output) — PyTorch's order — and
/// <see cref="Features"/> + <see cref="Hidden"/> columns: the step's input x_t, then h_(t−1).
/// Its bias is one per gate row (an imported model's input and recurrent biases added).
/// </summary>
/// <param name="Hidden">Size of the hidden and cell state.</param>
/// <param name="Features">Inputs per step.</param>
/// <param name="Steps">Time steps of a sequence (at least 1).</param>
/// <param name="ReturnSequence">True: the layer gives h_1 … h_T (step-major); false: h_T only.</param>
public sealed record LstmShape(int Hidden, int Features, int Steps, bool ReturnSequence)
{
    /// <summary>Rows of the gate matrix: 4 × hidden.</summary>
    public int Rows => 4 * Hidden;

    /// <summary>Columns of the gate matrix: features + hidden.</summary>
    public int Cols => Features + Hidden;

    /// <summary>Values the layer takes: steps × features, step-major.</summary>
    public int InputLength => Steps * Features;

    /// <summary>Values the layer gives: hidden, or steps × hidden with <see cref="ReturnSequence"/>.</summary>
    public int OutputLength => ReturnSequence ? Steps * Hidden : Hidden;

    /// <summary>The first gate row of gate <paramref name="gate"/> (0 = i, 1 = f, 2 = g, 3 = o).</summary>
    public int GateRow(int gate) => gate * Hidden;
}
