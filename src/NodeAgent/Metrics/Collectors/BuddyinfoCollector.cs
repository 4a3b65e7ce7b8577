using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's buddyinfo collector (collector/buddyinfo.go, 1.12; off by default): every count of
/// <c>/proc/buddyinfo</c> as <c>node_buddyinfo_blocks{node,zone,size}</c>, <c>size</c> being the order (the block is
/// 2^size pages). No file (a kernel built without it) is "no data"; a malformed one fails the collector.
/// </summary>
internal sealed class BuddyinfoCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("buddyinfo", false, (context, _) => new BuddyinfoCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("buddyinfo");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        List<BuddyInfoZone> zones;
        try
        {
            zones = BuddyInfo.Parse(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        // client_golang's order: by node, then size as a string ("10" before "2"), then zone.
        zones.Sort(static (a, b) => SampleOrder.Compare((a.Node, a.Zone), (b.Node, b.Zone)));
        var orders = zones.Count == 0 ? 0 : zones[0].FreeBlocks.Length;
        var labels = IndexLabels.Texts(orders);

        writer.Family("node_buddyinfo_blocks", MetricType.Gauge, "Count of free blocks according to size.");
        for (var first = 0; first < zones.Count;)
        {
            var end = first + 1;
            while (end < zones.Count && zones[end].Node == zones[first].Node)
            {
                end++;
            }

            foreach (var order in IndexLabels.InLabelOrder(orders))
            {
                for (var i = first; i < end; i++)
                {
                    writer.Sample(zones[i].FreeBlocks[order], "node", zones[i].Node, "size", labels[order], "zone", zones[i].Zone);
                }
            }

            first = end;
        }

        return CollectResult.Success;
    }
}
