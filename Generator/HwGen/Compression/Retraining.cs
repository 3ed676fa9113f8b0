using System.Numerics.Tensors;
using HwGen.Data;

namespace HwGen.Compression;

/// <summary>Settings of a retraining run (Deep Compression's fine-tuning after pruning and after sharing).</summary>
public sealed record RetrainOptions
{
    /// <summary>Passes over the training data.</summary>
    public required int Epochs { get; init; }

    /// <summary>SGD step size.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Training vectors per step (the last step of an epoch may take fewer).</summary>
    public int Batch { get; init; } = 64;

    /// <summary>Seeds the order in which each epoch visits the training data.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>SGD momentum (0 for plain SGD).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Threads to use (0: all cores). Results are the same for any value.</summary>
    public int MaxThreads { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Epochs < 0)
        {
            throw new ArgumentException($"epochs must be 0 or more, not {Epochs}");
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new ArgumentException($"learning_rate must be a positive number, not {LearningRate}");
        }

        if (Batch < 1)
        {
            throw new ArgumentException($"batch must be 1 or more, not {Batch}");
        }

        if (!(Momentum >= 0 && Momentum < 1))
        {
            throw new ArgumentException($"momentum must be in [0, 1), not {Momentum}");
        }
    }
}

/// <summary>A weight-shared layer: codes into a codebook whose entry 0 is the pruned weight 0.</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Rows">Outputs.</param>
/// <param name="Cols">Inputs.</param>
/// <param name="Codes">Rows × Cols, row-major; 0 = pruned.</param>
/// <param name="Codebook">Entry 0 is 0.0 and is never trained.</param>
/// <param name="Bias">Per output.</param>
/// <param name="Activation">After the bias.</param>
public sealed record SharedLayer(string Name, int Rows, int Cols, byte[] Codes, double[] Codebook, double[] Bias, ActivationKind Activation);

/// <summary>What a retraining run gives: the retrained parameters and the mean training loss of each epoch.</summary>
public sealed record RetrainResult<T>(T Result, IReadOnlyList<double> EpochLosses);

/// <summary>
/// Retraining as Deep Compression does it: after pruning, the surviving weights are fine-tuned
/// with the mask fixed (pruned weights stay 0); after weight sharing, the centroids are
/// fine-tuned — the gradient of a codebook entry is the sum of the gradients of all the weights
/// that share its code — with the codes fixed. Biases are trained in both. The loss is softmax
/// cross-entropy on the last layer's outputs; the optimiser is mini-batch SGD with momentum.
/// </summary>
/// <remarks>
/// Arithmetic is float32 with <see cref="TensorPrimitives"/>. The result is the same for a seed
/// whatever the number of threads: a batch is split into fixed shards of
/// <see cref="ShardSize"/> vectors, each shard's gradient is computed on one thread in a fixed
/// order, and the shards' gradients are added in shard order. (Another SIMD width — a machine
/// with AVX-512, say — may round differently.)
/// </remarks>
public static class Retraining
{
    /// <summary>Vectors per shard of a batch: the unit of parallel work.</summary>
    public const int ShardSize = 16;

    /// <summary>A mask from the flat indices pruning kept.</summary>
    public static bool[] MaskFromKept(int count, ReadOnlySpan<int> kept)
    {
        var mask = new bool[count];
        foreach (int k in kept)
        {
            mask[k] = true;
        }

        return mask;
    }

    /// <summary>
    /// Fine-tunes a pruned network's surviving weights (and biases). Weights outside the mask are
    /// 0 before and after.
    /// </summary>
    /// <param name="network">The network; its weights outside the masks are taken as 0.</param>
    /// <param name="masks">Per layer, Rows × Cols: true where the weight survives pruning.</param>
    /// <param name="train">Labelled training data, each label an output of the last layer.</param>
    /// <param name="options">Epochs, learning rate, batch, seed.</param>
    public static RetrainResult<FloatNetwork> RetrainMasked(FloatNetwork network, IReadOnlyList<bool[]> masks, Dataset train, RetrainOptions options)
    {
        if (masks.Count != network.Layers.Count)
        {
            throw new ArgumentException($"{masks.Count} masks for {network.Layers.Count} layers", nameof(masks));
        }

        var layers = network.Layers.Select((l, i) =>
        {
            if (masks[i].Length != l.Weights.Length)
            {
                throw new ArgumentException($"layer '{l.Name}': a mask of {masks[i].Length} for {l.Weights.Length} weights", nameof(masks));
            }

            var w = new float[l.Weights.Length];
            var mask = new float[l.Weights.Length];
            for (var k = 0; k < w.Length; k++)
            {
                mask[k] = masks[i][k] ? 1f : 0f;
                w[k] = masks[i][k] ? (float)l.Weights[k] : 0f;
            }

            return new Trainable(l.Outputs, l.Inputs, w, l.Bias.Select(b => (float)b).ToArray(), l.Activation) { Mask = mask };
        }).ToArray();

        var losses = Train(layers, train, options, network.InputSize);
        var result = new FloatNetwork(network.Layers.Select((l, i) => l with
        {
            Weights = layers[i].W.Select(w => (double)w).ToArray(),
            Bias = layers[i].B.Select(b => (double)b).ToArray(),
        }).ToList());
        return new RetrainResult<FloatNetwork>(result, losses);
    }

