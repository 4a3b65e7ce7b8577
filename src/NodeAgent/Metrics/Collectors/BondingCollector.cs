using System.Text;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's bonding collector (collector/bonding_linux.go, 1.12): for each master in
/// <c>/sys/class/net/bonding_masters</c>, the slaves listed in <c>&lt;master&gt;/bonding/slaves</c> and how many of
/// them report <c>up</c> in <c>&lt;master&gt;/lower_&lt;slave&gt;/bonding_slave/mii_status</c> (older kernels name
/// the link <c>slave_&lt;slave&gt;</c>). As in node_exporter, any of these files missing means no data: the bonding
/// driver is not loaded, or a bond changed while it was read.
/// </summary>
internal sealed class BondingCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("bonding", true, (context, _) => new BondingCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var root = context.Paths.SysFile("class/net");
        if (KernelFile.ReadAll(Path.Join(root, "bonding_masters")) is not { } masters)
        {
            return CollectResult.NoData;
        }

        var status = new SortedDictionary<string, (int Slaves, int Active)>(SampleOrder.Values);
        foreach (var master in Words(masters))
        {
            if (KernelFile.ReadAll(Path.Join(root, master, "bonding", "slaves")) is not { } slaves)
            {
                return CollectResult.NoData;
            }

            var (count, active) = (0, 0);
            foreach (var slave in Words(slaves))
            {
                var mii = KernelFile.ReadAll(Path.Join(root, master, $"lower_{slave}", "bonding_slave", "mii_status"))
                    ?? KernelFile.ReadAll(Path.Join(root, master, $"slave_{slave}", "bonding_slave", "mii_status"));
                if (mii is null)
                {
                    return CollectResult.NoData;
                }

                count++;
                if (mii.AsSpan().Trim(" \t\n"u8).SequenceEqual("up"u8))
                {
                    active++;
                }
            }

            status[master] = (count, active);
        }

        writer.Family("node_bonding_active", MetricType.Gauge, "Number of active slaves per bonding interface.");
        foreach (var (master, (_, active)) in status)
        {
            writer.Sample(active, "master", master);
        }

        writer.Family("node_bonding_slaves", MetricType.Gauge, "Number of configured slaves per bonding interface.");
        foreach (var (master, (slaves, _)) in status)
        {
            writer.Sample(slaves, "master", master);
        }

        return CollectResult.Success;
    }

    private static List<string> Words(byte[] content)
    {
        var words = new List<string>();
        foreach (var word in Encoding.UTF8.GetString(content).Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            words.Add(word);
        }

        return words;
    }
}
