namespace RecEngine.Hosting;

/// <summary>Tags of the health checks the modules register; <c>/health/ready</c> runs those tagged <see cref="Ready"/>.</summary>
internal static class HealthTags
{
    public const string Ready = "ready";
}
