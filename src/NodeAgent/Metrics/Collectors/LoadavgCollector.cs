using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's loadavg collector (collector/loadavg_linux.go): <c>node_load1</c>, <c>node_load5</c>,
/// <c>node_load15</c> from <c>/proc/loadavg</c>.</summary>
internal sealed class LoadavgCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("loadavg", true, (context, _) => new LoadavgCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("loadavg");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!LoadAvg.TryParse(content, out var load))
        {
            throw new InvalidDataException($"{path}: unexpected content \"{Encoding.UTF8.GetString(content).Trim()}\"");
        }

        writer.Family("node_load1", MetricType.Gauge, "1m load average.");
        writer.Sample(load.Load1);
        writer.Family("node_load15", MetricType.Gauge, "15m load average.");
        writer.Sample(load.Load15);
        writer.Family("node_load5", MetricType.Gauge, "5m load average.");
        writer.Sample(load.Load5);
        return CollectResult.Success;
    }
}
