namespace RecEngine.Serving.Impressions;

/// <summary>One served slate, to be stored as one impression event per video (position = index in <see cref="VideoIds"/>).</summary>
public sealed record SlateImpressions(string RequestId, string UserId, string? ModelVersion, DateTime AtUtc, IReadOnlyList<string> VideoIds);
