using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class MeminfoNumaCollectorTests
{
    [Fact]
    public void Each_node_reports_its_meminfo_as_gauges_and_its_numastat_as_counters()
    {
        var (result, text) = CollectorHarness.Collect(new MeminfoNumaCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.StartsWith(
            """
            # HELP node_memory_numa_Active_anon Memory information field Active_anon.
            # TYPE node_memory_numa_Active_anon gauge
            node_memory_numa_Active_anon{node="0"} 1.049088e+09
            node_memory_numa_Active_anon{node="1"} 1.049089024e+09
            # HELP node_memory_numa_FilePages Memory information field FilePages.
            # TYPE node_memory_numa_FilePages gauge
            node_memory_numa_FilePages{node="0"} 3.43597056e+09
            node_memory_numa_FilePages{node="1"} 3.43597056e+09
            # HELP node_memory_numa_HugePages_Free Memory information field HugePages_Free.
            # TYPE node_memory_numa_HugePages_Free gauge
            node_memory_numa_HugePages_Free{node="0"} 0
            node_memory_numa_HugePages_Free{node="1"} 0
            # HELP node_memory_numa_HugePages_Total Memory information field HugePages_Total.
            # TYPE node_memory_numa_HugePages_Total gauge
            node_memory_numa_HugePages_Total{node="0"} 0
            node_memory_numa_HugePages_Total{node="1"} 4

            """, text);
        Assert.Contains(
            """
            # HELP node_memory_numa_numa_miss_total Memory information field numa_miss_total.
            # TYPE node_memory_numa_numa_miss_total counter
            node_memory_numa_numa_miss_total{node="0"} 0
            node_memory_numa_numa_miss_total{node="1"} 321

            """, text, StringComparison.Ordinal);
        Assert.Equal(14, CollectorHarness.Types(text).Count);
        Assert.Equal(28, CollectorHarness.Samples(text).Count);
    }

    [Fact]
    public void Node_exporter_keeps_it_off_by_default()
    {
        Assert.False(MeminfoNumaCollector.Descriptor.EnabledByDefault);
    }

    [Fact]
    public void A_kernel_without_numa_nodes_reports_nothing_and_a_node_without_numastat_is_an_error()
    {
        using var tree = new TempDirectory();
        var (result, text) = CollectorHarness.Collect(new MeminfoNumaCollector(CollectorHarness.Context(Paths(tree))));
        Assert.Equal((CollectResult.Success, ""), (result, text));

        tree.Write("sys/devices/system/node/node3/meminfo", "Node 3 MemTotal: 1 kB\n");
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new MeminfoNumaCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.EndsWith("node3/numastat: missing or unreadable", error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
