using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Lifecycle;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Lifecycle;

/// <summary>The models API over the real app and a tiny generated world.</summary>
public sealed class ModelsApiTests
{
    [Fact]
    public async Task PromoteRollsBackAndForwardWithTheAdminKeyOnly()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        var older = LifecycleWorld.TrainAndPromote(factory.Services);
        var newer = LifecycleWorld.TrainAndPromote(factory.Services);
        Assert.Equal(newer, await ServedVersionAsync(client));

        var noKey = await client.PostAsync($"/v1/models/{older}/promote", null);
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, noKey);
        Assert.Equal(401, (await noKey.Content.ReadFromJsonAsync<ProblemDetails>())!.Status);
        Assert.Equal(newer, await ServedVersionAsync(client));

        using var admin = AdminClient(factory);
        var rollback = await admin.PostAsync($"/v1/models/{older}/promote", null);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, rollback);
        using (var promoted = JsonDocument.Parse(await rollback.Content.ReadAsStringAsync()))
        {
            Assert.Equal("serving", promoted.RootElement.GetProperty("status").GetString());
        }

        Assert.Equal(older, await ServedVersionAsync(client));
        var models = await ListAsync(client);
        Assert.Equal(older, models.GetProperty("serving").GetString());
        Assert.Equal("retired", Model(models, newer).GetProperty("status").GetString());
        Assert.Equal($"replaced by {older}", Model(models, newer).GetProperty("reason").GetString());
        Assert.True(Model(models, older).GetProperty("window_to").GetDateTime() > Model(models, older).GetProperty("window_from").GetDateTime());

        // And forward again.
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await admin.PostAsync($"/v1/models/{newer}/promote", null));
        Assert.Equal(newer, await ServedVersionAsync(client));
        Assert.Equal("retired", Model(await ListAsync(client), older).GetProperty("status").GetString());
    }

    [Fact]
    public async Task UnknownCorruptAndMalformedVersionsAreProblemsAndServingIsUnchanged()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        var good = LifecycleWorld.TrainAndPromote(factory.Services);
        var corrupt = LifecycleWorld.TrainAndPromote(factory.Services);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await AdminClient(factory).PostAsync($"/v1/models/{good}/promote", null));
        await File.AppendAllTextAsync(Path.Combine(factory.DataDir, "models", corrupt, "ranker.onnx"), "corrupt");
        using var admin = AdminClient(factory);

        var unknown = await admin.PostAsync("/v1/models/v19990101-000000-000/promote", null);
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, unknown);
        Assert.Contains("v19990101-000000-000", (await unknown.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);

        var refused = await admin.PostAsync($"/v1/models/{corrupt}/promote", null);
        await HttpAssert.StatusAsync(HttpStatusCode.UnprocessableEntity, refused);
        Assert.Contains("checksums", (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
        Assert.Equal(good, await ServedVersionAsync(client));
        var models = await ListAsync(client);
        Assert.Equal(good, models.GetProperty("serving").GetString());
        Assert.Equal("rejected", Model(models, corrupt).GetProperty("status").GetString());
        Assert.StartsWith("refused at promotion", Model(models, corrupt).GetProperty("reason").GetString(), StringComparison.Ordinal);

        var malformed = await admin.PostAsync("/v1/models/.hidden/promote", null);
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, malformed);
        Assert.Contains("version", (await malformed.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors.Keys);
    }

    [Fact]
    public async Task RetrainIsAcceptedOnceAtATimeAndRecordsItsOutcome()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        var serving = LifecycleWorld.TrainAndPromote(factory.Services);

        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await client.PostAsync("/v1/models/retrain", null));
        using var admin = AdminClient(factory);
        var accepted = await admin.PostAsync("/v1/models/retrain", null);
        await HttpAssert.StatusAsync(HttpStatusCode.Accepted, accepted);
        var busy = await admin.PostAsync("/v1/models/retrain", null);
        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, busy);
        Assert.Equal(409, (await busy.Content.ReadFromJsonAsync<ProblemDetails>())!.Status);

        var outcome = await factory.Services.GetRequiredService<RetrainingService>().Background!;
        Assert.NotNull(outcome.Version);
        var models = await ListAsync(client);
        Assert.False(models.GetProperty("retraining").GetBoolean());
        var candidate = Model(models, outcome.Version!);
        Assert.Equal("api", candidate.GetProperty("trigger").GetString());
        Assert.Equal(outcome.Promoted ? "serving" : "rejected", candidate.GetProperty("status").GetString());
        Assert.Equal(outcome.Reason, candidate.GetProperty("reason").GetString());
        var validation = candidate.GetProperty("validation");
        Assert.Equal("watch_time_ndcg@20", validation.GetProperty("metric").GetString());
        Assert.Equal($"serving:{serving}", validation.GetProperty("baseline").GetString());
        Assert.InRange(validation.GetProperty("candidate_value").GetDouble(), 0, 1);
        Assert.True(candidate.GetProperty("metrics").TryGetProperty("held_out_watch_time_ndcg@20", out _), candidate.ToString());
    }

    [Fact]
    public async Task AdminEndpointsAreOpenOnLoopbackWithoutAConfiguredKey()
    {
        // No key for the admin scope: open, as the local demo needs (serve refuses such a setup beyond loopback).
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?> { ["RecEngine:AdminApiKey"] = "" }));
        using var client = factory.CreateClient();

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await client.PostAsync("/v1/models/v1/promote", null));
        var list = await client.GetAsync("/v1/models");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, list);
        using var empty = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        Assert.Equal(0, empty.RootElement.GetProperty("models").GetArrayLength());
    }

    internal static HttpClient AdminClient(RecEngineFactory factory)
    {
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", LifecycleWorld.AdminKey);
        return admin;
    }

    internal static async Task<string> ServedVersionAsync(HttpClient client)
    {
        var response = await client.GetAsync("/v1/recommendations/u1?k=5");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        using var slate = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return slate.RootElement.GetProperty("model_version").GetString()!;
    }

    internal static async Task<JsonElement> ListAsync(HttpClient client)
    {
        var response = await client.GetAsync("/v1/models");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    internal static JsonElement Model(JsonElement list, string version) =>
        list.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("version").GetString() == version);
}
