using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Shipping;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Tailing;
using NodeAgent.Tailing.Journald;
using NodeAgent.Telemetry;

namespace NodeAgent.Hosting;

/// <summary>Composes the log pipeline from its features' own options: budget, output, checkpoints, metadata, the
/// reading loop and its metrics. The one place that knows them all.</summary>
internal static class LogPipeline
{
    public static void Register(IServiceCollection services, AgentOptions options)
    {
        if (!options.Logs.Enabled)
        {
            return;
        }

        var logs = options.Logs;
        services.AddSingleton(new BufferBudget(logs.MaxBufferedBytes));
        services.AddSingleton<TailStatistics>();
        services.AddSingleton(sp => new CheckpointStore(logs.StatePath, sp.GetRequiredService<TimeProvider>(), logs.CheckpointExpiry, sp.GetRequiredService<ILogger<CheckpointStore>>()));
        services.AddSingleton<Checkpointer>();
        if (options.Kubernetes.Enabled)
        {
            services.AddSingleton<PodCache>();
            services.AddSingleton<KubernetesStatistics>();
            services.AddSingleton<IAgentMetrics>(sp => sp.GetRequiredService<KubernetesStatistics>());
            services.AddHostedService(sp => new KubernetesWatcher(
                options.NodeName, options.Kubernetes, () => KubernetesApi.Create(options.Kubernetes), sp.GetRequiredService<PodCache>(), sp.GetRequiredService<KubernetesStatistics>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KubernetesWatcher>>()));
        }

        if (options.Output == OutputKind.Elasticsearch)
        {
            services.AddSingleton(sp => new ElasticsearchClient(options.Elasticsearch, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<ElasticsearchStatistics>();
            services.AddSingleton<IAgentMetrics>(sp => sp.GetRequiredService<ElasticsearchStatistics>());
            services.AddSingleton(sp => new ElasticsearchOutput(
                options.Elasticsearch, new DeadLetterFile(logs.StatePath, sp.GetRequiredService<TimeProvider>()), sp.GetRequiredService<ElasticsearchClient>(),
                sp.GetRequiredService<ElasticsearchStatistics>(), sp.GetRequiredService<BufferBudget>(), sp.GetRequiredService<InternalErrors>(),
                sp.GetRequiredService<AgentHealth>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ElasticsearchOutput>>()));
            services.AddSingleton<ILogOutput>(sp => sp.GetRequiredService<ElasticsearchOutput>());
            // Registered before the reading loop, so it is stopped after it: the loop's last batches are flushed
            // into a running output.
            services.AddHostedService(sp => sp.GetRequiredService<ElasticsearchOutput>());
        }
        else
        {
            services.AddSingleton<ILogOutput>(_ => new ConsoleOutput(Console.OpenStandardOutput()));
        }

        // The documents name the target the Elasticsearch output writes to, from its own options.
        var documents = new DocumentDefaults(options.NodeName, options.Elasticsearch.Target);
        services.AddSingleton(sp => new PodEnricher(options.Kubernetes, logs.ParseJson, sp.GetService<PodCache>()));
        services.AddSingleton(sp => new FileServer(
            logs, documents, sp.GetRequiredService<ILogOutput>(), sp.GetRequiredService<BufferBudget>(), sp.GetRequiredService<Checkpointer>(),
            sp.GetRequiredService<TailStatistics>(), sp.GetRequiredService<PodEnricher>(), sp.GetRequiredService<AgentHealth>(),
            sp.GetRequiredService<InternalErrors>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FileServer>>()));
        services.AddHostedService(sp => sp.GetRequiredService<FileServer>());
        services.AddSingleton<IAgentMetrics, TailMetrics>();
        if (options.Journal.Enabled)
        {
            // Its own loop and heartbeat, on the same output and budget; registered after the output, so stopped
            // before it, as the file loop is.
            services.AddSingleton<JournalStatistics>();
            services.AddSingleton(sp => new JournalInput(
                options.Journal, logs, options.NodeName, sp.GetRequiredService<ILogOutput>(), sp.GetRequiredService<BufferBudget>(),
                sp.GetRequiredService<JournalStatistics>(), sp.GetRequiredService<AgentHealth>(), sp.GetRequiredService<InternalErrors>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<JournalInput>>()));
            services.AddHostedService(sp => sp.GetRequiredService<JournalInput>());
            services.AddSingleton<IAgentMetrics>(sp => new JournalMetrics(sp.GetRequiredService<JournalInput>(), sp.GetRequiredService<JournalStatistics>()));
        }
    }
}
