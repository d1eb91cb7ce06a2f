using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using RecEngine.Hosting;
using RecEngine.Lifecycle;
using RecEngine.Serving;

namespace RecEngine.Api;

/// <summary><c>GET /v1/models</c>, <c>POST /v1/models/{version}/promote</c>, <c>POST /v1/models/retrain</c>.</summary>
internal static partial class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/v1/models").WithTags("Models");
        models.MapGet("", ListModels).WithName("ListModels")
            .WithSummary("Model versions, newest first, with training window, metrics, status and the reason for it.");
        models.MapPost("/{version}/promote", PromoteModel).WithName("PromoteModel").RequireAdminKey()
            .WithSummary("Serves this version (roll forward or back): loaded off to the side, then swapped in atomically.");
        models.MapPost("/retrain", Retrain).WithName("RetrainModel").RequireAdminKey()
            .WithSummary("Starts a retraining in the background (202); 409 while one is running.");
        return app;
    }

    /// <summary>One model version as the API shows it.</summary>
    public sealed record ModelVersionInfo(
        string Version,
        ModelStatus Status,
        string Reason,
        string Trigger,
        DateTime CreatedAt,
        DateTime WindowFrom,
        DateTime WindowTo,
        DateTime? PromotedAt,
        DateTime? RetiredAt,
        DateTime? RejectedAt,
        DateTime? CanaryStartedAt,
        IReadOnlyDictionary<string, double> Metrics,
        ModelValidation? Validation)
    {
        public static ModelVersionInfo From(ModelVersionRecord m) => new(
            m.Version, m.Status, m.Reason, m.Trigger, m.CreatedAt, m.WindowFrom, m.WindowTo, m.PromotedAt, m.RetiredAt, m.RejectedAt, m.CanaryStartedAt, m.Metrics, m.Validation);
    }

    /// <summary>The list, with the serving version and the canary (a candidate served to a share of users), if one runs.</summary>
    public sealed record ModelList(string? Serving, ServingCanary? Canary, bool Retraining, IReadOnlyList<ModelVersionInfo> Models);

    public sealed record RetrainStarted(string Trigger, DateTime StartedAt);

    internal static Ok<ModelList> ListModels(ModelRegistry registry, RetrainingService retraining, ServingState state, CancellationToken cancellationToken)
    {
        var all = registry.All();
        return TypedResults.Ok(new ModelList(
            all.FirstOrDefault(m => m.Status == ModelStatus.Serving)?.Version,
            state.Canary,
            retraining.IsRunning,
            all.Select(ModelVersionInfo.From).ToList()));
    }

    internal static async Task<Results<Ok<ModelVersionInfo>, ValidationProblem, ProblemHttpResult>> PromoteModel(
        string version, ModelPromoter promoter, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (!VersionName().IsMatch(version))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = ["must be a model version name such as v20250301-120000-000."] });
        }

        // Loading builds an index and an ONNX session: off the request thread's synchronous path.
        var (result, detail) = await Task.Run(() => (promoter.Promote(version, "promoted through the API", "api", out var d), d), cancellationToken);
        return result switch
        {
            PromotionResult.Promoted or PromotionResult.AlreadyServing => TypedResults.Ok(ModelVersionInfo.From(registry.Get(version)!)),
            PromotionResult.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown model version.", detail: detail),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The model version cannot be served.", detail: detail + " The serving version is unchanged."),
        };
    }

    internal static Results<Accepted<RetrainStarted>, ProblemHttpResult> Retrain(RetrainingService retraining, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return retraining.TryStart("api")
            ? TypedResults.Accepted("/v1/models", new RetrainStarted("api", now))
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A retraining is running.", detail: "Wait for it to finish (GET /v1/models shows retraining: false), then try again.");
    }

    /// <summary>A folder name under models/, never a path: letters, digits, '-' and '_', not starting with '.'.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")]
    private static partial Regex VersionName();
}
