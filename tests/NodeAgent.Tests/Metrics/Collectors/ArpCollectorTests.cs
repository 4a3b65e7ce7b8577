using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class ArpCollectorTests
{
    [Fact]
    public void Entries_are_counted_per_device()
    {
        var (result, text) = CollectorHarness.Collect(new ArpCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            "# HELP node_arp_entries ARP entries by device\n"
            + "# TYPE node_arp_entries gauge\n"
            + "node_arp_entries{device=\"bond0\"} 2\n"
            + "node_arp_entries{device=\"eth0\"} 2\n",
            text);
    }

    [Fact]
    public void Device_filters_drop_series()
    {
        var include = new ArpCollector(CollectorHarness.Context(), ArpOptions.Default with { DeviceInclude = new Regex("^eth") });
        var exclude = new ArpCollector(CollectorHarness.Context(), ArpOptions.Default with { DeviceExclude = new Regex("^eth") });

        Assert.Equal(["node_arp_entries{device=\"eth0\"} 2"], CollectorHarness.Samples(CollectorHarness.Collect(include).Text));
        Assert.Equal(["node_arp_entries{device=\"bond0\"} 2"], CollectorHarness.Samples(CollectorHarness.Collect(exclude).Text));
    }

    [Fact]
    public void Include_and_exclude_together_are_refused() =>
        Assert.Throws<ArgumentException>(() => new ArpCollector(CollectorHarness.Context(), new ArpOptions(new Regex("a"), new Regex("b"))));

    [Fact]
    public void No_arp_file_is_no_data()
    {
        using var empty = new TempDirectory();
        var paths = new NodePaths(Path.Join(empty.Path, "proc"), Path.Join(empty.Path, "sys"), empty.Path);

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new ArpCollector(CollectorHarness.Context(paths))).Result);
    }

    [Fact]
    public void A_malformed_file_is_an_error_naming_it()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/arp", "IP address       HW type     Flags       HW address            Mask     Device\n192.0.2.1 0x1 eth0\n");
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new ArpCollector(CollectorHarness.Context(paths))));
        Assert.Contains("net/arp", error.Message, StringComparison.Ordinal);
    }
}
