using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class CgroupsCollectorTests : IDisposable
{
    private readonly TempDirectory _tree = new();

    public void Dispose() => _tree.Dispose();

    private CgroupsCollector Collector() => new(CollectorHarness.Context(new NodePaths(Path.Join(_tree.Path, "proc"), _tree.Path, _tree.Path)));

    [Fact]
    public void Each_controller_gives_its_group_count_and_enabled_column_in_name_order()
    {
        _tree.Write("proc/cgroups", "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t5\t47\t1\nmemory\t7\t234\t1\nblkio\t6\t170\t0\n");

        var (result, text) = CollectorHarness.Collect(Collector());

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_cgroups_cgroups Current cgroup number of the subsystem.
            # TYPE node_cgroups_cgroups gauge
            node_cgroups_cgroups{subsys_name="blkio"} 170
            node_cgroups_cgroups{subsys_name="cpuset"} 47
            node_cgroups_cgroups{subsys_name="memory"} 234
            # HELP node_cgroups_enabled Current cgroup number of the subsystem.
            # TYPE node_cgroups_enabled gauge
            node_cgroups_enabled{subsys_name="blkio"} 0
            node_cgroups_enabled{subsys_name="cpuset"} 1
            node_cgroups_enabled{subsys_name="memory"} 1

            """, text);
    }

    [Fact]
    public void It_is_off_by_default_and_a_kernel_without_the_file_is_no_data()
    {
        Assert.False(CgroupsCollector.Descriptor.EnabledByDefault);
        Assert.Equal((CollectResult.NoData, ""), CollectorHarness.Collect(Collector()));
    }

    [Fact]
    public void A_malformed_file_is_an_error_naming_it()
    {
        _tree.Write("proc/cgroups", "cpuset\t5\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(Collector()));
        Assert.Contains("cgroups", error.Message, StringComparison.Ordinal);
    }
}
