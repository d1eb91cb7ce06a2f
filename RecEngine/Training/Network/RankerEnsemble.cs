namespace RecEngine.Training.Network;

/// <summary>
/// The trained ranker: one or more networks of the same shape, trained alike from different seeds, whose logits are
/// averaged (a deep ensemble: Lakshminarayanan et al., "Simple and Scalable Predictive Uncertainty Estimation using
/// Deep Ensembles", NeurIPS 2017). Averaging removes most of the seed-to-seed spread of one network. The export is
/// one ONNX graph that does the same (<see cref="Export.RankerOnnxExporter"/>); with one member it is that network.
/// </summary>
internal sealed class RankerEnsemble
{
    public RankerEnsemble(IReadOnlyList<RankerNetwork> members)
    {
        if (members.Count == 0)
        {
            throw new ArgumentException("An ensemble needs at least one network.", nameof(members));
        }

        var first = members[0];
        if (members.Any(m => m.DenseFeatures != first.DenseFeatures || m.IdWidth != first.IdWidth || m.InputWidth != first.InputWidth))
        {
            throw new ArgumentException("The ensemble's networks take different inputs.", nameof(members));
        }

        Members = members;
    }

    public IReadOnlyList<RankerNetwork> Members { get; }

    public int DenseFeatures => Members[0].DenseFeatures;

    public int IdWidth => Members[0].IdWidth;

    /// <summary>P(watch) and expected watch time of the mean logits.</summary>
    public void Predict(ReadOnlySpan<float> dense, ReadOnlySpan<long> ids, int rows, Span<float> pWatch, Span<float> watchTime)
    {
        var logits = new float[rows * RankerNetwork.Heads];
        foreach (var member in Members)
        {
            member.PredictLogits(dense, ids, rows, logits);
        }

        System.Numerics.Tensors.TensorPrimitives.Multiply(logits, 1f / Members.Count, logits);
        RankerNetwork.ToOutputs(logits, rows, pWatch, watchTime);
    }
}
