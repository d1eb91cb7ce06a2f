using Microsoft.AspNetCore.Http.HttpResults;
using RecEngine.Backup;
using RecEngine.Hosting;

namespace RecEngine.Api;

/// <summary><c>POST /v1/backup</c>: a consistent online backup into the data directory's <c>backups/</c> folder.</summary>
internal static class BackupApi
{
    public static IEndpointRouteBuilder MapBackupApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/backup", CreateBackup)
            .WithTags("Backup")
            .WithName("CreateBackup")
            .WithSummary("Writes a consistent backup (store, log, model versions) under backups/ in the data directory; restore it with the restore verb.")
            .RequireAdminKey();
        return app;
    }

    internal static async Task<Results<Created<BackupResult>, ProblemHttpResult>> CreateBackup(HttpContext context, StoreBackup backup, CancellationToken cancellationToken)
    {
        try
        {
            // Copying files: off the request thread's synchronous path.
            var result = await Task.Run(backup.TryCreate, cancellationToken);
            return result is null
                ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A backup is running.", detail: "Wait for it to finish, then try again.")
                : TypedResults.Created("/v1/backup", result);
        }
        catch (IOException ex)
        {
            context.Response.Headers.RetryAfter = "60";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The backup could not be written.", detail: ex.Message);
        }
    }
}
