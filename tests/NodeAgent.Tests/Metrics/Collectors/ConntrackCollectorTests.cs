using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class ConntrackCollectorTests
{
    private static NodePaths Tree(TempDirectory tree) => new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

    [Fact]
    public void Table_size_limit_and_summed_statistics_are_gauges()
    {
        var (result, text) = CollectorHarness.Collect(new ConntrackCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            [
                "node_nf_conntrack_entries 0",
                "node_nf_conntrack_entries_limit 262144",
                "node_nf_conntrack_stat_drop 4",
                "node_nf_conntrack_stat_early_drop 6",
                "node_nf_conntrack_stat_found 58",
                "node_nf_conntrack_stat_ignore 0",
                "node_nf_conntrack_stat_insert 0",
                "node_nf_conntrack_stat_insert_failed 3",
                "node_nf_conntrack_stat_invalid 35",
                "node_nf_conntrack_stat_search_restart 32",
            ],
            CollectorHarness.Samples(text));
        Assert.All(CollectorHarness.Types(text).Values, type => Assert.Equal("gauge", type));
        Assert.Contains("# HELP node_nf_conntrack_entries Number of currently allocated flow entries for connection tracking.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_statistics_file_the_sizes_are_kept_and_the_result_is_no_data()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/sys/net/netfilter/nf_conntrack_count", "12\n");
        tree.Write("proc/sys/net/netfilter/nf_conntrack_max", "65536\n");

        var (result, text) = CollectorHarness.Collect(new ConntrackCollector(CollectorHarness.Context(Tree(tree))));

        Assert.Equal(CollectResult.NoData, result);
        Assert.Equal(["node_nf_conntrack_entries 12", "node_nf_conntrack_entries_limit 65536"], CollectorHarness.Samples(text));
    }

    [Fact]
    public void Without_the_module_there_is_no_data()
    {
        using var empty = new TempDirectory();

        var (result, text) = CollectorHarness.Collect(new ConntrackCollector(CollectorHarness.Context(Tree(empty))));

        Assert.Equal(CollectResult.NoData, result);
        Assert.Empty(text);
    }

    [Theory]
    [InlineData("proc/sys/net/netfilter/nf_conntrack_count", "many\n")]
    [InlineData("proc/net/stat/nf_conntrack", "header\n00000001 00000002\n")]
    public void Malformed_files_are_errors(string file, string content)
    {
        using var tree = new TempDirectory();
        tree.Write("proc/sys/net/netfilter/nf_conntrack_count", "1\n");
        tree.Write("proc/sys/net/netfilter/nf_conntrack_max", "2\n");
        tree.Write("proc/net/stat/nf_conntrack", File.ReadAllText(Repository.Fixture("node", "proc", "net", "stat", "nf_conntrack")));
        tree.Write(file, content);

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new ConntrackCollector(CollectorHarness.Context(Tree(tree)))));
        Assert.Contains(Path.GetFileName(file), error.Message, StringComparison.Ordinal);
    }
}
