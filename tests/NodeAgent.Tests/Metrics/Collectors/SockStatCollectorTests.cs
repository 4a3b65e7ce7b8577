using System.Globalization;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class SockStatCollectorTests
{
    private static NodePaths Tree(TempDirectory tree) => new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

    [Fact]
    public void Both_files_become_gauges_per_protocol_and_key()
    {
        var (result, text) = CollectorHarness.Collect(new SockStatCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            [
                "node_sockstat_FRAG6_inuse 0", "node_sockstat_FRAG6_memory 0", "node_sockstat_FRAG_inuse 0", "node_sockstat_FRAG_memory 0",
                "node_sockstat_RAW6_inuse 0", "node_sockstat_RAW_inuse 0", "node_sockstat_TCP6_inuse 0",
                "node_sockstat_TCP_alloc 2", "node_sockstat_TCP_inuse 2", "node_sockstat_TCP_mem 0", "node_sockstat_TCP_mem_bytes 0",
                "node_sockstat_TCP_orphan 0", "node_sockstat_TCP_tw 1",
                "node_sockstat_UDP6_inuse 0", "node_sockstat_UDPLITE6_inuse 0", "node_sockstat_UDPLITE_inuse 0", "node_sockstat_UDP_inuse 0",
                "node_sockstat_UDP_mem 0", "node_sockstat_UDP_mem_bytes 0",
                "node_sockstat_sockets_used 14",
            ],
            CollectorHarness.Samples(text));
        Assert.All(CollectorHarness.Types(text).Values, type => Assert.Equal("gauge", type));
        Assert.Contains("# HELP node_sockstat_TCP_tw Number of TCP sockets in state tw.\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP node_sockstat_sockets_used Number of IPv4 sockets in use.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Mem_bytes_is_the_page_count_times_the_page_size()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/sockstat", "sockets: used 3\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 5\n");

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new SockStatCollector(CollectorHarness.Context(Tree(tree)))).Text);

        Assert.Contains("node_sockstat_TCP_mem_bytes " + (5 * Environment.SystemPageSize).ToString(CultureInfo.InvariantCulture), samples);
        Assert.DoesNotContain(samples, s => s.Contains("6_", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_either_file_there_is_no_data()
    {
        using var empty = new TempDirectory();

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new SockStatCollector(CollectorHarness.Context(Tree(empty)))).Result);
    }

    [Fact]
    public void A_malformed_file_is_an_error_naming_it()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/sockstat6", "TCP6: inuse\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new SockStatCollector(CollectorHarness.Context(Tree(tree)))));
        Assert.Contains("sockstat6", error.Message, StringComparison.Ordinal);
    }
}
