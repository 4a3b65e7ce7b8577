using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class NvmeCollectorTests
{
    [Fact]
    public void Controllers_and_their_namespaces_give_node_exporter_1_12_exposition()
    {
        // nvme0: one namespace, 512-byte blocks, no ANA; nvme1: two namespaces with 4 KiB blocks and ANA states.
        var (result, text) = CollectorHarness.Collect(new NvmeCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_nvme_info Non-numeric data from /sys/class/nvme/<device>, value is always 1.
            # TYPE node_nvme_info gauge
            node_nvme_info{cntlid="4",device="nvme0",firmware_revision="2B2QEXM7",model="Samsung SSD 970 EVO Plus 500GB",serial="S4EVNX0R512345A",state="live"} 1
            node_nvme_info{cntlid="2",device="nvme1",firmware_revision="GDC7302Q",model="SAMSUNG MZWLR3T8HBLS-00007",serial="S6EUNE0R900123",state="live"} 1
            # HELP node_nvme_namespace_capacity_bytes Capacity of the NVMe namespace in bytes. Computed as namespace_size * namespace_logical_block_size
            # TYPE node_nvme_namespace_capacity_bytes gauge
            node_nvme_namespace_capacity_bytes{device="nvme0",nsid="1"} 5.00107862016e+11
            node_nvme_namespace_capacity_bytes{device="nvme1",nsid="1"} 1.073741824e+12
            node_nvme_namespace_capacity_bytes{device="nvme1",nsid="2"} 4.294967296e+09
            # HELP node_nvme_namespace_info Information about NVMe namespaces. Value is always 1
            # TYPE node_nvme_namespace_info gauge
            node_nvme_namespace_info{ana_state="non-optimized",device="nvme1",nsid="2"} 1
            node_nvme_namespace_info{ana_state="optimized",device="nvme1",nsid="1"} 1
            node_nvme_namespace_info{ana_state="unknown",device="nvme0",nsid="1"} 1
            # HELP node_nvme_namespace_logical_block_size_bytes Logical block size of the NVMe namespace in bytes. Usually 4Kb. Available in /sys/class/nvme/<device>/<namespace>/queue/logical_block_size
            # TYPE node_nvme_namespace_logical_block_size_bytes gauge
            node_nvme_namespace_logical_block_size_bytes{device="nvme0",nsid="1"} 512
            node_nvme_namespace_logical_block_size_bytes{device="nvme1",nsid="1"} 4096
            node_nvme_namespace_logical_block_size_bytes{device="nvme1",nsid="2"} 4096
            # HELP node_nvme_namespace_size_bytes Size of the NVMe namespace in bytes. Available in /sys/class/nvme/<device>/<namespace>/size
            # TYPE node_nvme_namespace_size_bytes gauge
            node_nvme_namespace_size_bytes{device="nvme0",nsid="1"} 5.00107862016e+11
            node_nvme_namespace_size_bytes{device="nvme1",nsid="1"} 1.073741824e+12
            node_nvme_namespace_size_bytes{device="nvme1",nsid="2"} 4.294967296e+09
            # HELP node_nvme_namespace_used_bytes Used space of the NVMe namespace in bytes. Available in /sys/class/nvme/<device>/<namespace>/nuse
            # TYPE node_nvme_namespace_used_bytes gauge
            node_nvme_namespace_used_bytes{device="nvme0",nsid="1"} 6.3209875968e+10
            node_nvme_namespace_used_bytes{device="nvme1",nsid="1"} 4.096e+06
            node_nvme_namespace_used_bytes{device="nvme1",nsid="2"} 0

            """,
            text);
    }

    [Fact]
    public void Sizes_are_block_counts_times_the_logical_block_size()
    {
        var (_, text) = CollectorHarness.Collect(new NvmeCollector(CollectorHarness.Context()));
        var samples = CollectorHarness.Samples(text);

        // nvme1n1: size 262144000 and nuse 1000 blocks of 4096 bytes.
        Assert.Contains("node_nvme_namespace_size_bytes{device=\"nvme1\",nsid=\"1\"} 1.073741824e+12", samples);
        Assert.Contains("node_nvme_namespace_used_bytes{device=\"nvme1\",nsid=\"1\"} 4.096e+06", samples);
    }

    [Fact]
    public void A_kernel_without_native_multipath_lists_namespaces_as_nvme_x_n_z_and_they_are_reported_too()
    {
        using var sys = new TempDirectory();
        foreach (var (file, value) in new[]
        {
            ("class/nvme/nvme0/firmware_rev", "1.0"), ("class/nvme/nvme0/model", "Disk"), ("class/nvme/nvme0/serial", "S1"),
            ("class/nvme/nvme0/state", "live"), ("class/nvme/nvme0/cntlid", "1"), ("class/nvme/nvme0/nvme0n3/nuse", "2"),
            ("class/nvme/nvme0/nvme0n3/size", "8"), ("class/nvme/nvme0/nvme0n3/queue/logical_block_size", "512"),
            ("class/nvme/nvme0/nvme0n3/ana_state", "optimized"), ("class/nvme/nvme0/ng0n3/size", "8"),
        })
        {
            sys.Write(file, value + "\n");
        }

        var (_, text) = CollectorHarness.Collect(new NvmeCollector(CollectorHarness.Context(new NodePaths(sys.Path, sys.Path, sys.Path))));

        Assert.Equal(
            [
                "node_nvme_namespace_capacity_bytes{device=\"nvme0\",nsid=\"3\"} 4096",
                "node_nvme_namespace_info{ana_state=\"optimized\",device=\"nvme0\",nsid=\"3\"} 1",
                "node_nvme_namespace_logical_block_size_bytes{device=\"nvme0\",nsid=\"3\"} 512",
                "node_nvme_namespace_size_bytes{device=\"nvme0\",nsid=\"3\"} 4096",
                "node_nvme_namespace_used_bytes{device=\"nvme0\",nsid=\"3\"} 1024",
            ],
            CollectorHarness.Samples(text).Where(l => l.StartsWith("node_nvme_namespace", StringComparison.Ordinal)));
    }

    [Fact]
    public void No_nvme_class_is_no_data()
    {
        using var empty = new TempDirectory();

        var (result, text) = CollectorHarness.Collect(new NvmeCollector(CollectorHarness.Context(new NodePaths(empty.Path, empty.Path, empty.Path))));

        Assert.Equal(CollectResult.NoData, result);
        Assert.Empty(text);
    }

    [Theory]
    [InlineData("class/nvme/nvme0/cntlid")]
    [InlineData("class/nvme/nvme0/nvme0c0n1/size")]
    public void A_missing_controller_or_namespace_attribute_is_an_error(string missing)
    {
        using var sys = new TempDirectory();
        foreach (var (file, value) in new[]
        {
            ("class/nvme/nvme0/firmware_rev", "1.0"), ("class/nvme/nvme0/model", "Disk"), ("class/nvme/nvme0/serial", "S1"),
            ("class/nvme/nvme0/state", "live"), ("class/nvme/nvme0/cntlid", "1"), ("class/nvme/nvme0/nvme0c0n1/nuse", "1"),
            ("class/nvme/nvme0/nvme0c0n1/size", "8"), ("class/nvme/nvme0/nvme0c0n1/queue/logical_block_size", "512"),
        })
        {
            if (file != missing)
            {
                sys.Write(file, value + "\n");
            }
        }

        var e = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new NvmeCollector(CollectorHarness.Context(new NodePaths(sys.Path, sys.Path, sys.Path)))));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }
}
