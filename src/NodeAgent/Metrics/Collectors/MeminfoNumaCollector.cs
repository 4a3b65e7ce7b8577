using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's meminfo_numa collector (collector/meminfo_numa_linux.go, 1.12; off by default): for each NUMA node
/// <c>&lt;sys&gt;/devices/system/node/node&lt;N&gt;</c>, every line of its <c>meminfo</c> as the gauge
/// <c>node_memory_numa_&lt;Field&gt;{node}</c> (kB in bytes, but, unlike meminfo, no <c>_bytes</c> suffix) and every
/// line of its <c>numastat</c> as the counter <c>node_memory_numa_&lt;name&gt;_total{node}</c>. A node directory without
/// either file fails the scrape, as in node_exporter; a kernel without NUMA (no node directory) reports nothing.
/// </summary>
internal sealed class MeminfoNumaCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("meminfo_numa", false, (context, _) => new MeminfoNumaCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var root = context.Paths.SysFile("devices/system/node");
        var families = new SortedFamilies();
        foreach (var entry in KernelFile.Entries(root))
        {
            // node_exporter's glob node[0-9]*, and the node number the digits after "node".
            if (entry.Length <= 4 || !entry.StartsWith("node", StringComparison.Ordinal) || !char.IsAsciiDigit(entry[4]))
            {
                continue;
            }

            var node = new string([.. entry.Skip(4).TakeWhile(char.IsAsciiDigit)]);
            var dir = Path.Join(root, entry);
            foreach (var (nodeField, field, value) in Parse(dir, "meminfo", NumaNodeFiles.Meminfo))
            {
                families.Add($"node_memory_numa_{field}", MetricType.Gauge, $"Memory information field {field}.", value, "node", nodeField);
            }

            foreach (var (name, value) in Parse(dir, "numastat", NumaNodeFiles.Numastat))
            {
                families.Add($"node_memory_numa_{name}_total", MetricType.Counter, $"Memory information field {name}_total.", value, "node", node);
            }
        }

        families.WriteTo(writer);
        return CollectResult.Success;
    }

    private static T Parse<T>(string dir, string file, ParseFile<T> parse)
    {
        var path = Path.Join(dir, file);
        var content = KernelFile.ReadAll(path) ?? throw new InvalidDataException($"{path}: missing or unreadable");
        try
        {
            return parse(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private delegate T ParseFile<T>(ReadOnlySpan<byte> content);
}
