namespace RecEngine.Catalog;

public static class CatalogModule
{
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RecEngineStore>();
        builder.Services.AddSingleton<CatalogIndex>();
        builder.Services.AddSingleton<CatalogService>();
        return builder;
    }
}
