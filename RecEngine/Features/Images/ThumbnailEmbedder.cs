using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RecEngine.Catalog;
using RecEngine.Features.Spec;

namespace RecEngine.Features.Images;

/// <summary>
/// The visual embedding of a thumbnail: ResNet-18 (He et al., <i>Deep residual learning for image recognition</i>, CVPR
/// 2016; the ImageNet-trained network ML.NET ships as <c>ResNet18.onnx</c>) run by ONNX Runtime on the preprocessed
/// image (<see cref="ImagePreprocessing"/>), its 512 global-average-pooled activations the embedding. About 1.8 GFLOP an
/// image, so never on the request path: the background queue, imports and training call it. The network's input mean
/// comes from its own preprocessing graph (<c>ResNetPreprocess.onnx</c>, x minus a mean image), run once on zeros at
/// load. Thread-safe (ONNX Runtime sessions are); one image per run (the graph's batch dimension is fixed at 1).
/// </summary>
internal sealed class ThumbnailEmbedder : IDisposable
{
    public const int Dimensions = 512;

    private const string InputName = "Input247";
    private const string OutputName = "Pooling395_Output_0";

    private readonly InferenceSession _session;

    private ThumbnailEmbedder(InferenceSession session, ImagePreprocessing preprocessing)
    {
        _session = session;
        Preprocessing = preprocessing;
    }

    public ImagePreprocessing Preprocessing { get; }

    /// <summary>The folder of the shipped networks beside the app (copied there by the build).</summary>
    public static string DefaultModelDirectory => Path.Combine(AppContext.BaseDirectory, "image-models");

    public static ThumbnailEmbedder Load(string modelDirectory, long maxPixels, int threads)
    {
        var folder = string.IsNullOrEmpty(modelDirectory) ? DefaultModelDirectory : modelDirectory;
        var mean = LoadMeanImage(Path.Combine(folder, "ResNetPreprocess.onnx"));
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        var session = new InferenceSession(Path.Combine(folder, "ResNet18.onnx"), options);
        if (!session.InputMetadata.ContainsKey(InputName) || !session.OutputMetadata.ContainsKey(OutputName))
        {
            session.Dispose();
            throw new InvalidDataException($"'{folder}/ResNet18.onnx' lacks the input '{InputName}' or the output '{OutputName}'.");
        }

        return new ThumbnailEmbedder(session, new ImagePreprocessing(maxPixels, mean));
    }

    /// <summary>The embedding of an image's bytes, or the problem with them (never throws on bad bytes).</summary>
    public (float[]? Embedding, ImageCheck Check) Embed(ReadOnlySpan<byte> image)
    {
        var (input, check) = Preprocessing.Prepare(image);
        return input is null ? (null, check) : (Run(input), check);
    }

    /// <summary>The embedding of a preprocessed input (<see cref="ImagePreprocessing.Prepare"/>).</summary>
    public float[] Run(float[] input)
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, ImagePreprocessing.Channels, ImagePreprocessing.Size, ImagePreprocessing.Size]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, [InputName], [tensor], [OutputName]);
        var result = outputs[0].GetTensorDataAsSpan<float>();
        if (result.Length != Dimensions)
        {
            throw new InvalidDataException($"ResNet-18 gave {result.Length} values, not {Dimensions}.");
        }

        return result.ToArray();
    }

    /// <summary>Embeds a stored thumbnail and stores its embedding; the problem when its bytes do not preprocess.</summary>
    public ImageCheck EmbedStored(ThumbnailStore store, string videoId)
    {
        var stored = store.Read(videoId);
        if (stored is null)
        {
            return ImageCheck.Fail(ImageProblem.Empty, "No thumbnail is stored.");
        }

        var bytes = stored.Value.Bytes;
        var (embedding, check) = Embed(bytes);
        if (embedding is not null)
        {
            store.WriteEmbedding(videoId, SHA256.HashData(bytes), embedding);
        }

        return check;
    }

    public void Dispose() => _session.Dispose();

    private static float[] LoadMeanImage(string path)
    {
        using var prep = new InferenceSession(path);
        var input = prep.InputMetadata.Keys.Single();
        var output = prep.OutputMetadata.Keys.Single();
        var zeros = new DenseTensor<float>([1, ImagePreprocessing.Channels, ImagePreprocessing.Size, ImagePreprocessing.Size]);
        using var results = prep.Run([NamedOnnxValue.CreateFromTensor(input, zeros)], [output]);
        // The graph computes x - mean: on zeros it gives -mean.
        return results[0].AsEnumerable<float>().Select(v => -v).ToArray();
    }
}
