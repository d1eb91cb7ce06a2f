using Microsoft.AspNetCore.Http.HttpResults;
using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Api;

/// <summary><c>GET /v1/recommendations/{userId}?k=20&amp;category=a,b&amp;device=tv&amp;explain=true</c>.</summary>
internal static class RecommendationsApi
{
    public static IEndpointRouteBuilder MapRecommendationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/recommendations/{userId}", GetRecommendations)
            .WithTags("Recommendations")
            .WithName("GetRecommendations")
            .WithSummary("The user's slate: retrieved, filtered, ranked by expected watch time and diversified, best first. " +
                "Unknown users get a cold-start slate; without a model (or when the ranker fails or runs late) the slate is degraded, never a 5xx.");
        return app;
    }

    /// <param name="userId">The user; unknown users get the cold-start slate.</param>
    /// <param name="recommendations">The pipeline.</param>
    /// <param name="cancellationToken">Request aborted.</param>
    /// <param name="k">Videos in the slate, 1-200.</param>
    /// <param name="category">Only these categories: repeated (<c>category=a&amp;category=b</c>) or comma-separated; unknown names are a 400.</param>
    /// <param name="explain">Add per-stage timings and candidate counts.</param>
    /// <param name="device">The device the slate is for (mobile, desktop, tablet, tv); by default the one most of the user's events name.</param>
    internal static Results<Ok<Recommendations>, ValidationProblem> GetRecommendations(
        string userId, RecommendationPipeline recommendations, CancellationToken cancellationToken, int k = 20, string[]? category = null, bool explain = false, string? device = null)
    {
        var errors = new ValidationErrors();
        errors.RequireId("user_id", userId);
        if (k is < 1 or > 200)
        {
            errors.Add("k", "must be between 1 and 200.");
        }

        if (device is not null && !Catalog.User.Devices.Contains(device))
        {
            errors.Add("device", $"must be one of {string.Join(", ", Catalog.User.Devices)}.");
        }

        var categories = new List<string>();
        foreach (var value in category ?? [])
        {
            foreach (var name in value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (name.Length == 0)
                {
                    errors.Add("category", "must not be empty.");
                }
                else if (!categories.Contains(name))
                {
                    categories.Add(name);
                }
            }
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var outcome = recommendations.Recommend(new SlateRequest(userId, k, categories, explain, device));
        if (outcome.Slate is null)
        {
            foreach (var name in outcome.UnknownCategories)
            {
                errors.Add("category", $"'{name}' is not a category of the catalog.");
            }

            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(outcome.Slate);
    }
}
