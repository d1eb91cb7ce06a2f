using RecEngine.Hosting;

namespace RecEngine.Evaluation;

internal static class EvaluationModule
{
    /// <summary>The <c>evaluate</c> verb: model versions scored through the serving pipeline.</summary>
    public static IHostApplicationBuilder AddEvaluation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IVerb, EvaluateVerb>();
        return builder;
    }
}
