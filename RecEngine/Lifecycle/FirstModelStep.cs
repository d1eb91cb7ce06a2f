using RecEngine.Hosting;
using RecEngine.Training;

namespace RecEngine.Lifecycle;

/// <summary>
/// First <c>serve</c>: after the demo world is written, train the first model version so recommendations are
/// personal from the start; it is registered as the serving version. A world too small to train on is reported, not fatal: the server still starts.
/// </summary>
internal sealed partial class FirstModelStep(ModelTraining training, ModelRegistry registry, ILogger<FirstModelStep> logger) : IFirstRunStep
{
    public int Order => 10;

    public Task RunAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        try
        {
            if (training.Train(windowDays: 14, rankerDays: 4, epochs: 3, Console.Out, cancellationToken) is { } version)
            {
                // Nothing serves yet, so there is no baseline to validate against: the first model serves.
                registry.Register(version, "first_run");
                registry.MarkServing(Path.GetFileName(version), "first run: the first model serves");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotTrained(ex.Message);
        }
    }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No first model was trained ({Reason}); run 'train' once there is enough data")]
    private partial void LogNotTrained(string reason);
}
