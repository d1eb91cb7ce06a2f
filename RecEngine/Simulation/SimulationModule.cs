using RecEngine.Hosting;
using RecEngine.Simulation.Online;
using RecEngine.Training.Evaluation;

namespace RecEngine.Simulation;

internal static class SimulationModule
{
    public static IHostApplicationBuilder AddSimulation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SimulationOptions>()
            .BindConfiguration(SimulationOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => Scenario.Names.Contains(o.Scenario.Trim().ToLowerInvariant()), $"RecEngine:Simulation:Scenario must be one of {string.Join(", ", Scenario.Names)}.")
            .Validate(o => o.SwitchDay is null || o.SwitchDay < o.Days, "RecEngine:Simulation:SwitchDay must be less than Days.")
            .ValidateOnStart();
        builder.Services.AddSingleton<WorldWriter>();
        builder.Services.AddSingleton<IVerb, GenerateVerb>();
        builder.Services.AddSingleton<IVerb, SimulateVerb>();
        builder.Services.AddSingleton<IVerb, ColdStartBenchVerb>();
        builder.Services.AddSingleton<IFirstRunStep, DemoWorldFirstRunStep>();
        builder.Services.AddSingleton<IRelevanceOracle, SimulationOracle>();
        return builder;
    }
}
