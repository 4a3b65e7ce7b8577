using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class LnstatCollectorTests
{
    [Fact]
    public void Every_column_of_every_cache_is_a_counter_by_cpu_and_subsystem()
    {
        var (result, text) = CollectorHarness.Collect(new LnstatCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.StartsWith(
            """
            # HELP node_lnstat_allocs_total linux network cache stats
            # TYPE node_lnstat_allocs_total counter
            node_lnstat_allocs_total{cpu="0",subsystem="arp_cache"} 1
            node_lnstat_allocs_total{cpu="1",subsystem="arp_cache"} 1
            # HELP node_lnstat_chainlength_total linux network cache stats
            # TYPE node_lnstat_chainlength_total counter
            node_lnstat_chainlength_total{cpu="0",subsystem="nf_conntrack"} 5
            node_lnstat_chainlength_total{cpu="1",subsystem="nf_conntrack"} 2

            """, text);
        Assert.Contains(
            """
            # HELP node_lnstat_entries_total linux network cache stats
            # TYPE node_lnstat_entries_total counter
            node_lnstat_entries_total{cpu="0",subsystem="arp_cache"} 2
            node_lnstat_entries_total{cpu="0",subsystem="nf_conntrack"} 33
            node_lnstat_entries_total{cpu="0",subsystem="rt_cache"} 5
            node_lnstat_entries_total{cpu="0",subsystem="synproxy"} 0
            node_lnstat_entries_total{cpu="1",subsystem="arp_cache"} 2
            node_lnstat_entries_total{cpu="1",subsystem="nf_conntrack"} 33
            node_lnstat_entries_total{cpu="1",subsystem="rt_cache"} 5
            node_lnstat_entries_total{cpu="1",subsystem="synproxy"} 0

            """, text, StringComparison.Ordinal);
        Assert.Contains("node_lnstat_periodic_gc_runs_total{cpu=\"0\",subsystem=\"arp_cache\"} 2321\n", text, StringComparison.Ordinal);
        Assert.Equal(50, CollectorHarness.Types(text).Count);
        Assert.All(CollectorHarness.Types(text).Values, type => Assert.Equal("counter", type));
        Assert.Equal(106, CollectorHarness.Samples(text).Count);
    }

    [Fact]
    public void Cpus_sort_as_strings_and_a_bad_counter_fails_naming_the_file()
    {
        using var tree = new TempDirectory();
        var rows = string.Concat(Enumerable.Range(0, 11).Select(i => $"{i:x8}\n"));
        tree.Write("proc/net/stat/ndisc_cache", "entries\n" + rows);
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new LnstatCollector(CollectorHarness.Context(paths))).Text);
        Assert.Equal(
            ["node_lnstat_entries_total{cpu=\"0\",subsystem=\"ndisc_cache\"} 0", "node_lnstat_entries_total{cpu=\"1\",subsystem=\"ndisc_cache\"} 1",
             "node_lnstat_entries_total{cpu=\"10\",subsystem=\"ndisc_cache\"} 10", "node_lnstat_entries_total{cpu=\"2\",subsystem=\"ndisc_cache\"} 2"],
            samples.Take(4));

        tree.Write("proc/net/stat/ndisc_cache", "entries\n0000000g\n");
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new LnstatCollector(CollectorHarness.Context(paths))));
        Assert.Contains("ndisc_cache", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_exporter_keeps_it_off_by_default() => Assert.False(LnstatCollector.Descriptor.EnabledByDefault);
}
