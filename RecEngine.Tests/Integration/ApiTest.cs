namespace RecEngine.Tests.Integration;

/// <summary>A test class with its own app over a temp data dir and an HTTP client to it, disposed after the class's tests.</summary>
public abstract class ApiTest : IAsyncLifetime
{
    protected RecEngineFactory Factory { get; } = new();

    protected HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Client = Factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
