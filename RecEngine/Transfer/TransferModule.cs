using RecEngine.Hosting;

namespace RecEngine.Transfer;

/// <summary>Import and export of the catalog, events and batch recommendations as CSV, JSONL or Parquet files.</summary>
internal static class TransferModule
{
    public static IHostApplicationBuilder AddTransfer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FileImporter>();
        builder.Services.AddSingleton<IVerb, ImportVerb>();
        builder.Services.AddSingleton<IVerb, ExportVerb>();
        return builder;
    }
}
