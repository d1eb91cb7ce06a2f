namespace RecEngine.Events;

/// <summary>What a user did with a video. JSON and LiteDB carry the lower-case name.</summary>
public enum EventType
{
    Impression,
    Click,
    Watch,
    Like,
    Share,
    Skip,
    Hide,
}
