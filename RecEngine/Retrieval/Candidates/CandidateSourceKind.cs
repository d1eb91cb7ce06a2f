namespace RecEngine.Retrieval.Candidates;

/// <summary>Where a candidate came from. The ranker takes each source's score as a feature.</summary>
public enum CandidateSourceKind
{
    /// <summary>Nearest videos to the user's vector (ANN).</summary>
    Personal,

    /// <summary>Nearest videos to the vectors of the last few watched videos.</summary>
    ItemToItem,

    /// <summary>Decayed recent popularity, overall and per category.</summary>
    Trending,

    /// <summary>Recent uploads, so new videos get exposure.</summary>
    Fresh,

    /// <summary>Videos most often watched by those who watched the user's latest videos (<see cref="CoWatchTable"/>).</summary>
    CoWatch,

    /// <summary>
    /// Not a retrieval source: a slate position the serving pipeline's exploration stage filled with a video drawn at
    /// random, independently of any model (Serving/Pipeline/ExplorationStage.cs).
    /// </summary>
    Explore,
}
