using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's softirqs collector (collector/softirqs_linux.go, 1.12; off by default):
/// <c>node_softirqs_functions_total{cpu,type}</c>, each vector's count on each CPU from <c>/proc/softirqs</c> (the
/// stat collector's <c>node_softirqs_total</c> is the per-vector total of /proc/stat). No file is "no data".
/// </summary>
internal sealed class SoftirqsCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("softirqs", false, (context, _) => new SoftirqsCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("softirqs");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        ulong[]?[] counts;
        try
        {
            counts = Softirqs.Parse(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        var cpus = counts.Max(c => c?.Length ?? 0);
        var labels = IndexLabels.Texts(cpus);
        writer.Family("node_softirqs_functions_total", MetricType.Counter, "Softirq counts per CPU.");
        // client_golang's order: by cpu as a string, then type; Softirqs.Vectors is in type order.
        foreach (var cpu in IndexLabels.InLabelOrder(cpus))
        {
            for (var vector = 0; vector < counts.Length; vector++)
            {
                if (counts[vector] is { } perCpu && cpu < perCpu.Length)
                {
                    writer.Sample(perCpu[cpu], "cpu", labels[cpu], "type", Softirqs.Vectors[vector]);
                }
            }
        }

        return CollectResult.Success;
    }
}
