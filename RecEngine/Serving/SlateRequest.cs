namespace RecEngine.Serving;

/// <summary>
/// What a client asked for, already checked for shape (k in range, ids well formed). <see cref="Categories"/> are
/// category names; an empty list means every category.
/// </summary>
internal sealed record SlateRequest(string UserId, int K, IReadOnlyList<string> Categories, bool Explain, string? Device = null);

/// <summary>The pipeline's answer: a slate, or the requested categories the catalog does not know (then no slate).</summary>
internal sealed record SlateOutcome(Recommendations? Slate, IReadOnlyList<string> UnknownCategories)
{
    public static SlateOutcome Of(Recommendations slate) => new(slate, []);
}
