using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class NfsdCollectorTests
{
    [Fact]
    public void Server_lines_become_node_exporters_families()
    {
        var (result, text) = CollectorHarness.Collect(new NfsdCollector(CollectorHarness.Context()));
        var samples = CollectorHarness.Samples(text).Where(l => !l.StartsWith("node_nfsd_requests_total", StringComparison.Ordinal));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            [
                "node_nfsd_connections_total 1",
                "node_nfsd_disk_bytes_read_total 1.572864e+08",
                "node_nfsd_disk_bytes_written_total 72864",
                "node_nfsd_file_handles_stale_total 0",
                "node_nfsd_packets_total{proto=\"tcp\"} 917",
                "node_nfsd_packets_total{proto=\"udp\"} 55",
                "node_nfsd_read_ahead_cache_not_found_total 0",
                "node_nfsd_read_ahead_cache_size_blocks 32",
                "node_nfsd_reply_cache_hits_total 0",
                "node_nfsd_reply_cache_misses_total 6",
                "node_nfsd_reply_cache_nocache_total 18622",
                "node_nfsd_rpc_errors_total{error=\"auth\"} 2",
                "node_nfsd_rpc_errors_total{error=\"cInt\"} 0",
                "node_nfsd_rpc_errors_total{error=\"fmt\"} 1",
                "node_nfsd_server_rpcs_total 18628",
                "node_nfsd_server_threads 8",
            ],
            samples);
        var types = CollectorHarness.Types(text);
        Assert.Equal("gauge", types["node_nfsd_server_threads"]);
        Assert.Equal("gauge", types["node_nfsd_read_ahead_cache_size_blocks"]);
        Assert.Equal(12, types.Values.Count(t => t == "counter"));
        Assert.Contains("# HELP node_nfsd_reply_cache_nocache_total Total number of NFSd Reply Cache non-idempotent operations (rename/delete/…).\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Requests_leave_out_null_procedures_and_unused_v4_operations_and_add_wdeleg_getattr()
    {
        var requests = CollectorHarness.Samples(CollectorHarness.Collect(new NfsdCollector(CollectorHarness.Context())).Text)
            .Where(l => l.StartsWith("node_nfsd_requests_total", StringComparison.Ordinal)).ToList();

        Assert.Equal(17 + 21 + 35 + 1, requests.Count);
        Assert.Equal(requests.Order(StringComparer.Ordinal), requests);
        Assert.DoesNotContain(requests, l => l.Contains("method=\"Null\"", StringComparison.Ordinal)
            || l.Contains("PutPubFH", StringComparison.Ordinal) || l.Contains("PutRootFH", StringComparison.Ordinal) || l.Contains("Op0", StringComparison.Ordinal));
        Assert.Contains("node_nfsd_requests_total{method=\"Lookup\",proto=\"2\"} 4410", requests);
        Assert.Contains("node_nfsd_requests_total{method=\"ReadDirPlus\",proto=\"3\"} 216", requests);
        Assert.Contains("node_nfsd_requests_total{method=\"Access\",proto=\"4\"} 103", requests);
        Assert.Contains("node_nfsd_requests_total{method=\"Read\",proto=\"4\"} 125", requests);
        Assert.Contains("node_nfsd_requests_total{method=\"SetClientID\",proto=\"4\"} 135", requests);
        Assert.Contains("node_nfsd_requests_total{method=\"RelLockOwner\",proto=\"4\"} 139", requests);
        Assert.Contains("node_nfsd_requests_total{method=\"WdelegGetattr\",proto=\"4\"} 15", requests);
    }

    [Fact]
    public void No_nfsd_file_is_no_data()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new NfsdCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Fact]
    public void An_unknown_line_is_an_error_as_in_procfs()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/rpc/nfsd", "rc 0 6 18622\nbogus 1\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new NfsdCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains("net/rpc/nfsd", error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
