using RecEngine.Hosting;

namespace RecEngine.Catalog;

public static class CatalogModule
{
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Storage.StorageFaults>();
        builder.Services.AddSingleton<RecEngineStore>();
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [HealthTags.Ready]);
        builder.Services.AddSingleton<CatalogIndex>();
        builder.Services.AddSingleton<CatalogService>();
        return builder;
    }
}
