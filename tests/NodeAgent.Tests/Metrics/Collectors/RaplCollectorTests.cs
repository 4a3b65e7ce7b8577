using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class RaplCollectorTests
{
    private static readonly string Powercap = Path.Join(CollectorHarness.FixtureNode.Sys, "class/powercap");

    [Fact]
    public void Zones_become_one_counter_family_per_name_labelled_with_index_and_path()
    {
        var (result, text) = CollectorHarness.Collect(new RaplCollector(CollectorHarness.Context()));

        // intel-rapl and intel-rapl-mmio themselves have no name file; the second "core" gets index 1 by count.
        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            $$"""
            # HELP node_rapl_core_joules_total Current RAPL core value in joules
            # TYPE node_rapl_core_joules_total counter
            node_rapl_core_joules_total{index="0",path="{{Powercap}}/intel-rapl:0:0"} 118821.284256
            node_rapl_core_joules_total{index="1",path="{{Powercap}}/intel-rapl:1:0"} 70000
            # HELP node_rapl_dram_joules_total Current RAPL dram value in joules
            # TYPE node_rapl_dram_joules_total counter
            node_rapl_dram_joules_total{index="0",path="{{Powercap}}/intel-rapl:0:1"} 24042.236626
            # HELP node_rapl_package_joules_total Current RAPL package value in joules
            # TYPE node_rapl_package_joules_total counter
            node_rapl_package_joules_total{index="0",path="{{Powercap}}/intel-rapl-mmio:0"} 12.345678
            node_rapl_package_joules_total{index="0",path="{{Powercap}}/intel-rapl:0"} 240422.366267
            node_rapl_package_joules_total{index="1",path="{{Powercap}}/intel-rapl:1"} 130000

            """, text);
    }

    [Fact]
    public void With_the_zone_label_option_all_zones_share_one_family()
    {
        var (_, text) = CollectorHarness.Collect(new RaplCollector(CollectorHarness.Context(), new RaplOptions(EnableZoneLabel: true)));

        Assert.Equal(["node_rapl_joules_total"], CollectorHarness.Types(text).Keys);
        Assert.Contains("# HELP node_rapl_joules_total Current RAPL value in joules\n", text, StringComparison.Ordinal);
        Assert.Equal(6, CollectorHarness.Samples(text).Count);
        Assert.Contains($"node_rapl_joules_total{{index=\"1\",path=\"{Powercap}/intel-rapl:1:0\",rapl_zone=\"core\"}} 70000", text, StringComparison.Ordinal);
        Assert.False(RaplOptions.Default.EnableZoneLabel);
    }

    [Fact]
    public void No_powercap_class_is_no_data()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new RaplCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Fact]
    public void An_unreadable_energy_counter_is_no_data()
    {
        // energy_uj is root-only since Linux 5.10 (CVE-2020-8694); node_exporter reports it as no data.
        using var tree = new TempDirectory();
        tree.Write("sys/class/powercap/intel-rapl:0/name", "package-0\n");
        tree.Write("sys/class/powercap/intel-rapl:0/max_energy_range_uj", "262143328850\n");

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new RaplCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Fact]
    public void A_malformed_counter_is_an_error()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/class/powercap/intel-rapl:0/name", "package-0\n");
        tree.Write("sys/class/powercap/intel-rapl:0/max_energy_range_uj", "262143328850\n");
        tree.Write("sys/class/powercap/intel-rapl:0/energy_uj", "-5\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new RaplCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains("energy_uj", error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
