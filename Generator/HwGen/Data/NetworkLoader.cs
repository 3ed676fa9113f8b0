using System.Globalization;
using HwGen.Configuration;
using HwGen.IO;
using HwGen.Platform;

namespace HwGen.Data;

/// <summary>
/// Turns a config into the network it describes: every layer's weights (random, or read from
/// .npy/.npz, float or precompressed) and the input vectors (random or read). Problems with the data
/// are <see cref="ConfigException"/>s that name the data file and the config line and key that
/// named it, all at once.
/// </summary>
/// <remarks>
/// Random data is a fixed function of the seed on every platform (<see cref="DeterministicRandom"/>),
/// drawn from independent streams so that changing one layer never changes another's data:
/// <list type="bullet">
/// <item>Weights of layer <c>i</c> (stream <c>("weights", i)</c>): dense, normal with mean 0 and
/// He's standard deviation √(2 / inputs), as trained ReLU layers have; pruning to the layer's density
/// then keeps the largest magnitudes, which gives the bimodal shape of pruned trained weights.</item>
/// <item>Biases of layer <c>i</c> (stream <c>("bias", i)</c>): normal with mean 0 and the same
/// standard deviation as the weights, i.e. about one weight's size.</item>
/// <item>Input vector <c>v</c> (stream <c>("input", v)</c>): exactly round(density × size) non-zero
/// entries (half away from zero) at uniformly random positions; magnitudes half-normal with σ = 1 (the
/// shape of post-ReLU activations), redrawn while below one activation LSB (2^−activation_frac) so that
/// every non-zero stays non-zero after quantization; with <c>signed: true</c> each is negated with
/// probability 1/2.</item>
/// </list>
/// </remarks>
public static class NetworkLoader
{
    /// <summary>Loads or generates every layer's weights and the input vectors.</summary>
    /// <param name="config">The config.</param>
    /// <param name="models">Reads the model files of <c>source: onnx</c> layers; null when the config has none.</param>
    /// <exception cref="ConfigException">The config is invalid, or a data file is missing, unreadable or wrong.</exception>
    public static NetworkData Load(HwGenConfig config, IModelReader? models = null)
    {
        ConfigValidator.ThrowIfInvalid(config);
        CheckMemory(config);
        using var files = new DataFiles(config) { Models = models };

        var layers = new List<LayerData?>();
        var shapes = config.LayerShapes();
        string inputsFrom = config.Input.Steps > 1 ? "input.steps × input.size" : "input.size";
        for (var i = 0; i < config.Layers.Count; i++)
        {
            string featuresFrom = i == 0 ? "input.size" : $"the hidden size of layer '{config.Layers[i - 1].Name}'";
            var layer = LoadLayer(files, config, i, (int)shapes[i].Cols, config.Layers[i].Kind == LayerKind.Lstm ? $"the features being {featuresFrom}" : inputsFrom);
            layers.Add(layer is null || config.Layers[i].Kind != LayerKind.Lstm ? layer : layer with { Lstm = LstmOf(config, shapes[i], i) });
            inputsFrom = $"the outputs of layer '{config.Layers[i].Name}'";
        }

        var vectors = config.Input.Source == DataSource.Random
            ? RandomInputs(config, 1, config.Seed)
            : ReadInputs(files, config);

        if (files.Errors.Count > 0 || vectors is null)
        {
            throw new ConfigException(ConfigLoader.InFileOrder(files.Errors));
        }

        return new NetworkData { Layers = [.. layers.Select(layer => layer!)], Inputs = vectors };
    }

    /// <summary>The shape of LSTM layer <paramref name="index"/> of a valid config.</summary>
    public static LstmShape LstmOf(HwGenConfig config, LayerShape shape, int index) =>
        new(config.Layers[index].Hidden, (int)shape.Features, (int)shape.Steps, config.Layers[index].Output == LstmOutput.Sequence);

