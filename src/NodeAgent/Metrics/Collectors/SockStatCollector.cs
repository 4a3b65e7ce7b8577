using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's sockstat collector (collector/sockstat_linux.go, 1.12): <c>/proc/net/sockstat</c> and
/// <c>/proc/net/sockstat6</c> as <c>node_sockstat_&lt;PROTO&gt;_&lt;key&gt;</c> gauges, plus
/// <c>node_sockstat_sockets_used</c> and <c>_mem_bytes</c> (the <c>mem</c> page count times the page size). Either
/// file may be absent (IPv4 or IPv6 disabled); with neither there is no data.
/// </summary>
internal sealed class SockStatCollector(CollectorContext context) : INodeCollector
{
    // node_exporter multiplies by os.Getpagesize(): the page size of the machine it runs on.
    private static readonly int PageSize = Environment.SystemPageSize;

    public static CollectorDescriptor Descriptor { get; } = new("sockstat", true, (context, _) => new SockStatCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var v4 = Read("net/sockstat");
        var v6 = Read("net/sockstat6");
        if (v4 is null && v6 is null)
        {
            return CollectResult.NoData;
        }

        // Metric name -> (help, value), in client_golang's output order.
        var samples = new SortedDictionary<string, (string Help, double Value)>(StringComparer.Ordinal);
        if (v4?.Used is { } used)
        {
            samples["node_sockstat_sockets_used"] = ("Number of IPv4 sockets in use.", used);
        }

        foreach (var protocol in (v4?.Protocols ?? []).Concat(v6?.Protocols ?? []))
        {
            Add(samples, protocol.Protocol, "inuse", protocol.InUse);
            Add(samples, protocol.Protocol, "orphan", protocol.Orphan);
            Add(samples, protocol.Protocol, "tw", protocol.TimeWait);
            Add(samples, protocol.Protocol, "alloc", protocol.Alloc);
            Add(samples, protocol.Protocol, "mem", protocol.Mem);
            Add(samples, protocol.Protocol, "memory", protocol.Memory);
            Add(samples, protocol.Protocol, "mem_bytes", protocol.Mem * PageSize);
        }

        foreach (var (name, (help, value)) in samples)
        {
            writer.Family(name, MetricType.Gauge, help);
            writer.Sample(value);
        }

        return CollectResult.Success;
    }

    private static void Add(SortedDictionary<string, (string, double)> samples, string protocol, string key, long? value)
    {
        if (value is { } present)
        {
            samples[$"node_sockstat_{protocol}_{key}"] = ($"Number of {protocol} sockets in state {key}.", present);
        }
    }

    private Sockstat? Read(string relative)
    {
        var path = context.Paths.ProcFile(relative);
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return null;
        }

        try
        {
            return Sockstat.Parse(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
