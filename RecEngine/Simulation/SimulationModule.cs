namespace RecEngine.Simulation;

public static class SimulationModule
{
    public static IHostApplicationBuilder AddSimulation(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
