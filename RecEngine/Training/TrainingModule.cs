using Microsoft.Extensions.DependencyInjection.Extensions;
using RecEngine.Hosting;
using RecEngine.Training.Evaluation;

namespace RecEngine.Training;

internal static class TrainingModule
{
    public static IHostApplicationBuilder AddTraining(this IHostApplicationBuilder builder)
    {
        // A synthetic world registers its ground truth instead; real data has none.
        builder.Services.TryAddSingleton<IRelevanceOracle, NoRelevanceOracle>();
        builder.Services.AddSingleton<ModelTraining>();
        return builder;
    }
}
