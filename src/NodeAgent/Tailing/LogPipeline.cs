using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodeAgent.Hosting;
using NodeAgent.Kubernetes;
using NodeAgent.Metrics;
using NodeAgent.Shipping;
using NodeAgent.Shipping.Elasticsearch;

namespace NodeAgent.Tailing;

/// <summary>Composes the log pipeline: budget, output, checkpoints, the reading loop and its metrics.</summary>
internal static class LogPipeline
{
    public static void Register(IServiceCollection services, AgentOptions options)
    {
        if (!options.Logs.Enabled)
        {
            return;
        }

        services.AddSingleton(new BufferBudget(options.Logs.MaxBufferedBytes));
        services.AddSingleton<Acknowledgements>();
        services.AddSingleton<TailStatistics>();
        services.AddSingleton(sp => new CheckpointStore(options.Logs.StatePath, sp.GetRequiredService<TimeProvider>(), options.Logs.CheckpointExpiry, sp.GetRequiredService<ILogger<CheckpointStore>>()));
        services.AddSingleton<Checkpointer>();
        if (options.Kubernetes.Enabled)
        {
            services.AddSingleton<PodCache>();
            services.AddSingleton<KubernetesStatistics>();
            services.AddSingleton<IAgentMetrics>(sp => sp.GetRequiredService<KubernetesStatistics>());
            services.AddHostedService(sp => new KubernetesWatcher(
                options, () => KubernetesApi.Create(options.Kubernetes), sp.GetRequiredService<PodCache>(), sp.GetRequiredService<KubernetesStatistics>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KubernetesWatcher>>()));
        }

        if (options.Output == OutputKind.Elasticsearch)
        {
            services.AddSingleton(sp => new ElasticsearchClient(options.Elasticsearch, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<ElasticsearchStatistics>();
            services.AddSingleton<IAgentMetrics>(sp => sp.GetRequiredService<ElasticsearchStatistics>());
            services.AddSingleton<ElasticsearchOutput>();
            services.AddSingleton<ILogOutput>(sp => sp.GetRequiredService<ElasticsearchOutput>());
            // Registered before the reading loop, so it is stopped after it: the loop's last batches are flushed
            // into a running output.
            services.AddHostedService(sp => sp.GetRequiredService<ElasticsearchOutput>());
        }
        else
        {
            services.AddSingleton<ILogOutput>(sp => new ConsoleOutput(Console.OpenStandardOutput(), sp.GetRequiredService<Acknowledgements>()));
        }

        services.AddSingleton(sp => new PodEnricher(options, sp.GetService<PodCache>(), sp.GetRequiredService<TailStatistics>()));
        services.AddSingleton<FileServer>();
        services.AddHostedService(sp => sp.GetRequiredService<FileServer>());
        services.AddSingleton<IAgentMetrics, TailMetrics>();
    }
}
