using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class SoftnetCollectorTests
{
    [Fact]
    public void Every_column_is_a_family_by_cpu_index()
    {
        var (result, text) = CollectorHarness.Collect(new SoftnetCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_softnet_backlog_len Softnet backlog status
            # TYPE node_softnet_backlog_len gauge
            node_softnet_backlog_len{cpu="0"} 0
            node_softnet_backlog_len{cpu="1"} 0
            # HELP node_softnet_cpu_collision_total Number of collision occur while obtaining device lock while transmitting
            # TYPE node_softnet_cpu_collision_total counter
            node_softnet_cpu_collision_total{cpu="0"} 0
            node_softnet_cpu_collision_total{cpu="1"} 0
            # HELP node_softnet_dropped_total Number of dropped packets
            # TYPE node_softnet_dropped_total counter
            node_softnet_dropped_total{cpu="0"} 0
            node_softnet_dropped_total{cpu="1"} 0
            # HELP node_softnet_flow_limit_count_total Number of times flow limit has been reached
            # TYPE node_softnet_flow_limit_count_total counter
            node_softnet_flow_limit_count_total{cpu="0"} 0
            node_softnet_flow_limit_count_total{cpu="1"} 0
            # HELP node_softnet_processed_total Number of processed packets
            # TYPE node_softnet_processed_total counter
            node_softnet_processed_total{cpu="0"} 1581
            node_softnet_processed_total{cpu="1"} 7558
            # HELP node_softnet_received_rps_total Number of times cpu woken up received_rps
            # TYPE node_softnet_received_rps_total counter
            node_softnet_received_rps_total{cpu="0"} 0
            node_softnet_received_rps_total{cpu="1"} 0
            # HELP node_softnet_times_squeezed_total Number of times processing packets ran out of quota
            # TYPE node_softnet_times_squeezed_total counter
            node_softnet_times_squeezed_total{cpu="0"} 0
            node_softnet_times_squeezed_total{cpu="1"} 1

            """,
            text);
    }

    [Fact]
    public void The_kernels_cpu_index_labels_rows_even_with_offline_cpus_between()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/softnet_stat",
            "00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n"
            + "00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 0000000a\n");
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new SoftnetCollector(CollectorHarness.Context(paths))).Text);

        Assert.Contains("node_softnet_processed_total{cpu=\"0\"} 1", samples);
        Assert.Contains("node_softnet_processed_total{cpu=\"10\"} 2", samples);
    }

    [Fact]
    public void No_file_is_no_data_and_a_short_row_an_error()
    {
        using var tree = new TempDirectory();
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new SoftnetCollector(CollectorHarness.Context(paths))).Result);

        tree.Write("proc/net/softnet_stat", "00000001 00000002\n");
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new SoftnetCollector(CollectorHarness.Context(paths))));
        Assert.Contains("softnet_stat", error.Message, StringComparison.Ordinal);
    }
}
