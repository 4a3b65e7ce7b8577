using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class UdpQueuesCollectorTests
{
    private static NodePaths Tree(TempDirectory tree) => new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

    [Fact]
    public void Queues_are_summed_per_ip_version()
    {
        var (result, text) = CollectorHarness.Collect(new UdpQueuesCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            "# HELP node_udp_queues Number of allocated memory in the kernel for UDP datagrams in bytes.\n"
            + "# TYPE node_udp_queues gauge\n"
            + "node_udp_queues{ip=\"v4\",queue=\"rx\"} 2944\n"
            + "node_udp_queues{ip=\"v4\",queue=\"tx\"} 576\n"
            + "node_udp_queues{ip=\"v6\",queue=\"rx\"} 768\n"
            + "node_udp_queues{ip=\"v6\",queue=\"tx\"} 128\n",
            text);
    }

    [Fact]
    public void With_ipv6_disabled_only_v4_is_exported()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/udp", File.ReadAllText(Repository.Fixture("node", "proc", "net", "udp")));

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new UdpQueuesCollector(CollectorHarness.Context(Tree(tree)))).Text);

        Assert.Equal(["node_udp_queues{ip=\"v4\",queue=\"rx\"} 2944", "node_udp_queues{ip=\"v4\",queue=\"tx\"} 576"], samples);
    }

    [Fact]
    public void Without_either_file_there_is_no_data()
    {
        using var empty = new TempDirectory();

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new UdpQueuesCollector(CollectorHarness.Context(Tree(empty)))).Result);
    }

    [Fact]
    public void A_malformed_file_is_an_error_naming_it()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/udp6", "header\n  0: 0000:0035 0000:0000 07\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new UdpQueuesCollector(CollectorHarness.Context(Tree(tree)))));
        Assert.Contains("udp6", error.Message, StringComparison.Ordinal);
    }
}
