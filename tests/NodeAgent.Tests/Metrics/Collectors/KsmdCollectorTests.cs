using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class KsmdCollectorTests
{
    [Fact]
    public void The_ten_ksm_files_are_reported_under_node_exporters_names()
    {
        var (result, text) = CollectorHarness.Collect(new KsmdCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_ksmd_full_scans_total How many times all mergeable areas have been scanned.
            # TYPE node_ksmd_full_scans_total counter
            node_ksmd_full_scans_total 412
            # HELP node_ksmd_general_profit_bytes How effective is KSM. ksm_saved_pages * sizeof(page) - (all_rmap_items) * sizeof(rmap_item)
            # TYPE node_ksmd_general_profit_bytes gauge
            node_ksmd_general_profit_bytes 2.093056e+06
            # HELP node_ksmd_merge_across_nodes Specifies if pages from different NUMA nodes can be merged.
            # TYPE node_ksmd_merge_across_nodes gauge
            node_ksmd_merge_across_nodes 1
            # HELP node_ksmd_pages_shared How many shared pages are being used.
            # TYPE node_ksmd_pages_shared gauge
            node_ksmd_pages_shared 118
            # HELP node_ksmd_pages_sharing How many more sites are sharing them i.e. how much saved.
            # TYPE node_ksmd_pages_sharing gauge
            node_ksmd_pages_sharing 630
            # HELP node_ksmd_pages_to_scan How many pages to scan before ksmd goes to sleep.
            # TYPE node_ksmd_pages_to_scan gauge
            node_ksmd_pages_to_scan 100
            # HELP node_ksmd_pages_unshared How many pages unique but repeatedly checked for merging.
            # TYPE node_ksmd_pages_unshared gauge
            node_ksmd_pages_unshared 2210
            # HELP node_ksmd_pages_volatile How many pages changing too fast to be placed in a tree.
            # TYPE node_ksmd_pages_volatile gauge
            node_ksmd_pages_volatile 7
            # HELP node_ksmd_run The status of ksmd. stopped = 0, running = 1
            # TYPE node_ksmd_run gauge
            node_ksmd_run 1
            # HELP node_ksmd_sleep_seconds How many seconds ksmd should sleep before next scan.
            # TYPE node_ksmd_sleep_seconds gauge
            node_ksmd_sleep_seconds 0.02

            """,
            text);
    }

    [Fact]
    public void Node_exporter_keeps_it_off_by_default_and_enabling_it_builds_it()
    {
        Assert.False(KsmdCollector.Descriptor.EnabledByDefault);
        var registry = Registry("ksmd");
        Assert.Equal(["ksmd"], registry.Enabled.Select(c => c.Name));
        Assert.Empty(registry.NotImplemented);
    }

    [Fact]
    public void A_missing_file_is_skipped_a_negative_profit_kept_and_garbage_an_error()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/kernel/mm/ksm/run", "0\n");
        // Linux 6.1+ prints a negative profit when the rmap items cost more than the merged pages save (node_exporter
        // reads it as unsigned and fails the whole collector then).
        tree.Write("sys/kernel/mm/ksm/general_profit", "-4096\n");
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        var (result, text) = CollectorHarness.Collect(new KsmdCollector(CollectorHarness.Context(paths)));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(["node_ksmd_general_profit_bytes -4096", "node_ksmd_run 0"], CollectorHarness.Samples(text));

        tree.Write("sys/kernel/mm/ksm/pages_shared", "many\n");
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new KsmdCollector(CollectorHarness.Context(paths))));
        Assert.Contains("pages_shared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_ksm_directory_is_an_empty_success_as_in_node_exporter()
    {
        using var tree = new TempDirectory();
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        Assert.Equal((CollectResult.Success, ""), CollectorHarness.Collect(new KsmdCollector(CollectorHarness.Context(paths))));
    }

    internal static CollectorRegistry Registry(string name)
    {
        var states = CollectorCatalog.All.ToDictionary(d => d.Name, d => d.Name == name, StringComparer.Ordinal);
        return CollectorRegistry.Create(CollectorHarness.Context(), new MetricsOptions(true, states, TimeSpan.FromSeconds(5)));
    }
}
