using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace HwGen.Onnx;

/// <summary>
/// A constant tensor met while importing a graph: an initializer, a Constant node's value, or the
/// result of folding shape arithmetic. Floating-point tensors hold doubles (float32 and float16
/// values convert exactly); integer tensors hold longs, where <see cref="Batch"/> stands for the
/// (unknown) batch size that a Shape node reports for a dynamic batch dimension.
/// </summary>
internal sealed class OnnxTensor
{
    /// <summary>The symbolic batch size in an integer (shape) tensor.</summary>
    public const long Batch = long.MinValue;

    private OnnxTensor(long[] shape, double[]? floats, long[]? ints)
    {
        Shape = shape;
        Floats = floats;
        Ints = ints;
    }

    public long[] Shape { get; }

    /// <summary>The values of a floating-point tensor, C order; null for an integer tensor.</summary>
    public double[]? Floats { get; }

    /// <summary>The values of an integer (or boolean) tensor, C order; null for a floating-point tensor.</summary>
    public long[]? Ints { get; }

    public bool IsInteger => Ints is not null;

    public int Count => IsInteger ? Ints!.Length : Floats!.Length;

    public int Rank => Shape.Length;

    public string ShapeText => "(" + string.Join(", ", Shape) + (Shape.Length == 1 ? ",)" : ")");

    public static OnnxTensor FromInts(long[] values, params long[] shape) => new(shape, null, values);

    public static OnnxTensor FromFloats(double[] values, params long[] shape) => new(shape, values, null);

    /// <summary>An integer vector (rank 1).</summary>
    public static OnnxTensor IntVector(params long[] values) => new([values.Length], null, values);

    /// <summary>Same values, another shape (the element count must match).</summary>
    public OnnxTensor WithShape(long[] shape) => new(shape, Floats, Ints);

    /// <summary>Element <paramref name="i"/> (flat) as a long (integer tensors only).</summary>
    public long Int(int i) => Ints![i];

    /// <summary>Decodes an initializer or a Constant node's tensor.</summary>
    /// <exception cref="FormatException">An unsupported element type, external data, or a value count that does not match the shape.</exception>
    public static OnnxTensor FromProto(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new FormatException("its data is stored in an external file, which HwGen does not read; save the model with its weights inside");
        }

