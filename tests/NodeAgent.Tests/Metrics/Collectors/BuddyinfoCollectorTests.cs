using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class BuddyinfoCollectorTests
{
    [Fact]
    public void Every_zone_and_order_is_a_sample_in_client_golangs_order()
    {
        var (result, text) = CollectorHarness.Collect(new BuddyinfoCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.StartsWith(
            """
            # HELP node_buddyinfo_blocks Count of free blocks according to size.
            # TYPE node_buddyinfo_blocks gauge
            node_buddyinfo_blocks{node="0",size="0",zone="DMA"} 0
            node_buddyinfo_blocks{node="0",size="0",zone="DMA32"} 1
            node_buddyinfo_blocks{node="0",size="0",zone="Normal"} 654
            node_buddyinfo_blocks{node="0",size="1",zone="DMA"} 0
            node_buddyinfo_blocks{node="0",size="1",zone="DMA32"} 2
            node_buddyinfo_blocks{node="0",size="1",zone="Normal"} 1738
            node_buddyinfo_blocks{node="0",size="10",zone="DMA"} 3
            node_buddyinfo_blocks{node="0",size="10",zone="DMA32"} 753
            node_buddyinfo_blocks{node="0",size="10",zone="Normal"} 855
            node_buddyinfo_blocks{node="0",size="2",zone="DMA"} 0

            """, text);
        Assert.Equal(33, CollectorHarness.Samples(text).Count);
        Assert.EndsWith("node_buddyinfo_blocks{node=\"0\",size=\"9\",zone=\"Normal\"} 101\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Nodes_sort_as_strings_before_sizes()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/buddyinfo", "Node 10, zone Normal 5 6\nNode 2, zone Normal 7 8\nNode 2, zone DMA 1 2\n");

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new BuddyinfoCollector(CollectorHarness.Context(Paths(tree)))).Text);

        Assert.Equal(
        [
            "node_buddyinfo_blocks{node=\"10\",size=\"0\",zone=\"Normal\"} 5",
            "node_buddyinfo_blocks{node=\"10\",size=\"1\",zone=\"Normal\"} 6",
            "node_buddyinfo_blocks{node=\"2\",size=\"0\",zone=\"DMA\"} 1",
            "node_buddyinfo_blocks{node=\"2\",size=\"0\",zone=\"Normal\"} 7",
            "node_buddyinfo_blocks{node=\"2\",size=\"1\",zone=\"DMA\"} 2",
            "node_buddyinfo_blocks{node=\"2\",size=\"1\",zone=\"Normal\"} 8",
        ], samples);
    }

    [Fact]
    public void No_file_is_no_data_and_a_malformed_one_an_error_naming_it()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new BuddyinfoCollector(CollectorHarness.Context(Paths(tree)))).Result);

        tree.Write("proc/buddyinfo", "Node 0, zone DMA 1 2 3\nNode 0, zone Normal 1 2\n");
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new BuddyinfoCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains("buddyinfo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_exporter_keeps_it_off_by_default() => Assert.False(BuddyinfoCollector.Descriptor.EnabledByDefault);

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);
}
