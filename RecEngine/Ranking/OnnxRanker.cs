using System.Buffers;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace RecEngine.Ranking;

/// <summary>
/// Scores candidates with one model version's ONNX graph: one <see cref="InferenceSession"/> (all graph
/// optimisations, configured intra-op threads), every candidate in one Run. Run is thread-safe in ONNX
/// Runtime; the input and output buffers are rented per call from the shared pool and pinned as OrtValues,
/// so concurrent callers share nothing mutable.
/// </summary>
internal sealed class OnnxRanker : IDisposable
{
    private static readonly string[] InputNames = [RankerModelContract.DenseInput, RankerModelContract.CategoricalInput];
    private static readonly string[] OutputNames = [RankerModelContract.WatchProbabilityOutput, RankerModelContract.WatchTimeOutput];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    private OnnxRanker(InferenceSession session, string version, int denseFeatures, int fields)
    {
        _session = session;
        Version = version;
        DenseFeatures = denseFeatures;
        Fields = fields;
    }

    public string Version { get; }
    public int DenseFeatures { get; }
    public int Fields { get; }

    /// <summary>
    /// Loads and checks a model file. Throws <see cref="RankerModelException"/> when it is missing, is not a
    /// loadable ONNX model, or does not have the <see cref="RankerModelContract"/> interface (with
    /// <paramref name="denseFeatures"/>/<paramref name="fields"/> widths when given).
    /// </summary>
    public static OnnxRanker Load(string path, string version, OnnxRankerOptions options, int? denseFeatures = null, int? fields = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new RankerModelException($"Ranker model '{path}' cannot be read: {ex.Message}", ex);
        }

        return Load(bytes, version, options, denseFeatures, fields, path);
    }

    public static OnnxRanker Load(byte[] model, string version, OnnxRankerOptions options, int? denseFeatures = null, int? fields = null, string? source = null)
    {
        source ??= $"model {version}";
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        InferenceSession session;
        try
        {
            session = new InferenceSession(model, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new RankerModelException($"Ranker {source} is not a valid ONNX model: {ex.Message}", ex);
        }

        try
        {
            var (dense, categorical) = CheckInterface(session, source, denseFeatures, fields);
            return new OnnxRanker(session, version, dense, categorical);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Scores <paramref name="rows"/> candidates: <paramref name="dense"/> is [rows, DenseFeatures] and
    /// <paramref name="categorical"/> [rows, Fields], row-major. Writes P(watch) and expected watch time.
    /// </summary>
    public void Score(ReadOnlySpan<float> dense, ReadOnlySpan<long> categorical, int rows, Span<float> pWatch, Span<float> watchTime)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (dense.Length < rows * DenseFeatures || categorical.Length < rows * Fields || pWatch.Length < rows || watchTime.Length < rows)
        {
            throw new ArgumentException($"Buffers too short for {rows} rows of {DenseFeatures} dense features and {Fields} fields.");
        }

        if (rows == 0)
        {
            return;
        }

        var denseBuffer = ArrayPool<float>.Shared.Rent(rows * DenseFeatures);
        var idBuffer = ArrayPool<long>.Shared.Rent(rows * Fields);
        var outputBuffer = ArrayPool<float>.Shared.Rent(rows * 2);
        try
        {
            dense[..(rows * DenseFeatures)].CopyTo(denseBuffer);
            categorical[..(rows * Fields)].CopyTo(idBuffer);
            var info = OrtMemoryInfo.DefaultInstance;
            using var denseValue = OrtValue.CreateTensorValueFromMemory(info, denseBuffer.AsMemory(0, rows * DenseFeatures), [rows, DenseFeatures]);
            using var idValue = OrtValue.CreateTensorValueFromMemory(info, idBuffer.AsMemory(0, rows * Fields), [rows, Fields]);
            using var pValue = OrtValue.CreateTensorValueFromMemory(info, outputBuffer.AsMemory(0, rows), [rows]);
            using var tValue = OrtValue.CreateTensorValueFromMemory(info, outputBuffer.AsMemory(rows, rows), [rows]);
            _session.Run(_runOptions, InputNames, [denseValue, idValue], OutputNames, [pValue, tValue]);
            outputBuffer.AsSpan(0, rows).CopyTo(pWatch);
            outputBuffer.AsSpan(rows, rows).CopyTo(watchTime);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(denseBuffer);
            ArrayPool<long>.Shared.Return(idBuffer);
            ArrayPool<float>.Shared.Return(outputBuffer);
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private static (int Dense, int Fields) CheckInterface(InferenceSession session, string source, int? denseFeatures, int? fields)
    {
        var problems = new List<string>();
        var dense = CheckInput(session, RankerModelContract.DenseInput, TensorElementType.Float, denseFeatures, problems);
        var categorical = CheckInput(session, RankerModelContract.CategoricalInput, TensorElementType.Int64, fields, problems);
        foreach (var name in OutputNames)
        {
            if (!session.OutputMetadata.TryGetValue(name, out var output))
            {
                problems.Add($"output '{name}' is missing");
            }
            else if (output.ElementDataType != TensorElementType.Float || output.Dimensions.Length != 1)
            {
                problems.Add($"output '{name}' is {Describe(output)}, expected float[N]");
            }
        }

        if (problems.Count > 0)
        {
            var found = string.Join(", ", session.InputMetadata.Select(i => $"{i.Key}: {Describe(i.Value)}"));
            throw new RankerModelException(
                $"Ranker {source} does not have the ranker interface: {string.Join("; ", problems)} (model inputs: {found}).");
        }

        return (dense, categorical);
    }

    private static int CheckInput(InferenceSession session, string name, TensorElementType type, int? width, List<string> problems)
    {
        var expected = $"{(type == TensorElementType.Float ? "float" : "int64")}[N, {width?.ToString(CultureInfo.InvariantCulture) ?? "k"}]";
        if (!session.InputMetadata.TryGetValue(name, out var input))
        {
            problems.Add($"input '{name}' ({expected}) is missing");
            return 0;
        }

        var dims = input.Dimensions;
        if (input.ElementDataType != type || dims.Length != 2 || dims[1] < 0 || (width is { } w && dims[1] != w))
        {
            problems.Add($"input '{name}' is {Describe(input)}, expected {expected}");
            return 0;
        }

        return dims[1];
    }

    private static string Describe(NodeMetadata node) =>
        $"{node.ElementDataType.ToString().ToLowerInvariant()}[{string.Join(", ", node.Dimensions.Select(d => d < 0 ? "N" : d.ToString(CultureInfo.InvariantCulture)))}]";
}
