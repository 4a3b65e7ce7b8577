using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's udp_queues collector (collector/udp_queues_linux.go, 1.12): the tx and rx queue bytes of all
/// sockets in <c>/proc/net/udp</c> and <c>/proc/net/udp6</c>, summed per IP version. Either file may be absent.
/// </summary>
internal sealed class UdpQueuesCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("udp_queues", true, (context, _) => new UdpQueuesCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var v4 = Read("net/udp");
        var v6 = Read("net/udp6");
        if (v4 is null && v6 is null)
        {
            return CollectResult.NoData;
        }

        writer.Family("node_udp_queues", MetricType.Gauge, "Number of allocated memory in the kernel for UDP datagrams in bytes.");
        if (v4 is { } ipv4)
        {
            writer.Sample(ipv4.RxQueueBytes, "ip", "v4", "queue", "rx");
            writer.Sample(ipv4.TxQueueBytes, "ip", "v4", "queue", "tx");
        }

        if (v6 is { } ipv6)
        {
            writer.Sample(ipv6.RxQueueBytes, "ip", "v6", "queue", "rx");
            writer.Sample(ipv6.TxQueueBytes, "ip", "v6", "queue", "tx");
        }

        return CollectResult.Success;
    }

    private IpSocketSummary? Read(string relative)
    {
        var path = context.Paths.ProcFile(relative);
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return null;
        }

        try
        {
            return IpSocketSummary.Parse(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
