using System.ComponentModel.DataAnnotations;

namespace RecEngine.Retrieval;

/// <summary>Implicit-feedback ALS (Hu, Koren &amp; Volinsky 2008) hyper-parameters. A key this section does not have stops the process with its name.</summary>
public sealed record AlsOptions
{
    /// <summary>The configuration section it is bound from.</summary>
    public const string Section = RetrievalModule.AlsSection;

    /// <summary>Latent factors per user and item.</summary>
    [Range(1, 512)]
    public int Factors { get; init; } = 64;

    /// <summary>lambda in the loss sum c_ui (p_ui - x_u.y_i)^2 + lambda (|x_u|^2 + |y_i|^2).</summary>
    [Range(1e-6, 1e6)]
    public double Regularization { get; init; } = 0.1;

    /// <summary>Alternations; each solves all items, then all users.</summary>
    [Range(1, 200)]
    public int Iterations { get; init; } = 12;

    /// <summary>alpha in the confidence c = 1 + alpha r.</summary>
    [Range(0.0, 1e4)]
    public double Alpha { get; init; } = 10.0;

    /// <summary>Standard deviation of the initial factors, divided by sqrt(factors).</summary>
    [Range(1e-6, 10.0)]
    public double InitScale { get; init; } = 0.1;

    /// <summary>Seed of the initial factors: the same data and seed give the same model.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// Conjugate-gradient steps per row and half-step (Takács, Pilászy &amp; Tikk 2011); 0 solves every row exactly
    /// (Cholesky, O(f^3) a row: slow at 1M videos). The last user step is always exact.
    /// </summary>
    [Range(0, 64)]
    public int ConjugateGradientSteps { get; init; } = 3;

    /// <summary>
    /// How serving holds the item factors (training keeps float32): F16 takes half of F32's bytes (128 MB instead of
    /// 256 MB at 1M videos x 64) for a relative error of at most 2^-11 per coordinate; retrieval's exact re-scoring, the
    /// ranker's dot-product features and fold-in then read float16 rows converted to float32. Catalogs below
    /// RecEngine:Retrieval:Index:ExactBelow keep float32: the exact scan would convert every row per search. Measured in
    /// benchmarks/RESULTS.md (Memory, issue 18).
    /// </summary>
    public ItemFactorPrecision ItemFactorPrecision { get; init; } = ItemFactorPrecision.F16;

    /// <summary>Threads solving rows in parallel (retraining inside the server caps it at RecEngine:Lifecycle:TrainingThreads).</summary>
    [Range(1, 256)]
    public int Threads { get; init; } = Environment.ProcessorCount;
}
