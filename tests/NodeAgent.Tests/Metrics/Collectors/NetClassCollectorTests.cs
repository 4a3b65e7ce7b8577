using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class NetClassCollectorTests
{
    private static NodePaths Tree(TempDirectory tree) => new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

    private static (CollectResult Result, string Text) Fixture(NetClassOptions? options = null) =>
        CollectorHarness.Collect(new NetClassCollector(CollectorHarness.Context(), options ?? NetClassOptions.Default));

    [Fact]
    public void Families_have_node_exporters_names_types_and_order()
    {
        var (result, text) = Fixture();

        Assert.Equal(CollectResult.Success, result);
        var types = CollectorHarness.Types(text);
        Assert.Equal(
            [
                "node_network_address_assign_type", "node_network_carrier", "node_network_carrier_changes_total",
                "node_network_carrier_down_changes_total", "node_network_carrier_up_changes_total", "node_network_device_id",
                "node_network_dormant", "node_network_flags", "node_network_iface_id", "node_network_iface_link",
                "node_network_iface_link_mode", "node_network_info", "node_network_mtu_bytes", "node_network_name_assign_type",
                "node_network_net_dev_group", "node_network_protocol_type", "node_network_speed_bytes",
                "node_network_transmit_queue_length", "node_network_up",
            ],
            types.Keys);
        Assert.Equal(3, types.Values.Count(t => t == "counter"));
        Assert.Equal("counter", types["node_network_carrier_up_changes_total"]);
        Assert.Contains("# HELP node_network_mtu_bytes Network device property: mtu_bytes\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Info_carries_the_text_attributes_and_the_admin_state_from_flags()
    {
        var samples = CollectorHarness.Samples(Fixture().Text);

        Assert.Equal(
            [
                "node_network_info{address=\"00:00:00:00:00:00\",adminstate=\"up\",broadcast=\"00:00:00:00:00:00\",device=\"lo\",duplex=\"\",ifalias=\"\",operstate=\"unknown\"} 1",
                "node_network_info{address=\"02:fc:00:00:00:01\",adminstate=\"up\",broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"eth0\",duplex=\"unknown\",ifalias=\"\",operstate=\"up\"} 1",
                "node_network_info{address=\"52:54:00:ab:cd:01\",adminstate=\"up\",broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"bond0\",duplex=\"full\",ifalias=\"\",operstate=\"up\"} 1",
                "node_network_info{address=\"52:54:00:ab:cd:01\",adminstate=\"up\",broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"eth1\",duplex=\"full\",ifalias=\"uplink to \\\"core-1\\\"\",operstate=\"up\"} 1",
                "node_network_info{address=\"52:54:00:ab:cd:02\",adminstate=\"down\",broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"eth2\",duplex=\"unknown\",ifalias=\"\",operstate=\"down\"} 1",
                "node_network_info{address=\"aa:44:f9:32:7a:fc\",adminstate=\"down\",broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"ifb0\",duplex=\"\",ifalias=\"\",operstate=\"down\"} 1",
                "node_network_info{address=\"fe:22:ae:6e:0f:90\",adminstate=\"down\",broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"ifb1\",duplex=\"\",ifalias=\"\",operstate=\"down\"} 1",
            ],
            samples.Where(s => s.StartsWith("node_network_info", StringComparison.Ordinal)));
        Assert.Equal(
            [
                "node_network_up{device=\"bond0\"} 1", "node_network_up{device=\"eth0\"} 1", "node_network_up{device=\"eth1\"} 1",
                "node_network_up{device=\"eth2\"} 0", "node_network_up{device=\"ifb0\"} 0", "node_network_up{device=\"ifb1\"} 0",
                "node_network_up{device=\"lo\"} 0",
            ],
            samples.Where(s => s.StartsWith("node_network_up", StringComparison.Ordinal)));
    }

    [Fact]
    public void Integer_attributes_accept_hex_and_unreadable_ones_are_left_out()
    {
        var samples = CollectorHarness.Samples(Fixture().Text);

        Assert.Contains("node_network_flags{device=\"eth0\"} 4099", samples);
        Assert.Contains("node_network_flags{device=\"lo\"} 9", samples);
        Assert.Contains("node_network_mtu_bytes{device=\"lo\"} 65536", samples);
        Assert.Contains("node_network_protocol_type{device=\"lo\"} 772", samples);
        Assert.Contains("node_network_carrier_changes_total{device=\"eth2\"} 7", samples);
        // ifb0 is down: the kernel refuses carrier, dormant and speed; lo has no speed.
        Assert.DoesNotContain(samples, s => s.StartsWith("node_network_carrier{device=\"ifb0\"}", StringComparison.Ordinal));
        Assert.DoesNotContain(samples, s => s.StartsWith("node_network_speed_bytes{device=\"lo\"}", StringComparison.Ordinal));
        Assert.DoesNotContain(samples, s => s.Contains("bonding_masters", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_speed_is_exported_as_negative_bytes_unless_ignored()
    {
        var speeds = CollectorHarness.Samples(Fixture().Text).Where(s => s.StartsWith("node_network_speed_bytes", StringComparison.Ordinal));
        var ignoring = CollectorHarness.Samples(Fixture(NetClassOptions.Default with { IgnoreInvalidSpeed = true }).Text)
            .Where(s => s.StartsWith("node_network_speed_bytes", StringComparison.Ordinal));

        Assert.Equal(
            [
                "node_network_speed_bytes{device=\"bond0\"} 2.5e+09", "node_network_speed_bytes{device=\"eth0\"} -125000",
                "node_network_speed_bytes{device=\"eth1\"} 1.25e+09", "node_network_speed_bytes{device=\"eth2\"} -125000",
            ],
            speeds);
        Assert.Equal(["node_network_speed_bytes{device=\"bond0\"} 2.5e+09", "node_network_speed_bytes{device=\"eth1\"} 1.25e+09"], ignoring);
    }

    [Fact]
    public void Ignored_devices_are_left_out_entirely()
    {
        var samples = CollectorHarness.Samples(Fixture(NetClassOptions.Default with { IgnoredDevices = new Regex("^(ifb|eth)") }).Text);

        Assert.Equal(["node_network_up{device=\"bond0\"} 1", "node_network_up{device=\"lo\"} 0"], samples.Where(s => s.StartsWith("node_network_up", StringComparison.Ordinal)));
        Assert.DoesNotContain(samples, s => s.Contains("\"eth", StringComparison.Ordinal) || s.Contains("\"ifb", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_class_net_there_is_no_data()
    {
        using var empty = new TempDirectory();

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new NetClassCollector(CollectorHarness.Context(Tree(empty)))).Result);
    }

    [Fact]
    public void A_value_that_does_not_parse_is_left_out_like_procfs_does()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/class/net/eth9/mtu", "lots\n");
        tree.Write("sys/class/net/eth9/operstate", "up\n");
        tree.Write("sys/class/net/eth9/flags", "0x1002\n");

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new NetClassCollector(CollectorHarness.Context(Tree(tree)))).Text);

        Assert.Equal(
            [
                "node_network_flags{device=\"eth9\"} 4098",
                "node_network_info{address=\"\",adminstate=\"down\",broadcast=\"\",device=\"eth9\",duplex=\"\",ifalias=\"\",operstate=\"up\"} 1",
                "node_network_up{device=\"eth9\"} 1",
            ],
            samples);
    }
}
