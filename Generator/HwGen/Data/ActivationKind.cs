namespace HwGen.Data;

/// <summary>
/// A layer's activation function, applied to its output after the bias and the weighted sum.
/// The float network evaluates it in double precision; fixed point uses
/// the fixed-point activation of compression (ReLU exactly, tanh and sigmoid through the table that the
/// golden model and the RTL share).
/// </summary>
public enum ActivationKind
{
    /// <summary>Identity: the output is the weighted sum (logits, linear layers).</summary>
    None,

    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>The logistic function 1 / (1 + e^−x).</summary>
    Sigmoid,
}

/// <summary>The activation functions in double precision, as the float network applies them.</summary>
public static class Activations
{
    /// <summary>The activation of <paramref name="x"/>.</summary>
    public static double Apply(ActivationKind kind, double x) => kind switch
    {
        ActivationKind.None => x,
        ActivationKind.Relu => Math.Max(0, x),
        ActivationKind.Tanh => Math.Tanh(x),
        ActivationKind.Sigmoid => Logistic(x),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>1 / (1 + e^−x), written so neither branch overflows.</summary>
    public static double Logistic(double x)
    {
        if (x >= 0)
        {
            return 1 / (1 + Math.Exp(-x));
        }

        double e = Math.Exp(x);
        return e / (1 + e);
    }

    /// <summary>The name used in configs and messages: relu, none, tanh, sigmoid.</summary>
    public static string Name(ActivationKind kind) => kind switch
    {
        ActivationKind.None => "none",
        ActivationKind.Relu => "relu",
        ActivationKind.Tanh => "tanh",
        ActivationKind.Sigmoid => "sigmoid",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
