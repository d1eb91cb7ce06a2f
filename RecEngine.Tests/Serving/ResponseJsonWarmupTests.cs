using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Serving;
using RecEngine.Tests.Integration;
using RecEngine.Tests.Lifecycle;

namespace RecEngine.Tests.Serving;

/// <summary>
/// The start-up's JSON warm-up writes the recommendation response as the API writes it: the same options (so the
/// metadata it builds is the metadata the first request reads) and every member, the explanation's too.
/// </summary>
public sealed class ResponseJsonWarmupTests
{
    [Fact]
    public async Task The_warm_up_writes_the_slate_with_the_same_members_and_names_as_the_api_answers_it()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        LifecycleWorld.TrainAndPromote(factory.Services);
        using var answer = JsonDocument.Parse(await client.GetStringAsync(new Uri("/v1/recommendations/u1?k=3&explain=true", UriKind.Relative)));

        using var written = new MemoryStream();
        ResponseJsonWarmup.Run(factory.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions, written);
        var reader = new Utf8JsonReader(written.ToArray(), new JsonReaderOptions { AllowMultipleValues = true });
        using var withExplain = JsonDocument.ParseValue(ref reader);
        Assert.True(reader.Read(), "The warm-up wrote one slate; it writes two, with and without the explanation.");
        using var withoutExplain = JsonDocument.ParseValue(ref reader);

        Assert.Equal(Names(answer.RootElement), Names(withExplain.RootElement));
        Assert.Contains("request_id", Names(withExplain.RootElement));
        Assert.Contains("explain.stages.candidates_out", Names(withExplain.RootElement));
        Assert.Equal(JsonValueKind.Null, withoutExplain.RootElement.GetProperty("explain").ValueKind);
    }

    /// <summary>Every property path in the document (array items merged), sorted.</summary>
    private static SortedSet<string> Names(JsonElement element, string prefix = "", SortedSet<string>? names = null)
    {
        names ??= new SortedSet<string>(StringComparer.Ordinal);
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                var path = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
                names.Add(path);
                Names(property.Value, path, names);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Names(item, prefix, names);
            }
        }

        return names;
    }
}
