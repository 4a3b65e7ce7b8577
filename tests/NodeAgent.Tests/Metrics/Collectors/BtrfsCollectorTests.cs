using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class BtrfsCollectorTests
{
    [Fact]
    public void Fixture_filesystems_give_node_exporter_1_12_exposition()
    {
        // 0abb23a9: single device with commit_stats (Linux 6.x); 7f07c59f: raid1 over two devices as an older kernel
        // shows it (no metadata_uuid, no commit_stats, empty label). Device sizes come from sysfs (no ioctls).
        var (result, text) = CollectorHarness.Collect(new BtrfsCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_btrfs_allocation_ratio Data allocation ratio for a layout/data type
            # TYPE node_btrfs_allocation_ratio gauge
            node_btrfs_allocation_ratio{block_group_type="data",mode="raid1",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 2
            node_btrfs_allocation_ratio{block_group_type="data",mode="single",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 1
            node_btrfs_allocation_ratio{block_group_type="metadata",mode="dup",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 2
            node_btrfs_allocation_ratio{block_group_type="metadata",mode="raid1",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 2
            node_btrfs_allocation_ratio{block_group_type="system",mode="dup",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 2
            node_btrfs_allocation_ratio{block_group_type="system",mode="raid1",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 2
            # HELP node_btrfs_commit_seconds_total Sum of the duration of all commits, in seconds.
            # TYPE node_btrfs_commit_seconds_total counter
            node_btrfs_commit_seconds_total{uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 47836.09
            node_btrfs_commit_seconds_total{uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 0
            # HELP node_btrfs_commits_total The total number of commits that have occurred.
            # TYPE node_btrfs_commits_total counter
            node_btrfs_commits_total{uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 258051
            node_btrfs_commits_total{uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 0
            # HELP node_btrfs_device_size_bytes Size of a device that is part of the filesystem.
            # TYPE node_btrfs_device_size_bytes gauge
            node_btrfs_device_size_bytes{device="sdb",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 4.80103981056e+11
            node_btrfs_device_size_bytes{device="sdc",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 2.000398934016e+12
            node_btrfs_device_size_bytes{device="sdd",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 2.000398934016e+12
            # HELP node_btrfs_global_rsv_size_bytes Size of global reserve.
            # TYPE node_btrfs_global_rsv_size_bytes gauge
            node_btrfs_global_rsv_size_bytes{uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 1.6777216e+07
            node_btrfs_global_rsv_size_bytes{uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 5.36870912e+08
            # HELP node_btrfs_info Filesystem information
            # TYPE node_btrfs_info gauge
            node_btrfs_info{label="",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 1
            node_btrfs_info{label="fixture",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 1
            # HELP node_btrfs_last_commit_seconds Duration of the most recent commit, in seconds.
            # TYPE node_btrfs_last_commit_seconds gauge
            node_btrfs_last_commit_seconds{uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 1
            node_btrfs_last_commit_seconds{uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 0
            # HELP node_btrfs_max_commit_seconds Duration of the slowest commit, in seconds.
            # TYPE node_btrfs_max_commit_seconds gauge
            node_btrfs_max_commit_seconds{uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 51.462
            node_btrfs_max_commit_seconds{uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 0
            # HELP node_btrfs_reserved_bytes Amount of space reserved for a data type
            # TYPE node_btrfs_reserved_bytes gauge
            node_btrfs_reserved_bytes{block_group_type="data",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 0
            node_btrfs_reserved_bytes{block_group_type="data",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 0
            node_btrfs_reserved_bytes{block_group_type="metadata",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 49152
            node_btrfs_reserved_bytes{block_group_type="metadata",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 1.114112e+06
            node_btrfs_reserved_bytes{block_group_type="system",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 0
            node_btrfs_reserved_bytes{block_group_type="system",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 0
            # HELP node_btrfs_size_bytes Amount of space allocated for a layout/data type
            # TYPE node_btrfs_size_bytes gauge
            node_btrfs_size_bytes{block_group_type="data",mode="raid1",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 2.199023255552e+12
            node_btrfs_size_bytes{block_group_type="data",mode="single",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 2.147483648e+09
            node_btrfs_size_bytes{block_group_type="metadata",mode="dup",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 1.073741824e+09
            node_btrfs_size_bytes{block_group_type="metadata",mode="raid1",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 8.589934592e+09
            node_btrfs_size_bytes{block_group_type="system",mode="dup",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 8.388608e+06
            node_btrfs_size_bytes{block_group_type="system",mode="raid1",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 3.3554432e+07
            # HELP node_btrfs_used_bytes Amount of used space by a layout/data type
            # TYPE node_btrfs_used_bytes gauge
            node_btrfs_used_bytes{block_group_type="data",mode="raid1",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 1.649267441664e+12
            node_btrfs_used_bytes{block_group_type="data",mode="single",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 8.08189952e+08
            node_btrfs_used_bytes{block_group_type="metadata",mode="dup",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 933888
            node_btrfs_used_bytes{block_group_type="metadata",mode="raid1",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 3.221225472e+09
            node_btrfs_used_bytes{block_group_type="system",mode="dup",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d"} 16384
            node_btrfs_used_bytes{block_group_type="system",mode="raid1",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b"} 327680

            """,
            text);
    }

    [Fact]
    public void No_btrfs_filesystem_succeeds_with_nothing_as_node_exporter_does()
    {
        using var sys = new TempDirectory();
        sys.Write("fs/btrfs/features/no_holes", "\n");

        var (result, text) = CollectorHarness.Collect(new BtrfsCollector(CollectorHarness.Context(new NodePaths(sys.Path, sys.Path, sys.Path))));

        Assert.Equal(CollectResult.Success, result);
        Assert.Empty(text);
    }

    [Theory]
    [InlineData("commit_stats", "commits many\n", null, "commit_stats: expected \"key value\" lines")]
    [InlineData(null, null, "devices", "devices: missing")]
    [InlineData(null, null, "allocation/system", "allocation/system: missing")]
    public void Malformed_or_incomplete_filesystem_directories_are_errors(string? file, string? content, string? removed, string expected)
    {
        using var sys = new TempDirectory();
        const string fs = "fs/btrfs/11111111-2222-3333-4444-555555555555/";
        sys.Write(fs + "label", "x\n");
        sys.Write(fs + "devices/sda/size", "8\n");
        foreach (var type in new[] { "data", "metadata", "system" })
        {
            sys.Write(fs + $"allocation/{type}/bytes_reserved", "0\n");
        }

        if (file is not null)
        {
            sys.Write(fs + file, content!);
        }

        if (removed is not null)
        {
            Directory.Delete(Path.Combine(sys.Path, fs + removed), recursive: true);
        }

        var e = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new BtrfsCollector(CollectorHarness.Context(new NodePaths(sys.Path, sys.Path, sys.Path)))));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
