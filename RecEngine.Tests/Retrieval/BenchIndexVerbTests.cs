using System.Text.Json;
using RecEngine.Hosting;
using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public class BenchIndexVerbTests
{
    [Fact]
    public void Run_measures_a_small_index_and_serialises_the_contract_keys()
    {
        var result = BenchIndexVerb.Run(3000, 8, 50, 50, 20, 1, [new VectorIndexOptions { BandKind = BandKind.Graph, Quantization = VectorQuantization.I8, ExactBandBelow = 0, ExpansionSearch = 64 }, new VectorIndexOptions { BandKind = BandKind.Graph, Quantization = VectorQuantization.I8, ExactBandBelow = 0, ExpansionSearch = 128 }], CancellationToken.None);
        Assert.Equal("i8", result.Quantization);
        Assert.Equal(3000L * 8 * sizeof(float), result.VectorBytes);
        Assert.True(result.GraphMemoryBytes > 0);
        Assert.Equal(3000, result.Items);
        Assert.Equal(50, result.K);
        Assert.InRange(result.RecallAtK, 0.9, 1.0);
        Assert.True(result.IndexBytes > 3000 * 8 * sizeof(float));

        var json = JsonDocument.Parse(JsonSerializer.Serialize(result, ServiceDefaults.Json));
        string[] contract = ["items", "dim", "k", "build_seconds", "recall_at_k", "hnsw_p50_ms", "hnsw_p99_ms", "exact_p50_ms", "speedup", "index_bytes", "recall_at_100", "quantization", "graph_memory_bytes", "vector_bytes", "bands", "exact_bands", "inverted_bands", "band_kind", "probed_lists", "memory_bytes"];
        Assert.Equal(contract.Order(), json.RootElement.EnumerateObject().Select(p => p.Name).Order());
        Assert.All(json.RootElement.EnumerateObject().Where(p => p.Name is not ("quantization" or "band_kind")), p => Assert.Equal(JsonValueKind.Number, p.Value.ValueKind));
    }

    [Fact]
    public void A_model_folder_gives_its_item_vectors_and_its_non_zero_user_vectors_as_queries()
    {
        const int users = 30, items = 2000, factors = 8;
        var dir = Directory.CreateTempSubdirectory("recengine-benchindex-").FullName;
        try
        {
            var itemFactors = ClusteredVectors.Generate(items, factors, clusters: 10, seed: 5);
            var userFactors = new ClusteredVectors(factors, 10, 5).Queries(users, seed: 6);
            Array.Clear(userFactors, 0, 10 * factors); // ten users with no vector: never a query
            new AlsModel(users, items, factors, 0.1, userFactors, itemFactors, new double[factors * factors]).Save(Path.Combine(dir, "als.bin"));

            var (vectors, queries, f) = BenchIndexVerb.ModelVectors(dir, queryCount: 100, seed: 1);
            Assert.Equal(factors, f);
            Assert.Equal(itemFactors, vectors);
            Assert.Equal(20 * factors, queries.Length);
            var expected = Enumerable.Range(10, 20).Select(u => string.Join(',', userFactors.AsSpan(u * factors, factors).ToArray())).Order();
            Assert.Equal(expected, Enumerable.Range(0, 20).Select(q => string.Join(',', queries.AsSpan(q * factors, factors).ToArray())).Order());

            var result = BenchIndexVerb.Run(vectors, queries, factors, 50, [new VectorIndexOptions()], CancellationToken.None);
            Assert.Equal(items, result.Items);
            Assert.InRange(result.RecallAtK, 0.9, 1.0);

            var missing = Assert.Throws<VerbUsageException>(() => BenchIndexVerb.ModelVectors(Path.Combine(dir, "nope"), 10, 1));
            Assert.Contains("als.bin", missing.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
