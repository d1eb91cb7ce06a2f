using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Mvc;
using Prometheus;
using Scalar.AspNetCore;

namespace RecEngine.Hosting;

/// <summary>Options, JSON, ProblemDetails, health checks and the verbs every process has.</summary>
internal static class ServiceDefaults
{
    /// <summary>snake_case JSON everywhere (HTTP and the files verbs write), enums as strings.</summary>
    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Configuration.AddShippedAppSettings(builder.Environment.ContentRootPath, AppContext.BaseDirectory);
        builder.Services.AddOptions<RecEngineOptions>()
            .BindConfiguration(RecEngineOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<DataDirectory>();
        builder.BindLocalhostByDefault();
        builder.AddRequestLimits();
        builder.AddTracing();
        // Per-request framework logs stay quiet even where no appsettings.json is found at all.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Readiness is logged when it changes (ReadinessLog), not as an error at every poll while the server warms up.
        builder.Logging.AddFilter(ReadinessLog.HealthCheckCategory, LogLevel.None);
        builder.Services.AddSingleton<ReadinessLog>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => Configure(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<IVerb, ServeVerb>();
        return builder;
    }

    /// <summary>
    /// Reads the appsettings.json shipped beside the executable when the content root (the working directory) has
    /// none: `dotnet run --project RecEngine` runs in the repository root, so that its default data directory is the
    /// top-level data/local, and the project's appsettings.json must still apply. It goes first, below every other
    /// source, so environment variables and command-line switches still override it.
    /// </summary>
    internal static void AddShippedAppSettings(this IConfigurationBuilder configuration, string contentRoot, string appDirectory)
    {
        var shipped = Path.Combine(appDirectory, "appsettings.json");
        if (File.Exists(Path.Combine(contentRoot, "appsettings.json")) || !File.Exists(shipped))
        {
            return;
        }

        var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = "appsettings.json", Optional = true, ReloadOnChange = false };
        source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(appDirectory);
        configuration.Sources.Insert(0, source);
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteExceptionProblemAsync,
            // A malformed body is the client's mistake, answered 400: not an error with a stack trace in the log
            // (the fuzz test's bad bodies would otherwise flood it, and so could any client).
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        app.UseRateLimiter();
        // Request latency histograms per endpoint; RecEngineMetrics holds the service's own.
        app.UseHttpMetrics();
        // One document, at a literal path: a {documentName} route answered unknown names with a text/plain 404.
        // Infrastructure endpoints stay out of the OpenAPI document (it describes the API); OpenApiTests holds every
        // other mapped route to appearing in it.
        // GET only: prometheus-net maps every method, so a POST or DELETE answered 200 with a scrape.
        app.MapMetrics("/metrics").WithMetadata(new HttpMethodMetadata([HttpMethods.Get])).ExcludeFromDescription();
        app.MapOpenApi("/openapi/v1.json").ExcludeFromDescription();
        // The API reference UI over that document; its script is embedded in the package and served from here (no CDN).
        app.MapScalarApiReference("/scalar", o => o.WithTitle("RecEngine API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        // Live: the process answers HTTP; no check runs. Ready: every check tagged ready, each named in the answer.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(HealthTags.Ready),
            ResponseWriter = WriteHealthAsync,
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary><c>{"status":"unhealthy","checks":{"model":{"status":"unhealthy","description":"..."}},"missing":["model: ..."]}</c>.</summary>
    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var checks = report.Entries.ToDictionary(e => e.Key, e => new HealthEntry(e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description));
        var missing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description}").ToList();
        context.RequestServices.GetRequiredService<ReadinessLog>().Observe(report, missing);
        return context.Response.WriteAsJsonAsync(new HealthAnswer(report.Status.ToString().ToLowerInvariant(), checks, missing), Json);
    }

    private sealed record HealthEntry(string Status, string? Description);

    private sealed record HealthAnswer(string Status, Dictionary<string, HealthEntry> Checks, List<string> Missing);

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.WriteIndented = true;
        return options;
    }

    private static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    /// <summary>
    /// Bad request bodies (malformed JSON, wrong types) become 400 ProblemDetails naming the JSON path;
    /// anything else is a 500 without internals.
    /// </summary>
    private static async Task WriteExceptionProblemAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (error is StoreUnavailableException unavailable)
        {
            // A write failed and the store is reopening: transient, like a full ingestion queue.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "The store is unavailable; retry later.", Detail = unavailable.Message },
                Exception = error,
            });
            return;
        }

        var problem = error is BadHttpRequestException bad
            ? new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "The request is not valid.",
                Detail = bad.InnerException is JsonException json ? $"Malformed JSON at {json.Path ?? "$"}: {json.Message}" : bad.Message,
            }
            : new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "An unexpected error occurred." };
        context.Response.StatusCode = problem.Status!.Value;
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await writer.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = error });
    }
}
