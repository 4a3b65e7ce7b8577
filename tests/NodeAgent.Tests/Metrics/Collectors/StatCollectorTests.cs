using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class StatCollectorTests
{
    [Fact]
    public void System_lines_of_proc_stat_are_exported()
    {
        var (result, text) = CollectorHarness.Collect(new StatCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_boot_time_seconds Node boot time, in unixtime.
            # TYPE node_boot_time_seconds gauge
            node_boot_time_seconds 1.795834216e+09
            # HELP node_context_switches_total Total number of context switches.
            # TYPE node_context_switches_total counter
            node_context_switches_total 1.55802e+06
            # HELP node_forks_total Total number of forks.
            # TYPE node_forks_total counter
            node_forks_total 16720
            # HELP node_intr_total Total number of interrupts serviced.
            # TYPE node_intr_total counter
            node_intr_total 626748
            # HELP node_procs_blocked Number of processes blocked waiting for I/O to complete.
            # TYPE node_procs_blocked gauge
            node_procs_blocked 0
            # HELP node_procs_running Number of processes in runnable state.
            # TYPE node_procs_running gauge
            node_procs_running 1

            """,
            text);
    }

    [Fact]
    public void Softirq_vectors_only_with_the_flag()
    {
        Assert.DoesNotContain("node_softirqs_total", CollectorHarness.Collect(new StatCollector(CollectorHarness.Context())).Text, StringComparison.Ordinal);

        var text = CollectorHarness.Collect(new StatCollector(CollectorHarness.Context(), new StatOptions(Softirq: true))).Text;

        Assert.Contains("# TYPE node_softirqs_total counter", text, StringComparison.Ordinal);
        Assert.Equal(
            ["block", "block_iopoll", "hi", "hrtimer", "net_rx", "net_tx", "rcu", "sched", "tasklet", "timer"],
            CollectorHarness.Samples(text).Where(l => l.StartsWith("node_softirqs_total", StringComparison.Ordinal)).Select(l => l.Split('"')[1]));
        Assert.Contains("node_softirqs_total{vector=\"net_rx\"} 8443", CollectorHarness.Samples(text));
    }

    [Fact]
    public void No_stat_file_is_no_data()
    {
        using var empty = new TempDirectory();
        var paths = new NodePaths(Path.Join(empty.Path, "proc"), Path.Join(empty.Path, "sys"), empty.Path);
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new StatCollector(CollectorHarness.Context(paths))).Result);
    }

    [Fact]
    public void A_malformed_line_is_an_error_naming_the_file()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/stat", "ctxt lots\n");
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new StatCollector(CollectorHarness.Context(paths))));
        Assert.Contains("proc/stat", error.Message, StringComparison.Ordinal);
    }
}
