using System.Text.Json;
using RecEngine.Hosting;
using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public class BenchIndexVerbTests
{
    [Fact]
    public void Run_measures_a_small_index_and_serialises_the_contract_keys()
    {
        var result = BenchIndexVerb.Run(3000, 8, 50, 50, 20, 1, new VectorIndexOptions { Quantization = VectorQuantization.I8 }, [64, 128], CancellationToken.None);
        Assert.Equal("i8", result.Quantization);
        Assert.Equal(3000L * 8 * sizeof(float), result.VectorBytes);
        Assert.True(result.GraphMemoryBytes > 0);
        Assert.Equal(3000, result.Items);
        Assert.Equal(50, result.K);
        Assert.InRange(result.RecallAtK, 0.9, 1.0);
        Assert.True(result.IndexBytes > 3000 * 8 * sizeof(float));

        var json = JsonDocument.Parse(JsonSerializer.Serialize(result, ServiceDefaults.Json));
        string[] contract = ["items", "dim", "k", "build_seconds", "recall_at_k", "hnsw_p50_ms", "hnsw_p99_ms", "exact_p50_ms", "speedup", "index_bytes", "recall_at_100", "quantization", "graph_memory_bytes", "vector_bytes"];
        Assert.Equal(contract.Order(), json.RootElement.EnumerateObject().Select(p => p.Name).Order());
        Assert.All(json.RootElement.EnumerateObject().Where(p => p.Name != "quantization"), p => Assert.Equal(JsonValueKind.Number, p.Value.ValueKind));
    }
}
