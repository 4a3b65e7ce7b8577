using System.Collections.Concurrent;
using NodeAgent.Telemetry;

namespace NodeAgent.Kubernetes;

/// <summary>The metadata watch's own families on /metrics: is it current, how often it relists or fails.</summary>
internal sealed class KubernetesStatistics(PodCache cache) : IAgentMetrics
{
    private readonly ConcurrentDictionary<(string Resource, string Type), long> _events = new();
    private readonly LabeledCounter _relists = new();
    private readonly LabeledCounter _errors = new();
    private readonly LabeledCounter _watches = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastList = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastContact = new(StringComparer.Ordinal);

    public void Event(string resource, string type) => _events.AddOrUpdate((resource, type), 1, (_, n) => n + 1);

    public void Relist(string resource) => _relists.Add(resource);

    private long _metadataPairsDropped;

    /// <summary>Labels or annotations a pod's documents go without (Kubernetes:MaxMetadataBytes), per pod update.</summary>
    public void MetadataPairsDropped(int count) => Interlocked.Add(ref _metadataPairsDropped, count);

    public void Error(string resource) => _errors.Add(resource);

    public void WatchStarted(string resource) => _watches.Add(resource);

    public void Listed(string resource, DateTimeOffset at) => _lastList[resource] = at;

    /// <summary>The API server answered for this resource: a list, a watch opened, an event or a bookmark.</summary>
    public void Contact(string resource, DateTimeOffset at) => _lastContact[resource] = at;

    public long Events(string resource, string type) => _events.GetValueOrDefault((resource, type));

    public long Relists(string resource) => _relists[resource];

    public long Errors(string resource) => _errors[resource];

    public void Write(MetricWriter writer)
    {
        writer.Family("nodeagent_kubernetes_synced", MetricType.Gauge, "1 once this node's pods and the namespaces have been listed from the API server.");
        writer.Sample(cache.Synced ? 1 : 0);
        writer.Family("nodeagent_kubernetes_pods", MetricType.Gauge, "Pods of this node in the metadata cache (deleted ones kept 5 minutes included).");
        writer.Sample(cache.PodCount);
        writer.Family("nodeagent_kubernetes_watch_events_total", MetricType.Counter, "Watch events received, by resource and type (ADDED, MODIFIED, DELETED, BOOKMARK).");
        foreach (var ((resource, type), count) in _events.OrderBy(p => p.Key))
        {
            writer.Sample(count, "resource", resource, "type", type);
        }

        writer.Family("nodeagent_kubernetes_watches_total", MetricType.Counter, "Watch requests opened, by resource (a watch ends every few minutes and resumes).");
        _watches.WriteSamples(writer, "resource");

        writer.Family("nodeagent_kubernetes_metadata_pairs_dropped_total", MetricType.Counter, "Labels and annotations left out of a pod's documents because they did not fit Kubernetes:MaxMetadataBytes (counted at each pod update).");
        writer.Sample(Interlocked.Read(ref _metadataPairsDropped));
        writer.Family("nodeagent_kubernetes_relists_total", MetricType.Counter, "Full lists after the watch's resourceVersion expired (410 Gone), by resource.");
        _relists.WriteSamples(writer, "resource");

        writer.Family("nodeagent_kubernetes_errors_total", MetricType.Counter, "Failed list or watch requests, by resource (retried with backoff).");
        _errors.WriteSamples(writer, "resource");

        writer.Family("nodeagent_kubernetes_last_contact_timestamp_seconds", MetricType.Gauge, "When the API server last answered for each resource (a list, a watch opened, an event or a bookmark), as a Unix time: a watch that works is never more than a few minutes old.");
        WriteTimes(writer, _lastContact);

        writer.Family("nodeagent_kubernetes_last_list_timestamp_seconds", MetricType.Gauge, "When each resource was last listed in full, as a Unix time.");
        WriteTimes(writer, _lastList);
    }

    private static void WriteTimes(MetricWriter writer, ConcurrentDictionary<string, DateTimeOffset> times)
    {
        foreach (var (resource, at) in times.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.Sample(at.ToUnixTimeMilliseconds() / 1000.0, "resource", resource);
        }
    }
}
