using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class SchedstatCollectorTests
{
    [Fact]
    public void Running_and_waiting_are_seconds_and_timeslices_a_count()
    {
        var (result, text) = CollectorHarness.Collect(new SchedstatCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_schedstat_running_seconds_total Number of seconds CPU spent running a process.
            # TYPE node_schedstat_running_seconds_total counter
            node_schedstat_running_seconds_total{cpu="0"} 336.457207541
            node_schedstat_running_seconds_total{cpu="1"} 412.300128
            # HELP node_schedstat_timeslices_total Number of timeslices executed by CPU.
            # TYPE node_schedstat_timeslices_total counter
            node_schedstat_timeslices_total{cpu="0"} 1.234567e+06
            node_schedstat_timeslices_total{cpu="1"} 2.345678e+06
            # HELP node_schedstat_waiting_seconds_total Number of seconds spent by processing waiting for this CPU.
            # TYPE node_schedstat_waiting_seconds_total counter
            node_schedstat_waiting_seconds_total{cpu="0"} 9.87654321
            node_schedstat_waiting_seconds_total{cpu="1"} 12.000000001

            """,
            text);
    }

    [Fact]
    public void No_schedstat_file_is_no_data()
    {
        // Kernels without CONFIG_SCHEDSTATS, like the one the fixtures were captured on.
        using var empty = new TempDirectory();
        var paths = new NodePaths(Path.Join(empty.Path, "proc"), Path.Join(empty.Path, "sys"), empty.Path);
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new SchedstatCollector(CollectorHarness.Context(paths))).Result);
    }

    [Fact]
    public void Unrecognised_lines_are_skipped_without_error()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/schedstat", "version 15\ngarbage here\ncpu7 1 2 3 4 5 6 2000000000 3 4\n");
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new SchedstatCollector(CollectorHarness.Context(paths))).Text);

        Assert.Equal(
            ["node_schedstat_running_seconds_total{cpu=\"7\"} 2", "node_schedstat_timeslices_total{cpu=\"7\"} 4", "node_schedstat_waiting_seconds_total{cpu=\"7\"} 3e-09"],
            samples);
    }
}
