using MathNet.Numerics.LinearAlgebra;
using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public class AlsTrainerTests
{
    private static readonly AlsOptions Small = new() { Factors = 8, Iterations = 8, Regularization = 0.1, Seed = 7 };

    [Fact]
    public void Fold_in_equals_the_trained_user_vector_and_the_dense_textbook_solve()
    {
        var (interactions, users, items, _) = Planted(users: 120, items: 80, perUser: 12, seed: 3);
        var model = AlsTrainer.Train(interactions, users, items, Small);
        foreach (var user in new[] { 0, 17, 119 })
        {
            var history = interactions.Where(x => x.User == user).ToList();
            var folded = model.FoldIn(history.Select(x => x.Item).ToArray(), history.Select(x => x.Confidence).ToArray());

            // Training ends with a user step against the final item factors: the same solve.
            Assert.Equal(model.UserVector(user).ToArray(), folded, (a, b) => Math.Abs(a - b) < 1e-4);

            // Independent check of the YtY trick: x = (Yt C Y + lambda I)^-1 Yt C p with dense C over all items.
            var f = model.Factors;
            var y = Matrix<double>.Build.Dense(items, f, (i, k) => model.ItemFactors[(i * f) + k]);
            var c = Vector<double>.Build.Dense(items, 1.0);
            var p = Vector<double>.Build.Dense(items, 0.0);
            foreach (var x in history)
            {
                c[x.Item] += x.Confidence - 1.0;
                p[x.Item] = 1.0;
            }

            var cy = Matrix<double>.Build.Dense(items, f, (i, k) => c[i] * y[i, k]);
            var a = y.TransposeThisAndMultiply(cy) + (Matrix<double>.Build.DenseIdentity(f) * model.Regularization);
            var dense = a.Solve(y.TransposeThisAndMultiply(c.PointwiseMultiply(p)));
            for (var k = 0; k < f; k++)
            {
                Assert.Equal(dense[k], folded[k], 1e-4);
            }
        }
    }

    [Fact]
    public void Fold_in_moves_the_vector_towards_a_new_watch_and_gives_unseen_users_a_vector()
    {
        var (interactions, users, items, _) = Planted(users: 120, items: 80, perUser: 12, seed: 4);
        var model = AlsTrainer.Train(interactions, users, items, Small);
        var history = interactions.Where(x => x.User == 5).ToList();
        var before = model.FoldIn(history.Select(x => x.Item).ToArray(), history.Select(x => x.Confidence).ToArray());
        var target = Enumerable.Range(0, items).Where(i => history.All(x => x.Item != i)).OrderBy(i => Dot(before, model.Items.RowArray(i))).First();
        var after = model.FoldIn([.. history.Select(x => x.Item), target], [.. history.Select(x => x.Confidence), 11f]);
        Assert.True(Dot(after, model.Items.RowArray(target)) > Dot(before, model.Items.RowArray(target)));

        var unseen = model.FoldIn([1, 2, 3], [11f, 11f, 11f]);
        Assert.Contains(unseen, v => v != 0f);
        Assert.All(model.FoldIn([], []), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Recovers_a_planted_rank_4_structure_on_held_out_interactions()
    {
        var (all, users, items, truth) = Planted(users: 600, items: 400, perUser: 30, seed: 5);
        var random = new Random(6);
        var heldOut = all.Where(_ => random.NextDouble() < 0.2).ToHashSet();
        var train = all.Where(x => !heldOut.Contains(x)).ToList();
        var model = AlsTrainer.Train(train, users, items, new AlsOptions { Factors = 16, Iterations = 10, Regularization = 1.0, Alpha = 10, Seed = 1 });

        var seen = train.Select(x => (x.User, x.Item)).ToHashSet();
        var popularity = new double[items];
        train.ForEach(x => popularity[x.Item]++);
        var alsAuc = Auc(heldOut, seen, users, items, (u, i) => Dot(model.UserVector(u), model.Items.RowArray(i)));
        var popAuc = Auc(heldOut, seen, users, items, (_, i) => popularity[i]);
        var oracleAuc = Auc(heldOut, seen, users, items, (u, i) => truth[u, i]);
        Assert.True(alsAuc > 0.85, $"ALS AUC {alsAuc:F3} (oracle {oracleAuc:F3})");
        Assert.True(alsAuc > oracleAuc - 0.05, $"ALS AUC {alsAuc:F3} vs oracle {oracleAuc:F3}");
        Assert.True(alsAuc > popAuc + 0.1, $"ALS AUC {alsAuc:F3} vs popularity {popAuc:F3}");
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed_whatever_the_thread_count()
    {
        var (interactions, users, items, _) = Planted(users: 100, items: 60, perUser: 10, seed: 8);
        var one = AlsTrainer.Train(interactions, users, items, Small with { Threads = 1 });
        var two = AlsTrainer.Train(interactions, users, items, Small with { Threads = 4 });
        Assert.Equal(one.UserFactors, two.UserFactors);
        Assert.Equal(one.ItemFactors, two.ItemFactors);
    }

    [Fact]
    public void Confidence_grows_with_watch_fraction_and_engagement_and_ignores_negative_events()
    {
        Assert.Equal(1f, EngagementConfidence.Confidence(RecEngine.Events.EventType.Watch, 0.0, 10));
        Assert.Equal(6f, EngagementConfidence.Confidence(RecEngine.Events.EventType.Watch, 0.5, 10));
        Assert.Equal(11f, EngagementConfidence.Confidence(RecEngine.Events.EventType.Watch, 3.0, 10));
        Assert.True(EngagementConfidence.Strength(RecEngine.Events.EventType.Like, 0) > EngagementConfidence.Strength(RecEngine.Events.EventType.Watch, 1));
        Assert.True(EngagementConfidence.Strength(RecEngine.Events.EventType.Share, 0) > EngagementConfidence.Strength(RecEngine.Events.EventType.Like, 0));
        foreach (var type in new[] { RecEngine.Events.EventType.Impression, RecEngine.Events.EventType.Skip, RecEngine.Events.EventType.Hide })
        {
            Assert.Equal(0.0, EngagementConfidence.Strength(type, 1.0));
        }
    }

    /// <summary>
    /// Users and items from rank-4 Gaussian factors; each user interacts with the items of largest
    /// true affinity plus Gumbel noise (a softmax sample), confidence rising with affinity.
    /// </summary>
    internal static (List<Interaction> Interactions, int Users, int Items, double[,] Truth) Planted(int users, int items, int perUser, int seed)
    {
        const int rank = 4;
        var random = new Random(seed);
        var u = new double[users, rank];
        var v = new double[items, rank];
        for (var i = 0; i < users; i++)
        {
            for (var k = 0; k < rank; k++)
            {
                u[i, k] = ClusteredVectors.Gaussian(random);
            }
        }

        for (var i = 0; i < items; i++)
        {
            for (var k = 0; k < rank; k++)
            {
                v[i, k] = ClusteredVectors.Gaussian(random);
            }
        }

        var truth = new double[users, items];
        var interactions = new List<Interaction>();
        for (var user = 0; user < users; user++)
        {
            var noisy = new (double Score, int Item)[items];
            for (var item = 0; item < items; item++)
            {
                for (var k = 0; k < rank; k++)
                {
                    truth[user, item] += u[user, k] * v[item, k];
                }

                noisy[item] = ((2.5 * truth[user, item]) - Math.Log(-Math.Log(1.0 - random.NextDouble())), item);
            }

            foreach (var (_, item) in noisy.OrderByDescending(x => x.Score).Take(perUser))
            {
                interactions.Add(new Interaction(user, item, 1f + (float)(10.0 * random.NextDouble())));
            }
        }

        return (interactions, users, items, truth);
    }

    private static double Auc(HashSet<Interaction> heldOut, HashSet<(int, int)> seen, int users, int items, Func<int, int, double> score)
    {
        var random = new Random(9);
        var wins = 0.0;
        var pairs = 0;
        foreach (var x in heldOut)
        {
            for (var n = 0; n < 20; n++)
            {
                var negative = random.Next(items);
                if (seen.Contains((x.User, negative)) || heldOut.Contains(new Interaction(x.User, negative, x.Confidence)))
                {
                    continue;
                }

                var (p, q) = (score(x.User, x.Item), score(x.User, negative));
                wins += p > q ? 1.0 : p == q ? 0.5 : 0.0;
                pairs++;
            }
        }

        return wins / pairs;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var k = 0; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }

        return sum;
    }
}
