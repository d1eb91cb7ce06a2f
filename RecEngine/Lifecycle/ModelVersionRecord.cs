using LiteDB;

namespace RecEngine.Lifecycle;

/// <summary>Where a model version stands. Exactly one version is <see cref="Serving"/> once any has been promoted.</summary>
internal enum ModelStatus
{
    /// <summary>Trained and registered, not (yet) validated or promoted; or serving a canary (<see cref="ModelVersionRecord.CanaryStartedAt"/>).</summary>
    Candidate,

    /// <summary>The version requests are answered with.</summary>
    Serving,

    /// <summary>Failed validation, or its files failed their checksums; kept for the record, never served at start.</summary>
    Rejected,

    /// <summary>Served before and was replaced; a rollback target.</summary>
    Retired,
}

/// <summary>One document of the <c>models</c> collection: a model version and its history.</summary>
internal sealed class ModelVersionRecord
{
    [BsonId]
    public string Version { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>The training window's events, from (inclusive) to (exclusive).</summary>
    public DateTime WindowFrom { get; set; }

    public DateTime WindowTo { get; set; }

    /// <summary>What asked for it: <c>train</c>, <c>first_run</c>, <c>schedule</c>, <c>drift</c>, <c>api</c>, ...</summary>
    public string Trigger { get; set; } = "";

    public ModelStatus Status { get; set; }

    /// <summary>Why it has its status, with the numbers where a validation decided.</summary>
    public string Reason { get; set; } = "";

    /// <summary>Training figures from metrics.json and, once validated, the candidate's held-out metrics.</summary>
    public Dictionary<string, double> Metrics { get; set; } = [];

    public ModelValidation? Validation { get; set; }

    public DateTime? PromotedAt { get; set; }

    /// <summary>When it started serving as a canary to a share of users (status <see cref="ModelStatus.Candidate"/> while it runs).</summary>
    public DateTime? CanaryStartedAt { get; set; }

    public DateTime? RetiredAt { get; set; }

    public DateTime? RejectedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>The promotion check: the candidate's metric against the baseline's on the same held-out slice.</summary>
internal sealed class ModelValidation
{
    public string Metric { get; set; } = "";

    public double CandidateValue { get; set; }

    /// <summary><c>serving:&lt;version&gt;</c>, or <c>most_popular</c> for the very first model.</summary>
    public string Baseline { get; set; } = "";

    public double BaselineValue { get; set; }

    public double Tolerance { get; set; }

    public ToleranceMode ToleranceMode { get; set; }

    public int Users { get; set; }

    public DateTime HeldOutFrom { get; set; }

    public DateTime HeldOutTo { get; set; }

    /// <summary>The serving model's window covered the whole slice (a manual or first-run model): the comparison favours it.</summary>
    public bool ServingTrainedOnSlice { get; set; }

    public bool Passed { get; set; }
}
