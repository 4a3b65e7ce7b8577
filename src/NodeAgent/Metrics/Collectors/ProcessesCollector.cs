using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's processes collector (collector/processes_linux.go, 1.12; off by default): every
/// <c>/proc/&lt;pid&gt;/stat</c> counted (<c>node_processes_pids</c>, by state, and their threads summed), every thread
/// of <c>/proc/&lt;pid&gt;/task</c> counted by its state (a process's main thread by the process's state, as
/// node_exporter does, without reading it again), and the limits <c>/proc/sys/kernel/threads-max</c> and
/// <c>pid_max</c>. A process or thread that exits while it is read is skipped; a stat file that cannot be parsed, or a
/// missing limit, fails the collector.
/// </summary>
internal sealed class ProcessesCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("processes", false, (context, _) => new ProcessesCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var proc = context.Paths.Proc;
        var states = new SortedDictionary<string, int>(SampleOrder.Values);
        var threadStates = new SortedDictionary<string, int>(SampleOrder.Values);
        var pids = 0;
        var threads = 0L;
        foreach (var pid in KernelFile.Entries(proc))
        {
            if (!IsNumber(pid))
            {
                continue;
            }

            cancellation.ThrowIfCancellationRequested();
            var directory = Path.Join(proc, pid);
            if (Read(Path.Join(directory, "stat")) is not { } stat)
            {
                continue; // exited since the listing
            }

            var state = Count(states, stat, out var processThreads);
            pids++;
            threads += processThreads;

            var tasks = Path.Join(directory, "task");
            foreach (var tid in KernelFile.Entries(tasks))
            {
                if (!IsNumber(tid))
                {
                    continue;
                }

                if (tid == pid)
                {
                    Increment(threadStates, state);
                }
                else if (Read(Path.Join(tasks, tid, "stat")) is { } threadStat)
                {
                    Count(threadStates, threadStat, out _);
                }
            }
        }

        var maxThreads = Limit("sys/kernel/threads-max");
        var pidMax = Limit("sys/kernel/pid_max");
        writer.Family("node_processes_max_processes", MetricType.Gauge, "Number of max PIDs limit");
        writer.Sample(pidMax);
        writer.Family("node_processes_max_threads", MetricType.Gauge, "Limit of threads in the system");
        writer.Sample(maxThreads);
        writer.Family("node_processes_pids", MetricType.Gauge, "Number of PIDs");
        writer.Sample(pids);
        writer.Family("node_processes_state", MetricType.Gauge, "Number of processes in each state.");
        foreach (var (state, count) in states)
        {
            writer.Sample(count, "state", state);
        }

        writer.Family("node_processes_threads", MetricType.Gauge, "Allocated threads in system");
        writer.Sample(threads);
        writer.Family("node_processes_threads_state", MetricType.Gauge, "Number of threads in each state.");
        foreach (var (state, count) in threadStates)
        {
            writer.Sample(count, "thread_state", state);
        }

        return CollectResult.Success;
    }

    private static (string Path, byte[] Content)? Read(string path) => KernelFile.ReadAll(path) is { } content ? (path, content) : null;

    /// <summary>Counts the stat file's state in <paramref name="counts"/> and returns the state.</summary>
    private static string Count(SortedDictionary<string, int> counts, (string Path, byte[] Content) stat, out long threads)
    {
        if (!TaskState.TryParse(stat.Content, out var task))
        {
            throw new InvalidDataException($"{stat.Path}: not a stat line");
        }

        Increment(counts, task.State);
        threads = task.Threads;
        return task.State;
    }

    private static void Increment(SortedDictionary<string, int> counts, string state) =>
        counts[state] = counts.GetValueOrDefault(state) + 1;

    private ulong Limit(string relative)
    {
        var path = context.Paths.ProcFile(relative);
        var content = KernelFile.ReadAll(path) ?? throw new InvalidDataException($"{path}: missing or unreadable");
        return AsciiFields.TryParseUInt64(content.AsSpan().Trim(" \t\n\r"u8), out var value)
            ? value
            : throw new InvalidDataException($"{path}: not an unsigned integer");
    }

    // procfs's AllProcs takes the entries whose names are numbers.
    private static bool IsNumber(string name) => name.Length > 0 && !name.AsSpan().ContainsAnyExceptInRange('0', '9');
}
