using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's stat collector flag <c>--collector.stat.softirq</c> (default off): per-vector
/// <c>node_softirqs_total{vector}</c>.</summary>
internal sealed record StatOptions(bool Softirq)
{
    public static readonly CollectorOption<bool> SoftirqOption = CollectorOptions.Bool(
        "Metrics:StatSoftirq", false, "add `node_softirqs_total{vector}` from /proc/stat");

    public static StatOptions Default { get; } = From(CollectorSettings.Defaults);

    public static StatOptions From(CollectorSettings settings) => new(settings.Get(SoftirqOption));
}

/// <summary>
/// node_exporter's stat collector (collector/stat_linux.go): the system-wide lines of <c>/proc/stat</c> —
/// <c>node_boot_time_seconds</c>, <c>node_context_switches_total</c>, <c>node_forks_total</c>,
/// <c>node_intr_total</c>, <c>node_procs_blocked</c>, <c>node_procs_running</c> and, when enabled,
/// <c>node_softirqs_total{vector}</c>. A key missing from the file is exported as 0, as procfs leaves it.
/// </summary>
internal sealed class StatCollector(CollectorContext context, StatOptions options) : INodeCollector
{
    public StatCollector(CollectorContext context)
        : this(context, StatOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("stat", true, [StatOptions.SoftirqOption], (context, settings) => new StatCollector(context, StatOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        if (ProcStatFile.Read(context.Paths) is not { } stat)
        {
            return CollectResult.NoData;
        }

        writer.Family("node_boot_time_seconds", MetricType.Gauge, "Node boot time, in unixtime.");
        writer.Sample(stat.BootTime);
        writer.Family("node_context_switches_total", MetricType.Counter, "Total number of context switches.");
        writer.Sample(stat.ContextSwitches);
        writer.Family("node_forks_total", MetricType.Counter, "Total number of forks.");
        writer.Sample(stat.ProcessesCreated);
        writer.Family("node_intr_total", MetricType.Counter, "Total number of interrupts serviced.");
        writer.Sample(stat.IrqTotal);
        writer.Family("node_procs_blocked", MetricType.Gauge, "Number of processes blocked waiting for I/O to complete.");
        writer.Sample(stat.ProcessesBlocked);
        writer.Family("node_procs_running", MetricType.Gauge, "Number of processes in runnable state.");
        writer.Sample(stat.ProcessesRunning);
        if (options.Softirq)
        {
            var s = stat.Softirq;
            writer.Family("node_softirqs_total", MetricType.Counter, "Number of softirq calls.");
            writer.Sample(s.Block, "vector", "block");
            writer.Sample(s.BlockIoPoll, "vector", "block_iopoll");
            writer.Sample(s.Hi, "vector", "hi");
            writer.Sample(s.Hrtimer, "vector", "hrtimer");
            writer.Sample(s.NetRx, "vector", "net_rx");
            writer.Sample(s.NetTx, "vector", "net_tx");
            writer.Sample(s.Rcu, "vector", "rcu");
            writer.Sample(s.Sched, "vector", "sched");
            writer.Sample(s.Tasklet, "vector", "tasklet");
            writer.Sample(s.Timer, "vector", "timer");
        }

        return CollectResult.Success;
    }
}
