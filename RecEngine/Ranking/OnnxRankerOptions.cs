using System.ComponentModel.DataAnnotations;

namespace RecEngine.Ranking;

/// <summary>Scoring settings, section <c>RecEngine:Ranking</c>.</summary>
public sealed record OnnxRankerOptions
{
    public const string Section = "RecEngine:Ranking";

    /// <summary>
    /// Threads ONNX Runtime may use inside one Run. One by default: requests run in parallel already, and a
    /// few hundred candidates fit the budget on one core.
    /// </summary>
    [Range(1, 64)]
    public int IntraOpThreads { get; init; } = 1;
}
