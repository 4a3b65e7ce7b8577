using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class ProcessesCollectorTests
{
    [Fact]
    public void Processes_and_threads_are_counted_by_state_with_the_kernels_limits()
    {
        var (result, text) = CollectorHarness.Collect(new ProcessesCollector(CollectorHarness.Context()));

        // proc/1 has three tasks (its main thread counted by the process's S, 63 S, 64 R), proc/2 one, proc/11 and
        // proc/300 no task directory; proc/300's command name holds ") ".
        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_processes_max_processes Number of max PIDs limit
            # TYPE node_processes_max_processes gauge
            node_processes_max_processes 32768
            # HELP node_processes_max_threads Limit of threads in the system
            # TYPE node_processes_max_threads gauge
            node_processes_max_threads 192735
            # HELP node_processes_pids Number of PIDs
            # TYPE node_processes_pids gauge
            node_processes_pids 4
            # HELP node_processes_state Number of processes in each state.
            # TYPE node_processes_state gauge
            node_processes_state{state="I"} 1
            node_processes_state{state="S"} 2
            node_processes_state{state="Z"} 1
            # HELP node_processes_threads Allocated threads in system
            # TYPE node_processes_threads gauge
            node_processes_threads 6
            # HELP node_processes_threads_state Number of threads in each state.
            # TYPE node_processes_threads_state gauge
            node_processes_threads_state{thread_state="R"} 1
            node_processes_threads_state{thread_state="S"} 3

            """,
            text);
    }

    [Fact]
    public void A_malformed_stat_or_a_missing_limit_fails()
    {
        using var tree = new TempDirectory();
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);
        tree.Write("proc/42/stat", "42 (sh) S 1 42 42 0 -1 4194560 93 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n");
        tree.Write("proc/sys/kernel/pid_max", "4194304\n");
        var missing = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new ProcessesCollector(CollectorHarness.Context(paths))));
        Assert.Contains("threads-max", missing.Message, StringComparison.Ordinal);

        tree.Write("proc/sys/kernel/threads-max", "63704\n");
        Assert.Contains("node_processes_pids 1", CollectorHarness.Samples(CollectorHarness.Collect(new ProcessesCollector(CollectorHarness.Context(paths))).Text));

        tree.Write("proc/43/stat", "43 (sh) S 1 43\n");
        var malformed = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new ProcessesCollector(CollectorHarness.Context(paths))));
        Assert.Contains("43", malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_exporter_keeps_it_off_by_default() => Assert.False(ProcessesCollector.Descriptor.EnabledByDefault);
}
