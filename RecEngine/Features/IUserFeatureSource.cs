namespace RecEngine.Features;

/// <summary>
/// Where the request pipeline reads a user's online features: this process's <see cref="UserFeatureCache"/>, or on a
/// cluster silo (<c>serve --cluster</c>) the user's grain, which every silo's commits update.
/// </summary>
internal interface IUserFeatureSource
{
    /// <summary>The user's features; a user with no events gets empty ones.</summary>
    UserFeatures Get(string userId);
}
