using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class BcacheCollectorTests
{
    [Fact]
    public void A_cache_set_its_backing_and_cache_devices_are_reported_as_node_exporter_names_them()
    {
        var (result, text) = CollectorHarness.Collect(new BcacheCollector(CollectorHarness.Context(), priorityStats: true));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_bcache_active_journal_entries Number of journal entries that are newer than the index.
            # TYPE node_bcache_active_journal_entries gauge
            node_bcache_active_journal_entries{uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 3
            # HELP node_bcache_average_key_size_sectors Average data per key in the btree (sectors).
            # TYPE node_bcache_average_key_size_sectors gauge
            node_bcache_average_key_size_sectors{uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 4096
            # HELP node_bcache_btree_cache_size_bytes Amount of memory currently used by the btree cache.
            # TYPE node_bcache_btree_cache_size_bytes gauge
            node_bcache_btree_cache_size_bytes{uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 1.23731968e+08
            # HELP node_bcache_btree_nodes Total nodes in the btree.
            # TYPE node_bcache_btree_nodes gauge
            node_bcache_btree_nodes{uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 148
            # HELP node_bcache_btree_read_average_duration_seconds Average btree read duration.
            # TYPE node_bcache_btree_read_average_duration_seconds gauge
            node_bcache_btree_read_average_duration_seconds{uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 2.15e-06
            # HELP node_bcache_bypassed_bytes_total Amount of IO (both reads and writes) that has bypassed the cache.
            # TYPE node_bcache_bypassed_bytes_total counter
            node_bcache_bypassed_bytes_total{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 3.745513472e+09
            # HELP node_bcache_cache_available_percent Percentage of cache device without dirty data, usable for writeback (may contain clean cached data).
            # TYPE node_bcache_cache_available_percent gauge
            node_bcache_cache_available_percent{uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 87
            # HELP node_bcache_cache_bypass_hits_total Hits for IO intended to skip the cache.
            # TYPE node_bcache_cache_bypass_hits_total counter
            node_bcache_cache_bypass_hits_total{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 122
            # HELP node_bcache_cache_bypass_misses_total Misses for IO intended to skip the cache.
            # TYPE node_bcache_cache_bypass_misses_total counter
            node_bcache_cache_bypass_misses_total{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 40981
            # HELP node_bcache_cache_hits_total Hits counted per individual IO as bcache sees them.
            # TYPE node_bcache_cache_hits_total counter
            node_bcache_cache_hits_total{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 811204
            # HELP node_bcache_cache_miss_collisions_total Instances where data insertion from cache miss raced with write (data already present).
            # TYPE node_bcache_cache_miss_collisions_total counter
            node_bcache_cache_miss_collisions_total{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 17
            # HELP node_bcache_cache_misses_total Misses counted per individual IO as bcache sees them.
            # TYPE node_bcache_cache_misses_total counter
            node_bcache_cache_misses_total{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 92110
            # HELP node_bcache_cache_read_races_total Counts instances where while data was being read from the cache, the bucket was reused and invalidated - i.e. where the pointer was stale after the read completed.
            # TYPE node_bcache_cache_read_races_total counter
            node_bcache_cache_read_races_total{uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 5
            # HELP node_bcache_congested Congestion.
            # TYPE node_bcache_congested gauge
            node_bcache_congested{uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 0
            # HELP node_bcache_dirty_data_bytes Amount of dirty data for this backing device in the cache.
            # TYPE node_bcache_dirty_data_bytes gauge
            node_bcache_dirty_data_bytes{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 1.283457024e+09
            # HELP node_bcache_dirty_target_bytes Current dirty data target threshold for this backing device in bytes.
            # TYPE node_bcache_dirty_target_bytes gauge
            node_bcache_dirty_target_bytes{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 1.0502537216e+10
            # HELP node_bcache_io_errors Number of errors that have occurred, decayed by io_error_halflife.
            # TYPE node_bcache_io_errors gauge
            node_bcache_io_errors{cache_device="cache0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 0
            # HELP node_bcache_metadata_written_bytes_total Sum of all non data writes (btree writes and all other metadata).
            # TYPE node_bcache_metadata_written_bytes_total counter
            node_bcache_metadata_written_bytes_total{cache_device="cache0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 2.017460224e+09
            # HELP node_bcache_priority_stats_metadata_percent Bcache's metadata overhead.
            # TYPE node_bcache_priority_stats_metadata_percent gauge
            node_bcache_priority_stats_metadata_percent{cache_device="cache0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 1
            # HELP node_bcache_priority_stats_unused_percent The percentage of the cache that doesn't contain any data.
            # TYPE node_bcache_priority_stats_unused_percent gauge
            node_bcache_priority_stats_unused_percent{cache_device="cache0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 41
            # HELP node_bcache_root_usage_percent Percentage of the root btree node in use (tree depth increases if too high).
            # TYPE node_bcache_root_usage_percent gauge
            node_bcache_root_usage_percent{uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 21
            # HELP node_bcache_tree_depth Depth of the btree.
            # TYPE node_bcache_tree_depth gauge
            node_bcache_tree_depth{uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 2
            # HELP node_bcache_writeback_change Last writeback rate change step for this backing device.
            # TYPE node_bcache_writeback_change gauge
            node_bcache_writeback_change{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} -9816
            # HELP node_bcache_writeback_rate Current writeback rate for this backing device in bytes.
            # TYPE node_bcache_writeback_rate gauge
            node_bcache_writeback_rate{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 524288
            # HELP node_bcache_writeback_rate_integral_term Current result of integral controller, part of writeback rate
            # TYPE node_bcache_writeback_rate_integral_term gauge
            node_bcache_writeback_rate_integral_term{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 0
            # HELP node_bcache_writeback_rate_proportional_term Current result of proportional controller, part of writeback rate
            # TYPE node_bcache_writeback_rate_proportional_term gauge
            node_bcache_writeback_rate_proportional_term{backing_device="bdev0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} -224556
            # HELP node_bcache_written_bytes_total Sum of all data that has been written to the cache.
            # TYPE node_bcache_written_bytes_total counter
            node_bcache_written_bytes_total{cache_device="cache0",uuid="6c1f0e55-9a3b-4f7e-8d21-0b9a7c3e5f10"} 2.27633266688e+11

            """, text);
    }

    [Fact]
    public void Priority_stats_are_read_only_when_asked_for_and_readaheads_only_when_counted()
    {
        var (_, text) = CollectorHarness.Collect(new BcacheCollector(CollectorHarness.Context(), priorityStats: false));

        Assert.DoesNotContain("priority_stats", text, StringComparison.Ordinal);
        Assert.DoesNotContain("readaheads", text, StringComparison.Ordinal);
        Assert.False(BcacheCollector.PriorityStatsOption.Default);
        Assert.True(BcacheCollector.Descriptor.EnabledByDefault);
    }

    [Fact]
    public void No_cache_set_is_success_with_nothing_as_in_node_exporter()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/fs/bcache/register", "");

        Assert.Equal((CollectResult.Success, ""), CollectorHarness.Collect(new BcacheCollector(CollectorHarness.Context(Paths(tree)), false)));
    }

    [Fact]
    public void A_backing_device_without_its_writeback_debug_or_a_value_that_does_not_parse_is_an_error()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/fs/bcache/a-b/bdev0/dirty_data", "0\n");
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new BcacheCollector(CollectorHarness.Context(Paths(tree)), false)));
        Assert.EndsWith("bdev0/writeback_rate_debug: missing or unreadable", error.Message, StringComparison.Ordinal);

        tree.Write("sys/fs/bcache/a-b/bdev0/writeback_rate_debug", "rate: 1.0k/sec\n");
        tree.Write("sys/fs/bcache/a-b/tree_depth", "deep\n");
        error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new BcacheCollector(CollectorHarness.Context(Paths(tree)), false)));
        Assert.Contains("a-b/tree_depth", error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
