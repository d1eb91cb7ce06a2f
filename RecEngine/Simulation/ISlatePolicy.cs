using RecEngine.Events;

namespace RecEngine.Simulation;

/// <summary>
/// Decides which videos a simulated user is shown. The generated history uses
/// <see cref="PopularityExplorationPolicy"/>; the online loop plugs the real serving pipeline in here.
/// </summary>
internal interface ISlatePolicy
{
    /// <summary>Called once before a day's sessions; <see cref="ChooseSlate"/> may then run on several threads.</summary>
    void BeginDay(int day);

    /// <summary>Video indices (see <see cref="GroundTruth.VideoIds"/>) to show, best first. Draw randomness only from <paramref name="rng"/>.</summary>
    int[] ChooseSlate(int user, DateTime at, int device, int size, SimRandom rng);

    /// <summary>
    /// The slate with the request id its events carry. A policy that serves through the real pipeline returns the
    /// pipeline's request id, so training joins the events to the slate; null lets the generator name it.
    /// </summary>
    SlateChoice Choose(int user, DateTime at, int device, int size, SimRandom rng) => new(ChooseSlate(user, at, device, size, rng), null);

    /// <summary>Called once after a day with the events it produced, in a fixed order.</summary>
    void EndDay(int day, IReadOnlyList<InteractionEvent> events);
}

/// <summary>Video indices best first, and the request id that served them (null: none).</summary>
internal readonly record struct SlateChoice(int[] Videos, string? RequestId);
