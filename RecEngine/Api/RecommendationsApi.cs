using Microsoft.AspNetCore.Http.HttpResults;
using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Api;

/// <summary><c>GET /v1/recommendations/{userId}?k=20</c>.</summary>
public static class RecommendationsApi
{
    public static IEndpointRouteBuilder MapRecommendationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/recommendations/{userId}", GetRecommendations)
            .WithTags("Recommendations")
            .WithName("GetRecommendations")
            .WithSummary("The user's slate: retrieved, ranked by expected watch time, best first. Unknown users get a cold-start slate.");
        return app;
    }

    internal static Results<Ok<Recommendations>, ValidationProblem, ProblemHttpResult> GetRecommendations(
        string userId, Recommender recommender, CancellationToken cancellationToken, int k = 20)
    {
        var errors = new ValidationErrors();
        errors.RequireId("user_id", userId);
        if (k is < 1 or > 200)
        {
            errors.Add("k", "must be between 1 and 200.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var slate = recommender.Recommend(userId, k);
        return slate is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No model version is serving yet.", detail: "Train one with the 'train' verb, then restart.")
            : TypedResults.Ok(slate);
    }
}
