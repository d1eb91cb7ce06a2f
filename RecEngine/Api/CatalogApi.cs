using Microsoft.AspNetCore.Http.HttpResults;
using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Hosting;

namespace RecEngine.Api;

/// <summary><c>GET|PUT /v1/videos/{id}</c> and <c>GET|PUT /v1/users/{id}</c>.</summary>
internal static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var videos = app.MapGroup("/v1/videos").WithTags("Catalog");
        videos.MapGet("/{id}", GetVideo).WithName("GetVideo").WithSummary("One video of the catalog.");
        videos.MapPut("/{id}", PutVideo).WithName("PutVideo").WithSummary("Create or replace a video.").RequireScope(ApiScope.Ingest);

        var users = app.MapGroup("/v1/users").WithTags("Catalog");
        users.MapGet("/{id}", GetUser).WithName("GetUser").WithSummary("One user.").RequireScope(ApiScope.Read);
        users.MapPut("/{id}", PutUser).WithName("PutUser").WithSummary("Create or replace a user.").RequireScope(ApiScope.Ingest);
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
        string id, Video video, CatalogService catalog, TimeProvider time, CancellationToken cancellationToken)
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
        return catalog.UpsertVideo(video) ? TypedResults.Created($"/v1/videos/{id}", video) : TypedResults.Ok(video);
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
}
