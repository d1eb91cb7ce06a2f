using RecEngine.Hosting;

namespace RecEngine.Simulation;

public static class SimulationModule
{
    public static IHostApplicationBuilder AddSimulation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SimulationOptions>()
            .BindConfiguration(SimulationOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => Scenario.Names.Contains(o.Scenario.Trim().ToLowerInvariant()), $"RecEngine:Simulation:Scenario must be one of {string.Join(", ", Scenario.Names)}.")
            .ValidateOnStart();
        builder.Services.AddSingleton<WorldWriter>();
        builder.Services.AddSingleton<IVerb, GenerateVerb>();
        builder.Services.AddSingleton<IFirstRunStep, DemoWorldFirstRunStep>();
        return builder;
    }
}
