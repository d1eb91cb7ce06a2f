using RecEngine.Events;
using RecEngine.Training.Evaluation;
using static RecEngine.Tests.Training.Evaluation.EvaluationTestData;

namespace RecEngine.Tests.Training.Evaluation;

/// <summary>
/// The validation split is carved out of the training split by the test split's rule: per user, the last 20% of
/// each user's training events, never a test event; globally, the training events from the validation cut on.
/// </summary>
public sealed class ValidationSplitTests
{
    private static readonly RecEngine.Features.VideoSnapshot Catalog = Videos([.. Enumerable.Range(0, 40).Select(i => $"v{i}")]);

    /// <summary>12 users with 10 to 21 watches each, interleaved in time, some at the same minute.</summary>
    private static List<InteractionEvent> History()
    {
        var rng = new Random(3);
        var events = new List<InteractionEvent>();
        for (var u = 0; u < 12; u++)
        {
            var n = 10 + u;
            var minutes = 0.0;
            foreach (var v in Enumerable.Range(0, 40).OrderBy(_ => rng.Next()).Take(n))
            {
                minutes += rng.Next(0, 3) * 10;
                events.Add(Event($"u{u}", $"v{v}", minutes + u, id: $"u{u}-{v}"));
            }
        }

        return [.. events.OrderBy(e => e.Timestamp).ThenBy(e => e.EventId, StringComparer.Ordinal)];
    }

    [Fact]
    public void PerUserValidationIsTheNewestFifthOfEachUsersTrainingEventsAndNoTestEvent()
    {
        var events = History();
        var test = PerUserTail.Mask(events, 0.2);
        var testIds = events.Where((_, i) => test[i]).Select(e => e.EventId).ToHashSet();
        var outer = TemporalSplit.CreatePerUser(events, Catalog, 0.2);
        Assert.Equal(events.Count - testIds.Count, outer.Train.Count);

        var (_, isValidation) = ValidationSplit.Create(outer.Train, Catalog, null, 0.2);
        var validation = outer.Train.Where((_, i) => isValidation[i]).ToList();
        Assert.NotEmpty(validation);
        Assert.DoesNotContain(validation, e => testIds.Contains(e.EventId));
        foreach (var user in outer.Train.GroupBy(e => e.UserId))
        {
            var own = user.OrderBy(e => e.Timestamp).ThenBy(e => e.EventId, StringComparer.Ordinal).ToList();
            var expected = own.Skip(own.Count - PerUserTail.TailCount(own.Count, 0.2)).Select(e => e.EventId).ToHashSet();
            Assert.Equal(expected, validation.Where(e => e.UserId == user.Key).Select(e => e.EventId).ToHashSet());
            // Each user's validation events come after their other training events and before their test events.
            var lastTrain = own.Where(e => !expected.Contains(e.EventId)).Max(e => e.Timestamp);
            Assert.All(validation.Where(e => e.UserId == user.Key), e => Assert.True(e.Timestamp >= lastTrain));
            var firstTest = events.Where(e => e.UserId == user.Key && testIds.Contains(e.EventId)).Select(e => (DateTime?)e.Timestamp).Min();
            Assert.All(validation.Where(e => e.UserId == user.Key), e => Assert.True(firstTest is null || e.Timestamp <= firstTest));
        }
    }

    [Fact]
    public void GlobalValidationIsTheTrainingEventsFromTheCutOn()
    {
        var events = History();
        var testCut = events[(int)(events.Count * 0.8)].Timestamp;
        var outer = TemporalSplit.Create(events, Catalog, testCut);
        var validationCut = outer.Train[(int)(outer.Train.Count * 0.8)].Timestamp;

        var (split, isValidation) = ValidationSplit.Create(outer.Train, Catalog, validationCut, 0.2);
        Assert.Equal(validationCut, split.Cut);
        for (var i = 0; i < outer.Train.Count; i++)
        {
            Assert.Equal(outer.Train[i].Timestamp >= validationCut, isValidation[i]);
            Assert.True(outer.Train[i].Timestamp < testCut);
        }

        Assert.All(split.Train, e => Assert.True(e.Timestamp < validationCut));
    }
}
