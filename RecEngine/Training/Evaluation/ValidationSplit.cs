using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// The validation split is cut out of the training split by the test split's own rule, so model selection sees the
/// same kind of problem the test poses, one step earlier in time: per user, the last share of each user's
/// training events (<see cref="PerUserTail"/>); globally, every training event from a time on. It reads the
/// training events only, so it cannot include a test event.
/// </summary>
public static class ValidationSplit
{
    /// <param name="train">The training split, oldest first.</param>
    /// <param name="cut">Global: the time the validation part starts; null cuts per user.</param>
    /// <param name="share">Per user: the share of each user's training events that is validation.</param>
    /// <returns>The split (its training part gives features, its targets labels) and, per event of <paramref name="train"/>, whether it is validation.</returns>
    public static (TemporalSplit Split, bool[] IsValidation) Create(List<InteractionEvent> train, VideoSnapshot videos, DateTime? cut, double share)
    {
        var isValidation = cut is { } at ? [.. train.Select(e => e.Timestamp >= at)] : PerUserTail.Mask(train, share);
        var split = cut is { } c ? TemporalSplit.Create(train, videos, c) : TemporalSplit.CreatePerUser(train, videos, share);
        return (split, isValidation);
    }
}
