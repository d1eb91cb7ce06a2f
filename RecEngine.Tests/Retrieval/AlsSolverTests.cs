using MathNet.Numerics.LinearAlgebra;
using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

/// <summary>The two row solvers of implicit ALS against a dense textbook solve, and whole trainings against each other.</summary>
public class AlsSolverTests
{
    private const int F = 8;
    private const double Lambda = 0.5;

    [Fact]
    public void Conjugate_gradient_reaches_the_direct_solve_in_f_steps_and_improves_a_warm_start_in_three()
    {
        var (y, columns, confidences) = Problem(items: 40, seed: 11);
        var exact = DenseSolve(y, columns, confidences);
        var gram = ConjugateGradientLeastSquares.RegularizedGramian(ImplicitLeastSquares.Gramian(y, 40, F, threads: 2), F, Lambda);
        var work = new ConjugateGradientLeastSquares.Workspace(F);

        // From zero, f steps of CG solve an f x f SPD system (up to rounding).
        var fromZero = new float[F];
        ConjugateGradientLeastSquares.Solve(gram, y, F, columns, confidences, fromZero, steps: F, work);
        Assert.True(Distance(fromZero, exact) < 1e-3 * Norm(exact), $"CG {Distance(fromZero, exact):G3} from the exact solution of norm {Norm(exact):G3}");

        // Three steps from a perturbed solution (ALS's warm start) cut the error at least tenfold.
        var random = new Random(12);
        var warm = exact.Select(v => v + (float)(0.3 * (random.NextDouble() - 0.5))).ToArray();
        var before = Distance(warm, exact);
        ConjugateGradientLeastSquares.Solve(gram, y, F, columns, confidences, warm, steps: 3, work);
        Assert.True(Distance(warm, exact) < before / 10, $"error {before:G3} -> {Distance(warm, exact):G3}");

        var empty = Enumerable.Repeat(1f, F).ToArray();
        ConjugateGradientLeastSquares.Solve(gram, y, F, [], [], empty, steps: 3, work);
        Assert.All(empty, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Cholesky_solve_equals_the_dense_solve_and_rejects_an_indefinite_system()
    {
        var (y, columns, confidences) = Problem(items: 30, seed: 13);
        var exact = DenseSolve(y, columns, confidences);
        var result = new float[F];
        ImplicitLeastSquares.Solve(ImplicitLeastSquares.Gramian(y, 30, F, threads: 1), y, F, Lambda, columns, confidences, result, new ImplicitLeastSquares.Workspace(F));
        for (var k = 0; k < F; k++)
        {
            Assert.Equal(exact[k], result[k], 1e-4);
        }

        var indefinite = new double[] { 1, 2, 2, 1 };
        Assert.Throws<InvalidOperationException>(() => ImplicitLeastSquares.CholeskyFactor(indefinite, 2));
    }

    [Fact]
    public void Three_step_conjugate_gradient_training_fits_as_well_as_exact_training()
    {
        var (interactions, users, items, _) = AlsTrainerTests.Planted(users: 200, items: 150, perUser: 15, seed: 21);
        var options = new AlsOptions { Factors = 8, Iterations = 10, Regularization = 0.5, Seed = 3 };
        var exact = AlsTrainer.Train(interactions, users, items, options with { ConjugateGradientSteps = 0 });
        var iterative = AlsTrainer.Train(interactions, users, items, options with { ConjugateGradientSteps = 3 });
        var random = AlsTrainer.Train(interactions, users, items, options with { Iterations = 1, ConjugateGradientSteps = 1 });

        var exactLoss = Loss(exact, interactions);
        var iterativeLoss = Loss(iterative, interactions);
        Assert.True(iterativeLoss < exactLoss * 1.02, $"CG loss {iterativeLoss:G5} vs exact {exactLoss:G5}");
        Assert.True(Loss(random, interactions) > exactLoss * 1.1, "one short iteration should fit visibly worse: the comparison has teeth");
    }

    /// <summary>The implicit-ALS objective (Hu et al. 2008, eq. 3) over every (user, item) cell.</summary>
    private static double Loss(AlsModel model, IReadOnlyList<Interaction> interactions)
    {
        var observed = interactions.GroupBy(x => (x.User, x.Item)).ToDictionary(g => g.Key, g => 1.0 + g.Sum(x => x.Confidence - 1.0));
        var loss = 0.0;
        for (var u = 0; u < model.UserCount; u++)
        {
            for (var i = 0; i < model.ItemCount; i++)
            {
                var score = 0.0;
                for (var k = 0; k < model.Factors; k++)
                {
                    score += model.UserVector(u)[k] * model.ItemFactors[(i * model.Factors) + k];
                }

                var (c, p) = observed.TryGetValue((u, i), out var confidence) ? (confidence, 1.0) : (1.0, 0.0);
                loss += c * (p - score) * (p - score);
            }
        }

        var norms = model.UserFactors.Sum(v => (double)v * v) + model.ItemFactors.Sum(v => (double)v * v);
        return loss + (model.Regularization * norms);
    }

    private static (float[] Y, int[] Columns, float[] Confidences) Problem(int items, int seed)
    {
        var random = new Random(seed);
        var y = Enumerable.Range(0, items * F).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        int[] columns = [2, 5, 9, 17, 23];
        var confidences = columns.Select(_ => 1f + (float)(10 * random.NextDouble())).ToArray();
        return (y, columns, confidences);
    }

    /// <summary>x = (Yt C Y + lambda I)^-1 Yt C p with C and p dense over every item.</summary>
    private static float[] DenseSolve(float[] factors, int[] columns, float[] confidences)
    {
        var items = factors.Length / F;
        var y = Matrix<double>.Build.Dense(items, F, (i, k) => factors[(i * F) + k]);
        var c = Vector<double>.Build.Dense(items, 1.0);
        var p = Vector<double>.Build.Dense(items, 0.0);
        for (var n = 0; n < columns.Length; n++)
        {
            c[columns[n]] = confidences[n];
            p[columns[n]] = 1.0;
        }

        var cy = Matrix<double>.Build.Dense(items, F, (i, k) => c[i] * y[i, k]);
        var a = y.TransposeThisAndMultiply(cy) + (Matrix<double>.Build.DenseIdentity(F) * Lambda);
        return [.. a.Solve(y.TransposeThisAndMultiply(c.PointwiseMultiply(p))).Select(v => (float)v)];
    }

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, z) => (double)(x - z) * (x - z)).Sum());

    private static double Norm(float[] a) => Math.Sqrt(a.Sum(x => (double)x * x));
}