        long[] shape = [.. tensor.Dims];
        if (shape.Any(d => d < 0))
        {
            throw new FormatException($"negative dimension in shape ({string.Join(", ", shape)})");
        }

        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count > Array.MaxLength)
        {
            throw new FormatException($"{count} elements are too many");
        }

        var type = (TensorProto.Types.DataType)tensor.DataType;
        var raw = tensor.RawData.Span;
        bool hasRaw = !tensor.RawData.IsEmpty;
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
                return FromFloats(hasRaw
                    ? Decode<double>(raw, 4, count, b => BinaryPrimitives.ReadSingleLittleEndian(b))
                    : Check(tensor.FloatData.Select(f => (double)f).ToArray(), count), shape);
            case TensorProto.Types.DataType.Double:
                return FromFloats(hasRaw
                    ? Decode<double>(raw, 8, count, BinaryPrimitives.ReadDoubleLittleEndian)
                    : Check(tensor.DoubleData.ToArray(), count), shape);
            case TensorProto.Types.DataType.Float16:
                return FromFloats(hasRaw
                    ? Decode<double>(raw, 2, count, b => (double)BinaryPrimitives.ReadHalfLittleEndian(b))
                    : Check(tensor.Int32Data.Select(v => (double)BitConverter.UInt16BitsToHalf((ushort)v)).ToArray(), count), shape);
            case TensorProto.Types.DataType.Int64:
                return FromInts(hasRaw
                    ? Decode<long>(raw, 8, count, BinaryPrimitives.ReadInt64LittleEndian)
                    : Check(tensor.Int64Data.ToArray(), count), shape);
            case TensorProto.Types.DataType.Int32:
                return FromInts(hasRaw
                    ? Decode<long>(raw, 4, count, b => BinaryPrimitives.ReadInt32LittleEndian(b))
                    : Check(tensor.Int32Data.Select(v => (long)v).ToArray(), count), shape);
            case TensorProto.Types.DataType.Int16:
                return FromInts(hasRaw
                    ? Decode<long>(raw, 2, count, b => BinaryPrimitives.ReadInt16LittleEndian(b))
                    : Check(tensor.Int32Data.Select(v => (long)v).ToArray(), count), shape);
            case TensorProto.Types.DataType.Int8:
                return FromInts(hasRaw
                    ? Decode<long>(raw, 1, count, b => (sbyte)b[0])
                    : Check(tensor.Int32Data.Select(v => (long)v).ToArray(), count), shape);
            case TensorProto.Types.DataType.Uint8:
            case TensorProto.Types.DataType.Bool:
                return FromInts(hasRaw
                    ? Decode<long>(raw, 1, count, b => b[0])
                    : Check(tensor.Int32Data.Select(v => (long)v).ToArray(), count), shape);
            default:
                throw new FormatException($"element type {type} is not supported (float, double, float16 and integer tensors are)");
        }
    }

    private delegate T Reader<T>(ReadOnlySpan<byte> bytes);

    private static T[] Decode<T>(ReadOnlySpan<byte> raw, int size, long count, Reader<T> read)
    {
        CheckRaw(raw, size, count);
        var values = new T[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = read(raw.Slice(i * size, size));
        }

        return values;
    }

    private static void CheckRaw(ReadOnlySpan<byte> raw, int size, long count)
    {
        if (raw.Length != count * size)
        {
            throw new FormatException($"{raw.Length} bytes of data for {count} elements of {size} bytes (truncated or corrupt)");
        }
    }

    private static T[] Check<T>(T[] values, long count) =>
        values.Length == count ? values : throw new FormatException($"{values.Length} values for {count} elements (truncated or corrupt)");

    /// <summary>A scalar (or one-element) integer tensor's value.</summary>
    public bool TryScalarInt(out long value)
    {
        value = 0;
        if (!IsInteger || Ints!.Length != 1)
        {
            return false;
        }

        value = Ints[0];
        return true;
    }

    /// <summary>Gathers along <paramref name="axis"/> with integer <paramref name="indices"/> (negative count from the end).</summary>
    public OnnxTensor Gather(OnnxTensor indices, int axis)
    {
        int rank = Rank;
        axis = NormalizeAxis(axis, rank);
        long dim = Shape[axis];
        long outer = Shape.Take(axis).Aggregate(1L, (a, b) => a * b);
        long inner = Shape.Skip(axis + 1).Aggregate(1L, (a, b) => a * b);
        long[] index = indices.Ints!.Select(i => i < 0 ? i + dim : i).ToArray();
        if (index.Any(i => i < 0 || i >= dim))
        {
            throw new FormatException($"index out of range 0..{dim - 1}");
        }

        long[] shape = [.. Shape.Take(axis), .. indices.Shape, .. Shape.Skip(axis + 1)];
        long count = outer * index.Length * inner;
        var ints = IsInteger ? new long[count] : null;
        var floats = IsInteger ? null : new double[count];
        long k = 0;
        for (long o = 0; o < outer; o++)
        {
            foreach (long i in index)
            {
                for (long n = 0; n < inner; n++)
                {
                    long from = (((o * dim) + i) * inner) + n;
                    if (ints is not null)
                    {
                        ints[k++] = Ints![from];
                    }
                    else
                    {
                        floats![k++] = Floats![from];
                    }
                }
            }
        }

        return new OnnxTensor(shape, floats, ints);
    }

    /// <summary>Concatenates tensors of one kind along <paramref name="axis"/>.</summary>
    public static OnnxTensor Concat(IReadOnlyList<OnnxTensor> parts, int axis)
    {
        var first = parts[0];
        int rank = first.Rank;
        axis = NormalizeAxis(axis, rank);
        foreach (var part in parts)
        {
            if (part.Rank != rank || part.IsInteger != first.IsInteger
                || Enumerable.Range(0, rank).Any(d => d != axis && part.Shape[d] != first.Shape[d]))
            {
                throw new FormatException("inputs of different kinds or shapes");
            }
        }

        long outer = first.Shape.Take(axis).Aggregate(1L, (a, b) => a * b);
        long inner = first.Shape.Skip(axis + 1).Aggregate(1L, (a, b) => a * b);
        long[] shape = [.. first.Shape];
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var ints = first.IsInteger ? new long[count] : null;
        var floats = first.IsInteger ? null : new double[count];
        long k = 0;
        for (long o = 0; o < outer; o++)
        {
            foreach (var part in parts)
            {
                long block = part.Shape[axis] * inner;
                for (long n = 0; n < block; n++)
                {
                    long from = (o * block) + n;
                    if (ints is not null)
                    {
                        ints[k++] = part.Ints![from];
                    }
                    else
                    {
                        floats![k++] = part.Floats![from];
                    }
                }
            }
        }

        return new OnnxTensor(shape, floats, ints);
    }

    /// <summary>Inserts dimensions of 1 at <paramref name="axes"/> (of the output).</summary>
    public OnnxTensor Unsqueeze(IReadOnlyList<long> axes)
    {
        int rank = Rank + axes.Count;
        var normalized = axes.Select(a => NormalizeAxis((int)a, rank)).ToHashSet();
        if (normalized.Count != axes.Count)
        {
            throw new FormatException("repeated axes");
        }

        var shape = new long[rank];
        var k = 0;
        for (var d = 0; d < rank; d++)
        {
            shape[d] = normalized.Contains(d) ? 1 : Shape[k++];
        }

        return WithShape(shape);
    }

    /// <summary>Removes dimensions of 1 at <paramref name="axes"/>, or all of them when null.</summary>
    public OnnxTensor Squeeze(IReadOnlyList<long>? axes)
    {
        var remove = axes is null
            ? Enumerable.Range(0, Rank).Where(d => Shape[d] == 1).ToHashSet()
            : axes.Select(a => NormalizeAxis((int)a, Rank)).ToHashSet();
        if (remove.Any(d => Shape[d] != 1))
        {
            throw new FormatException("squeezes a dimension that is not 1");
        }

        return WithShape(Shape.Where((_, d) => !remove.Contains(d)).ToArray());
    }

    /// <summary>ONNX Slice on a rank-1 tensor (the only use in shape arithmetic).</summary>
    public OnnxTensor Slice1D(long start, long end, long step)
    {
        if (Rank != 1 || step == 0)
        {
            throw new FormatException("only rank-1 slices with a non-zero step are folded");
        }

        long n = Shape[0];
        long Clamp(long v, long low, long high) => Math.Clamp(v < 0 ? v + n : v, low, high);
        var picked = new List<long>();
        if (step > 0)
        {
            for (long i = Clamp(start, 0, n); i < Clamp(end, 0, n); i += step)
            {
                picked.Add(i);
            }
        }
        else
        {
            for (long i = Clamp(start, -1, n - 1); i > Clamp(end, -1, n - 1); i += step)
            {
                picked.Add(i);
            }
        }

        return Gather(IntVector([.. picked]), 0);
    }

    /// <summary>Transposes with a permutation of the axes (reversed when null).</summary>
    public OnnxTensor Transpose(IReadOnlyList<long>? permutation)
    {
        int rank = Rank;
        int[] perm = permutation?.Select(p => (int)p).ToArray() ?? Enumerable.Range(0, rank).Reverse().ToArray();
        if (perm.Length != rank || perm.Order().Where((p, i) => p != i).Any())
        {
            throw new FormatException("the permutation does not match the rank");
        }

        long[] shape = perm.Select(p => Shape[p]).ToArray();
        var strides = new long[rank];
        for (int d = rank - 1, s = 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= (int)Shape[d];
        }

        long count = Count;
        var ints = IsInteger ? new long[count] : null;
        var floats = IsInteger ? null : new double[count];
        var index = new long[rank];
        for (long k = 0; k < count; k++)
        {
            long from = 0;
            for (var d = 0; d < rank; d++)
            {
                from += index[d] * strides[perm[d]];
            }

            if (ints is not null)
            {
                ints[k] = Ints![from];
            }
            else
            {
                floats![k] = Floats![from];
            }

            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }

        return new OnnxTensor(shape, floats, ints);
    }

    /// <summary>Converts to integers (truncating) or to floats.</summary>
    public OnnxTensor Cast(bool toInteger)
    {
        if (toInteger == IsInteger)
        {
            return this;
        }

        if (toInteger)
        {
            return new OnnxTensor(Shape, null, Floats!.Select(v => (long)v).ToArray());
        }

        long[] ints = Ints!;
        if (ints.Contains(Batch))
        {
            throw new FormatException("casts the batch size to a float");
        }

        return new OnnxTensor(Shape, ints.Select(v => (double)v).ToArray(), null);
    }

    /// <summary>Element-wise arithmetic with equal shapes or a one-element operand (numpy broadcasting of that case).</summary>
    public static OnnxTensor Arithmetic(string op, OnnxTensor a, OnnxTensor b)
    {
        if (a.IsInteger != b.IsInteger)
        {
            throw new FormatException("operands of different element types");
        }

        OnnxTensor big = a.Count >= b.Count ? a : b;
        if (!(a.Count == b.Count && a.Shape.SequenceEqual(b.Shape)) && a.Count != 1 && b.Count != 1)
        {
            throw new FormatException($"broadcasting {a.ShapeText} with {b.ShapeText} is not folded");
        }

        long[] shape = a.Count == b.Count ? (a.Rank >= b.Rank ? a.Shape : b.Shape) : big.Shape;
        int count = big.Count;
        if (a.IsInteger)
        {
            long[] ai = a.Ints!;
            long[] bi = b.Ints!;
            if (ai.Contains(Batch) || bi.Contains(Batch))
            {
                throw new FormatException("arithmetic on the batch size is not folded");
            }

            var ints = new long[count];
            for (var i = 0; i < count; i++)
            {
                long x = ai[a.Count == 1 ? 0 : i];
                long y = bi[b.Count == 1 ? 0 : i];
                ints[i] = op switch
                {
                    "Add" => checked(x + y),
                    "Sub" => checked(x - y),
                    "Mul" => checked(x * y),
                    "Div" => y == 0 ? throw new FormatException("division by zero") : x / y,
                    _ => throw new FormatException($"{op} is not folded"),
                };
            }

            return new OnnxTensor(shape, null, ints);
        }

        var floats = new double[count];
        for (var i = 0; i < count; i++)
        {
            double x = a.Floats![a.Count == 1 ? 0 : i];
            double y = b.Floats![b.Count == 1 ? 0 : i];
            floats[i] = op switch
            {
                "Add" => x + y,
                "Sub" => x - y,
                "Mul" => x * y,
                "Div" => x / y,
                _ => throw new FormatException($"{op} is not folded"),
            };
        }

        return new OnnxTensor(shape, floats, null);
    }

    private static int NormalizeAxis(int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1))
        {
            throw new FormatException($"axis {axis} is out of range for rank {rank}");
        }

        return a;
    }

    /// <summary>A Constant node's value from its attribute (value, value_float(s), value_int(s)).</summary>
    public static OnnxTensor FromConstantAttribute(AttributeProto attribute) => attribute.Name switch
    {
        "value" => FromProto(attribute.T),
        "value_float" => FromFloats([attribute.F]),
        "value_floats" => FromFloats(attribute.Floats.Select(f => (double)f).ToArray(), attribute.Floats.Count),
        "value_int" => FromInts([attribute.I]),
        "value_ints" => FromInts([.. attribute.Ints], attribute.Ints.Count),
        _ => throw new FormatException($"a Constant with attribute '{attribute.Name}' is not supported"),
    };

    /// <summary>For messages: a short rendering of the values.</summary>
    public override string ToString()
    {
        IEnumerable<string> items = IsInteger
            ? Ints!.Take(8).Select(v => v == Batch ? "batch" : v.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : Floats!.Take(8).Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture));
        return "[" + string.Join(", ", items) + (Count > 8 ? ", ..." : "") + "]";
    }

    /// <summary>Reads a whole ONNX file's bytes into a parsed model (for tools that mutate models).</summary>
    public static ModelProto Parse(ReadOnlySpan<byte> bytes) => ModelProto.Parser.ParseFrom(bytes.ToArray());

    /// <summary>Serializes a model (tests and the ONNX Runtime check add outputs to a parsed model).</summary>
    public static byte[] Serialize(ModelProto model) => model.ToByteArray();
}
