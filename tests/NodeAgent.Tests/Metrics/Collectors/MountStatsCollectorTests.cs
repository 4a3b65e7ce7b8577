using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class MountStatsCollectorTests : IDisposable
{
    // Two mounts of one export over TCP (the second reported only by its mount point), one over UDP, a local disk.
    private const string Stats =
        """
        device /dev/sda1 mounted on / with fstype ext4
        device srv:/data mounted on /mnt/data with fstype nfs4 statvers=1.1
        	opts:	rw,vers=4.2
        	age:	120
        	events:	1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27
        	bytes:	100 200 300 400 500 600 700 800
        	xprt:	tcp 700 1 2 3 9007199254741000 5 6 7 8 9 10 11 12
        	per-op statistics
        	        NULL: 0 0 0 0 0 0 0 0 0
        	        READ: 10 11 12 13 14 1500 9007199254741992 17500 0

        device srv:/data mounted on /mnt/again with fstype nfs4 statvers=1.1
        	age:	60
        	xprt:	tcp 700 1 2 3 4 5 6 7 8 9 10 11 12
        	per-op statistics
        	        NULL: 5 5 5 5 5 5 5 5 5

        device srv:/data mounted on /mnt/udp with fstype nfs statvers=1.1
        	age:	30
        	xprt:	udp 832 0 6428 6428 0 12154 0 24 26 5726
        	per-op statistics

        """;

    private const string Info =
        """
        21 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        194 21 0:42 / /mnt/data rw shared:144 - nfs4 srv:/data rw,vers=4.2,clientaddr=10.0.0.5,addr=10.0.0.1,local_lock=none
        195 21 0:42 / /mnt/again rw shared:145 - nfs4 srv:/data rw,vers=4.2,clientaddr=10.0.0.5,addr=10.0.0.1,local_lock=none
        196 21 0:44 / /mnt/udp rw shared:146 - nfs srv:/data rw,vers=3,mountaddr=10.0.0.9,proto=udp,addr=10.0.0.1

        """;

    private readonly TempDirectory _tree = new();

    public void Dispose() => _tree.Dispose();

    private MountStatsCollector Collector() => new(CollectorHarness.Context(new NodePaths(Path.Join(_tree.Path, "proc"), _tree.Path, _tree.Path)));

    [Fact]
    public void Each_export_protocol_and_server_is_reported_once_and_each_mount_point_has_its_info()
    {
        _tree.Write("proc/self/mountstats", Stats);
        _tree.Write("proc/self/mountinfo", Info);

        var (result, text) = CollectorHarness.Collect(Collector());

        Assert.Equal(CollectResult.Success, result);
        var samples = CollectorHarness.Samples(text);
        const string Tcp = "export=\"srv:/data\",mountaddr=\"10.0.0.1\",protocol=\"tcp\"";
        const string Udp = "export=\"srv:/data\",mountaddr=\"10.0.0.1\",protocol=\"udp\"";
        Assert.Equal(
            [
                "node_mountstats_nfs_mountpoint_info{export=\"srv:/data\",mountaddr=\"10.0.0.1\",mountpoint=\"/mnt/again\",protocol=\"tcp\"} 1",
                "node_mountstats_nfs_mountpoint_info{export=\"srv:/data\",mountaddr=\"10.0.0.1\",mountpoint=\"/mnt/data\",protocol=\"tcp\"} 1",
                "node_mountstats_nfs_mountpoint_info{export=\"srv:/data\",mountaddr=\"10.0.0.1\",mountpoint=\"/mnt/udp\",protocol=\"udp\"} 1",
            ],
            samples.Where(s => s.StartsWith("node_mountstats_nfs_mountpoint_info", StringComparison.Ordinal)));

        // The first TCP mount's numbers, not the second's (age 60, NULL 5).
        Assert.Contains($"node_mountstats_nfs_age_seconds_total{{{Tcp}}} 120", samples);
        Assert.Contains($"node_mountstats_nfs_age_seconds_total{{{Udp}}} 30", samples);
        Assert.Contains($"node_mountstats_nfs_operations_requests_total{{export=\"srv:/data\",mountaddr=\"10.0.0.1\",operation=\"NULL\",protocol=\"tcp\"}} 0", samples);
        Assert.Contains($"node_mountstats_nfs_total_write_bytes_total{{{Tcp}}} 600", samples);
        Assert.Contains($"node_mountstats_nfs_event_vfs_file_release_total{{{Tcp}}} 18", samples);
        Assert.Contains($"node_mountstats_nfs_event_truncation_total{{{Tcp}}} 20", samples); // 19, congestion waits, is skipped
        Assert.Contains($"node_mountstats_nfs_event_pnfs_write_total{{{Tcp}}} 27", samples);

        // Milliseconds in seconds, and values past 2^53 taken modulo 2^53 as node_exporter does.
        const string Read = "export=\"srv:/data\",mountaddr=\"10.0.0.1\",operation=\"READ\",protocol=\"tcp\"";
        Assert.Contains($"node_mountstats_nfs_operations_queue_time_seconds_total{{{Read}}} 1.5", samples);
        Assert.Contains($"node_mountstats_nfs_operations_response_time_seconds_total{{{Read}}} 1", samples);
        Assert.Contains($"node_mountstats_nfs_operations_request_time_seconds_total{{{Read}}} 17.5", samples);
        Assert.Contains($"node_mountstats_nfs_operations_received_bytes_total{{{Read}}} 14", samples);
        Assert.Contains($"node_mountstats_nfs_transport_idle_time_seconds{{{Tcp},transport=\"0\"}} 8", samples);
        Assert.Contains($"node_mountstats_nfs_transport_pending_queue_total{{{Tcp},transport=\"0\"}} 12", samples);
        Assert.Contains($"node_mountstats_nfs_transport_maximum_rpc_slots{{{Udp},transport=\"0\"}} 24", samples);
        Assert.Contains($"node_mountstats_nfs_transport_connect_total{{{Udp},transport=\"0\"}} 0", samples);

        // age + 8 bytes + 10 transport + 8 per operation + 26 events, per reported mount; one info per mount point.
        Assert.Equal((1 + 8 + 10 + (2 * 8) + 26) + (1 + 8 + 10 + 26) + 3, samples.Count);
        Assert.Equal("gauge", CollectorHarness.Types(text)["node_mountstats_nfs_transport_idle_time_seconds"]);
        Assert.Equal("counter", CollectorHarness.Types(text)["node_mountstats_nfs_age_seconds_total"]);
        Assert.Contains(
            "# HELP node_mountstats_nfs_event_vfs_setattr_total Number of times directory entries have been read with getdents().\n",
            text, StringComparison.Ordinal);
    }

    [Fact]
    public void It_is_off_by_default_and_a_kernel_without_the_file_is_no_data()
    {
        Assert.False(MountStatsCollector.Descriptor.EnabledByDefault);
        Assert.Equal((CollectResult.NoData, ""), CollectorHarness.Collect(Collector()));
    }

    [Fact]
    public void Malformed_statistics_are_an_error_naming_the_file()
    {
        _tree.Write("proc/self/mountstats", "device s:/e mounted on /m with fstype nfs statvers=1.1\n\tbytes:\t1 2\n");
        _tree.Write("proc/self/mountinfo", Info);

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(Collector()));
        Assert.Contains("mountstats", error.Message, StringComparison.Ordinal);
    }
}
