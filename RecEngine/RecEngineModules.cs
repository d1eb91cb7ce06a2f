using RecEngine.Catalog;
using RecEngine.Cluster;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Monitoring;
using RecEngine.Ranking;
using RecEngine.Retrieval;
using RecEngine.Serving;
using RecEngine.Training;
using RecEngine.Evaluation;

namespace RecEngine;

/// <summary>
/// The modules every RecEngine host serves from, in dependency order: the server (Program.cs), the online loop of
/// <c>simulate</c> and the in-process pipeline benchmarks compose the same set, so a module added here reaches all three.
/// </summary>
internal static class RecEngineModules
{
    public static IHostApplicationBuilder AddServingModules(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.AddCatalog();
        builder.AddEvents();
        builder.AddFeatures();
        builder.AddRetrieval();
        builder.AddRanking();
        builder.AddTraining();
        builder.AddEvaluation();
        builder.AddMonitoring();
        builder.AddServing();
        builder.AddCluster();
        return builder;
    }
}
