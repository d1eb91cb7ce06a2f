using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace RecEngine.Tests.Integration;

/// <summary>
/// The real app over a fresh temp data directory (a real LiteDB file). Create one per test; settings are
/// configuration keys such as <c>RecEngine:Events:QueueCapacity</c>.
/// </summary>
public sealed class RecEngineFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    private readonly bool _ownsDataDir;

    /// <param name="dataDir">An existing data directory to serve (a restart); the factory then leaves it in place when disposed.</param>
    public RecEngineFactory(IDictionary<string, string?>? settings = null, FakeTimeProvider? time = null, string? dataDir = null)
    {
        _ownsDataDir = dataDir is null;
        DataDir = dataDir ?? Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));
        // The factory runs Program through `serve`; tests bring their own data instead of the demo world. Many hosts
        // share this process and swap versions often: a compacting collection after each swap would pause all of
        // them (RetiredSnapshotCollectorTests cover it).
        _settings = new Dictionary<string, string?> { ["RecEngine:FirstRunDemo"] = "false", ["RecEngine:Serving:CollectAfterSwap"] = "false" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _settings["RecEngine:DataDir"] = DataDir;
        Time = time;
    }

    public string DataDir { get; }

    public FakeTimeProvider? Time { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Not UseSetting: the factory hands those to Program as "--key=value" arguments, parent sections
        // included ("--RecEngine="), which the verb parser rightly refuses as unknown options.
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));

        builder.UseEnvironment("Testing");
        if (Time is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time)));
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDataDir)
        {
            try
            {
                Directory.Delete(DataDir, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is not worth failing a test for.
            }
        }
    }
}
