namespace RecEngine.Training.Evaluation;

/// <summary>
/// What <see cref="StackedPoolRanker.Fit"/> chose and how the choices scored, all on the validation split (the
/// newest part of the training split, cut by the same rule as the test split); nothing here saw a test event.
/// </summary>
/// <param name="Split">How the validation part was cut: per-user or global.</param>
/// <param name="NetworkUsers">Validation users whose targets trained the network (fold A).</param>
/// <param name="SelectionUsers">Validation users whose targets chose the epochs and fitted the blend (fold B).</param>
/// <param name="EpochNdcgAt10">Per epoch, the network's NDCG@10 on fold B's examples (positives among sampled pool negatives).</param>
/// <param name="Epochs">The chosen epoch count: the best of <paramref name="EpochNdcgAt10"/>.</param>
/// <param name="Head">The chosen head of each pool the blend re-ranks (0: the whole pool).</param>
/// <param name="Truncation">The chosen NDCG@k of the LambdaRank weights (0: the whole list).</param>
/// <param name="L2">The chosen L2 penalty of the blend.</param>
/// <param name="SettingNdcgAt10">Per blend setting ("head=30 k=10 l2=0.0001"), its 2-fold cross-validated NDCG@10 on fold B's lists.</param>
/// <param name="Weights">The blend's weights, per feature of <see cref="BlendFeatures.Names"/>.</param>
/// <param name="ValidationNdcgAt10">NDCG@10 on fold B of most_popular, item_knn, the network alone and the blend (cross-validated).</param>
public sealed record ModelSelection(
    string Split,
    int NetworkUsers,
    int SelectionUsers,
    IReadOnlyList<double> EpochNdcgAt10,
    int Epochs,
    int Head,
    int Truncation,
    double L2,
    IReadOnlyDictionary<string, double> SettingNdcgAt10,
    IReadOnlyDictionary<string, double> Weights,
    IReadOnlyDictionary<string, double> ValidationNdcgAt10);
