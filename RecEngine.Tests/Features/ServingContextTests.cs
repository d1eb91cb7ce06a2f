using RecEngine.Cluster;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Ranking.Features;

namespace RecEngine.Tests.Features;

/// <summary>
/// The showing serving scores a slate as: the device and local hour the ranker's logged impressions carry, read from the
/// user's own events (the ranker learnt with them; before, serving passed no device and UTC's hour).
/// </summary>
public sealed class ServingContextTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private static InteractionEvent Event(int i, string? device, int hour, DateTime at) =>
        new() { EventId = $"e{i}", UserId = "u1", VideoId = $"v{i}", Type = EventType.Impression, Timestamp = at, Device = device, Hour = hour };

    [Fact]
    public void The_usual_device_is_the_one_most_events_name_and_the_offset_comes_from_the_latest_event()
    {
        var builder = new UserFeatureBuilder("u1");
        // Two tv sessions, then the latest on mobile; the local hour is UTC + 9 at the latest event (21:00 at 12:00 UTC).
        builder.Apply(Event(0, "tv", 2, T0.AddHours(-20)));
        builder.Apply(Event(1, "tv", 3, T0.AddHours(-19)));
        builder.Apply(Event(2, null, 4, T0.AddHours(-18)));
        builder.Apply(Event(3, "mobile", 21, T0));
        // An older event arriving late moves neither the offset nor the latest time.
        builder.Apply(Event(4, "desktop", 5, T0.AddHours(-30)));

        var features = builder.Build();

        Assert.Equal("tv", features.Device);
        Assert.Equal(9, features.UtcOffsetHours);
    }

    [Fact]
    public void Without_events_naming_a_device_there_is_none_and_without_events_no_offset()
    {
        var builder = new UserFeatureBuilder("u1");
        Assert.Null(builder.Build().UtcOffsetHours);

        builder.Apply(Event(0, null, T0.Hour, T0));
        builder.Apply(Event(1, "a-phone", T0.Hour, T0));
        var features = builder.Build();

        Assert.Null(features.Device);
        Assert.Equal(0, features.UtcOffsetHours);
    }

    [Fact]
    public void Serving_scores_at_the_users_local_hour_on_the_requested_device_else_their_usual_one()
    {
        var features = new UserFeatures { UserId = "u1", Device = "tv", UtcOffsetHours = 15 };
        var at = T0.AddHours(10); // 22:00 UTC

        var usual = ImpressionContext.Serving(at, null, features);
        var requested = ImpressionContext.Serving(at, "mobile", features);
        var unknown = ImpressionContext.Serving(at, null, null);

        Assert.Equal(new ImpressionContext(at, 0, "tv", 13, 0), usual);
        Assert.Equal(("mobile", 13), (requested.Device, requested.Hour));
        Assert.Equal(new ImpressionContext(at, 0, null, 22, 0), unknown);
    }

    [Fact]
    public void A_served_slate_logs_its_impressions_with_the_device_and_hour_it_was_scored_for()
    {
        var slate = new ServedSlateRecord { RequestId = "r1", UserId = "u1", Timestamp = T0, Hour = 21, Device = "tv", VideoIds = ["a", "b"] };

        var impressions = slate.Impressions().ToList();

        Assert.All(impressions, e => Assert.Equal(("tv", 21), (e.Device, e.Hour)));
    }

    [Fact]
    public void The_cluster_carries_the_device_and_offset_with_the_features_and_the_events()
    {
        var features = new UserFeatures { UserId = "u1", Device = "tablet", UtcOffsetHours = 5, Watches = 3 };
        var ev = Event(0, "tv", 7, T0);

        var back = UserFeaturesMessage.Of(features).ToFeatures();
        var evBack = UserEventMessage.Of(ev).ToEvent("u1");

        Assert.Equal(("tablet", 5, 3L), (back.Device, back.UtcOffsetHours, back.Watches));
        Assert.Equal(("tv", 7), (evBack.Device, evBack.Hour));
    }
}
