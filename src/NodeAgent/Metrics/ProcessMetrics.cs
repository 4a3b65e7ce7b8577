using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics;

/// <summary>
/// The agent's own <c>process_*</c> families, named, typed and described as the Prometheus client libraries'
/// process collector does, so the usual "process" dashboards work on the agent. Read at scrape time.
/// </summary>
internal sealed class ProcessMetrics(string selfProc, string procRoot) : IAgentMetrics
{
    // Boot time does not change while the agent runs: read it once, not on every scrape.
    private readonly Lazy<ulong?> _bootTime = new(() =>
        KernelFile.ReadAll(Path.Join(procRoot, "stat")) is { } procStat && BootTime.TryParse(procStat, out var boot) ? boot : null);

    public void Write(MetricWriter writer)
    {
        if (Read(Path.Join(selfProc, "stat")) is { } statBytes && ProcessStat.TryParse(statBytes, out var stat))
        {
            writer.Family("process_cpu_seconds_total", MetricType.Counter, "Total user and system CPU time spent in seconds.");
            writer.Sample((double)(stat.UserTicks + stat.SystemTicks) / ProcessStat.TicksPerSecond);
            writer.Family("process_virtual_memory_bytes", MetricType.Gauge, "Virtual memory size in bytes.");
            writer.Sample(stat.VirtualBytes);
            writer.Family("process_resident_memory_bytes", MetricType.Gauge, "Resident memory size in bytes.");
            writer.Sample(stat.ResidentPages * (double)Environment.SystemPageSize);
            if (_bootTime.Value is { } boot)
            {
                writer.Family("process_start_time_seconds", MetricType.Gauge, "Start time of the process since unix epoch in seconds.");
                writer.Sample(boot + ((double)stat.StartTicks / ProcessStat.TicksPerSecond));
            }
        }

        if (CountOpenFiles() is { } open)
        {
            writer.Family("process_open_fds", MetricType.Gauge, "Number of open file descriptors.");
            writer.Sample(open);
        }

        if (Read(Path.Join(selfProc, "limits")) is { } limitBytes && ProcessLimits.TryParse(limitBytes, out var limits))
        {
            writer.Family("process_max_fds", MetricType.Gauge, "Maximum number of open file descriptors.");
            writer.Sample(limits.OpenFiles);
            writer.Family("process_virtual_memory_max_bytes", MetricType.Gauge, "Maximum amount of virtual memory available in bytes.");
            writer.Sample(limits.AddressSpaceBytes);
        }
    }

    private int? CountOpenFiles()
    {
        var count = KernelFile.CountEntries(Path.Join(selfProc, "fd"));
        return count > 0 ? count : null;
    }

    private static byte[]? Read(string path) => KernelFile.ReadAll(path);
}
