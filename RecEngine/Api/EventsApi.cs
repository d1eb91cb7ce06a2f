using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Hosting;

namespace RecEngine.Api;

/// <summary><c>POST /v1/events</c>: one event or a batch, answered after the batch is durably committed.</summary>
internal static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/events", PostEvents)
            .WithTags("Events")
            .WithName("PostEvents")
            .WithSummary("Ingest one event (an object) or a batch (an array of up to 10,000). 200 means committed; with dry_run=true the batch is only validated and nothing is written.")
            .Accepts<EventInput[]>("application/json")
            .RequireScope(ApiScope.Ingest);
        return app;
    }

    internal static async Task<Results<Ok<IngestResponse>, ValidationProblem, ProblemHttpResult>> PostEvents(
        HttpContext context,
        EventValidator validator,
        EventWriter writer,
        IOptions<EventsOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "dry_run")] bool dryRun = false)
    {
        var limits = options.Value;
        List<EventInput?> inputs;
        var (body, length) = await ReadBodyAsync(context.Request, limits.MaxBodyBytes, cancellationToken);
        try
        {
            if (body is null)
            {
                return Problem(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", $"At most {limits.MaxBodyBytes} bytes.");
            }

            inputs = Parse(body.AsSpan(0, length));
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed JSON.", $"At {ex.Path ?? "$"} (line {ex.LineNumber}, byte {ex.BytePositionInLine}): {ex.Message}");
        }
        finally
        {
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body);
            }
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

        if (dryRun)
        {
            // Valid as of now (imports check a whole file this way before writing any of it): nothing is written.
            return TypedResults.Ok(new IngestResponse(events.Count, 0));
        }

        try
        {
            var result = await writer.WriteAsync(events).WaitAsync(limits.CommitTimeout, time, cancellationToken);
            return TypedResults.Ok(new IngestResponse(result.Accepted, result.Duplicates));
        }
        catch (TimeoutException)
        {
            context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status503ServiceUnavailable, "Ingestion is unavailable; retry later.",
                $"The commit did not complete within {limits.CommitTimeout.TotalSeconds:0.###} s. The batch may still be stored; retrying it is safe (stored ids count as duplicates).");
        }
        catch (IngestionUnavailableException ex)
        {
            context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status503ServiceUnavailable, "Ingestion is unavailable; retry later.", ex.Message);
        }
    }

    /// <summary>An object is one event, an array is a batch.</summary>
    private static List<EventInput?> Parse(ReadOnlySpan<byte> body)
    {
        var span = body.TrimStart(" \t\r\n"u8);
        if (span.Length > 0 && span[0] == (byte)'{')
        {
            return [JsonSerializer.Deserialize(span, EventsJsonContext.Default.EventInput)];
        }

        return JsonSerializer.Deserialize(span, EventsJsonContext.Default.ListEventInput) ?? [];
    }

    /// <summary>
    /// Reads the whole body into one pooled buffer (returned by the caller), or returns null past
    /// <paramref name="maxBytes"/>. One copy and no large-object-heap garbage per request.
    /// </summary>
    private static async Task<(byte[]? Buffer, int Length)> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, 0);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is > 0 and var n ? (int)n + 1 : 16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
                if (length > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, 0);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}

/// <summary>Answer to <c>POST /v1/events</c>: events newly stored, and events whose id was already stored.</summary>
internal sealed record IngestResponse(int Accepted, int Duplicates);
