using RecEngine.Hosting;

namespace RecEngine.Catalog;

internal static class CatalogModule
{
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Storage.StorageFaults>();
        builder.Services.AddSingleton(sp => new RecEngineStore(
            sp.GetRequiredService<DataDirectory>(),
            sp.GetRequiredService<Storage.StorageFaults>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<RecEngineOptions>>().Value.DurableCommits));
        builder.Services.AddSingleton<IDataStore>(sp => sp.GetRequiredService<RecEngineStore>());
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [HealthTags.Ready]);
        builder.Services.AddSingleton<CatalogIndex>();
        builder.Services.AddSingleton<CatalogService>();
        builder.Services.AddSingleton<ThumbnailStore>();
        return builder;
    }
}
