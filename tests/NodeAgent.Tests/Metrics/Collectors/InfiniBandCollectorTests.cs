using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class InfiniBandCollectorTests
{
    private static NodePaths Tree(TempDirectory tree) => new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

    [Fact]
    public void Info_is_per_device_and_sorted_by_label_values()
    {
        var (result, text) = CollectorHarness.Collect(new InfiniBandCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            [
                "node_infiniband_info{board_id=\"\",device=\"mlx5_0\",firmware_version=\"16.35.2000\",hca_type=\"MT4119\"} 1",
                "node_infiniband_info{board_id=\"SM_1141000001000\",device=\"mlx4_0\",firmware_version=\"2.31.5050\",hca_type=\"MT4099\"} 1",
            ],
            CollectorHarness.Samples(text).Where(s => s.StartsWith("node_infiniband_info", StringComparison.Ordinal)));
    }

    [Fact]
    public void Port_state_rate_and_counters_are_exported_per_port()
    {
        var (_, text) = CollectorHarness.Collect(new InfiniBandCollector(CollectorHarness.Context()));
        var samples = CollectorHarness.Samples(text);
        var types = CollectorHarness.Types(text);

        Assert.Equal(34, types.Count);
        Assert.Equal(["node_infiniband_info", "node_infiniband_physical_state_id", "node_infiniband_rate_bytes_per_second", "node_infiniband_state_id"], types.Where(t => t.Value == "gauge").Select(t => t.Key));
        Assert.Equal(
            [
                "node_infiniband_state_id{device=\"mlx4_0\",port=\"1\"} 4",
                "node_infiniband_state_id{device=\"mlx4_0\",port=\"2\"} 1",
                "node_infiniband_state_id{device=\"mlx5_0\",port=\"1\"} 4",
            ],
            samples.Where(s => s.StartsWith("node_infiniband_state_id", StringComparison.Ordinal)));
        Assert.Contains("node_infiniband_rate_bytes_per_second{device=\"mlx4_0\",port=\"2\"} 3.125e+08", samples);
        Assert.Contains("node_infiniband_physical_state_id{device=\"mlx4_0\",port=\"2\"} 3", samples);
        Assert.Contains("node_infiniband_link_downed_total{device=\"mlx4_0\",port=\"2\"} 1", samples);
        Assert.Contains("node_infiniband_port_transmit_wait_total{device=\"mlx4_0\",port=\"1\"} 3599", samples);
        Assert.Contains("node_infiniband_vl15_dropped_total{device=\"mlx4_0\",port=\"1\"} 0", samples);
    }

    [Fact]
    public void Data_counters_are_multiplied_by_the_four_lanes()
    {
        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new InfiniBandCollector(CollectorHarness.Context())).Text);

        Assert.Contains("node_infiniband_port_data_received_bytes_total{device=\"mlx4_0\",port=\"1\"} 8.884894436e+09", samples);
        Assert.Contains("node_infiniband_port_data_transmitted_bytes_total{device=\"mlx4_0\",port=\"1\"} 1.06668848e+08", samples);
        Assert.Contains("node_infiniband_legacy_data_received_bytes_total{device=\"mlx4_0\",port=\"1\"} 8.884894436e+09", samples);
        Assert.Contains("node_infiniband_legacy_packets_transmitted_total{device=\"mlx4_0\",port=\"1\"} 133418", samples);
    }

    [Fact]
    public void Counters_without_a_management_agent_and_ports_without_counters_are_left_out()
    {
        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new InfiniBandCollector(CollectorHarness.Context())).Text);

        Assert.DoesNotContain(samples, s => s.StartsWith("node_infiniband_port_transmit_wait_total{device=\"mlx4_0\",port=\"2\"}", StringComparison.Ordinal));
        Assert.DoesNotContain(samples, s => s.StartsWith("node_infiniband_unicast_packets_received_total{device=\"mlx4_0\",port=\"2\"}", StringComparison.Ordinal));
        Assert.Equal(
            ["physical_state_id", "rate_bytes_per_second", "state_id"],
            samples.Where(s => s.Contains("mlx5_0\",port", StringComparison.Ordinal)).Select(s => s["node_infiniband_".Length..s.IndexOf('{', StringComparison.Ordinal)]));
    }

    [Fact]
    public void Without_infiniband_there_is_no_data()
    {
        using var empty = new TempDirectory();

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new InfiniBandCollector(CollectorHarness.Context(Tree(empty)))).Result);
    }

    [Theory]
    [InlineData("sys/class/infiniband/mlx9_0/ports/1/rate", "fast\n")]
    [InlineData("sys/class/infiniband/mlx9_0/ports/1/state", "ACTIVE\n")]
    [InlineData("sys/class/infiniband/mlx9_0/ports/1/counters/symbol_error", "many\n")]
    public void Malformed_port_files_are_errors(string file, string content)
    {
        using var tree = new TempDirectory();
        tree.Write("sys/class/infiniband/mlx9_0/fw_ver", "1.0\n");
        tree.Write("sys/class/infiniband/mlx9_0/ports/1/state", "4: ACTIVE\n");
        tree.Write("sys/class/infiniband/mlx9_0/ports/1/phys_state", "5: LinkUp\n");
        tree.Write("sys/class/infiniband/mlx9_0/ports/1/rate", "40 Gb/sec (4X QDR)\n");
        tree.Write("sys/class/infiniband/mlx9_0/ports/1/counters/symbol_error", "0\n");
        tree.Write(file, content);

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new InfiniBandCollector(CollectorHarness.Context(Tree(tree)))));
        Assert.Contains(Path.GetFileName(file), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_file_is_no_data_as_node_exporter_treats_not_exist()
    {
        using var noFirmware = new TempDirectory();
        noFirmware.Write("sys/class/infiniband/mlx9_0/ports/1/state", "4: ACTIVE\n");
        using var noRate = new TempDirectory();
        noRate.Write("sys/class/infiniband/mlx9_0/fw_ver", "1.0\n");
        noRate.Write("sys/class/infiniband/mlx9_0/ports/1/state", "4: ACTIVE\n");
        noRate.Write("sys/class/infiniband/mlx9_0/ports/1/phys_state", "5: LinkUp\n");

        var (result, text) = CollectorHarness.Collect(new InfiniBandCollector(CollectorHarness.Context(Tree(noFirmware))));

        Assert.Equal(CollectResult.NoData, result);
        Assert.Empty(text);
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new InfiniBandCollector(CollectorHarness.Context(Tree(noRate)))).Result);
    }
}
