using System.Text.Json.Serialization;

namespace RecEngine.Events;

/// <summary>
/// Source-generated JSON for event batches: the hottest deserialisation in the service, so it skips reflection-based
/// metadata. Same contract as the rest of the API: snake_case, case-insensitive names, numbers as numbers.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(EventInput))]
[JsonSerializable(typeof(List<EventInput?>))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;
