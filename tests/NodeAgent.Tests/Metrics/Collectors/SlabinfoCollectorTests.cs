using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class SlabinfoCollectorTests
{
    [Fact]
    public void Five_gauges_per_cache_sorted_by_name()
    {
        var (result, text) = CollectorHarness.Collect(new SlabinfoCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.StartsWith(
            """
            # HELP node_slabinfo_active_objects The number of objects that are currently active (i.e., in use).
            # TYPE node_slabinfo_active_objects gauge
            node_slabinfo_active_objects{slab="TCP"} 52
            node_slabinfo_active_objects{slab="dentry"} 256683
            node_slabinfo_active_objects{slab="ext4_inode_cache"} 156288
            node_slabinfo_active_objects{slab="kmalloc-8k"} 40
            node_slabinfo_active_objects{slab="kmem_cache"} 256
            node_slabinfo_active_objects{slab="task_struct"} 320
            node_slabinfo_active_objects{slab="tw_sock_TCP"} 112
            node_slabinfo_active_objects{slab="tw_sock_TCPv6"} 176
            # HELP node_slabinfo_object_size_bytes The size of objects in this slab, in bytes.
            # TYPE node_slabinfo_object_size_bytes gauge
            node_slabinfo_object_size_bytes{slab="TCP"} 2368

            """, text);
        Assert.Contains(
            """
            # HELP node_slabinfo_objects The total number of allocated objects (i.e., objects that are both in use and not in use).
            # TYPE node_slabinfo_objects gauge
            node_slabinfo_objects{slab="TCP"} 52
            node_slabinfo_objects{slab="dentry"} 256683
            node_slabinfo_objects{slab="ext4_inode_cache"} 156380

            """, text, StringComparison.Ordinal);
        Assert.Contains("node_slabinfo_objects_per_slab{slab=\"ext4_inode_cache\"} 14\n", text, StringComparison.Ordinal);
        Assert.Contains("node_slabinfo_pages_per_slab{slab=\"task_struct\"} 8\n", text, StringComparison.Ordinal);
        Assert.Equal(5, CollectorHarness.Types(text).Count);
        Assert.Equal(40, CollectorHarness.Samples(text).Count);
    }

    [Fact]
    public void The_include_and_exclude_pick_caches_by_name()
    {
        var options = new SlabinfoOptions(new Regex("TCP"), new Regex("^tw_"));
        var text = CollectorHarness.Collect(new SlabinfoCollector(CollectorHarness.Context(), options)).Text;

        Assert.Equal(["TCP"], CollectorHarness.Samples(text).Select(s => Regex.Match(s, "slab=\"([^\"]+)\"").Groups[1].Value).Distinct());
    }

    [Fact]
    public void No_file_is_no_data_and_a_malformed_line_an_error()
    {
        using var tree = new TempDirectory();
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new SlabinfoCollector(CollectorHarness.Context(paths))).Result);

        tree.Write("proc/slabinfo", "slabinfo - version: 2.1\nkmem_cache 320 320 256 32 2 : tunables 0 0 0\n");
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new SlabinfoCollector(CollectorHarness.Context(paths))));
        Assert.Contains("slabinfo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_exporter_keeps_it_off_by_default() => Assert.False(SlabinfoCollector.Descriptor.EnabledByDefault);
}
