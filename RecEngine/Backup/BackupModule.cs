using RecEngine.Hosting;

namespace RecEngine.Backup;

internal static class BackupModule
{
    public static IHostApplicationBuilder AddBackup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StoreBackup>();
        builder.Services.AddSingleton<IVerb, BackupVerb>();
        builder.Services.AddSingleton<IVerb, RestoreVerb>();
        return builder;
    }
}
