using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class VmstatCollectorTests
{
    [Fact]
    public void The_default_filter_keeps_oom_kill_paging_swapping_and_faults()
    {
        var (result, text) = CollectorHarness.Collect(new VmstatCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_vmstat_oom_kill /proc/vmstat information field oom_kill.
            # TYPE node_vmstat_oom_kill untyped
            node_vmstat_oom_kill 0
            # HELP node_vmstat_pgfault /proc/vmstat information field pgfault.
            # TYPE node_vmstat_pgfault untyped
            node_vmstat_pgfault 8.170883e+06
            # HELP node_vmstat_pgmajfault /proc/vmstat information field pgmajfault.
            # TYPE node_vmstat_pgmajfault untyped
            node_vmstat_pgmajfault 2238
            # HELP node_vmstat_pgpgin /proc/vmstat information field pgpgin.
            # TYPE node_vmstat_pgpgin untyped
            node_vmstat_pgpgin 1.360837e+06
            # HELP node_vmstat_pgpgout /proc/vmstat information field pgpgout.
            # TYPE node_vmstat_pgpgout untyped
            node_vmstat_pgpgout 1.874788e+06
            # HELP node_vmstat_pswpin /proc/vmstat information field pswpin.
            # TYPE node_vmstat_pswpin untyped
            node_vmstat_pswpin 0
            # HELP node_vmstat_pswpout /proc/vmstat information field pswpout.
            # TYPE node_vmstat_pswpout untyped
            node_vmstat_pswpout 0

            """,
            text);
    }

    [Fact]
    public void Another_filter_selects_other_fields()
    {
        var collector = new VmstatCollector(CollectorHarness.Context(), new VmstatOptions(new Regex("^nr_free_pages$")));
        var samples = CollectorHarness.Samples(CollectorHarness.Collect(collector).Text);

        Assert.Single(samples);
        Assert.StartsWith("node_vmstat_nr_free_pages ", samples[0], StringComparison.Ordinal);
    }

    [Fact]
    public void No_vmstat_is_no_data()
    {
        using var empty = new TempDirectory();
        var paths = new NodePaths(Path.Join(empty.Path, "proc"), Path.Join(empty.Path, "sys"), empty.Path);
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new VmstatCollector(CollectorHarness.Context(paths))).Result);
    }

    [Fact]
    public void A_malformed_line_fails_even_if_filtered_out()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/vmstat", "pgfault 1\nnr_weird lots\n");
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new VmstatCollector(CollectorHarness.Context(paths))));
        Assert.Contains("nr_weird", error.Message, StringComparison.Ordinal);
    }
}
