using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class BondingCollectorTests
{
    private static NodePaths Tree(TempDirectory tree) => new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

    [Fact]
    public void Slaves_and_active_slaves_are_counted_per_master()
    {
        var (result, text) = CollectorHarness.Collect(new BondingCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            "# HELP node_bonding_active Number of active slaves per bonding interface.\n"
            + "# TYPE node_bonding_active gauge\n"
            + "node_bonding_active{master=\"bond0\"} 1\n"
            + "# HELP node_bonding_slaves Number of configured slaves per bonding interface.\n"
            + "# TYPE node_bonding_slaves gauge\n"
            + "node_bonding_slaves{master=\"bond0\"} 2\n",
            text);
    }

    [Fact]
    public void Older_kernels_link_slaves_as_slave_prefixed_directories()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/class/net/bonding_masters", "bond0 bond1\n");
        tree.Write("sys/class/net/bond0/bonding/slaves", "eth0\n");
        tree.Write("sys/class/net/bond0/slave_eth0/bonding_slave/mii_status", "up\n");
        tree.Write("sys/class/net/bond1/bonding/slaves", "\n");

        var (result, text) = CollectorHarness.Collect(new BondingCollector(CollectorHarness.Context(Tree(tree))));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            [
                "node_bonding_active{master=\"bond0\"} 1", "node_bonding_active{master=\"bond1\"} 0",
                "node_bonding_slaves{master=\"bond0\"} 1", "node_bonding_slaves{master=\"bond1\"} 0",
            ],
            CollectorHarness.Samples(text));
    }

    [Fact]
    public void A_slave_without_mii_status_is_no_data_as_in_node_exporter()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/class/net/bonding_masters", "bond0\n");
        tree.Write("sys/class/net/bond0/bonding/slaves", "eth0\n");

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new BondingCollector(CollectorHarness.Context(Tree(tree)))).Result);
    }

    [Fact]
    public void Without_the_bonding_driver_there_is_no_data()
    {
        using var empty = new TempDirectory();

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new BondingCollector(CollectorHarness.Context(Tree(empty)))).Result);
    }
}
