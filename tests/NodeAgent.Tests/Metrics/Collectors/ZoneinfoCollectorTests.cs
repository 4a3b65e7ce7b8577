using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class ZoneinfoCollectorTests
{
    [Fact]
    public void Each_zone_reports_the_fields_it_printed_and_its_protection_array()
    {
        var (result, text) = CollectorHarness.Collect(new ZoneinfoCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.StartsWith(
            """
            # HELP node_zoneinfo_high_pages Zone watermark pages_high
            # TYPE node_zoneinfo_high_pages gauge
            node_zoneinfo_high_pages{node="0",zone="DMA"} 26
            node_zoneinfo_high_pages{node="0",zone="DMA32"} 5708
            node_zoneinfo_high_pages{node="0",zone="Device"} 0
            node_zoneinfo_high_pages{node="0",zone="Movable"} 32
            node_zoneinfo_high_pages{node="0",zone="Normal"} 19605
            # HELP node_zoneinfo_low_pages Zone watermark pages_low

            """, text);
        // The node-wide counters (Linux 4.8+) are printed inside the node's first zone, and reported on it alone.
        Assert.Contains(
            """
            # HELP node_zoneinfo_nr_dirtied_total Page dirtyings since bootup
            # TYPE node_zoneinfo_nr_dirtied_total counter
            node_zoneinfo_nr_dirtied_total{node="0",zone="DMA"} 2.4866383e+07
            # HELP node_zoneinfo_nr_dirty_pages Number of dirty pages

            """, text, StringComparison.Ordinal);
        Assert.Contains(
            """
            # HELP node_zoneinfo_numa_hit_total Allocated in intended node
            # TYPE node_zoneinfo_numa_hit_total counter
            node_zoneinfo_numa_hit_total{node="0",zone="DMA"} 0
            node_zoneinfo_numa_hit_total{node="0",zone="DMA32"} 0
            node_zoneinfo_numa_hit_total{node="0",zone="Normal"} 3.34309228e+08

            """, text, StringComparison.Ordinal);
        Assert.Contains(
            """
            # HELP node_zoneinfo_protection_2 Protection array 2. field
            # TYPE node_zoneinfo_protection_2 gauge
            node_zoneinfo_protection_2{node="0",zone="DMA"} 13386
            node_zoneinfo_protection_2{node="0",zone="DMA32"} 10368
            node_zoneinfo_protection_2{node="0",zone="Device"} 0
            node_zoneinfo_protection_2{node="0",zone="Movable"} 0
            node_zoneinfo_protection_2{node="0",zone="Normal"} 0

            """, text, StringComparison.Ordinal);
        // "high_min:" of the pagesets is not "high"; fields node_exporter does not know (nr_free_pages_blocks) are left out.
        Assert.DoesNotContain("blocks", text, StringComparison.Ordinal);
        Assert.Equal(37, CollectorHarness.Types(text).Count);
        Assert.Equal(95, CollectorHarness.Samples(text).Count);
        Assert.Equal(CollectorHarness.Types(text).Keys.Order(StringComparer.Ordinal), CollectorHarness.Types(text).Keys);
    }

    [Fact]
    public void No_file_is_no_data()
    {
        using var tree = new TempDirectory();
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        Assert.Equal((CollectResult.NoData, ""), CollectorHarness.Collect(new ZoneinfoCollector(CollectorHarness.Context(paths))));
    }

    [Fact]
    public void Node_exporter_keeps_it_off_by_default() => Assert.False(ZoneinfoCollector.Descriptor.EnabledByDefault);
}
