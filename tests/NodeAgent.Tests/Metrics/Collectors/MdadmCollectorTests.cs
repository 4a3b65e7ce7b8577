using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class MdadmCollectorTests
{
    [Fact]
    public void Fixture_arrays_give_node_exporter_1_12_exposition()
    {
        // md0 resyncing raid1, md1 raid5 degraded with a failed member, md2 raid0, md3 raid1 recovering, md4 raid1
        // checking, md127 inactive with a spare.
        var (result, text) = CollectorHarness.Collect(new MdadmCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_md_blocks Total number of blocks on device.
            # TYPE node_md_blocks gauge
            node_md_blocks{device="md0"} 523264
            node_md_blocks{device="md1"} 5.86027008e+09
            node_md_blocks{device="md127"} 3.906886488e+09
            node_md_blocks{device="md2"} 1.953257472e+09
            node_md_blocks{device="md3"} 9.76630464e+08
            node_md_blocks{device="md4"} 4.88254464e+08
            # HELP node_md_blocks_synced Number of blocks synced on device.
            # TYPE node_md_blocks_synced gauge
            node_md_blocks_synced{device="md0"} 115712
            node_md_blocks_synced{device="md1"} 5.86027008e+09
            node_md_blocks_synced{device="md127"} 3.906886488e+09
            node_md_blocks_synced{device="md2"} 1.953257472e+09
            node_md_blocks_synced{device="md3"} 8.3213312e+07
            node_md_blocks_synced{device="md4"} 5.8590592e+07
            # HELP node_md_degraded Number of degraded disks on device.
            # TYPE node_md_degraded gauge
            node_md_degraded{device="md0"} 0
            node_md_degraded{device="md1"} 1
            node_md_degraded{device="md127"} 0
            node_md_degraded{device="md2"} 0
            node_md_degraded{device="md3"} 1
            node_md_degraded{device="md4"} 0
            # HELP node_md_disks Number of active/failed/spare disks of device.
            # TYPE node_md_disks gauge
            node_md_disks{device="md0",state="active"} 2
            node_md_disks{device="md0",state="failed"} 0
            node_md_disks{device="md0",state="spare"} 0
            node_md_disks{device="md1",state="active"} 3
            node_md_disks{device="md1",state="failed"} 1
            node_md_disks{device="md1",state="spare"} 0
            node_md_disks{device="md127",state="active"} 0
            node_md_disks{device="md127",state="failed"} 0
            node_md_disks{device="md127",state="spare"} 1
            node_md_disks{device="md2",state="active"} 2
            node_md_disks{device="md2",state="failed"} 0
            node_md_disks{device="md2",state="spare"} 0
            node_md_disks{device="md3",state="active"} 1
            node_md_disks{device="md3",state="failed"} 0
            node_md_disks{device="md3",state="spare"} 0
            node_md_disks{device="md4",state="active"} 2
            node_md_disks{device="md4",state="failed"} 0
            node_md_disks{device="md4",state="spare"} 0
            # HELP node_md_disks_required Total number of disks of device.
            # TYPE node_md_disks_required gauge
            node_md_disks_required{device="md0"} 2
            node_md_disks_required{device="md1"} 4
            node_md_disks_required{device="md127"} 0
            node_md_disks_required{device="md2"} 2
            node_md_disks_required{device="md3"} 2
            node_md_disks_required{device="md4"} 2
            # HELP node_md_raid_disks Number of raid disks on device.
            # TYPE node_md_raid_disks gauge
            node_md_raid_disks{device="md0"} 2
            node_md_raid_disks{device="md1"} 4
            node_md_raid_disks{device="md127"} 0
            node_md_raid_disks{device="md2"} 2
            node_md_raid_disks{device="md3"} 2
            node_md_raid_disks{device="md4"} 2
            # HELP node_md_state Indicates the state of md-device.
            # TYPE node_md_state gauge
            node_md_state{device="md0",state="active"} 0
            node_md_state{device="md0",state="check"} 0
            node_md_state{device="md0",state="inactive"} 0
            node_md_state{device="md0",state="recovering"} 0
            node_md_state{device="md0",state="resync"} 1
            node_md_state{device="md1",state="active"} 1
            node_md_state{device="md1",state="check"} 0
            node_md_state{device="md1",state="inactive"} 0
            node_md_state{device="md1",state="recovering"} 0
            node_md_state{device="md1",state="resync"} 0
            node_md_state{device="md127",state="active"} 0
            node_md_state{device="md127",state="check"} 0
            node_md_state{device="md127",state="inactive"} 1
            node_md_state{device="md127",state="recovering"} 0
            node_md_state{device="md127",state="resync"} 0
            node_md_state{device="md2",state="active"} 1
            node_md_state{device="md2",state="check"} 0
            node_md_state{device="md2",state="inactive"} 0
            node_md_state{device="md2",state="recovering"} 0
            node_md_state{device="md2",state="resync"} 0
            node_md_state{device="md3",state="active"} 0
            node_md_state{device="md3",state="check"} 0
            node_md_state{device="md3",state="inactive"} 0
            node_md_state{device="md3",state="recovering"} 1
            node_md_state{device="md3",state="resync"} 0
            node_md_state{device="md4",state="active"} 0
            node_md_state{device="md4",state="check"} 1
            node_md_state{device="md4",state="inactive"} 0
            node_md_state{device="md4",state="recovering"} 0
            node_md_state{device="md4",state="resync"} 0

            """,
            text);
    }

    [Fact]
    public void An_array_missing_a_sysfs_attribute_leaves_out_the_sysfs_families_and_reports_no_data()
    {
        using var node = MinimalNode();
        File.Delete(Path.Combine(node.Path, "sys/block/md0/md/uuid"));

        var (result, text) = CollectorHarness.Collect(new MdadmCollector(CollectorHarness.Context(Paths(node))));

        // node_exporter sends the mdstat metrics, then returns ErrNoData from the sysfs read.
        Assert.Equal(CollectResult.NoData, result);
        Assert.Contains("node_md_blocks{device=\"md0\"} 100", CollectorHarness.Samples(text));
        Assert.DoesNotContain("node_md_raid_disks", text, StringComparison.Ordinal);
        Assert.DoesNotContain("node_md_degraded", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Minimal_raid1_reads_raid_disks_and_degraded_from_sysfs()
    {
        using var node = MinimalNode();

        var (result, text) = CollectorHarness.Collect(new MdadmCollector(CollectorHarness.Context(Paths(node))));

        Assert.Equal(CollectResult.Success, result);
        Assert.Contains("node_md_raid_disks{device=\"md0\"} 2", CollectorHarness.Samples(text));
        Assert.Contains("node_md_degraded{device=\"md0\"} 1", CollectorHarness.Samples(text));
    }

    [Theory]
    [InlineData("sys/block/md0/md/sync_completed", "delayed\n", "sync_completed: expected \"done / total\", got \"delayed\"")]
    [InlineData("sys/block/md0/md/raid_disks", "two\n", "raid_disks: not a number: \"two\"")]
    [InlineData("proc/mdstat", "md0 : active raid1 sdb1[1] sda1[0]\n      x blocks [2/1] [U_]\n\n\n", "cannot parse status line of md0")]
    public void Malformed_files_are_errors_naming_the_file(string file, string content, string expected)
    {
        using var node = MinimalNode();
        node.Write(file, content);

        var e = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new MdadmCollector(CollectorHarness.Context(Paths(node)))));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_mdstat_is_no_data()
    {
        using var empty = new TempDirectory();

        var (result, text) = CollectorHarness.Collect(new MdadmCollector(CollectorHarness.Context(Paths(empty))));

        Assert.Equal(CollectResult.NoData, result);
        Assert.Empty(text);
    }

    private static NodePaths Paths(TempDirectory node) =>
        new(Path.Combine(node.Path, "proc"), Path.Combine(node.Path, "sys"), Path.Combine(node.Path, "root"));

    private static TempDirectory MinimalNode()
    {
        var node = new TempDirectory();
        node.Write("proc/mdstat", "Personalities : [raid1] \nmd0 : active raid1 sdb1[1] sda1[0]\n      100 blocks super 1.2 [2/1] [U_]\n\nunused devices: <none>\n");
        foreach (var (name, value) in new[]
        {
            ("level", "raid1"), ("array_state", "clean"), ("metadata_version", "1.2"), ("raid_disks", "2"), ("uuid", "0-1"),
            ("dev-sda1/state", "in_sync"), ("degraded", "1"), ("sync_action", "idle"), ("sync_completed", "none"),
        })
        {
            node.Write($"sys/block/md0/md/{name}", value + "\n");
        }

        return node;
    }
}
