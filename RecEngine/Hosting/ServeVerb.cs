using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace RecEngine.Hosting;

/// <summary><c>serve</c>: runs the HTTP API, after the first-run steps on an empty data directory.</summary>
internal sealed class ServeVerb : IVerb
{
    public string Name => "serve";

    public string Summary => "Run the HTTP API. On an empty data directory, first generate the demo world.";

    public string Usage => "[--urls URL] [--cluster]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("cluster", "Run as a Microsoft Orleans silo: catalog shards as grains, retrieval scattered over them (RecEngine:Cluster)"),
    ];

    public string? ServerAlternative => null;

    /// <summary>Exit code when the server would expose open scopes on a non-loopback address.</summary>
    public const int UnsafeBindingExitCode = 5;

    public async Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        var urls = app.Configuration["urls"];
        var ports = string.IsNullOrWhiteSpace(urls) && (!string.IsNullOrWhiteSpace(app.Configuration["http_ports"]) || !string.IsNullOrWhiteSpace(app.Configuration["https_ports"]));
        if (ApiKeys.UnsafeBinding(app.Services.GetRequiredService<IOptions<RecEngineOptions>>().Value, urls, ports) is { } refusal)
        {
            await Console.Error.WriteLineAsync(refusal);
            return UnsafeBindingExitCode;
        }

        var store = app.Services.GetRequiredService<IDataStore>();
        var dataDir = app.Services.GetRequiredService<DataDirectory>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RecEngine.Serve");
        // Open the store before serving anything: an unreadable file ends the verb with its message and exit code.
        store.EnsureOpen();
        if (app.Services.GetRequiredService<IOptions<RecEngineOptions>>().Value.FirstRunDemo && store.IsEmpty)
        {
            logger.LogInformation("Empty data directory {DataDir}: running first-run set-up", dataDir.Root);
            foreach (var step in app.Services.GetServices<IFirstRunStep>().OrderBy(s => s.Order))
            {
                await step.RunAsync(cancellationToken);
            }
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            var url = addresses?.FirstOrDefault() ?? "";
            File.WriteAllText(dataDir.ServerInfoPath, url);
        });
        app.Lifetime.ApplicationStopped.Register(() => File.Delete(dataDir.ServerInfoPath));
        if (!app.Configuration.GetValue<bool>("RecEngine:Cluster:Enabled"))
        {
            await app.RunAsync(cancellationToken);
            return 0;
        }

        // A silo joins the cluster while the host starts: one that cannot (membership store down, cluster id or ports
        // wrong) stops with a message rather than serving alone.
        var cluster = app.Configuration["RecEngine:Cluster:ClusterId"] ?? "recengine";
        var timeout = app.Configuration.GetValue("RecEngine:Cluster:JoinTimeout", TimeSpan.FromSeconds(30));
        try
        {
            using var join = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            join.CancelAfter(timeout);
            await app.StartAsync(join.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync(
                $"This silo could not join the cluster '{cluster}' within {timeout} (RecEngine:Cluster:JoinTimeout): is its membership reachable " +
                "(RecEngine:Cluster:Redis, or the primary silo at RecEngine:Cluster:PrimarySiloPort)?");
            return ClusterJoinFailedExitCode;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"This silo could not join the cluster '{cluster}': {ex.GetBaseException().Message}");
            return ClusterJoinFailedExitCode;
        }

        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>Exit code when <c>serve --cluster</c> cannot join its cluster.</summary>
    public const int ClusterJoinFailedExitCode = 6;
}
