using RecEngine.Events;
using RecEngine.Training.Evaluation;
using static RecEngine.Tests.Training.Evaluation.EvaluationTestData;

namespace RecEngine.Tests.Training.Evaluation;

public sealed class ItemKnnTests
{
    // Watches: u1 {A, B, C}, u2 {A, B}, u3 {B, C, D}, u4 {D, E}; u4's skip of A is no evidence.
    // Users per item: A {1,2}, B {1,2,3}, C {1,3}, D {3,4}, E {4}.
    private static readonly string[] Ids = ["A", "B", "C", "D", "E"];

    private static ItemKnn Model() => ItemKnn.Build(
        [
            Event("u1", "A", 0), Event("u1", "B", 1), Event("u1", "C", 2),
            Event("u2", "A", 3), Event("u2", "B", 4),
            Event("u3", "B", 5), Event("u3", "C", 6), Event("u3", "D", 7),
            Event("u4", "D", 8), Event("u4", "E", 9), Event("u4", "A", 10, EventType.Skip),
        ],
        Videos(Ids));

    private static string[] Names(IEnumerable<int> indexes) => indexes.Select(i => Ids[i]).ToArray();

    [Fact]
    public void SimilarityIsTheCosineOfTheUserSets()
    {
        var similar = Model().Similar(0);

        Assert.Equal(["B", "C"], Names(similar.Select(s => s.Item)));
        Assert.Equal(2 / Math.Sqrt(2 * 3), similar[0].Similarity, 5);
        Assert.Equal(1 / Math.Sqrt(2 * 2), similar[1].Similarity, 5);
    }

    [Fact]
    public void AUsersScoresSumOverTheirRecentItems()
    {
        var knn = Model();

        // A and D seeds: B = 2/sqrt(6) + 1/sqrt(6) = 1.22, C = 1/2 + 1/2 = 1.0, E = 1/sqrt(2) = 0.71.
        Assert.Equal(["B", "C", "E"], Names(knn.Recommend([0, 3], 10, v => v is not (0 or 3))));
        Assert.Equal(["B", "C"], Names(knn.Recommend([0, 3], 2, v => v is not (0 or 3))));
        Assert.Equal(["C", "E"], Names(knn.Recommend([0, 3], 10, v => v is not (0 or 1 or 3))));
        // E alone: only D co-occurs with it.
        Assert.Equal(["D"], Names(knn.Recommend([4], 10, v => v != 4)));
    }
}
