using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's schedstat collector (collector/schedstat_linux.go): from each <c>cpuN</c> line of /proc/schedstat
/// (present with CONFIG_SCHEDSTATS) <c>node_schedstat_running_seconds_total</c>,
/// <c>node_schedstat_waiting_seconds_total</c> (nanoseconds / 1e9) and <c>node_schedstat_timeslices_total</c>, by cpu.
/// </summary>
internal sealed class SchedstatCollector(CollectorContext context) : INodeCollector
{
    private const double NanosecondsPerSecond = 1e9;

    public static CollectorDescriptor Descriptor { get; } = new("schedstat", true, (context, _) => new SchedstatCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        if (KernelFile.ReadAll(context.Paths.ProcFile("schedstat")) is not { } content)
        {
            return CollectResult.NoData;
        }

        var cpus = SchedStat.Parse(content).OrderBy(c => c.Cpu, SampleOrder.Values).ToList();
        writer.Family("node_schedstat_running_seconds_total", MetricType.Counter, "Number of seconds CPU spent running a process.");
        foreach (var cpu in cpus)
        {
            writer.Sample(cpu.RunningNanoseconds / NanosecondsPerSecond, "cpu", cpu.Cpu);
        }

        writer.Family("node_schedstat_timeslices_total", MetricType.Counter, "Number of timeslices executed by CPU.");
        foreach (var cpu in cpus)
        {
            writer.Sample(cpu.Timeslices, "cpu", cpu.Cpu);
        }

        writer.Family("node_schedstat_waiting_seconds_total", MetricType.Counter, "Number of seconds spent by processing waiting for this CPU.");
        foreach (var cpu in cpus)
        {
            writer.Sample(cpu.WaitingNanoseconds / NanosecondsPerSecond, "cpu", cpu.Cpu);
        }

        return CollectResult.Success;
    }
}
