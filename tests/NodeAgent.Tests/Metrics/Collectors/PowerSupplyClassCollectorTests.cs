using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class PowerSupplyClassCollectorTests
{
    [Fact]
    public void Attributes_are_named_and_scaled_as_node_exporter_does()
    {
        var (result, text) = CollectorHarness.Collect(new PowerSupplyClassCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            [
                "node_power_supply_capacity{power_supply=\"BAT0\"} 98",
                "node_power_supply_current_ampere{power_supply=\"ucsi-source-psy-USBC000:001\"} 0",
                "node_power_supply_current_max{power_supply=\"ucsi-source-psy-USBC000:001\"} 0",
                "node_power_supply_cyclecount{power_supply=\"BAT0\"} 0",
                "node_power_supply_energy_full{power_supply=\"BAT0\"} 50.06",
                "node_power_supply_energy_full_design{power_supply=\"BAT0\"} 47.52",
                "node_power_supply_energy_watthour{power_supply=\"BAT0\"} 49.45",
                "node_power_supply_info{power_supply=\"AC\",type=\"Mains\"} 1",
                "node_power_supply_info{power_supply=\"ucsi-source-psy-USBC000:001\",scope=\"Device\",type=\"USB\",usb_type=\"[C] PD PD_PPS\"} 1",
                "node_power_supply_info{capacity_level=\"Normal\",manufacturer=\"LGC\",model_name=\"LNV-45N1\",power_supply=\"BAT0\",serial_number=\"38109\",status=\"Discharging\",technology=\"Li-ion\",type=\"Battery\"} 1",
                "node_power_supply_input_current_limit{power_supply=\"ucsi-source-psy-USBC000:001\"} 0.384",
                "node_power_supply_online{power_supply=\"AC\"} 0",
                "node_power_supply_online{power_supply=\"ucsi-source-psy-USBC000:001\"} 0",
                "node_power_supply_power_watt{power_supply=\"BAT0\"} 4.83",
                "node_power_supply_present{power_supply=\"BAT0\"} 1",
                "node_power_supply_temp_celsius{power_supply=\"BAT0\"} 29.6",
                "node_power_supply_voltage_max{power_supply=\"ucsi-source-psy-USBC000:001\"} 5",
                "node_power_supply_voltage_min{power_supply=\"ucsi-source-psy-USBC000:001\"} 5",
                "node_power_supply_voltage_min_design{power_supply=\"BAT0\"} 10.8",
                "node_power_supply_voltage_volt{power_supply=\"BAT0\"} 12.229",
                "node_power_supply_voltage_volt{power_supply=\"ucsi-source-psy-USBC000:001\"} 5",
            ],
            CollectorHarness.Samples(text));
        Assert.Contains("# HELP node_power_supply_energy_watthour energy_watthour value of /sys/class/power_supply/<power_supply>.\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP node_power_supply_info info of /sys/class/power_supply/<power_supply>.\n", text, StringComparison.Ordinal);
        Assert.All(CollectorHarness.Types(text).Values, type => Assert.Equal("gauge", type));
    }

    [Fact]
    public void Every_known_attribute_has_its_family_and_families_come_in_name_order()
    {
        using var tree = new TempDirectory();
        string[] files =
        [
            "authentic", "calibrate", "capacity", "capacity_alert_max", "capacity_alert_min", "charge_now", "charge_control_limit",
            "charge_control_limit_max", "charge_counter", "charge_empty", "charge_empty_design", "charge_full", "charge_full_design",
            "charge_term_current", "constant_charge_current", "constant_charge_current_max", "constant_charge_voltage",
            "constant_charge_voltage_max", "current_now", "current_boot", "current_max", "cycle_count", "energy_empty", "energy_empty_design",
            "energy_full", "energy_full_design", "energy_now", "input_current_limit", "online", "power_now", "precharge_current", "present",
            "temp_alert_max", "temp_alert_min", "temp_ambient", "temp_ambient_max", "temp_ambient_min", "temp", "temp_max", "temp_min",
            "time_to_empty_now", "time_to_full_now", "voltage_boot", "voltage_max", "voltage_max_design", "voltage_min", "voltage_min_design",
            "voltage_ocv", "voltage_now",
        ];
        foreach (var file in files)
        {
            tree.Write($"sys/class/power_supply/battery/{file}", "1000000\n");
        }

        var (_, text) = CollectorHarness.Collect(new PowerSupplyClassCollector(CollectorHarness.Context(Paths(tree))));
        var families = CollectorHarness.Types(text).Keys.ToList();

        Assert.Equal(files.Length + 1, families.Count);
        Assert.Equal(families.Order(StringComparer.Ordinal), families);
        Assert.Contains("node_power_supply_time_to_empty_seconds{power_supply=\"battery\"} 1e+06", text, StringComparison.Ordinal);
        Assert.Contains("node_power_supply_charge_ampere{power_supply=\"battery\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("node_power_supply_temp_ambient_celsius{power_supply=\"battery\"} 100000", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Ignored_supplies_are_left_out()
    {
        var options = new PowerSupplyClassOptions(new Regex("^(AC|ucsi.*)$"));
        var (_, text) = CollectorHarness.Collect(new PowerSupplyClassCollector(CollectorHarness.Context(), options));

        Assert.DoesNotContain("power_supply=\"AC\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ucsi", text, StringComparison.Ordinal);
        Assert.Contains("node_power_supply_capacity{power_supply=\"BAT0\"} 98", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_ignores_nothing()
    {
        Assert.DoesNotMatch(PowerSupplyClassOptions.Default.IgnoredSupplies, "BAT0");
        Assert.Equal("^$", PowerSupplyClassOptions.Default.IgnoredSupplies.ToString());
    }

    [Fact]
    public void No_power_supply_class_is_no_data()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new PowerSupplyClassCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Fact]
    public void A_malformed_number_is_an_error()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/class/power_supply/BAT0/capacity", "full\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new PowerSupplyClassCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains("capacity", error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
