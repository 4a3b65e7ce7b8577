using System.Net;
using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Netlink;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class NetDevCollectorTests
{
    private static NodePaths Tree(TempDirectory tree) => new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

    // The fixture node's /proc/net/dev: netlink would read this machine's own interfaces.
    private static readonly NetDevOptions ProcNetDev = NetDevOptions.Default with { Netlink = false };

    private static string Fixture(NetDevOptions? options = null) =>
        CollectorHarness.Collect(new NetDevCollector(CollectorHarness.Context(), options ?? ProcNetDev)).Text;

    // rtnl_link_stats64 of one link whose counters are 1, 2, 3, ... in field order, so each value names its field.
    private static ulong[] Numbered() => [.. Enumerable.Range(1, LinkCounters.Count).Select(i => (ulong)i)];

    private static string Netlink(NetDevOptions options, params LinkCounters[] links) =>
        CollectorHarness.Collect(new NetDevCollector(CollectorHarness.Context(), options, () => [], () => links)).Text;

    [Fact]
    public void Netlink_is_the_default_and_its_counters_get_the_legacy_names_with_the_kernels_sums()
    {
        Assert.True(NetDevOptions.Default.Netlink);

        var samples = CollectorHarness.Samples(Netlink(NetDevOptions.Default, new LinkCounters("eth0", Numbered()), new LinkCounters("dummy0", null)));

        Assert.Equal(
            [
                "node_network_receive_bytes_total{device=\"eth0\"} 3", "node_network_receive_compressed_total{device=\"eth0\"} 22",
                "node_network_receive_drop_total{device=\"eth0\"} 23", "node_network_receive_errs_total{device=\"eth0\"} 5",
                "node_network_receive_fifo_total{device=\"eth0\"} 15", "node_network_receive_frame_total{device=\"eth0\"} 50",
                "node_network_receive_multicast_total{device=\"eth0\"} 9", "node_network_receive_nohandler_total{device=\"eth0\"} 24",
                "node_network_receive_packets_total{device=\"eth0\"} 1", "node_network_transmit_bytes_total{device=\"eth0\"} 4",
                "node_network_transmit_carrier_total{device=\"eth0\"} 76", "node_network_transmit_colls_total{device=\"eth0\"} 10",
                "node_network_transmit_compressed_total{device=\"eth0\"} 23", "node_network_transmit_drop_total{device=\"eth0\"} 8",
                "node_network_transmit_errs_total{device=\"eth0\"} 6", "node_network_transmit_fifo_total{device=\"eth0\"} 19",
                "node_network_transmit_packets_total{device=\"eth0\"} 2",
            ],
            samples);
    }

    [Fact]
    public void Netlink_detailed_metrics_are_every_counter_under_its_rtnetlink_name_and_filters_apply()
    {
        var options = NetDevOptions.Default with { DetailedMetrics = true, DeviceExclude = new Regex("^lo$") };

        var samples = CollectorHarness.Samples(Netlink(options, new LinkCounters("lo", Numbered()), new LinkCounters("eth0", Numbered())));

        Assert.Equal(24, samples.Count);
        Assert.All(samples, s => Assert.Contains("{device=\"eth0\"}", s, StringComparison.Ordinal));
        Assert.Contains("node_network_receive_missed_errors_total{device=\"eth0\"} 16", samples);
        Assert.Contains("node_network_transmit_window_errors_total{device=\"eth0\"} 21", samples);
        Assert.Contains("node_network_receive_nohandler_total{device=\"eth0\"} 24", samples);
    }


    [Fact]
    public void Counters_use_node_exporters_legacy_names_plus_nohandler()
    {
        var text = Fixture();
        var types = CollectorHarness.Types(text);

        Assert.Equal(
            [
                "node_network_receive_bytes_total", "node_network_receive_compressed_total", "node_network_receive_drop_total",
                "node_network_receive_errs_total", "node_network_receive_fifo_total", "node_network_receive_frame_total",
                "node_network_receive_multicast_total", "node_network_receive_nohandler_total", "node_network_receive_packets_total",
                "node_network_transmit_bytes_total", "node_network_transmit_carrier_total", "node_network_transmit_colls_total",
                "node_network_transmit_compressed_total", "node_network_transmit_drop_total", "node_network_transmit_errs_total",
                "node_network_transmit_fifo_total", "node_network_transmit_packets_total",
            ],
            types.Keys);
        Assert.All(types.Values, type => Assert.Equal("counter", type));
        Assert.Contains("# HELP node_network_receive_bytes_total Network device statistic receive_bytes.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_column_lands_in_its_own_family()
    {
        var eth1 = CollectorHarness.Samples(Fixture()).Where(s => s.Contains("{device=\"eth1\"}", StringComparison.Ordinal));

        Assert.Equal(
            [
                "node_network_receive_bytes_total{device=\"eth1\"} 9.8765432101e+10",
                "node_network_receive_compressed_total{device=\"eth1\"} 7",
                "node_network_receive_drop_total{device=\"eth1\"} 12",
                "node_network_receive_errs_total{device=\"eth1\"} 3",
                "node_network_receive_fifo_total{device=\"eth1\"} 1",
                "node_network_receive_frame_total{device=\"eth1\"} 2",
                "node_network_receive_multicast_total{device=\"eth1\"} 5120",
                "node_network_receive_nohandler_total{device=\"eth1\"} 3",
                "node_network_receive_packets_total{device=\"eth1\"} 4.56789e+06",
                "node_network_transmit_bytes_total{device=\"eth1\"} 1.23456789e+09",
                "node_network_transmit_carrier_total{device=\"eth1\"} 9",
                "node_network_transmit_colls_total{device=\"eth1\"} 8",
                "node_network_transmit_compressed_total{device=\"eth1\"} 11",
                "node_network_transmit_drop_total{device=\"eth1\"} 4",
                "node_network_transmit_errs_total{device=\"eth1\"} 1",
                "node_network_transmit_fifo_total{device=\"eth1\"} 6",
                "node_network_transmit_packets_total{device=\"eth1\"} 2.345678e+06",
            ],
            eth1);
    }

    [Fact]
    public void Every_device_is_exported_in_label_order_including_loopback()
    {
        var devices = CollectorHarness.Samples(Fixture())
            .Where(s => s.StartsWith("node_network_receive_bytes_total", StringComparison.Ordinal));

        Assert.Equal(
            [
                "node_network_receive_bytes_total{device=\"bond0\"} 9.8765432101e+10",
                "node_network_receive_bytes_total{device=\"eth0\"} 1.72911089e+08",
                "node_network_receive_bytes_total{device=\"eth1\"} 9.8765432101e+10",
                "node_network_receive_bytes_total{device=\"eth2\"} 0",
                "node_network_receive_bytes_total{device=\"ifb0\"} 0",
                "node_network_receive_bytes_total{device=\"ifb1\"} 0",
                "node_network_receive_bytes_total{device=\"lo\"} 2.624877e+06",
            ],
            devices);
    }

    [Fact]
    public void Include_and_exclude_filter_devices()
    {
        static IEnumerable<string> Bytes(string text) =>
            CollectorHarness.Samples(text).Where(s => s.StartsWith("node_network_transmit_bytes_total", StringComparison.Ordinal)).Select(s => s.Split('"')[1]);

        Assert.Equal(["eth0", "eth1", "eth2"], Bytes(Fixture(ProcNetDev with { DeviceInclude = new Regex("^eth") })));
        Assert.Equal(["bond0", "ifb0", "ifb1", "lo"], Bytes(Fixture(ProcNetDev with { DeviceExclude = new Regex("^eth") })));
        Assert.Throws<ArgumentException>(() => new NetDevCollector(CollectorHarness.Context(), new NetDevOptions(new Regex("a"), new Regex("b"), false, false, false, false)));
    }

    [Fact]
    public void The_ifalias_label_comes_from_sysfs_when_enabled()
    {
        var samples = CollectorHarness.Samples(Fixture(ProcNetDev with { LabelIfAlias = true }));

        Assert.Contains("node_network_transmit_colls_total{device=\"eth1\",ifalias=\"uplink to \\\"core-1\\\"\"} 8", samples);
        Assert.Contains("node_network_transmit_colls_total{device=\"eth0\",ifalias=\"\"} 0", samples);
    }

    [Fact]
    public void Detailed_metrics_use_the_rtnetlink_names_from_the_statistics_directory()
    {
        var text = Fixture(ProcNetDev with { DetailedMetrics = true, DeviceInclude = new Regex("^eth0$") });
        var samples = CollectorHarness.Samples(text);

        Assert.Equal(
            [
                "node_network_collisions_total", "node_network_multicast_total", "node_network_receive_bytes_total",
                "node_network_receive_compressed_total", "node_network_receive_crc_errors_total", "node_network_receive_dropped_total",
                "node_network_receive_errors_total", "node_network_receive_fifo_errors_total", "node_network_receive_frame_errors_total",
                "node_network_receive_length_errors_total", "node_network_receive_missed_errors_total", "node_network_receive_nohandler_total",
                "node_network_receive_over_errors_total", "node_network_receive_packets_total", "node_network_transmit_aborted_errors_total",
                "node_network_transmit_bytes_total", "node_network_transmit_carrier_errors_total", "node_network_transmit_compressed_total",
                "node_network_transmit_dropped_total", "node_network_transmit_errors_total", "node_network_transmit_fifo_errors_total",
                "node_network_transmit_heartbeat_errors_total", "node_network_transmit_packets_total", "node_network_transmit_window_errors_total",
            ],
            CollectorHarness.Types(text).Keys);
        Assert.Contains("node_network_receive_bytes_total{device=\"eth0\"} 1.72911089e+08", samples);
        Assert.Contains("node_network_transmit_packets_total{device=\"eth0\"} 4056", samples);
    }

    [Fact]
    public void Address_info_lists_every_address_with_gos_scope()
    {
        InterfaceAddress[] addresses =
        [
            new("eth0", IPAddress.Parse("192.0.2.2"), 24),
            new("eth0", IPAddress.Parse("fe80::fc:ff:fe00:1%4"), 64),
            new("lo", IPAddress.Parse("127.0.0.1"), 8),
            new("lo", IPAddress.Parse("::1"), 128),
            new("eth0", IPAddress.Parse("fd00::2"), 64),
        ];
        var options = ProcNetDev with { AddressInfo = true, DeviceInclude = new Regex("^$") };

        var text = CollectorHarness.Collect(new NetDevCollector(CollectorHarness.Context(), options, () => addresses)).Text;

        Assert.Equal(
            "# HELP node_network_address_info node network address by device\n"
            + "# TYPE node_network_address_info gauge\n"
            + "node_network_address_info{address=\"127.0.0.1\",device=\"lo\",netmask=\"8\",scope=\"link-local\"} 1\n"
            + "node_network_address_info{address=\"192.0.2.2\",device=\"eth0\",netmask=\"24\",scope=\"global\"} 1\n"
            + "node_network_address_info{address=\"::1\",device=\"lo\",netmask=\"128\",scope=\"link-local\"} 1\n"
            + "node_network_address_info{address=\"fd00::2\",device=\"eth0\",netmask=\"64\",scope=\"global\"} 1\n"
            + "node_network_address_info{address=\"fe80::fc:ff:fe00:1\",device=\"eth0\",netmask=\"64\",scope=\"link-local\"} 1\n",
            text);
    }

    [Theory]
    [InlineData("224.0.0.251", "link-local")]
    [InlineData("ff01::1", "interface-local")]
    [InlineData("ff05::2", "")]
    [InlineData("0.0.0.0", "")]
    [InlineData("10.1.2.3", "global")]
    public void Scopes_follow_go(string address, string scope) =>
        Assert.Equal(scope, NetDevCollector.Scope(IPAddress.Parse(address)));

    [Fact]
    public void Without_proc_net_dev_there_is_no_data()
    {
        using var empty = new TempDirectory();

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new NetDevCollector(CollectorHarness.Context(Tree(empty)), ProcNetDev)).Result);
    }

    [Fact]
    public void A_malformed_file_is_an_error_naming_it()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/dev", "Inter-|\n face |\n  eth0: 1 2 3\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new NetDevCollector(CollectorHarness.Context(Tree(tree)), ProcNetDev)));
        Assert.Contains("net/dev", error.Message, StringComparison.Ordinal);
    }
}
