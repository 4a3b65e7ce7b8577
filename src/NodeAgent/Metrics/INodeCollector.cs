using Microsoft.Extensions.Logging;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics;

internal enum CollectResult
{
    /// <summary>The collector wrote what it found.</summary>
    Success,

    /// <summary>The kernel feature or hardware is absent (node_exporter's ErrNoData): success 0, logged at debug.</summary>
    NoData,
}

/// <summary>
/// One node_exporter collector, named as node_exporter names it. It reads its own kernel files through
/// <see cref="CollectorContext.Paths"/> at scrape time and writes its families; it throws on a real error.
/// Collectors run concurrently, each with its own writer; an instance is never run twice at once.
/// </summary>
internal interface INodeCollector
{
    string Name { get; }

    CollectResult Collect(MetricWriter writer, CancellationToken cancellation);
}

/// <summary>What every collector is built with.</summary>
internal sealed record CollectorContext(NodePaths Paths, TimeProvider Time, ILoggerFactory Logging)
{
    public ILogger Logger<T>() => Logging.CreateLogger<T>();
}
