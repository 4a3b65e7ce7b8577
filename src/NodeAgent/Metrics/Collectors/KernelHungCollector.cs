using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's kernel_hung collector (1.11+, enabled by default): <c>node_kernel_hung_tasks_total</c> from
/// /proc/sys/kernel/hung_task_detect_count (Linux 6.13+, CONFIG_DETECT_HUNG_TASK). A missing file is "no data", as
/// in 1.11.1.
/// </summary>
internal sealed class KernelHungCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("kernel_hung", true, (context, _) => new KernelHungCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("sys/kernel/hung_task_detect_count");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!AsciiFields.TryParseUInt64(content.AsSpan().Trim(" \t\n\r"u8), out var count))
        {
            throw new InvalidDataException($"{path}: not an unsigned integer");
        }

        writer.Family("node_kernel_hung_tasks_total", MetricType.Counter, "Total number of tasks that have been detected as hung since the system booted.");
        writer.Sample(count);
        return CollectResult.Success;
    }
}
