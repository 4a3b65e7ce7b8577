using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class XfsCollectorTests
{
    [Fact]
    public void Every_counter_comes_from_its_own_field()
    {
        // md2's fixture counts 1, 2, 3, ... in file order, so each value names the field it was read from.
        var (result, text) = CollectorHarness.Collect(new XfsCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            node_xfs_allocation_btree_compares_total{device="md2"} 6
            node_xfs_allocation_btree_lookups_total{device="md2"} 5
            node_xfs_allocation_btree_records_deleted_total{device="md2"} 8
            node_xfs_allocation_btree_records_inserted_total{device="md2"} 7
            node_xfs_block_map_btree_compares_total{device="md2"} 17
            node_xfs_block_map_btree_lookups_total{device="md2"} 16
            node_xfs_block_map_btree_records_deleted_total{device="md2"} 19
            node_xfs_block_map_btree_records_inserted_total{device="md2"} 18
            node_xfs_block_mapping_extent_list_compares_total{device="md2"} 15
            node_xfs_block_mapping_extent_list_deletions_total{device="md2"} 13
            node_xfs_block_mapping_extent_list_insertions_total{device="md2"} 12
            node_xfs_block_mapping_extent_list_lookups_total{device="md2"} 14
            node_xfs_block_mapping_reads_total{device="md2"} 9
            node_xfs_block_mapping_unmaps_total{device="md2"} 11
            node_xfs_block_mapping_writes_total{device="md2"} 10
            node_xfs_directory_operation_create_total{device="md2"} 21
            node_xfs_directory_operation_getdents_total{device="md2"} 23
            node_xfs_directory_operation_lookup_total{device="md2"} 20
            node_xfs_directory_operation_remove_total{device="md2"} 22
            node_xfs_extent_allocation_blocks_allocated_total{device="md2"} 2
            node_xfs_extent_allocation_blocks_freed_total{device="md2"} 4
            node_xfs_extent_allocation_extents_allocated_total{device="md2"} 1
            node_xfs_extent_allocation_extents_freed_total{device="md2"} 3
            node_xfs_inode_operation_attempts_total{device="md2"} 27
            node_xfs_inode_operation_attribute_changes_total{device="md2"} 33
            node_xfs_inode_operation_duplicates_total{device="md2"} 31
            node_xfs_inode_operation_found_total{device="md2"} 28
            node_xfs_inode_operation_missed_total{device="md2"} 30
            node_xfs_inode_operation_reclaims_total{device="md2"} 32
            node_xfs_inode_operation_recycled_total{device="md2"} 29
            node_xfs_read_calls_total{device="md2"} 40
            node_xfs_vnode_active_total{device="md2"} 41
            node_xfs_vnode_allocate_total{device="md2"} 42
            node_xfs_vnode_get_total{device="md2"} 43
            node_xfs_vnode_hold_total{device="md2"} 44
            node_xfs_vnode_reclaim_total{device="md2"} 46
            node_xfs_vnode_release_total{device="md2"} 45
            node_xfs_vnode_remove_total{device="md2"} 47
            node_xfs_write_calls_total{device="md2"} 39
            """.Split('\n'),
            CollectorHarness.Samples(text).Where(l => l.Contains("\"md2\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Each_filesystem_under_sys_fs_xfs_is_a_device_and_the_global_file_is_not()
    {
        var (_, text) = CollectorHarness.Collect(new XfsCollector(CollectorHarness.Context()));
        var samples = CollectorHarness.Samples(text);
        var types = CollectorHarness.Types(text);

        Assert.Equal(39, types.Count);
        Assert.All(types, t => Assert.Equal("counter", t.Value));
        Assert.Equal(78, samples.Count);
        Assert.DoesNotContain(samples, s => s.Contains("device=\"stats\"", StringComparison.Ordinal));
        Assert.Contains("node_xfs_block_mapping_extent_list_lookups_total{device=\"dm-0\"} 2.140766e+06", samples);
        Assert.Contains("node_xfs_vnode_active_total{device=\"dm-0\"} 92601", samples);
        Assert.Equal(types.Keys.Order(StringComparer.Ordinal), types.Keys);
    }

    [Fact]
    public void No_xfs_filesystem_succeeds_with_nothing_as_node_exporter_does()
    {
        using var empty = new TempDirectory();

        var (result, text) = CollectorHarness.Collect(new XfsCollector(CollectorHarness.Context(new NodePaths(empty.Path, empty.Path, empty.Path))));

        Assert.Equal(CollectResult.Success, result);
        Assert.Empty(text);
    }

    [Fact]
    public void A_malformed_stats_file_is_an_error_naming_it()
    {
        using var sys = new TempDirectory();
        sys.Write("fs/xfs/sda1/stats/stats", "extent_alloc 1 2 3\n");

        var e = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new XfsCollector(CollectorHarness.Context(new NodePaths(sys.Path, sys.Path, sys.Path)))));

        Assert.Contains("sda1/stats/stats: group extent_alloc has 3 values", e.Message, StringComparison.Ordinal);
    }
}