    /// <summary>
    /// Refuses a network whose dense weights need more memory than the machine gives HwGen
    /// (<see cref="MemoryBudget"/>), naming its largest layer, before anything is allocated.
    /// </summary>
    private static void CheckMemory(HwGenConfig config)
    {
        long total = 0;
        int largest = 0;
        var shapes = config.LayerShapes();
        var sizes = new long[config.Layers.Count];
        for (var i = 0; i < config.Layers.Count; i++)
        {
            sizes[i] = shapes[i].Rows * shapes[i].Cols;
            total += sizes[i];
            largest = sizes[i] > sizes[largest] ? i : largest;
        }

        long needed = total * MemoryBudget.BytesPerWeight;
        if (needed > MemoryBudget.AvailableBytes)
        {
            string key = config.Layers[largest].Kind == LayerKind.Lstm ? $"layers[{largest}].hidden" : $"layers[{largest}].outputs";
            var at = config.Locations.Find(key);
            throw new ConfigException(new ConfigError(config.SourceFile, at.Line, at.Column, key, string.Create(CultureInfo.InvariantCulture,
                $"the network has {total:N0} weights (layer '{config.Layers[largest].Name}' {sizes[largest]:N0}, the largest); compressing them needs about {MemoryBudget.Size(needed)} " +
                $"({MemoryBudget.BytesPerWeight} bytes per weight), more than {MemoryBudget.Available}: use smaller layers or a machine with more memory")));
        }
    }

    /// <summary>
    /// Draws <paramref name="count"/> random input vectors with the config's input size, density and
    /// sign (whatever its input source), vector <c>v</c> from stream <c>(seed, "input", v)</c>. With
    /// <c>seed = config.Seed</c>, vector 0 is the one <see cref="Load"/> uses for a random input.
    /// </summary>
    public static IReadOnlyList<double[]> RandomInputs(HwGenConfig config, int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var input = config.Input;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.Size);
        var density = ConfigSchema.Key("input.density").Range!;
        if (!density.Contains(input.Density))
        {
            throw new ArgumentOutOfRangeException(nameof(config), input.Density, $"input.density must be in {density.Text}");
        }

        var vectors = new double[count][];
        for (var v = 0; v < count; v++)
        {
            vectors[v] = RandomInput(input, config.Quantization.ActivationFrac, DeterministicRandom.ForStream(seed, "input", v));
        }

