using System.Globalization;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's softnet collector (collector/softnet_linux.go, 1.7+): the per-CPU rows of /proc/net/softnet_stat,
/// labelled by the CPU index the kernel prints (5.10+) or the row number before that.
/// </summary>
internal sealed class SoftnetCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("softnet", true, (context, _) => new SoftnetCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("net/softnet_stat");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!SoftnetStat.TryParse(content, out var parsed, out var bad))
        {
            throw new InvalidDataException($"{path}: malformed row \"{bad}\"");
        }

        var rows = parsed.Select(r => (Cpu: r.Index.ToString(CultureInfo.InvariantCulture), Row: r)).OrderBy(r => r.Cpu, SampleOrder.Values).ToList();
        Family(writer, rows, "node_softnet_backlog_len", MetricType.Gauge, "Softnet backlog status", r => r.BacklogLength);
        Family(writer, rows, "node_softnet_cpu_collision_total", MetricType.Counter, "Number of collision occur while obtaining device lock while transmitting", r => r.CpuCollision);
        Family(writer, rows, "node_softnet_dropped_total", MetricType.Counter, "Number of dropped packets", r => r.Dropped);
        Family(writer, rows, "node_softnet_flow_limit_count_total", MetricType.Counter, "Number of times flow limit has been reached", r => r.FlowLimitCount);
        Family(writer, rows, "node_softnet_processed_total", MetricType.Counter, "Number of processed packets", r => r.Processed);
        Family(writer, rows, "node_softnet_received_rps_total", MetricType.Counter, "Number of times cpu woken up received_rps", r => r.ReceivedRps);
        Family(writer, rows, "node_softnet_times_squeezed_total", MetricType.Counter, "Number of times processing packets ran out of quota", r => r.TimeSqueezed);
        return CollectResult.Success;
    }

    private static void Family(MetricWriter writer, List<(string Cpu, SoftnetStatRow Row)> rows, string name, MetricType type, string help, Func<SoftnetStatRow, uint> value)
    {
        writer.Family(name, type, help);
        foreach (var (cpu, row) in rows)
        {
            writer.Sample(value(row), "cpu", cpu);
        }
    }
}
