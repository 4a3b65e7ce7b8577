using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class DrbdCollectorTests : IDisposable
{
    private readonly TempDirectory _tree = new();

    public void Dispose() => _tree.Dispose();

    private DrbdCollector Collector() => new(CollectorHarness.Context(new NodePaths(Path.Join(_tree.Path, "proc"), _tree.Path, _tree.Path)));

    [Fact]
    public void A_device_gives_its_counters_in_bytes_and_its_states_as_gauges()
    {
        _tree.Write("proc/drbd",
            """
            version: 8.4.3 (api:1/proto:86-101)
            srcversion: 1A9F77B1CA5FF92235C2213 

             1: cs:Connected ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----
                ns:2 nr:3 dw:4 dr:5 al:6 bm:7 lo:8 pe:9 ua:10 ap:11 ep:1 wo:d oos:12
             2: cs:WFConnection ro:Secondary/Unknown ds:Diskless/DUnknown C r-----
                ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:d oos:0
            """);

        var (result, text) = CollectorHarness.Collect(Collector());

        Assert.Equal(CollectResult.Success, result);
        var samples = CollectorHarness.Samples(text);
        Assert.Equal(2 * 17, samples.Count);
        Assert.Contains("node_drbd_network_sent_bytes_total{device=\"drbd1\"} 2048", samples);
        Assert.Contains("node_drbd_network_received_bytes_total{device=\"drbd1\"} 3", samples); // unscaled, as node_exporter
        Assert.Contains("node_drbd_disk_written_bytes_total{device=\"drbd1\"} 4096", samples);
        Assert.Contains("node_drbd_disk_read_bytes_total{device=\"drbd1\"} 5120", samples);
        Assert.Contains("node_drbd_out_of_sync_bytes{device=\"drbd1\"} 12288", samples);
        Assert.Contains("node_drbd_remote_unacknowledged{device=\"drbd1\"} 10", samples);
        Assert.Contains("node_drbd_connected{device=\"drbd1\"} 1", samples);
        Assert.Contains("node_drbd_connected{device=\"drbd2\"} 0", samples);
        Assert.Contains("node_drbd_node_role_is_primary{device=\"drbd1\",node=\"local\"} 1", samples);
        Assert.Contains("node_drbd_node_role_is_primary{device=\"drbd1\",node=\"remote\"} 0", samples);
        Assert.Contains("node_drbd_disk_state_is_up_to_date{device=\"drbd1\",node=\"local\"} 1", samples);
        Assert.Contains("node_drbd_disk_state_is_up_to_date{device=\"drbd1\",node=\"remote\"} 0", samples);
        Assert.Equal("counter", CollectorHarness.Types(text)["node_drbd_activitylog_writes_total"]);
        Assert.Equal("gauge", CollectorHarness.Types(text)["node_drbd_epochs"]);
        Assert.Contains(
            """
            # HELP node_drbd_connected Whether DRBD is connected to the peer.
            # TYPE node_drbd_connected gauge
            node_drbd_connected{device="drbd1"} 1
            node_drbd_connected{device="drbd2"} 0
            """, text, StringComparison.Ordinal);
    }

    [Fact]
    public void It_is_off_by_default_and_a_host_without_drbd_is_no_data()
    {
        Assert.False(DrbdCollector.Descriptor.EnabledByDefault);
        Assert.Equal((CollectResult.NoData, ""), CollectorHarness.Collect(Collector()));
    }

    [Fact]
    public void A_counter_that_is_not_a_number_is_an_error()
    {
        _tree.Write("proc/drbd", " 1: cs:Connected ns:lots\n");

        Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(Collector()));
    }
}
