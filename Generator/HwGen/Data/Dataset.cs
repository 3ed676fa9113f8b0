using HwGen.IO;

namespace HwGen.Data;

/// <summary>
/// Labelled (or unlabelled) input vectors: the test or training data a network is evaluated or
/// retrained on. Inputs are flattened in C order, so an (N, 1, 28, 28) array gives N vectors of
/// 784 elements.
/// </summary>
public sealed record Dataset
{
    /// <summary>The inputs' file as the user named it (or a description of in-memory data).</summary>
    public required string Origin { get; init; }

    /// <summary>The inputs' array in an .npz (null for a .npy file or in-memory data).</summary>
    public string? InputsArray { get; init; }

    /// <summary>The labels' file (the inputs' file for an .npz).</summary>
    public string? LabelsFile { get; init; }

    /// <summary>The labels' array in an .npz.</summary>
    public string? LabelsArray { get; init; }

    /// <summary>N, the vectors.</summary>
    public required int Count { get; init; }

    /// <summary>Elements per vector.</summary>
    public required int Width { get; init; }

    /// <summary>Count × Width, row-major.</summary>
    public required double[] Inputs { get; init; }

    /// <summary>One class per vector, or null for unlabelled data.</summary>
    public int[]? Labels { get; init; }

    public bool IsLabelled => Labels is not null;

    /// <summary>Unlabelled in-memory vectors, each <paramref name="width"/> long, as a dataset.</summary>
    public static Dataset FromVectors(string origin, IReadOnlyList<double[]> vectors, int width) => new()
    {
        Origin = origin,
        Count = vectors.Count,
        Width = width,
        Inputs = vectors.SelectMany(v => v).ToArray(),
    };

    /// <summary>Vector <paramref name="index"/>.</summary>
    public ReadOnlySpan<double> Input(int index) => Inputs.AsSpan(index * Width, Width);

    /// <summary>The first <paramref name="count"/> vectors (with their labels).</summary>
    /// <exception cref="DatasetException">The dataset holds fewer vectors.</exception>
    public Dataset Take(int count)
    {
        if (count < 0 || count > Count)
        {
            throw new DatasetException(Origin, InputsArray, $"{count} vectors were asked for but the dataset holds {Count}");
        }

        return count == Count ? this : this with
        {
            Count = count,
            Inputs = Inputs.AsSpan(0, count * Width).ToArray(),
            Labels = Labels?.AsSpan(0, count).ToArray(),
        };
    }

    /// <summary>
    /// Checks the data against a model: <see cref="Width"/> equal to its input size and, when
    /// labelled, every label in [0, <paramref name="classes"/>).
    /// </summary>
    /// <exception cref="DatasetException">Naming the file and array at fault.</exception>
    public void CheckAgainst(int inputSize, int classes)
    {
        if (Width != inputSize)
        {
            throw new DatasetException(Origin, InputsArray, $"vectors have {Width} elements but the model takes {inputSize} inputs");
        }

        if (Labels is null)
        {
            return;
        }

        for (var i = 0; i < Labels.Length; i++)
        {
            if (Labels[i] < 0 || Labels[i] >= classes)
            {
                throw new DatasetException(
                    LabelsFile ?? Origin, LabelsArray, $"label {Labels[i]} of vector {i} is outside 0..{classes - 1} (the model has {classes} outputs)");
            }
        }
    }
}

/// <summary>A dataset that cannot be used, naming the file and, where it applies, the array.</summary>
/// <param name="file">The file as the user named it.</param>
/// <param name="array">The array (npz member or .npy role), or null.</param>
/// <param name="problem">What is wrong.</param>
public sealed class DatasetException(string file, string? array, string problem)
    : Exception(array is null ? $"{file}: {problem}" : $"{file}['{array}']: {problem}")
{
    public string File { get; } = file;

    public string? Array { get; } = array;

    public string Problem { get; } = problem;
}

/// <summary>
/// Reads datasets: one .npz with an inputs and a labels array (named <c>x</c> and <c>y</c> unless
/// told otherwise), or a pair of .npy files. Inputs have shape (N, size) or (N, d1, d2, …) and any
/// numeric dtype the .npy reader supports; labels have shape (N,) or (N, 1) and an integer dtype.
/// </summary>
public static class DatasetLoader
{
    /// <summary>The default array names.</summary>
    public const string DefaultInputs = "x";

    /// <summary>The default labels array.</summary>
    public const string DefaultLabels = "y";

