using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class FibreChannelCollectorTests
{
    /// <summary>An Emulex HBA as the FC transport class shows it (attributes and hex statistics), plus a host whose
    /// driver exposes only a few attributes and no statistics directory.</summary>
    private static TempDirectory Hosts()
    {
        var tree = new TempDirectory();
        var attributes = new Dictionary<string, string>
        {
            ["dev_loss_tmo"] = "30", ["fabric_name"] = "0x0", ["node_name"] = "0x2000e0071bce95f2", ["port_id"] = "0x000002",
            ["port_name"] = "0x1000e0071bce95f2", ["port_state"] = "Online", ["port_type"] = "Point-To-Point (direct connect)",
            ["speed"] = "16 Gbit", ["supported_classes"] = "Class 3", ["supported_speeds"] = "4 Gbit, 8 Gbit, 16 Gbit",
            ["symbolic_name"] = "Emulex SN1100E2P FV12.4.270.3 DV12.4.0.0. HN:gotest. OS:Linux",
        };
        foreach (var (file, value) in attributes)
        {
            tree.Write($"sys/class/fc_host/host0/{file}", value + "\n");
        }

        var statistics = new Dictionary<string, string>
        {
            ["dumped_frames"] = "0xffffffffffffffff", ["error_frames"] = "0x0", ["fcp_packet_aborts"] = "0x13", ["invalid_crc_count"] = "0x2",
            ["invalid_tx_word_count"] = "0x8", ["link_failure_count"] = "0x9", ["loss_of_signal_count"] = "0x11", ["loss_of_sync_count"] = "0x10",
            ["nos_count"] = "0x12", ["rx_frames"] = "0x3", ["rx_words"] = "0x4", ["seconds_since_last_reset"] = "0x7", ["tx_frames"] = "0x5",
            ["tx_words"] = "0x6", ["lip_count"] = "0x1",
        };
        foreach (var (file, value) in statistics)
        {
            tree.Write($"sys/class/fc_host/host0/statistics/{file}", value + "\n");
        }

        tree.Write("sys/class/fc_host/host1/port_state", "Linkdown\n");
        tree.Write("sys/class/fc_host/host1/port_name", "0x1000e0071bce95f3\n");
        return tree;
    }

    [Fact]
    public void Hosts_give_an_info_series_and_one_counter_per_implemented_statistic()
    {
        using var tree = Hosts();
        var (result, text) = CollectorHarness.Collect(new FibreChannelCollector(CollectorHarness.Context(Paths(tree))));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            [
                "node_fibrechannel_error_frames_total{fc_host=\"host0\"} 0",
                "node_fibrechannel_fcp_packet_aborts_total{fc_host=\"host0\"} 19",
                "node_fibrechannel_info{dev_loss_tmo=\"\",fabric_name=\"\",fc_host=\"host1\",port_id=\"\",port_name=\"1000e0071bce95f3\",port_state=\"Linkdown\",port_type=\"\",speed=\"\",supported_classes=\"\",supported_speeds=\"\",symbolic_name=\"\"} 1",
                "node_fibrechannel_info{dev_loss_tmo=\"30\",fabric_name=\"0\",fc_host=\"host0\",port_id=\"000002\",port_name=\"1000e0071bce95f2\",port_state=\"Online\",port_type=\"Point-To-Point (direct connect)\",speed=\"16 Gbit\",supported_classes=\"Class 3\",supported_speeds=\"4 Gbit, 8 Gbit, 16 Gbit\",symbolic_name=\"Emulex SN1100E2P FV12.4.270.3 DV12.4.0.0. HN:gotest. OS:Linux\"} 1",
                "node_fibrechannel_invalid_crc_total{fc_host=\"host0\"} 2",
                "node_fibrechannel_invalid_tx_words_total{fc_host=\"host0\"} 8",
                "node_fibrechannel_link_failure_total{fc_host=\"host0\"} 9",
                "node_fibrechannel_loss_of_signal_total{fc_host=\"host0\"} 17",
                "node_fibrechannel_loss_of_sync_total{fc_host=\"host0\"} 16",
                "node_fibrechannel_nos_total{fc_host=\"host0\"} 18",
                "node_fibrechannel_rx_frames_total{fc_host=\"host0\"} 3",
                "node_fibrechannel_rx_words_total{fc_host=\"host0\"} 4",
                "node_fibrechannel_seconds_since_last_reset_total{fc_host=\"host0\"} 7",
                "node_fibrechannel_tx_frames_total{fc_host=\"host0\"} 5",
                "node_fibrechannel_tx_words_total{fc_host=\"host0\"} 6",
            ],
            CollectorHarness.Samples(text));
        Assert.Equal("gauge", CollectorHarness.Types(text)["node_fibrechannel_info"]);
        Assert.Equal(13, CollectorHarness.Types(text).Values.Count(t => t == "counter")); // dumped_frames is unimplemented: no family
        Assert.Contains("# HELP node_fibrechannel_info Non-numeric data from /sys/class/fc_host/<host>, value is always 1.\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP node_fibrechannel_nos_total Number Not_Operational Primitive Sequence received by host port\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void No_fc_host_class_is_no_data()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new FibreChannelCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Fact]
    public void A_malformed_counter_is_an_error()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/class/fc_host/host0/statistics/rx_frames", "many\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new FibreChannelCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains("rx_frames", error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