        return vectors;
    }

    /// <summary>The number of non-zeros a random input vector has: round(density × steps × size), half away from zero.</summary>
    public static int RandomInputNonZeros(InputConfig input) =>
        (int)Math.Round(input.Density * input.Steps * input.Size, MidpointRounding.AwayFromZero);

    private static double[] RandomInput(InputConfig input, int activationFrac, DeterministicRandom random)
    {
        int size = checked(input.Steps * input.Size);
        int nonZeros = RandomInputNonZeros(input);

        // Partial Fisher–Yates: the first nonZeros slots become a uniformly random subset of positions.
        var positions = new int[size];
        for (var i = 0; i < size; i++)
        {
            positions[i] = i;
        }

        for (var j = 0; j < nonZeros; j++)
        {
            int pick = j + random.NextInt(size - j);
            (positions[j], positions[pick]) = (positions[pick], positions[j]);
        }

        double lsb = Math.ScaleB(1.0, -activationFrac);
        var vector = new double[size];
        for (var j = 0; j < nonZeros; j++)
        {
            double magnitude;
            do
            {
                magnitude = Math.Abs(random.NextNormal());
            }
            while (magnitude < lsb);

            if (input.Signed && random.NextDouble() < 0.5)
            {
                magnitude = -magnitude;
            }

            vector[positions[j]] = magnitude;
        }

        return vector;
    }

    private static LayerData RandomLayer(HwGenConfig config, int index, int rows, int cols)
    {
        double deviation = Math.Sqrt(2.0 / cols);
        var random = DeterministicRandom.ForStream(config.Seed, "weights", index);
        var weights = new double[checked(rows * cols)];
        for (var k = 0; k < weights.Length; k++)
        {
            weights[k] = deviation * random.NextNormal();
        }

        random = DeterministicRandom.ForStream(config.Seed, "bias", index);
        var bias = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            bias[r] = deviation * random.NextNormal();
        }

        return new LayerData { Name = config.Layers[index].Name, Rows = rows, Cols = cols, Weights = weights, Bias = bias };
    }

    private static LayerData? LoadLayer(DataFiles files, HwGenConfig config, int index, int cols, string colsFrom)
    {
        var layer = config.Layers[index];
        var weights = layer.Weights;
        bool lstm = layer.Kind == LayerKind.Lstm;
        int rows = lstm ? 4 * layer.Hidden : layer.Outputs;
        string prefix = $"layers[{index}].weights";
        string pathKey = $"{prefix}.path";
        string needs = lstm
            ? $"lstm layer '{layer.Name}' needs its gate matrix [W | R] as (4 × hidden, features + hidden) = ({rows}, {cols}), {colsFrom}"
            : $"layer '{layer.Name}' needs (outputs, inputs) = ({rows}, {cols}), inputs being {colsFrom}";

        if (weights.Source == DataSource.Random)
        {
            return RandomLayer(config, index, rows, cols);
        }

        if (weights.Source == DataSource.Onnx)
        {
            var model = files.ReadModel(pathKey, weights.Path!);
            if (model is null)
            {
                return null;
            }

            string layerKey = $"{prefix}.layer";
            var found = model.Layers.FirstOrDefault(l => l.Name == weights.Layer);
            if (found is null)
            {
                files.Error(layerKey, $"{weights.Path} has no layer '{weights.Layer}' (its layers: {string.Join(", ", model.Layers.Select(l => $"{l.Name} ({l.Outputs}×{l.Inputs})"))})");
                return null;
            }

            if ((found.Lstm is not null) != lstm)
            {
                files.Error(layerKey, $"layer '{found.Name}' of {weights.Path} is {(found.Lstm is null ? "fully connected" : "an LSTM")}, but layers[{index}] is kind: {ConfigNames.Snake(layer.Kind)}");
                return null;
            }

            if (found.Lstm is { } shape && shape.Hidden != layer.Hidden)
            {
                files.Error(layerKey, $"layer '{found.Name}' of {weights.Path} is an LSTM with hidden size {shape.Hidden}; {needs}");
                return null;
            }

            if (found.Outputs != rows || found.Inputs != cols)
            {
                files.Error(layerKey, $"layer '{found.Name}' of {weights.Path} has (outputs, inputs) = ({found.Outputs}, {found.Inputs}); {needs}");
                return null;
            }

            return new LayerData { Name = layer.Name, Rows = rows, Cols = cols, Weights = found.Weights, Bias = found.Bias };
        }

        if (weights.Source == DataSource.Npy)
        {
            var array = files.ReadNpy(pathKey, weights.Path!, (long)rows * cols);
            var values = array is null ? null : files.Values(pathKey, weights.Path!, array, [rows, cols], needs);
            return values is null ? null : new LayerData { Name = layer.Name, Rows = rows, Cols = cols, Weights = values, Bias = new double[rows] };
        }

        string path = weights.Path!;
        bool ok = true;
        double[]? bias = new double[rows];
        if (weights.BiasKey is { } biasName)
        {
            string biasKey = $"{prefix}.bias";
            var array = files.ReadNpz(pathKey, path, biasKey, biasName, rows);
            bias = array is null ? null : files.Values(biasKey, Member(path, biasName), array, [rows], $"the bias needs (outputs,) = ({rows},)");
            ok &= bias is not null;
        }

        if (!weights.IsPrecompressed)
        {
            string valuesKey = $"{prefix}.weights";
            var array = files.ReadNpz(pathKey, path, valuesKey, weights.WeightsKey!, (long)rows * cols);
            var values = array is null ? null : files.Values(valuesKey, Member(path, weights.WeightsKey!), array, [rows, cols], needs);
            return ok && values is not null
                ? new LayerData { Name = layer.Name, Rows = rows, Cols = cols, Weights = values, Bias = bias! }
                : null;
        }

        string codesKey = $"{prefix}.codes";
        string codebookKey = $"{prefix}.codebook";
        var codesArray = files.ReadNpz(pathKey, path, codesKey, weights.CodesKey!, (long)rows * cols);
        var codebookArray = files.ReadNpz(pathKey, path, codebookKey, weights.CodebookKey!, 1L << config.Compression.CodebookBits);
        byte[]? codes = codesArray is null ? null : files.Codes(codesKey, Member(path, weights.CodesKey!), codesArray, rows, cols, needs);
        double[]? codebook = codebookArray is null
            ? null
            : files.Codebook(codebookKey, Member(path, weights.CodebookKey!), codebookArray, config.Compression.CodebookBits);
        if (codes is null || codebook is null || !ok)
        {
            return null;
        }

        if (!files.CodesWithinCodebook(codesKey, Member(path, weights.CodesKey!), codes, cols, codebook.Length))
        {
            return null;
        }

        return new LayerData { Name = layer.Name, Rows = rows, Cols = cols, Codes = codes, Codebook = codebook, Bias = bias! };
    }

    private static double[][]? ReadInputs(DataFiles files, HwGenConfig config)
    {
        var input = config.Input;
        string path = input.Path!;
        NpyArray? array;
        string key;
        string where;
        if (input.Source == DataSource.Npy)
        {
            key = "input.path";
            where = path;
            array = files.ReadNpy(key, path, MaxInputValues);
        }
        else
        {
            key = "input.key";
            where = Member(path, input.Key);
            array = files.ReadNpz("input.path", path, key, input.Key, MaxInputValues);
        }

        if (array is null)
        {
            return null;
        }

        int size = checked(input.Steps * input.Size);
        int[] shape = array.Shape;
        bool fits = (shape.Length == 1 && shape[0] == size) || (shape.Length == 2 && shape[0] >= 1 && shape[1] == size)
            || (input.Steps > 1 && shape.Length == 3 && shape[0] >= 1 && shape[1] == input.Steps && shape[2] == input.Size);
        if (!fits)
        {
            files.Error(key, input.Steps > 1
                ? $"{where} has shape {array.ShapeText}; the input needs ({size},), (vectors, {size}) or (vectors, {input.Steps}, {input.Size}), being input.steps × input.size"
                : $"{where} has shape {array.ShapeText}; the input needs ({size},) or (vectors, {size}), {size} being input.size");
            return null;
        }

        if (!array.HasData)
        {
            files.Error(key, string.Create(CultureInfo.InvariantCulture,
                $"{where} has shape {array.ShapeText}: {array.Length:N0} values, which need about {MemoryBudget.Size((double)array.Length * BytesPerInputValue)} to read, more than {MemoryBudget.Available}; use fewer vectors"));
            return null;
        }

        var values = files.Finite(key, where, array);
        if (values is null)
        {
            return null;
        }

        int count = shape.Length == 1 ? 1 : shape[0];
        var vectors = new double[count][];
        for (var v = 0; v < count; v++)
        {
            vectors[v] = values.AsSpan(v * size, size).ToArray();
        }

        return vectors;
    }

    private static string Member(string path, string name) => $"{path}['{name}']";

    /// <summary>Memory per input value read from a file: the raw element, the double it becomes and its copy per vector.</summary>
    private const long BytesPerInputValue = 24;

    /// <summary>The most input values (vectors × size) a data file may hold: what fits the memory HwGen has.</summary>
    private static long MaxInputValues => MemoryBudget.AvailableBytes / BytesPerInputValue;

    /// <summary>
    /// Opens each data file once per load, reads arrays on demand, and collects errors at the
    /// config key that named the file or the array.
    /// </summary>
    private sealed class DataFiles(HwGenConfig config) : IDisposable
    {
        private readonly Dictionary<string, NpzArchive?> _archives = new(StringComparer.Ordinal);
        private readonly Dictionary<string, NpyArray?> _arrays = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _fileProblems = new(StringComparer.Ordinal);
        private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

        private readonly Dictionary<string, FloatNetwork?> _models = new(StringComparer.Ordinal);

        public List<ConfigError> Errors { get; } = [];

        /// <summary>Reads <c>source: onnx</c> models; null when none may be read.</summary>
        public IModelReader? Models { get; init; }

        /// <summary>A model file's layers (each file read once), or null after reporting why not.</summary>
        public FloatNetwork? ReadModel(string pathKey, string path)
        {
            string full = config.ResolvePath(path);
            if (!_models.TryGetValue(full, out var model))
            {
                if (Models is null)
                {
                    _fileProblems[full] = $"{path}: this command cannot read ONNX models";
                }
                else
                {
                    try
                    {
                        model = Models.Read(full, path);
                    }
                    catch (InvalidDataException e)
                    {
                        _fileProblems[full] = e.Message;
                    }
                }

                _models[full] = model;
            }

            if (model is null)
            {
                ReportFileProblem(pathKey, full);
            }

            return model;
        }

        public void Error(string key, string message)
        {
            var at = config.Locations.Find(key);
            Errors.Add(new ConfigError(config.SourceFile, at.Line, at.Column, key, message));
        }

        public NpyArray? ReadNpy(string pathKey, string path, long maxElements)
        {
            string full = config.ResolvePath(path);
            if (!_arrays.TryGetValue(full, out var array))
            {
                try
                {
                    using var stream = File.OpenRead(full);
                    array = Npy.Read(stream, path, maxElements);
                }
                catch (NpyFormatException e)
                {
                    _fileProblems[full] = e.Message + (Sniff(full) == "npz" ? "; this is an .npz archive: use source: npz" : string.Empty);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _fileProblems[full] = FileProblem(path, e);
                }

                _arrays[full] = array;
            }

            ReportFileProblem(pathKey, full);
            return array;
        }

        public NpyArray? ReadNpz(string pathKey, string path, string memberKey, string member, long maxElements)
        {
            string full = config.ResolvePath(path);
            if (!_archives.TryGetValue(full, out var archive))
            {
                try
                {
                    archive = NpzArchive.Open(full, path);
                }
                catch (NpyFormatException)
                {
                    _fileProblems[full] = $"{path} is not an .npz archive" + (Sniff(full) == "npy" ? "; it is a .npy file: use source: npy" : string.Empty);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _fileProblems[full] = FileProblem(path, e);
                }

                _archives[full] = archive;
            }

            if (archive is null)
            {
                ReportFileProblem(pathKey, full);
                return null;
            }

            string id = $"{full}\n{member}";
            if (_arrays.TryGetValue(id, out var cached))
            {
                if (cached is null && _fileProblems.TryGetValue(id, out var problem))
                {
                    Error(memberKey, problem);
                }

                return cached;
            }

            NpyArray? array = null;
            if (!archive.Contains(member))
            {
                string have = archive.Names.Count == 0 ? "it holds no arrays" : $"it has: {string.Join(", ", archive.Names)}";
                _fileProblems[id] = $"{path} has no array '{member}' ({have})";
            }
            else
            {
                try
                {
                    array = archive.Read(member, maxElements);
                }
                catch (NpyFormatException e)
                {
                    _fileProblems[id] = e.Message;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _fileProblems[id] = FileProblem(path, e);
                }
            }

            _arrays[id] = array;
            if (array is null)
            {
                Error(memberKey, _fileProblems[id]);
            }

            return array;
        }

        /// <summary>The array's values when its shape is <paramref name="shape"/> and all are finite.</summary>
        public double[]? Values(string key, string where, NpyArray array, int[] shape, string needs)
        {
            if (!array.Shape.SequenceEqual(shape))
            {
                Error(key, $"{where} has shape {array.ShapeText}; {needs}");
                return null;
            }

            if (!array.HasData)
            {
                Error(key, TooLarge(where, array));
                return null;
            }

            return Finite(key, where, array);
        }

        public double[]? Finite(string key, string where, NpyArray array)
        {
            var values = array.ToDoubles();
            int bad = 0;
            int first = -1;
            for (var i = 0; i < values.Length; i++)
            {
                if (!double.IsFinite(values[i]))
                {
                    bad++;
                    first = first < 0 ? i : first;
                }
            }

            if (bad == 0)
            {
                return values;
            }

            Error(key, $"{where} holds {bad} NaN or infinite value{(bad == 1 ? string.Empty : "s")} (the first at {Index(first, array.Shape)}); HwGen needs finite numbers");
            return null;
        }

        public byte[]? Codes(string key, string where, NpyArray array, int rows, int cols, string needs)
        {
            bool ok = true;
            if (array.Type != NpyType.UInt8)
            {
                Error(key, $"{where} is {TypeName(array.Type)}; codes must be uint8 (one codebook index per weight)");
                ok = false;
            }

            if (!array.Shape.SequenceEqual([rows, cols]))
            {
                Error(key, $"{where} has shape {array.ShapeText}; {needs}");
                ok = false;
            }
            else if (!array.HasData)
            {
                Error(key, TooLarge(where, array));
                ok = false;
            }

            return ok ? array.ToBytes() : null;
        }

        public double[]? Codebook(string key, string where, NpyArray array, int codebookBits)
        {
            if (array.Shape.Length != 1)
            {
                Error(key, $"{where} has shape {array.ShapeText}; a codebook is 1-D (entries,)");
                return null;
            }

            int capacity = 1 << codebookBits;
            int length = array.Shape[0];
            if (length == 0)
            {
                Error(key, $"{where} is empty; a codebook needs at least entry 0 (0.0)");
                return null;
            }

            if (length > capacity)
            {
                Error(key, $"{where} has {length} entries, more than the 2^codebook_bits = {capacity} that compression.codebook_bits = {codebookBits} allows; raise codebook_bits");
                return null;
            }

            var values = Finite(key, where, array);
            if (values is null)
            {
                return null;
            }

            if (values[0] != 0.0)
            {
                Error(key, $"{where} has entry 0 = {values[0].ToString("R", CultureInfo.InvariantCulture)}; code 0 is reserved for pruned weights and its entry must be 0.0");
                return null;
            }

            return values;
        }

        public bool CodesWithinCodebook(string key, string where, byte[] codes, int cols, int codebookLength)
        {
            int bad = 0;
            int first = -1;
            for (var i = 0; i < codes.Length; i++)
            {
                if (codes[i] >= codebookLength)
                {
                    bad++;
                    first = first < 0 ? i : first;
                }
            }

            if (bad == 0)
            {
                return true;
            }

            Error(
                key,
                $"{where} has {bad} code{(bad == 1 ? string.Empty : "s")} beyond the codebook's {codebookLength} entries " +
                $"(the first is {codes[first]} at [{first / cols}, {first % cols}]); every code must be below {codebookLength}");
            return false;
        }

        public void Dispose()
        {
            foreach (var archive in _archives.Values)
            {
                archive?.Dispose();
            }
        }

        private void ReportFileProblem(string pathKey, string full)
        {
            if (_fileProblems.TryGetValue(full, out var problem) && _reported.Add($"{pathKey}\n{full}"))
            {
                Error(pathKey, problem);
            }
        }

        private static string FileProblem(string path, Exception e) =>
            e is FileNotFoundException or DirectoryNotFoundException
                ? $"data file not found: {path}"
                : $"cannot read {path}: {e.Message}";

        /// <summary>"npy" or "npz" from the file's first bytes, or null.</summary>
        private static string? Sniff(string full)
        {
            try
            {
                using var stream = File.OpenRead(full);
                var head = new byte[2];
                int read = stream.Read(head);
                return read < 2 ? null : head[0] == (byte)'P' && head[1] == (byte)'K' ? "npz" : head[0] == 0x93 && head[1] == (byte)'N' ? "npy" : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static string TypeName(NpyType type) => type.ToString().ToLowerInvariant();

        private static string TooLarge(string where, NpyArray array) => string.Create(CultureInfo.InvariantCulture,
            $"{where} has shape {array.ShapeText}: {array.Length:N0} {TypeName(array.Type)} values, more than HwGen can read into one array or than {MemoryBudget.Available}");

        private static string Index(int flat, int[] shape)
        {
            var index = new int[shape.Length];
            for (var d = shape.Length - 1; d >= 0; d--)
            {
                index[d] = flat % shape[d];
                flat /= shape[d];
            }

            return "[" + string.Join(", ", index) + "]";
        }
    }
}
