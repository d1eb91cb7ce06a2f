namespace RecEngine.Hosting;

/// <summary>
/// The store's file cannot be opened at start: the message names the file and the likely cause, for a person to act on
/// (verbs print it and exit with <see cref="ExitCode"/>, without a stack trace).
/// </summary>
internal sealed class StoreOpenException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>The documented exit code of a verb that could not open the store.</summary>
    public const int ExitCode = 4;
}

/// <summary>The store cannot be used now (a write failed and it could not be reopened yet); the API answers 503.</summary>
internal sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What <c>serve</c> needs of the store before it serves (implemented by the catalog's store).</summary>
internal interface IDataStore
{
    /// <summary>Opens the store now.</summary>
    /// <exception cref="StoreOpenException">The file cannot be opened; the message says why.</exception>
    void EnsureOpen();

    /// <summary>Whether the store holds no videos (a first run).</summary>
    bool IsEmpty { get; }
}
