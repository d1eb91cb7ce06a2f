using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RecEngine.Events;

namespace RecEngine.Api;

/// <summary><c>POST /v1/events</c>: one event or a batch, answered after the batch is durably committed.</summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/events", PostEvents)
            .WithTags("Events")
            .WithName("PostEvents")
            .WithSummary("Ingest one event (an object) or a batch (an array of up to 10,000). 200 means committed.")
            .Accepts<EventInput[]>("application/json");
        return app;
    }

    internal static async Task<Results<Ok<IngestResponse>, ValidationProblem, ProblemHttpResult>> PostEvents(
        HttpContext context,
        EventValidator validator,
        EventWriter writer,
        IOptions<EventsOptions> options,
        IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        var limits = options.Value;
        List<EventInput?> inputs;
        try
        {
            var body = await ReadBodyAsync(context.Request, limits.MaxBodyBytes, cancellationToken);
            if (body is null)
            {
                return Problem(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", $"At most {limits.MaxBodyBytes} bytes.");
            }

            inputs = Parse(body, json.Value.SerializerOptions);
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed JSON.", $"At {ex.Path ?? "$"} (line {ex.LineNumber}, byte {ex.BytePositionInLine}): {ex.Message}");
        }

        if (inputs.Count == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "No events.", "Send one event object or a non-empty array.");
        }

        if (inputs.Count > limits.MaxBatchSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["events"] = [$"at most {limits.MaxBatchSize} events per request; got {inputs.Count}."],
            });
        }

        var (events, errors) = validator.Validate(inputs);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: $"{errors.Count} field(s) invalid; nothing was written.");
        }

        try
        {
            var result = await writer.WriteAsync(events);
            return TypedResults.Ok(new IngestResponse(result.Accepted, result.Duplicates));
        }
        catch (IngestionUnavailableException ex)
        {
            context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status503ServiceUnavailable, "Ingestion is unavailable; retry later.", ex.Message);
        }
    }

    /// <summary>An object is one event, an array is a batch.</summary>
    private static List<EventInput?> Parse(byte[] body, JsonSerializerOptions json)
    {
        var span = body.AsSpan().TrimStart(" \t\r\n"u8);
        if (span.Length > 0 && span[0] == (byte)'{')
        {
            return [JsonSerializer.Deserialize<EventInput>(span, json)];
        }

        return JsonSerializer.Deserialize<List<EventInput?>>(span, json) ?? [];
    }

    /// <summary>Reads the whole body, or returns null past <paramref name="maxBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is > 0 and var n ? (int)n : 16 * 1024);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}

/// <summary>Answer to <c>POST /v1/events</c>: events newly stored, and events whose id was already stored.</summary>
public sealed record IngestResponse(int Accepted, int Duplicates);
