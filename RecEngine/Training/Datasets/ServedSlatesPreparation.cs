using RecEngine.Training.Network;
using RecEngine.Training.Export;
namespace RecEngine.Training.Datasets;

/// <summary>
/// Prepares a ranker dataset whose window holds the serving pipeline's own slates (recognised by their explored
/// impressions) so that the ranker trained on it does not learn the serving model back: trained on served days as
/// they were, it put the serving model's picks no higher than the rest (docs/decisions/0004 has the numbers). Three
/// changes, each because the pipeline chose what its slates hold:
/// <list type="bullet">
/// <item>Position enters as a fixed examination offset fitted on the explored impressions (<see cref="PositionBias"/>),
/// not as an input: the top positions hold the serving model's best-scored videos, so position and appeal are confounded.</item>
/// <item>Example age is cleared (0, as at serving): it tells the network which days were served by which policy, and
/// the newest days' function, which serving applies at age 0, was fitted only on the serving model's own picks, a
/// narrow part of the candidates it then has to order.</item>
/// <item>Explored impressions count <see cref="ExploredWeight"/> times: they are the part of the slates no model
/// chose, the only broad coverage of the candidates in served days (oversampled, so the loss needs no weights).</item>
/// </list>
/// Only the three together recovered the oracle share (docs/decisions/0004). A window without explored impressions (the logging policy's history, imported data) is left as it is.
/// Training also leaves the pool examples out of a served window (<see cref="Served"/>; docs/decisions/0001, item 12).
/// </summary>
internal static class ServedSlatesPreparation
{
    /// <summary>How many times each explored impression counts in training.</summary>
    public const int ExploredWeight = 5;

    private static readonly int ExampleAgeInput = RecEngine.Ranking.Features.RankingFeatures.Spec.Numeric.Select(n => n.Name).ToList().IndexOf("example_age_hours");

    /// <summary>Whether <paramref name="window"/> holds the pipeline's own slates from <paramref name="from"/> on: any explored impression.</summary>
    public static bool Served(IEnumerable<Events.InteractionEvent> window, DateTime from) =>
        window.Any(e => e.Explored == true && e.Timestamp >= from);

    /// <summary>Changes <paramref name="data"/> in place as above and returns the examination offsets to train with; null (and no change) without enough explored impressions.</summary>
    public static PositionBias? Apply(RankerDataset data)
    {
        var bias = PositionBias.Fit(data);
        if (bias is null)
        {
            return null;
        }

        PositionBias.ClearPositionInput(data);
        foreach (var row in data.Numeric)
        {
            row[ExampleAgeInput] = 0;
        }

        var explored = data.ExploredRows.ToList();
        for (var copy = 1; copy < ExploredWeight; copy++)
        {
            foreach (var row in explored)
            {
                data.AppendCopy(row);
            }
        }

        return bias;
    }
}
