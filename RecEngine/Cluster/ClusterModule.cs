using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Retrieval;
using RecEngine.Serving;

namespace RecEngine.Cluster;

/// <summary>
/// <c>serve --cluster</c>: the same process as a Microsoft Orleans silo. Catalog shards are grains that own the vector
/// index of their slice of a model version; the silo that takes a request runs the whole pipeline and its ranker, with
/// retrieval scattered over the shards (<see cref="ShardedVectorIndex"/>). Without <c>--cluster</c> nothing here runs
/// but the <c>shard</c> verb.
/// </summary>
internal static class ClusterModule
{
    /// <summary>Thread-pool threads a silo starts with (see <see cref="AddCluster"/>).</summary>
    private const int MinThreads = 64;

    public static IHostApplicationBuilder AddCluster(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClusterOptions>()
            .BindConfiguration(ClusterOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IVerb, ShardVerb>();
        var options = builder.Configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        if (!options.Enabled)
        {
            return builder;
        }

        // The request pipeline is synchronous and waits on grain calls (shards, user grains) within their deadlines; the
        // answers themselves complete on thread-pool threads. With the default minimum (one thread per core) a burst of
        // waiting requests starves those completions and the silo stalls (seen at 50 req/s per silo on 2 cores), so
        // the pool starts with room for the waiting ones.
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, MinThreads), Math.Max(completions, MinThreads));

        // Orleans and its retry pipelines log every placement at Information; the silo's own lines say what matters.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            if (string.IsNullOrWhiteSpace(options.Redis))
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, new IPEndPoint(IPAddress.Loopback, options.PrimarySiloPort), "recengine", options.ClusterId);
            }
            else
            {
                silo.UseRedisClustering(options.Redis);
                silo.Configure<Orleans.Configuration.ClusterOptions>(c =>
                {
                    c.ClusterId = options.ClusterId;
                    c.ServiceId = "recengine";
                });
                silo.ConfigureEndpoints(IPAddress.Loopback, options.SiloPort, options.GatewayPort);
            }
        });
        AddClusterServing(builder.Services);
        builder.Services.AddSingleton(sp => new CatalogShardSource(sp.GetRequiredService<DataDirectory>().ModelsPath, sp.GetRequiredService<IOptions<VectorIndexOptions>>().Value));
        return builder;
    }

    /// <summary>
    /// What a silo that takes requests needs besides Orleans itself (an <see cref="IGrainFactory"/>): the sharded index
    /// for its snapshots, user features from the users' grains (and its commits sent to them), and the version follower. Tests call it with a test cluster's client as the grain factory.
    /// </summary>
    internal static void AddClusterServing(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IRetrievalIndexOpener, ShardedIndexOpener>());
        services.Replace(ServiceDescriptor.Singleton<IUserFeatureSource, UserGrainFeatures>());
        services.AddSingleton<IEventCommitListener, UserGrainEvents>();
        services.AddSingleton<ClusterVersionFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterVersionFollower>());
    }
}
