using System.ComponentModel.DataAnnotations;

namespace RecEngine.Lifecycle;

/// <summary>When retraining runs besides <c>POST /v1/models/retrain</c>, section <c>RecEngine:Lifecycle:Schedule</c>.</summary>
public sealed record RetrainingScheduleOptions
{
    public const string Section = LifecycleOptions.Section + ":Schedule";

    /// <summary>Whether the scheduled retraining runs; drift and <c>POST /v1/models/retrain</c> work either way.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Time between scheduled retrainings; only with <see cref="Enabled"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan Interval { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Whether a feature newly in drift triggers a retraining.</summary>
    public bool RetrainOnDrift { get; init; } = true;

    /// <summary>At most one drift-triggered retraining per this long; only with <see cref="RetrainOnDrift"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan DriftDebounce { get; init; } = TimeSpan.FromHours(6);

    /// <summary>The knobs nothing reads with these settings.</summary>
    internal IEnumerable<InertKnob> Inert()
    {
        if (!Enabled)
        {
            yield return new InertKnob(nameof(Interval), $"with the schedule off ({Section}:{nameof(Enabled)} false)");
        }

        if (!RetrainOnDrift)
        {
            yield return new InertKnob(nameof(DriftDebounce), $"with drift retraining off ({Section}:{nameof(RetrainOnDrift)} false)");
        }
    }
}
