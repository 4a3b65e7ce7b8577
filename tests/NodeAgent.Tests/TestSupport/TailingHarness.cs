using System.Collections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using NodeAgent.Delivery;
using NodeAgent.Hosting;
using NodeAgent.Kubernetes;
using NodeAgent.Tailing;
using NodeAgent.Telemetry;

namespace NodeAgent.Tests.TestSupport;

/// <summary>The real reading loop over a test directory, wired as LogPipeline wires it, with the test's own output.</summary>
internal static class TailingHarness
{
    /// <summary>An enricher without a Kubernetes source, for metrics of a loop started without one.</summary>
    public static PodEnricher NoEnrichment { get; } = new(KubernetesOptions.Disabled, parseJson: false, cache: null);

    /// <summary>Options as the agent would read them from these command-line arguments.</summary>
    public static AgentOptions Options(params string[] arguments)
    {
        var (layers, errors) = ConfigLayers.Load("/nonexistent", null, new Hashtable(), arguments);
        var report = AgentOptionsReader.Read(layers, errors, "node", "host");
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        return report.Options!;
    }

    public static FileServer Server(AgentOptions options, ILogOutput output, BufferBudget budget, TailStatistics? statistics = null, ILoggerFactory? loggers = null, PodCache? pods = null, PodEnricher? enrichment = null, InternalErrors? errors = null)
    {
        statistics ??= new TailStatistics();
        loggers ??= NullLoggerFactory.Instance;
        var store = new CheckpointStore(options.Logs.StatePath, TimeProvider.System, TimeSpan.FromHours(1), loggers.CreateLogger<CheckpointStore>());
        var checkpointer = new Checkpointer(store, TimeProvider.System, loggers.CreateLogger<Checkpointer>());
        var documents = new DocumentDefaults(options.NodeName, options.Elasticsearch.Target);
        var enricher = enrichment ?? new PodEnricher(options.Kubernetes, options.Logs.ParseJson, pods);
        return new FileServer(options.Logs, documents, output, budget, checkpointer, statistics, enricher, new AgentHealth(TimeProvider.System), errors ?? new InternalErrors(), TimeProvider.System, loggers.CreateLogger<FileServer>());
    }
}
