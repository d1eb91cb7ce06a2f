using RecEngine.Events;
using RecEngine.Retrieval.Candidates;
using RecEngine.Training;
using static RecEngine.Tests.Training.Evaluation.EvaluationTestData;

namespace RecEngine.Tests.Training.Evaluation;

public sealed class SampledNegativesDatasetTests
{
    [Fact]
    public void NegativesAreNeverVideosTheUserInteractedWith()
    {
        var ids = Enumerable.Range(0, 30).Select(i => $"v{i}").ToArray();
        var videos = Videos(ids);
        var rng = new Random(3);
        var events = new List<InteractionEvent>();
        for (var u = 0; u < 40; u++)
        {
            // Skewed popularity: low indexes are watched most, so popularity sampling keeps hitting the user's own.
            foreach (var v in Enumerable.Range(0, 12).Select(_ => (int)(30 * Math.Pow(rng.NextDouble(), 3))).Distinct())
            {
                events.Add(Event($"u{u}", ids[v], rng.Next(0, 5000), rng.Next(5) == 0 ? EventType.Skip : EventType.Watch));
            }
        }

        // v29 is watched by a few, so it can be drawn; a user who touched every video but it gets only v29 as negatives.
        events.AddRange(Enumerable.Range(0, 10).Select(u => Event($"fan{u}", "v29", 100 + u)));
        events.AddRange(ids.Take(29).Select((id, i) => Event("greedy", id, 6000 + i)));
        var ordered = events.OrderBy(e => e.Timestamp).ToList();
        var touched = ordered.GroupBy(e => e.UserId).ToDictionary(g => g.Key, g => g.Select(e => videos.TryGetIndex(e.VideoId, out var v) ? v : -1).ToHashSet());

        var data = SampledNegativesDataset.Build(ordered, _ => true, videos, null, T0.AddDays(5), new CandidateOptions(), negatives: 4);

        var watches = ordered.Count(e => e.Type == EventType.Watch);
        var skips = ordered.Count(e => e.Type == EventType.Skip);
        Assert.Equal(watches, data.Watched.Count(w => w == 1));
        var negatives = Enumerable.Range(0, data.Count).Where(i => data.Watched[i] == 0).ToList();
        Assert.InRange(negatives.Count, skips + watches, skips + (4 * watches));
        var sampled = negatives.Where(i => !ordered.Any(e => e.Type == EventType.Skip && e.UserId == data.Users[i] && videos.Ids[data.Videos[i]] == e.VideoId)).ToList();
        Assert.NotEmpty(sampled);
        Assert.All(sampled, i => Assert.False(touched[data.Users[i]].Contains(data.Videos[i]), $"{data.Users[i]} got {data.Videos[i]} as a negative"));
        var greedy = sampled.Where(i => data.Users[i] == "greedy").ToList();
        Assert.NotEmpty(greedy);
        Assert.All(greedy, i => Assert.Equal("v29", videos.Ids[data.Videos[i]]));
        Assert.All(negatives, i => Assert.Equal(0, data.WatchSeconds[i]));
    }
}
