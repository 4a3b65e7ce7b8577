using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class ThermalZoneCollectorTests
{
    [Fact]
    public void Zones_and_cooling_devices_skip_unreadable_entries_and_keep_disabled_zones()
    {
        var (result, text) = CollectorHarness.Collect(new ThermalZoneCollector(CollectorHarness.Context()));

        // thermal_zone3 has no readable temp and cooling_device2 no cur_state: both left out. thermal_zone2's mode is
        // "disabled", which only stops the kernel's own polling: its temp still reads (temp_show in
        // drivers/thermal/thermal_sysfs.c does not look at the mode), and node_exporter reports it.
        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_cooling_device_cur_state Current throttle state of the cooling device
            # TYPE node_cooling_device_cur_state gauge
            node_cooling_device_cur_state{name="0",type="Processor"} 0
            node_cooling_device_cur_state{name="1",type="intel_powerclamp"} -1
            # HELP node_cooling_device_max_state Maximum throttle state of the cooling device
            # TYPE node_cooling_device_max_state gauge
            node_cooling_device_max_state{name="0",type="Processor"} 3
            node_cooling_device_max_state{name="1",type="intel_powerclamp"} 50
            # HELP node_thermal_zone_temp Zone temperature in Celsius
            # TYPE node_thermal_zone_temp gauge
            node_thermal_zone_temp{type="acpitz",zone="0"} 27.8
            node_thermal_zone_temp{type="acpitz",zone="10"} -1.5
            node_thermal_zone_temp{type="iwlwifi_1",zone="2"} 0
            node_thermal_zone_temp{type="x86_pkg_temp",zone="1"} 44

            """, text);
    }

    [Fact]
    public void No_thermal_class_is_no_data()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new ThermalZoneCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Fact]
    public void A_thermal_class_without_zones_is_success_without_samples()
    {
        using var tree = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(tree.Path, "sys/class/thermal"));

        var (result, text) = CollectorHarness.Collect(new ThermalZoneCollector(CollectorHarness.Context(Paths(tree))));

        Assert.Equal(CollectResult.Success, result);
        Assert.Empty(text);
    }

    [Theory]
    [InlineData("thermal_zone0", "temp", "hot\n")]
    [InlineData("thermal_zone0", "passive", "-1\n")]
    [InlineData("cooling_device0", "cur_state", "1.5\n")]
    public void A_malformed_number_is_an_error(string entry, string file, string content)
    {
        using var tree = new TempDirectory();
        tree.Write("sys/class/thermal/thermal_zone0/type", "acpitz\n");
        tree.Write("sys/class/thermal/thermal_zone0/policy", "step_wise\n");
        tree.Write("sys/class/thermal/thermal_zone0/temp", "1000\n");
        tree.Write("sys/class/thermal/cooling_device0/type", "Fan\n");
        tree.Write("sys/class/thermal/cooling_device0/max_state", "1\n");
        tree.Write("sys/class/thermal/cooling_device0/cur_state", "0\n");
        tree.Write($"sys/class/thermal/{entry}/{file}", content);

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new ThermalZoneCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
