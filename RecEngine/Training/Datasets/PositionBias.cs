using RecEngine.Training.Network;
using RecEngine.Training.Export;
namespace RecEngine.Training.Datasets;

/// <summary>
/// How much less a video is watched lower in a slate, fitted on the explored impressions, where the video and its
/// position were both drawn at random and so position is independent of appeal. Examination is modelled as
/// (1 + position)^-<see cref="Exponent"/> (Joachims, Swaminathan &amp; Schnabel, "Unbiased learning-to-rank with
/// biased feedback", WSDM 2017, whose propensities fall as a power of the rank; estimated from randomised slates as in
/// Wang, Golbandi, Bendersky, Metzler &amp; Najork, "Position bias estimation for unbiased learning to rank in personal
/// search", WSDM 2018).
/// <para>
/// Why not the position as a ranker input: once the ranker trains on the slates it served itself, the top positions
/// hold its own best-scored videos, so position and appeal are confounded; a network that sees both learns that
/// "shown first" explains the watch, and at serving (every candidate at position 0) its order of the candidates
/// collapsed (retrieval-validation NDCG@20 near 0 in <c>simulate</c>). As a fixed additive log-odds term in training
/// (a shallow position tower with frozen weights, Zhao et al., "Recommending what video to watch next", RecSys 2019),
/// the network learns appeal net of examination, and serving, at position 0, adds nothing.
/// </para>
/// </summary>
internal sealed record PositionBias(double Exponent, int Impressions, int Watches)
{
    /// <summary>Fewer watched explored impressions than this leave the exponent to noise: no fit.</summary>
    public const int MinWatches = 50;

    private const double MaxExponent = 3;

    /// <summary>Where the position sits among the ranker's numeric inputs.</summary>
    private static readonly int PositionInput = RecEngine.Ranking.Features.RankingFeatures.Spec.Numeric.Select(n => n.Name).ToList().IndexOf("position");
    private const double Step = 0.01;

    /// <summary>log examination at <paramref name="position"/> relative to the top: -exponent x ln(1 + position).</summary>
    public float Offset(int position) => (float)(-Exponent * Math.Log(1 + Math.Max(0, position)));

    /// <summary>Each example's <see cref="Offset"/> at its logged position.</summary>
    public float[] Offsets(RankerDataset data)
    {
        var offsets = new float[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            offsets[i] = Offset(data.Impressions[i].Position);
        }

        return offsets;
    }

    /// <summary>Sets every example's position input to 0, the value serving gives it, once the offsets carry the position.</summary>
    public static void ClearPositionInput(RankerDataset data)
    {
        foreach (var row in data.Numeric)
        {
            row[PositionInput] = 0;
        }
    }

    /// <summary>
    /// The exponent that maximises the likelihood of the explored impressions' watches, or null with fewer than
    /// <see cref="MinWatches"/> of them. P(watch) is small, so watches are taken as Poisson with mean
    /// c (1 + position)^-exponent; c profiles out (c = watches / sum of examinations), leaving
    /// sum_watched ln g - watches x ln(sum g) to maximise over a grid of exponents in [0, 3].
    /// </summary>
    public static PositionBias? Fit(RankerDataset data)
    {
        var counts = new Dictionary<int, (int Shown, int Watched)>();
        foreach (var i in data.ExploredRows)
        {
            var position = Math.Max(0, data.Impressions[i].Position);
            var (shown, watched) = counts.GetValueOrDefault(position);
            counts[position] = (shown + 1, watched + (data.Watched[i] > 0.5f ? 1 : 0));
        }

        var impressions = counts.Values.Sum(c => c.Shown);
        var watches = counts.Values.Sum(c => c.Watched);
        if (watches < MinWatches || counts.Count < 2)
        {
            return null;
        }

        var best = (Exponent: 0.0, LogLikelihood: double.NegativeInfinity);
        for (var k = 0; k <= (int)(MaxExponent / Step); k++)
        {
            var exponent = k * Step;
            double sumG = 0, watchedLogG = 0;
            foreach (var (position, (shown, watched)) in counts)
            {
                var logG = -exponent * Math.Log(1 + position);
                sumG += shown * Math.Exp(logG);
                watchedLogG += watched * logG;
            }

            var logLikelihood = watchedLogG - (watches * Math.Log(sumG));
            if (logLikelihood > best.LogLikelihood)
            {
                best = (exponent, logLikelihood);
            }
        }

        return new PositionBias(best.Exponent, impressions, watches);
    }
}
