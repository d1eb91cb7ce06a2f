using Microsoft.AspNetCore.Http.HttpResults;
using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Api;

/// <summary>
/// <c>GET|PUT|DELETE /v1/videos/{id}</c>, <c>GET|PUT|DELETE /v1/users/{id}</c>, and the bulk <c>PUT /v1/videos</c> and
/// <c>PUT /v1/users</c> (arrays of up to 10,000, all or nothing).
/// </summary>
internal static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var videos = app.MapGroup("/v1/videos").WithTags("Catalog");
        videos.MapGet("/{id}", GetVideo).WithName("GetVideo").WithSummary("One video of the catalog.");
        videos.MapPut("/{id}", PutVideo).WithName("PutVideo").WithSummary("Create or replace a video.").RequireScope(ApiScope.Ingest);
        videos.MapPut("", PutVideos).WithName("PutVideos").RequireScope(ApiScope.Ingest)
            .WithSummary("Create or replace up to 10,000 videos (an array), all or nothing: any invalid item rejects the batch, errors keyed [index].field.");
        videos.MapGet("/{id}/related", GetRelatedVideos).WithName("GetRelatedVideos")
            .WithSummary("Videos related to this one (co-watched first, then nearest by item vector; a video nobody watched is answered by its content vector), available and published only, best first.");
        videos.MapDelete("/{id}", DeleteVideo).WithName("DeleteVideo").RequireScope(ApiScope.Ingest)
            .WithSummary("Delete a video: it stops being served at once and the next model version leaves it out.");

        var users = app.MapGroup("/v1/users").WithTags("Catalog");
        users.MapGet("/{id}", GetUser).WithName("GetUser").WithSummary("One user.").RequireScope(ApiScope.Read);
        users.MapPut("/{id}", PutUser).WithName("PutUser").WithSummary("Create or replace a user.").RequireScope(ApiScope.Ingest);
        users.MapPut("", PutUsers).WithName("PutUsers").RequireScope(ApiScope.Ingest)
            .WithSummary("Create or replace up to 10,000 users (an array), all or nothing: any invalid item rejects the batch, errors keyed [index].field.");
        users.MapDelete("/{id}", DeleteUser).WithName("DeleteUser").RequireScope(ApiScope.Ingest)
            .WithSummary("Erase a user: the user, their events, their served slates and their cached features. The next model version holds nothing of them.");
        users.MapGet("/{id}/features", GetUserFeatures).WithName("GetUserFeatures").RequireScope(ApiScope.Read)
            .WithSummary("The user's online features: counters and recent watches, current to the last committed event.");
        return app;
    }

    internal static Results<Ok<Video>, ProblemHttpResult> GetVideo(string id, CatalogService catalog, CancellationToken cancellationToken)
    {
        var video = catalog.FindVideo(id);
        return video is null ? NotFound("video", id) : TypedResults.Ok(video);
    }

    internal static Results<Ok<Video>, Created<Video>, ValidationProblem> PutVideo(
        string id, Video video, CatalogService catalog, CatalogErasure erasure, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(video.Id))
        {
            video.Id = id;
        }

        var errors = CatalogValidation.Validate(video, time.GetUtcNow().UtcDateTime);
        if (video.Id != id)
        {
            errors.Add("id", "must match the id in the URL.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        video.UploadedAt = video.UploadedAt.ToUniversalTime();
        var created = catalog.UpsertVideo(video);
        erasure.RetireUnavailable([video]);
        return created ? TypedResults.Created($"/v1/videos/{id}", video) : TypedResults.Ok(video);
    }

    internal static Results<Ok<User>, ProblemHttpResult> GetUser(string id, CatalogService catalog, CancellationToken cancellationToken)
    {
        var user = catalog.FindUser(id);
        return user is null ? NotFound("user", id) : TypedResults.Ok(user);
    }

    internal static Results<Ok<UserFeatures>, ProblemHttpResult> GetUserFeatures(
        string id, CatalogIndex catalog, UserFeatureCache features, CancellationToken cancellationToken) =>
        catalog.UserExists(id) ? TypedResults.Ok(features.Get(id)) : NotFound("user", id);

    internal static Results<Ok<User>, Created<User>, ValidationProblem> PutUser(
        string id, User user, CatalogService catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(user.Id))
        {
            user.Id = id;
        }

        var errors = CatalogValidation.Validate(user, time.GetUtcNow().UtcDateTime);
        if (user.Id != id)
        {
            errors.Add("id", "must match the id in the URL.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        user.SignedUpAt = user.SignedUpAt.ToUniversalTime();
        return catalog.UpsertUser(user) ? TypedResults.Created($"/v1/users/{id}", user) : TypedResults.Ok(user);
    }

    internal static ProblemHttpResult NotFound(string what, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No {what} '{id}'.");

    internal static Results<Ok<BulkCatalogResponse>, ValidationProblem> PutVideos(
        List<Video?> videos, CatalogService catalog, CatalogErasure erasure, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = CatalogValidation.ValidateBatch(videos, time.GetUtcNow().UtcDateTime);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: $"{errors.Count} field(s) invalid; nothing was written.");
        }

        var created = catalog.UpsertVideos(videos!);
        erasure.RetireUnavailable(videos!);
        return TypedResults.Ok(new BulkCatalogResponse(created, videos.Count - created));
    }

    internal static Results<Ok<BulkCatalogResponse>, ValidationProblem> PutUsers(
        List<User?> users, CatalogService catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = CatalogValidation.ValidateBatch(users, time.GetUtcNow().UtcDateTime);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: $"{errors.Count} field(s) invalid; nothing was written.");
        }

        var created = catalog.UpsertUsers(users!);
        return TypedResults.Ok(new BulkCatalogResponse(created, users.Count - created));
    }

    /// <param name="id">The video.</param>
    /// <param name="related">Related videos of the serving model.</param>
    /// <param name="cancellationToken">Request aborted.</param>
    /// <param name="k">Videos to list, 1-200.</param>
    internal static Results<Ok<RelatedAnswer>, ProblemHttpResult, ValidationProblem> GetRelatedVideos(
        string id, RelatedVideos related, CancellationToken cancellationToken, int k = 20)
    {
        var errors = new ValidationErrors();
        errors.RequireId("id", id);
        if (k is < 1 or > 200)
        {
            errors.Add("k", "must be between 1 and 200.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var answer = related.Find(id, k);
        if (answer is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No model version serves yet.",
                detail: "Related videos come from the serving model; train one ('train') or wait for the first model.");
        }

        return answer.Found ? TypedResults.Ok(answer) : NotFound("video", id);
    }

    internal static Results<NoContent, ProblemHttpResult, ValidationProblem> DeleteVideo(string id, CatalogErasure erasure, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!errors.RequireId("id", id))
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return erasure.DeleteVideo(id) ? TypedResults.NoContent() : NotFound("video", id);
    }

    internal static async Task<Results<Ok<UserErasure>, ProblemHttpResult, ValidationProblem>> DeleteUser(string id, CatalogErasure erasure, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!errors.RequireId("id", id))
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return await erasure.DeleteUserAsync(id, cancellationToken) is { } erased ? TypedResults.Ok(erased) : NotFound("user", id);
    }
}

/// <summary>Answer to a bulk <c>PUT</c>: items newly created, and items that replaced a stored one.</summary>
internal sealed record BulkCatalogResponse(int Created, int Replaced);