    /// <summary>Fine-tunes weight-shared layers' codebooks (entries 1..) and biases; codes stay as they are.</summary>
    public static RetrainResult<IReadOnlyList<SharedLayer>> RetrainCentroids(IReadOnlyList<SharedLayer> layers, Dataset train, RetrainOptions options)
    {
        var trainables = layers.Select(l =>
        {
            if (l.Codes.Length != l.Rows * l.Cols || l.Codebook.Length == 0 || l.Codebook[0] != 0 || l.Codes.Any(c => c >= l.Codebook.Length))
            {
                throw new ArgumentException($"layer '{l.Name}': codes must index a codebook whose entry 0 is 0", nameof(layers));
            }

            var t = new Trainable(l.Rows, l.Cols, new float[l.Codes.Length], l.Bias.Select(b => (float)b).ToArray(), l.Activation)
            {
                Codes = l.Codes,
                Codebook = l.Codebook.Select(c => (float)c).ToArray(),
            };
            t.Expand();
            return t;
        }).ToArray();

        var losses = Train(trainables, train, options, layers[0].Cols);
        var result = layers.Select((l, i) => l with
        {
            Codebook = trainables[i].Codebook!.Select(c => (double)c).ToArray(),
            Bias = trainables[i].B.Select(b => (double)b).ToArray(),
        }).ToList();
        return new RetrainResult<IReadOnlyList<SharedLayer>>(result, losses);
    }

    /// <summary>The mean softmax cross-entropy of a float network over a labelled dataset (float32, as training computes it).</summary>
    public static double Loss(FloatNetwork network, Dataset data, int maxThreads = 0)
    {
        var layers = network.Layers.Select(l => new Trainable(l.Outputs, l.Inputs, l.Weights.Select(w => (float)w).ToArray(), l.Bias.Select(b => (float)b).ToArray(), l.Activation)).ToArray();
        CheckData(layers, data, network.InputSize);
        var order = Enumerable.Range(0, data.Count).ToArray();
        int shards = (data.Count + ShardSize - 1) / ShardSize;
        var work = Enumerable.Range(0, shards).Select(_ => new Shard(layers, gradients: false)).ToArray();
        Parallel.For(0, shards, Options(maxThreads), s =>
        {
            work[s].Run(layers, data, order, s * ShardSize, Math.Min(ShardSize, data.Count - (s * ShardSize)), backward: false);
        });
        return work.Sum(w => w.Loss) / data.Count;
    }

    private static ParallelOptions Options(int maxThreads) =>
        new() { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount };

    private static void CheckData(Trainable[] layers, Dataset data, int inputSize)
    {
        if (data.Labels is null)
        {
            throw new DatasetException(data.Origin, data.InputsArray, "retraining needs labels");
        }

        data.CheckAgainst(inputSize, layers[^1].Rows);
    }

    private static List<double> Train(Trainable[] layers, Dataset data, RetrainOptions options, int inputSize)
    {
        options.Validate();
        CheckData(layers, data, inputSize);
        var parallel = Options(options.MaxThreads);
        int maxShards = (options.Batch + ShardSize - 1) / ShardSize;
        var shards = Enumerable.Range(0, maxShards).Select(_ => new Shard(layers, gradients: true)).ToArray();
        float momentum = (float)options.Momentum;
        float rate = (float)options.LearningRate;
        var losses = new List<double>();
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            int[] order = Permutation(data.Count, options.Seed, epoch);
            double epochLoss = 0;
            for (var start = 0; start < data.Count; start += options.Batch)
            {
                int batch = Math.Min(options.Batch, data.Count - start);
                int used = (batch + ShardSize - 1) / ShardSize;
                Parallel.For(0, used, parallel, s =>
                {
                    int first = start + (s * ShardSize);
                    shards[s].Run(layers, data, order, first, Math.Min(ShardSize, start + batch - first), backward: true);
                });

                for (var s = 0; s < used; s++)
                {
                    epochLoss += shards[s].Loss;
                }

                float scale = 1f / batch;
                Parallel.For(0, layers.Length, parallel, l => layers[l].Step(l, shards, used, scale, rate, momentum));
            }

            losses.Add(epochLoss / data.Count);
        }

