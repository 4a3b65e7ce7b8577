using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class NfsCollectorTests
{
    [Fact]
    public void Network_and_rpc_lines_become_counters()
    {
        var (result, text) = CollectorHarness.Collect(new NfsCollector(CollectorHarness.Context()));
        var samples = CollectorHarness.Samples(text);

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            [
                "node_nfs_connections_total 45",
                "node_nfs_packets_total{protocol=\"tcp\"} 69",
                "node_nfs_packets_total{protocol=\"udp\"} 70",
            ],
            samples.Take(3));
        Assert.Equal(
            [
                "node_nfs_rpc_authentication_refreshes_total 1.218815394e+09",
                "node_nfs_rpc_retransmissions_total 374636",
                "node_nfs_rpcs_total 1.218785755e+09",
            ],
            samples.TakeLast(3));
        Assert.All(CollectorHarness.Types(text).Values, type => Assert.Equal("counter", type));
        Assert.Contains("# HELP node_nfs_requests_total Number of NFS procedures invoked.\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP node_nfs_connections_total Total number of NFSd TCP connections.\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("node_nfs_requests_total{method=\"Null\",proto=\"2\"} 16")]
    [InlineData("node_nfs_requests_total{method=\"WrCache\",proto=\"2\"} 86")]
    [InlineData("node_nfs_requests_total{method=\"GetAttr\",proto=\"3\"} 1.061909262e+09")]
    [InlineData("node_nfs_requests_total{method=\"Commit\",proto=\"3\"} 23729")]
    [InlineData("node_nfs_requests_total{method=\"Null\",proto=\"4\"} 1")]
    [InlineData("node_nfs_requests_total{method=\"Getattr\",proto=\"4\"} 181")]
    [InlineData("node_nfs_requests_total{method=\"SetClientIDConfirm\",proto=\"4\"} 131")]
    // The kernel counts LAYOUTGET (NFSPROC4_CLNT_LAYOUTGET, value 45 of the line) before GETDEVICEINFO (46); procfs
    // since 0.17.0 (node_exporter 1.10.0) maps them the other way round.
    [InlineData("node_nfs_requests_total{method=\"LayoutGet\",proto=\"4\"} 441")]
    [InlineData("node_nfs_requests_total{method=\"GetDeviceInfo\",proto=\"4\"} 451")]
    [InlineData("node_nfs_requests_total{method=\"Clone\",proto=\"4\"} 581")]
    public void Procedures_are_labelled_with_procfs_field_names(string sample) =>
        Assert.Contains(sample, CollectorHarness.Samples(CollectorHarness.Collect(new NfsCollector(CollectorHarness.Context())).Text));

    [Fact]
    public void Every_known_procedure_is_present_in_label_order()
    {
        var requests = CollectorHarness.Samples(CollectorHarness.Collect(new NfsCollector(CollectorHarness.Context())).Text)
            .Where(l => l.StartsWith("node_nfs_requests_total", StringComparison.Ordinal)).ToList();

        Assert.Equal(18 + 22 + 59, requests.Count);
        Assert.Equal(requests.Order(StringComparer.Ordinal), requests);
    }

    [Fact]
    public void No_nfs_client_file_is_no_data()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new NfsCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Fact]
    public void A_malformed_file_is_an_error()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/rpc/nfs", "net 1 2 3 4\nrpc 1 2\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new NfsCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains("net/rpc/nfs", error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
