using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodeAgent.Hosting;
using NodeAgent.Metrics;
using NodeAgent.Shipping;

namespace NodeAgent.Tailing;

/// <summary>Composes the log pipeline: budget, output, checkpoints, the reading loop and its metrics.</summary>
internal static class LogPipeline
{
    public static void Register(IServiceCollection services, AgentOptions options)
    {
        // The Elasticsearch output is issue 5: until it lands, a configuration that asks for it runs the metrics half
        // only, and says so at start (AgentHost), rather than writing documents somewhere the user did not ask for.
        if (!options.Logs.Enabled || options.Output != OutputKind.Console)
        {
            return;
        }

        services.AddSingleton(new BufferBudget(options.Logs.MaxBufferedBytes));
        services.AddSingleton<Acknowledgements>();
        services.AddSingleton<TailStatistics>();
        services.AddSingleton(sp => new CheckpointStore(options.Logs.StatePath, sp.GetRequiredService<TimeProvider>(), options.Logs.CheckpointExpiry, sp.GetRequiredService<ILogger<CheckpointStore>>()));
        services.AddSingleton<Checkpointer>();
        services.AddSingleton<ILogOutput>(sp => new ConsoleOutput(Console.OpenStandardOutput(), sp.GetRequiredService<Acknowledgements>()));
        services.AddSingleton<FileServer>();
        services.AddHostedService(sp => sp.GetRequiredService<FileServer>());
        services.AddSingleton<IAgentMetrics, TailMetrics>();
    }
}
