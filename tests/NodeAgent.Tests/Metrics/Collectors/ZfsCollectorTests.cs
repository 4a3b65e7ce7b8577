using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class ZfsCollectorTests
{
    [Fact]
    public void Kstat_integers_are_untyped_families_named_after_subsystem_and_kstat_with_the_sysctl_name_as_help()
    {
        var (result, text) = CollectorHarness.Collect(new ZfsCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.StartsWith(
            """
            # HELP node_zfs_arc_c_max kstat.zfs.misc.arcstats.c_max
            # TYPE node_zfs_arc_c_max untyped
            node_zfs_arc_c_max 4.0894464e+09
            # HELP node_zfs_arc_hits kstat.zfs.misc.arcstats.hits
            # TYPE node_zfs_arc_hits untyped
            node_zfs_arc_hits 8.0761542e+07
            # HELP node_zfs_arc_l2_writes_lock_retry kstat.zfs.misc.arcstats.l2_writes_lock_retry
            # TYPE node_zfs_arc_l2_writes_lock_retry untyped
            node_zfs_arc_l2_writes_lock_retry 3
            # HELP node_zfs_arc_memory_available_bytes kstat.zfs.misc.arcstats.memory_available_bytes
            # TYPE node_zfs_arc_memory_available_bytes untyped
            node_zfs_arc_memory_available_bytes -1.073741824e+09
            # HELP node_zfs_arc_misses kstat.zfs.misc.arcstats.misses
            # TYPE node_zfs_arc_misses untyped
            node_zfs_arc_misses 1.930884e+06
            # HELP node_zfs_arc_size kstat.zfs.misc.arcstats.size
            # TYPE node_zfs_arc_size untyped
            node_zfs_arc_size 2.14722148e+09
            # HELP node_zfs_dmu_tx_dmu_tx_assigned kstat.zfs.misc.dmu_tx.dmu_tx_assigned
            # TYPE node_zfs_dmu_tx_dmu_tx_assigned untyped
            node_zfs_dmu_tx_dmu_tx_assigned 5.913214e+06
            # HELP node_zfs_dmu_tx_dmu_tx_delay kstat.zfs.misc.dmu_tx.dmu_tx_delay
            # TYPE node_zfs_dmu_tx_dmu_tx_delay untyped
            node_zfs_dmu_tx_dmu_tx_delay 0
            # HELP node_zfs_dmu_tx_dmu_tx_dirty_throttle kstat.zfs.misc.dmu_tx.dmu_tx_dirty_throttle
            # TYPE node_zfs_dmu_tx_dmu_tx_dirty_throttle untyped
            node_zfs_dmu_tx_dmu_tx_dirty_throttle 12
            # HELP node_zfs_zfetch_hits kstat.zfs.misc.zfetchstats.hits
            # TYPE node_zfs_zfetch_hits untyped
            node_zfs_zfetch_hits 61403
            # HELP node_zfs_zfetch_io_issued kstat.zfs.misc.zfetchstats.io-issued
            # TYPE node_zfs_zfetch_io_issued untyped
            node_zfs_zfetch_io_issued 2048
            # HELP node_zfs_zpool_dataset_nread kstat.zfs.misc.objset.nread
            # TYPE node_zfs_zpool_dataset_nread untyped
            node_zfs_zpool_dataset_nread{dataset="tank",zpool="tank"} 12288
            node_zfs_zpool_dataset_nread{dataset="tank/home  data",zpool="tank"} 9.310208e+06

            """, text);
    }

    [Fact]
    public void Each_pool_has_its_io_columns_its_datasets_and_every_state_with_its_own_at_one()
    {
        var (_, text) = CollectorHarness.Collect(new ZfsCollector(CollectorHarness.Context()));
        var samples = CollectorHarness.Samples(text);

        Assert.Equal(12, samples.Count(s => s.StartsWith("node_zfs_zpool_", StringComparison.Ordinal) && s.Contains("{zpool=\"tank\"}", StringComparison.Ordinal)));
        Assert.Contains("node_zfs_zpool_nwritten{zpool=\"tank\"} 5.1380224e+07", samples);
        Assert.Contains("node_zfs_zpool_rcnt{zpool=\"tank\"} 0", samples);
        Assert.Contains("node_zfs_zpool_dataset_writes{dataset=\"tank/home  data\",zpool=\"tank\"} 6723", samples);
        Assert.Equal(
            [
                "node_zfs_zpool_state{state=\"degraded\",zpool=\"backup\"} 1", "node_zfs_zpool_state{state=\"degraded\",zpool=\"tank\"} 0",
                "node_zfs_zpool_state{state=\"faulted\",zpool=\"backup\"} 0", "node_zfs_zpool_state{state=\"faulted\",zpool=\"tank\"} 0",
                "node_zfs_zpool_state{state=\"offline\",zpool=\"backup\"} 0", "node_zfs_zpool_state{state=\"offline\",zpool=\"tank\"} 0",
                "node_zfs_zpool_state{state=\"online\",zpool=\"backup\"} 0", "node_zfs_zpool_state{state=\"online\",zpool=\"tank\"} 1",
                "node_zfs_zpool_state{state=\"removed\",zpool=\"backup\"} 0", "node_zfs_zpool_state{state=\"removed\",zpool=\"tank\"} 0",
                "node_zfs_zpool_state{state=\"suspended\",zpool=\"backup\"} 0", "node_zfs_zpool_state{state=\"suspended\",zpool=\"tank\"} 0",
                "node_zfs_zpool_state{state=\"unavail\",zpool=\"backup\"} 0", "node_zfs_zpool_state{state=\"unavail\",zpool=\"tank\"} 0",
            ],
            samples.Where(s => s.StartsWith("node_zfs_zpool_state", StringComparison.Ordinal)));
        Assert.Equal("gauge", CollectorHarness.Types(text)["node_zfs_zpool_state"]);
        Assert.All(CollectorHarness.Types(text).Where(t => t.Key != "node_zfs_zpool_state"), t => Assert.Equal("untyped", t.Value));
    }

    [Fact]
    public void No_spl_kstat_zfs_directory_is_no_data_and_absent_kstats_are_skipped()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new ZfsCollector(CollectorHarness.Context(Paths(tree)))).Result);

        tree.Write("proc/spl/kstat/zfs/fm", "0 1 0x01 1 48 1 2\nname type data\nerpt-dropped 4 18\n");
        var (result, text) = CollectorHarness.Collect(new ZfsCollector(CollectorHarness.Context(Paths(tree))));
        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(["node_zfs_fm_erpt_dropped 18"], CollectorHarness.Samples(text));
    }

    [Fact]
    public void A_kstat_that_does_not_parse_is_an_error_naming_the_file()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/spl/kstat/zfs/zil", "0 1 0x01 1 48 1 2\nzil_commit_count 4 1\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new ZfsCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.EndsWith("spl/kstat/zfs/zil: no 'name type data' line", error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
