using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NodeAgent.Kubernetes;

/// <summary>
/// Keeps <see cref="PodCache"/> current: one list+watch of this node's pods (<c>spec.nodeName=&lt;Node:Name&gt;</c>,
/// so a 5,000-node cluster sends each agent only its own pods' events) and one of the namespaces (few, and their
/// labels decide opt-outs). It runs beside the log pipeline and never blocks it.
/// </summary>
internal sealed partial class KubernetesWatcher(
    string nodeName,
    KubernetesOptions options,
    Func<KubernetesApi> connect,
    PodCache cache,
    KubernetesStatistics statistics,
    TimeProvider time,
    ILogger<KubernetesWatcher> logger) : BackgroundService
{
    private KubernetesApi? _api;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        // The client is set up here, not at start: a service-account token not mounted yet, or any other failure,
        // leaves the logs flowing (without metadata) and is retried, never a crash of the agent.
        for (var attempt = 0; _api is null; attempt++)
        {
            try
            {
                _api = connect();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.CannotConnect(logger, e.Message);
                await Task.Delay(Remote.Backoff.Delay(attempt + 5), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }

        using var api = _api;
        Log.Starting(logger, api.BaseUri, nodeName);
        var pods = new ResourceWatch<PodObject>(api, PodTarget(), statistics, time, logger);
        var namespaces = new ResourceWatch<NamespaceObject>(api, NamespaceTarget(), statistics, time, logger);
        await Task.WhenAll(pods.RunAsync(stoppingToken), namespaces.RunAsync(stoppingToken));
    }

    private WatchTarget<PodObject> PodTarget() => new(
        "pods",
        "api/v1/pods",
        "spec.nodeName=" + nodeName,
        KubernetesJsonContext.Default.PodObject,
        KubernetesJsonContext.Default.ObjectListPodObject,
        items => cache.ReplacePods(items.Select(Metadata)),
        (type, pod) =>
        {
            if (type == "DELETED")
            {
                cache.DeletePod(Metadata(pod));
            }
            else
            {
                cache.UpsertPod(Metadata(pod));
            }
        });

    private PodMetadata Metadata(PodObject pod)
    {
        var metadata = PodMetadata.From(pod, options.Metadata);
        statistics.MetadataPairsDropped(metadata.DroppedPairs);
        return metadata;
    }

    private WatchTarget<NamespaceObject> NamespaceTarget() => new(
        "namespaces",
        "api/v1/namespaces",
        null,
        KubernetesJsonContext.Default.NamespaceObject,
        KubernetesJsonContext.Default.ObjectListNamespaceObject,
        items => cache.ReplaceNamespaces(items.Select(NamespaceMetadata.From)),
        (type, ns) =>
        {
            if (type == "DELETED")
            {
                cache.DeleteNamespace(ns.Metadata?.Name ?? "");
            }
            else
            {
                cache.UpsertNamespace(NamespaceMetadata.From(ns));
            }
        });

    private static partial class Log
    {
        [LoggerMessage(1007, LogLevel.Error, "Kubernetes: cannot set up the API client ({Reason}); documents ship without pod metadata until it can", EventName = "KubernetesClientFailed")]
        public static partial void CannotConnect(ILogger logger, string reason);

        [LoggerMessage(1000, LogLevel.Information, "Kubernetes: watching the pods of node {Node} and the namespaces at {Server}", EventName = "KubernetesWatchStarting")]
        public static partial void Starting(ILogger logger, Uri server, string node);
    }
}