    /// <summary>Reads an .npz dataset.</summary>
    /// <param name="path">The file.</param>
    /// <param name="inputs">The inputs array's name.</param>
    /// <param name="labels">The labels array's name, or null for unlabelled data.</param>
    /// <param name="displayName">How messages name the file (the path by default).</param>
    /// <exception cref="DatasetException">Unreadable, missing arrays, bad shapes or dtypes, N mismatch.</exception>
    public static Dataset LoadNpz(string path, string inputs = DefaultInputs, string? labels = DefaultLabels, string? displayName = null)
    {
        string name = displayName ?? path;
        NpzArchive archive;
        try
        {
            archive = NpzArchive.Open(path, name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NpyFormatException)
        {
            throw new DatasetException(name, null, Reason(e, name));
        }

        using (archive)
        {
            var x = ReadMember(archive, name, inputs);
            var y = labels is null ? null : ReadMember(archive, name, labels);
            return Build(name, x, inputs, name, y, labels);
        }
    }

    /// <summary>Reads a dataset from a pair of .npy files (labels optional).</summary>
    /// <exception cref="DatasetException">As for <see cref="LoadNpz"/>.</exception>
    public static Dataset LoadNpy(string inputsPath, string? labelsPath, string? inputsDisplayName = null, string? labelsDisplayName = null)
    {
        string xName = inputsDisplayName ?? inputsPath;
        var x = ReadNpy(inputsPath, xName);
        string? yName = labelsPath is null ? null : labelsDisplayName ?? labelsPath;
        var y = labelsPath is null ? null : ReadNpy(labelsPath, yName!);
        return Build(xName, x, null, yName, y, null);
    }

    /// <summary>Reads an .npz or, by extension, a single .npy of unlabelled inputs.</summary>
    public static Dataset Load(string path, string inputs = DefaultInputs, string? labels = DefaultLabels, string? displayName = null) =>
        path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)
            ? LoadNpy(path, null, displayName)
            : LoadNpz(path, inputs, labels, displayName);

    private static NpyArray ReadMember(NpzArchive archive, string file, string array)
    {
        if (!archive.Contains(array))
        {
            string holds = archive.Names.Count == 0 ? "it holds no arrays" : "it holds " + string.Join(", ", archive.Names.Select(n => $"'{n}'"));
            throw new DatasetException(file, array, $"no such array ({holds})");
        }

        try
        {
            return archive.Read(array);
        }
        catch (Exception e) when (e is IOException or NpyFormatException or InvalidDataException)
        {
            throw new DatasetException(file, array, Reason(e, $"{file}['{array}']"));
        }
    }

    private static NpyArray ReadNpy(string path, string name)
    {
        try
        {
            return Npy.ReadNpy(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NpyFormatException or InvalidDataException)
        {
            throw new DatasetException(name, null, Reason(e, path));
        }
    }

    /// <summary>An exception's message without a leading "origin: " that the dataset error repeats.</summary>
    private static string Reason(Exception e, string origin)
    {
        string message = e switch
        {
            FileNotFoundException or DirectoryNotFoundException => "no such file",
            EndOfStreamException => "truncated",
            _ => e.Message,
        };
        return message.StartsWith(origin + ": ", StringComparison.Ordinal) ? message[(origin.Length + 2)..] : message;
    }

    private static Dataset Build(string xFile, NpyArray x, string? xArray, string? yFile, NpyArray? y, string? yArray)
    {
        if (x.Shape.Length < 2)
        {
            throw new DatasetException(xFile, xArray, $"inputs must have shape (N, size) or (N, d1, d2, ...), not {x.ShapeText}");
        }

        int count = x.Shape[0];
        long width = x.Shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        if (count == 0 || width == 0)
        {
            throw new DatasetException(xFile, xArray, $"holds no data (shape {x.ShapeText})");
        }

        double[] inputs = x.ToDoubles();
        for (var i = 0; i < inputs.Length; i++)
        {
            if (!double.IsFinite(inputs[i]))
            {
                throw new DatasetException(xFile, xArray, $"element {i % width} of vector {i / width} is {inputs[i]}; inputs must be finite");
            }
        }

        int[]? labels = null;
        if (y is not null)
        {
            labels = Labels(yFile!, y, yArray, count);
        }

        return new Dataset
        {
            Origin = xFile,
            InputsArray = xArray,
            LabelsFile = yFile,
            LabelsArray = yArray,
            Count = count,
            Width = (int)width,
            Inputs = inputs,
            Labels = labels,
        };
    }

    private static int[] Labels(string file, NpyArray y, string? array, int count)
    {
        bool vector = y.Shape.Length == 1 || (y.Shape.Length == 2 && y.Shape[1] == 1);
        if (!vector)
        {
            throw new DatasetException(file, array, $"labels must have shape (N,) or (N, 1), not {y.ShapeText}");
        }

        if (!y.IsInteger)
        {
            throw new DatasetException(file, array, $"labels must be integers, not {y.Type}");
        }

        if (y.Shape[0] != count)
        {
            throw new DatasetException(file, array, $"{y.Shape[0]} labels for {count} input vectors");
        }

        return y.ToDoubles().Select(v => (int)v).ToArray();
    }
}
