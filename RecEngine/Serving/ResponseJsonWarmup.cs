using System.Text.Json;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving;

/// <summary>
/// Writes a made-up slate, with and without its explanation, through the HTTP API's serializer options to a stream.
/// The options build and cache a type's JSON metadata on its first use, and without this that cost (15-40 ms, measured
/// in benchmarks/RESULTS.md) fell on the first real request after the server became ready.
/// </summary>
internal static class ResponseJsonWarmup
{
    public static void Run(JsonSerializerOptions options, Stream target)
    {
        var video = new RecommendedVideo("v", "t", "c", 1f, 0.5f, [CandidateSourceKind.Personal]);
        var slate = new Recommendations("r", "u", "v1", false, null, [video], new SlateExplanation(50, 1, [new StageTrace("retrieve", 1, 0, 1, "ok")]));
        // Asynchronously, as the HTTP response is written.
        JsonSerializer.SerializeAsync(target, slate, options).GetAwaiter().GetResult();
        JsonSerializer.SerializeAsync(target, slate with { Explain = null }, options).GetAwaiter().GetResult();
    }
}