        return losses;
    }

    /// <summary>Fisher–Yates shuffle from a stream fixed by (seed, epoch).</summary>
    private static int[] Permutation(int count, int seed, int epoch)
    {
        var random = DeterministicRandom.ForStream(seed, "retrain-order", epoch);
        var order = Enumerable.Range(0, count).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private static float Derivative(ActivationKind kind, float z, float a) => kind switch
    {
        ActivationKind.Relu => z > 0 ? 1f : 0f,
        ActivationKind.Tanh => 1f - (a * a),
        ActivationKind.Sigmoid => a * (1f - a),
        _ => 1f,
    };

    private static float Activate(ActivationKind kind, float z) => kind switch
    {
        ActivationKind.Relu => MathF.Max(0f, z),
        ActivationKind.Tanh => MathF.Tanh(z),
        ActivationKind.Sigmoid => z >= 0 ? 1f / (1f + MathF.Exp(-z)) : MathF.Exp(z) / (1f + MathF.Exp(z)),
        _ => z,
    };

    /// <summary>A layer being trained: float32 weights, and what constrains them (a mask, or codes into a codebook).</summary>
    private sealed class Trainable(int rows, int cols, float[] w, float[] b, ActivationKind activation)
    {
        public int Rows { get; } = rows;

        public int Cols { get; } = cols;

        public float[] W { get; } = w;

        public float[] B { get; } = b;

        public ActivationKind Activation { get; } = activation;

        /// <summary>1 where a weight trains, 0 where it is pruned (mask retraining).</summary>
        public float[]? Mask { get; init; }

        /// <summary>Codes (centroid retraining).</summary>
        public byte[]? Codes { get; init; }

        /// <summary>The codebook being trained (entry 0 stays 0).</summary>
        public float[]? Codebook { get; init; }

        private float[]? _velocityW;
        private float[]? _velocityB;
        private double[]? _codeGradient;
        private float[]? _velocityCodes;
        private float[]? _gradW;
        private float[]? _gradB;

        /// <summary>W = codebook[codes].</summary>
        public void Expand()
        {
            for (var k = 0; k < W.Length; k++)
            {
                W[k] = Codebook![Codes![k]];
            }
        }

        /// <summary>Adds the shards' gradients in shard order, then takes one SGD-with-momentum step.</summary>
        public void Step(int index, Shard[] shards, int used, float scale, float rate, float momentum)
        {
            _gradW ??= new float[W.Length];
            _gradB ??= new float[B.Length];
            shards[0].Layers[index].GradW.CopyTo(_gradW, 0);
            shards[0].Layers[index].GradB.CopyTo(_gradB, 0);
            for (var s = 1; s < used; s++)
            {
                TensorPrimitives.Add(_gradW, shards[s].Layers[index].GradW, _gradW);
                TensorPrimitives.Add(_gradB, shards[s].Layers[index].GradB, _gradB);
            }

            TensorPrimitives.Multiply(_gradW, scale, _gradW);
            TensorPrimitives.Multiply(_gradB, scale, _gradB);
            _velocityB ??= new float[B.Length];
            Momentum(_velocityB, _gradB, B, rate, momentum);
            if (Codes is null)
            {
                if (Mask is not null)
                {
                    TensorPrimitives.Multiply(_gradW, Mask, _gradW);
                }

                _velocityW ??= new float[W.Length];
                Momentum(_velocityW, _gradW, W, rate, momentum);
                return;
            }

            // Centroids: the gradient of an entry is the sum over the weights that share its code.
            var codebook = Codebook!;
            _codeGradient ??= new double[codebook.Length];
            Array.Clear(_codeGradient);
            for (var k = 0; k < _gradW.Length; k++)
            {
                _codeGradient[Codes[k]] += _gradW[k];
            }

            _codeGradient[0] = 0;
            _velocityCodes ??= new float[codebook.Length];
            var gradient = _codeGradient.Select(g => (float)g).ToArray();
            Momentum(_velocityCodes, gradient, codebook, rate, momentum);
            codebook[0] = 0;
            Expand();
        }

        /// <summary>v = μ v + g; p = p − η v.</summary>
        private static void Momentum(float[] velocity, float[] gradient, float[] parameters, float rate, float momentum)
        {
            TensorPrimitives.MultiplyAdd(velocity, momentum, gradient, velocity);
            TensorPrimitives.MultiplyAdd(velocity, -rate, parameters, parameters);
        }
    }

    /// <summary>One shard's work space: activations of its vectors and its gradient sums.</summary>
    private sealed class Shard
    {
        public Shard(Trainable[] layers, bool gradients)
        {
            Layers = layers.Select(l => new LayerState(l, gradients)).ToArray();
            Input = new float[ShardSize * layers[0].Cols];
        }

        public LayerState[] Layers { get; }

        public float[] Input { get; }

        /// <summary>Σ cross-entropy over the shard's vectors, in vector order.</summary>
        public double Loss { get; private set; }

        /// <summary>Forward (and backward) over <paramref name="count"/> vectors order[first..].</summary>
        public void Run(Trainable[] layers, Dataset data, int[] order, int first, int count, bool backward)
        {
            int cols = layers[0].Cols;
            for (var s = 0; s < count; s++)
            {
                var x = data.Input(order[first + s]);
                var row = Input.AsSpan(s * cols, cols);
                for (var j = 0; j < cols; j++)
                {
                    row[j] = (float)x[j];
                }
            }

            // Forward: row by row, each weight row meets every vector of the shard while in cache.
            float[] previous = Input;
            for (var l = 0; l < layers.Length; l++)
            {
                var layer = layers[l];
                var state = Layers[l];
                for (var i = 0; i < layer.Rows; i++)
                {
                    var w = layer.W.AsSpan(i * layer.Cols, layer.Cols);
                    for (var s = 0; s < count; s++)
                    {
                        float z = layer.B[i] + TensorPrimitives.Dot(w, previous.AsSpan(s * layer.Cols, layer.Cols));
                        state.Z[(s * layer.Rows) + i] = z;
                        state.A[(s * layer.Rows) + i] = Activate(layer.Activation, z);
                    }
                }

                previous = state.A;
            }

            // Softmax cross-entropy on the last layer's outputs; its gradient there is softmax − one-hot.
            var last = Layers[^1];
            int classes = layers[^1].Rows;
            double loss = 0;
            var probabilities = new float[classes];
            for (var s = 0; s < count; s++)
            {
                var outputs = last.A.AsSpan(s * classes, classes);
                TensorPrimitives.SoftMax(outputs, probabilities);
                int label = data.Labels![order[first + s]];
                loss -= Math.Log(Math.Max(probabilities[label], 1e-30f));
                probabilities[label] -= 1f;
                probabilities.CopyTo(last.Delta.AsSpan(s * classes, classes));
            }

            Loss = loss;
            if (!backward)
            {
                return;
            }

            for (int l = layers.Length - 1; l >= 0; l--)
            {
                var layer = layers[l];
                var state = Layers[l];
                float[] input = l == 0 ? Input : Layers[l - 1].A;

                // δ at the pre-activation.
                for (var k = 0; k < count * layer.Rows; k++)
                {
                    state.Delta[k] *= Derivative(layer.Activation, state.Z[k], state.A[k]);
                }

                // ∂W[i, :] = Σ_s δ[s, i] · input[s, :], ∂b[i] = Σ_s δ[s, i], vectors in order.
                Array.Clear(state.GradW);
                Array.Clear(state.GradB);
                for (var i = 0; i < layer.Rows; i++)
                {
                    var gradient = state.GradW.AsSpan(i * layer.Cols, layer.Cols);
                    for (var s = 0; s < count; s++)
                    {
                        float d = state.Delta[(s * layer.Rows) + i];
                        if (d != 0)
                        {
                            TensorPrimitives.MultiplyAdd(input.AsSpan(s * layer.Cols, layer.Cols), d, gradient, gradient);
                            state.GradB[i] += d;
                        }
                    }
                }

                if (l == 0)
                {
                    break;
                }

                // δ at the previous layer's output: Wᵀ δ.
                var below = Layers[l - 1].Delta;
                Array.Clear(below, 0, count * layer.Cols);
                for (var s = 0; s < count; s++)
                {
                    var target = below.AsSpan(s * layer.Cols, layer.Cols);
                    for (var i = 0; i < layer.Rows; i++)
                    {
                        float d = state.Delta[(s * layer.Rows) + i];
                        if (d != 0)
                        {
                            TensorPrimitives.MultiplyAdd(layer.W.AsSpan(i * layer.Cols, layer.Cols), d, target, target);
                        }
                    }
                }
            }
        }
    }

    /// <summary>A layer's part of a shard's work space.</summary>
    private sealed class LayerState(Trainable owner, bool gradients)
    {
        public float[] Z { get; } = new float[ShardSize * owner.Rows];

        public float[] A { get; } = new float[ShardSize * owner.Rows];

        public float[] Delta { get; } = new float[ShardSize * owner.Rows];

        public float[] GradW { get; } = gradients ? new float[owner.W.Length] : [];

        public float[] GradB { get; } = gradients ? new float[owner.Rows] : [];
    }
}
