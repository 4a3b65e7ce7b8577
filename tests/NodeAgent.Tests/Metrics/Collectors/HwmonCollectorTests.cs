using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class HwmonCollectorTests
{
    private static string Scrape(HwmonOptions? options = null) =>
        CollectorHarness.Collect(new HwmonCollector(CollectorHarness.Context(), options ?? HwmonOptions.Default)).Text;

    [Fact]
    public void Families_and_types_are_those_node_exporter_derives_from_the_attribute_names()
    {
        var text = Scrape();

        Assert.Equal(
            [
                "node_hwmon_beep_enabled", "node_hwmon_chip_names", "node_hwmon_cpu_vid_volts", "node_hwmon_curr_amps", "node_hwmon_curr_max_amps",
                "node_hwmon_energy_joule_total", "node_hwmon_fan_alarm", "node_hwmon_fan_beep_enabled", "node_hwmon_fan_fault", "node_hwmon_fan_min_rpm",
                "node_hwmon_fan_pulses", "node_hwmon_fan_rpm", "node_hwmon_fan_target_rpm", "node_hwmon_freq_freq_mhz", "node_hwmon_humidity",
                "node_hwmon_in_alarm", "node_hwmon_in_beep_enabled", "node_hwmon_in_max_volts", "node_hwmon_in_min_volts", "node_hwmon_in_volts",
                "node_hwmon_intrusion_alarm", "node_hwmon_intrusion_beep_enabled", "node_hwmon_power_accuracy",
                "node_hwmon_power_average_interval_seconds", "node_hwmon_power_average_watt", "node_hwmon_power_cap_watt", "node_hwmon_power_watt",
                "node_hwmon_pwm", "node_hwmon_pwm_auto_point1_pwm", "node_hwmon_pwm_auto_point1_temp", "node_hwmon_pwm_enable", "node_hwmon_pwm_mode",
                "node_hwmon_sensor_label", "node_hwmon_temp_alarm", "node_hwmon_temp_beep_enabled", "node_hwmon_temp_celsius",
                "node_hwmon_temp_crit_alarm_celsius", "node_hwmon_temp_crit_celsius", "node_hwmon_temp_max_celsius", "node_hwmon_temp_max_hyst_celsius",
                "node_hwmon_temp_offset_celsius", "node_hwmon_temp_type", "node_hwmon_update_interval_seconds", "node_hwmon_voltage_regulator_version",
            ],
            CollectorHarness.Types(text).Keys);
        Assert.Equal("counter", CollectorHarness.Types(text)["node_hwmon_energy_joule_total"]);
        Assert.Equal(43, CollectorHarness.Types(text).Values.Count(t => t == "gauge"));
        Assert.Equal(112, CollectorHarness.Samples(text).Count);
    }

    [Fact]
    public void Chips_are_named_after_their_parent_device_and_annotated_with_their_name_file()
    {
        Assert.Equal(
            [
                "node_hwmon_chip_names{chip=\"pci0000:00_0000:00:18_3\",chip_name=\"k10temp\"} 1",
                "node_hwmon_chip_names{chip=\"platform_asus_nb_wmi_asus\",chip_name=\"asus\"} 1",
                "node_hwmon_chip_names{chip=\"platform_asus_nb_wmi_asus_wmi_sensors\",chip_name=\"asus_wmi_sensors\"} 1",
                "node_hwmon_chip_names{chip=\"platform_coretemp_0\",chip_name=\"coretemp\"} 1",
                "node_hwmon_chip_names{chip=\"platform_nct6775_2560\",chip_name=\"nct6779\"} 1",
                "node_hwmon_chip_names{chip=\"thermal_thermal_zone0\",chip_name=\"acpitz\"} 1",
            ],
            CollectorHarness.Samples(Scrape()).Where(l => l.StartsWith("node_hwmon_chip_names", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 55")]
    [InlineData("node_hwmon_temp_max_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 84")]
    [InlineData("node_hwmon_temp_crit_celsius{chip=\"platform_coretemp_0\",sensor=\"temp5\"} 100")]
    [InlineData("node_hwmon_temp_crit_alarm_celsius{chip=\"platform_coretemp_0\",sensor=\"temp5\"} 0.001")]
    [InlineData("node_hwmon_sensor_label{chip=\"platform_coretemp_0\",label=\"Package id 0\",sensor=\"temp1\"} 1")]
    [InlineData("node_hwmon_temp_celsius{chip=\"pci0000:00_0000:00:18_3\",sensor=\"temp1\"} 37.875")]
    [InlineData("node_hwmon_temp_celsius{chip=\"thermal_thermal_zone0\",sensor=\"temp0\"} 27.8")]
    [InlineData("node_hwmon_temp_celsius{chip=\"thermal_thermal_zone0\",sensor=\"temp1\"} 27.8")]
    [InlineData("node_hwmon_in_volts{chip=\"platform_nct6775_2560\",sensor=\"in1\"} 3.3120000000000003")]
    [InlineData("node_hwmon_in_min_volts{chip=\"platform_nct6775_2560\",sensor=\"in1\"} 2.976")]
    [InlineData("node_hwmon_in_alarm{chip=\"platform_nct6775_2560\",sensor=\"in2\"} 1")]
    [InlineData("node_hwmon_in_beep_enabled{chip=\"platform_nct6775_2560\",sensor=\"in0\"} 0")]
    [InlineData("node_hwmon_cpu_vid_volts{chip=\"platform_nct6775_2560\",sensor=\"cpu0\"} 1.2")]
    [InlineData("node_hwmon_fan_rpm{chip=\"platform_nct6775_2560\",sensor=\"fan1\"} 1056")]
    [InlineData("node_hwmon_fan_min_rpm{chip=\"platform_nct6775_2560\",sensor=\"fan1\"} 200")]
    [InlineData("node_hwmon_fan_target_rpm{chip=\"platform_nct6775_2560\",sensor=\"fan2\"} 27000")]
    [InlineData("node_hwmon_fan_pulses{chip=\"platform_nct6775_2560\",sensor=\"fan2\"} 2")]
    [InlineData("node_hwmon_fan_fault{chip=\"platform_nct6775_2560\",sensor=\"fan2\"} 1")]
    [InlineData("node_hwmon_pwm{chip=\"platform_nct6775_2560\",sensor=\"pwm1\"} 153")]
    [InlineData("node_hwmon_pwm_enable{chip=\"platform_nct6775_2560\",sensor=\"pwm1\"} 5")]
    [InlineData("node_hwmon_pwm_auto_point1_temp{chip=\"platform_nct6775_2560\",sensor=\"pwm2\"} 25000")]
    [InlineData("node_hwmon_temp_type{chip=\"platform_nct6775_2560\",sensor=\"temp1\"} 4")]
    [InlineData("node_hwmon_temp_max_hyst_celsius{chip=\"platform_nct6775_2560\",sensor=\"temp1\"} 75")]
    [InlineData("node_hwmon_beep_enabled{chip=\"platform_nct6775_2560\",sensor=\"beep_enable0\"} 0")]
    [InlineData("node_hwmon_voltage_regulator_version{chip=\"platform_nct6775_2560\",sensor=\"vrm0\"} 13")]
    [InlineData("node_hwmon_intrusion_alarm{chip=\"platform_nct6775_2560\",sensor=\"intrusion0\"} 1")]
    [InlineData("node_hwmon_sensor_label{chip=\"platform_nct6775_2560\",label=\"PCH_CPU_TEMP\",sensor=\"temp10\"} 1")]
    [InlineData("node_hwmon_update_interval_seconds{chip=\"hwmon4\",sensor=\"update_interval0\"} 1")]
    [InlineData("node_hwmon_power_watt{chip=\"hwmon4\",sensor=\"power1\"} 12.345678")]
    [InlineData("node_hwmon_power_average_watt{chip=\"hwmon4\",sensor=\"power1\"} 2")]
    [InlineData("node_hwmon_power_cap_watt{chip=\"hwmon4\",sensor=\"power1\"} 150")]
    [InlineData("node_hwmon_power_accuracy{chip=\"hwmon4\",sensor=\"power1\"} 0.095")]
    [InlineData("node_hwmon_power_average_interval_seconds{chip=\"hwmon4\",sensor=\"power1\"} 0.5")]
    [InlineData("node_hwmon_energy_joule_total{chip=\"hwmon4\",sensor=\"energy1\"} 123.456789")]
    [InlineData("node_hwmon_curr_amps{chip=\"hwmon4\",sensor=\"curr1\"} 1.5")]
    [InlineData("node_hwmon_humidity{chip=\"hwmon4\",sensor=\"humidity1\"} 45.5")]
    [InlineData("node_hwmon_freq_freq_mhz{chip=\"hwmon4\",sensor=\"sclk\"} 1800")]
    public void Each_attribute_gets_node_exporters_name_and_unit(string sample) => Assert.Contains(sample, CollectorHarness.Samples(Scrape()));

    [Fact]
    public void Unparsable_values_and_unlabelled_frequencies_are_skipped()
    {
        var samples = CollectorHarness.Samples(Scrape());

        // temp10_input is "N/A" and temp11_input "42000 " (Go's ParseFloat rejects the blank); freq2 has no label.
        Assert.DoesNotContain(samples, l => l.Contains("sensor=\"temp10\"", StringComparison.Ordinal) && !l.StartsWith("node_hwmon_sensor_label", StringComparison.Ordinal));
        Assert.DoesNotContain(samples, l => l.Contains("sensor=\"temp11\"", StringComparison.Ordinal));
        Assert.DoesNotContain(samples, l => l.Contains("freq2", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_texts_follow_node_exporter()
    {
        var text = Scrape();

        Assert.Contains("# HELP node_hwmon_temp_celsius Hardware monitor for temperature (input)\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP node_hwmon_pwm Hardware monitor pwm element \n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP node_hwmon_fan_alarm Hardware sensor alarm status (fan)\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP node_hwmon_in_beep_enabled Hardware monitor sensor has beeping enabled\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP node_hwmon_humidity Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) (input)\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Chip_and_sensor_filters_match_the_final_chip_label()
    {
        var chips = new HwmonOptions(ChipInclude: new Regex("coretemp|asus_wmi_sensors"), null, null, SensorExclude: new Regex("^platform_coretemp_0;temp[2-5]$"));
        var samples = CollectorHarness.Samples(Scrape(chips));

        Assert.All(samples, l => Assert.Matches("chip=\"(platform_coretemp_0|platform_asus_nb_wmi_asus_wmi_sensors)\"", l));
        Assert.Contains("node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 55", samples);
        Assert.DoesNotContain(samples, l => l.Contains("sensor=\"temp3\"", StringComparison.Ordinal));
        Assert.Contains("node_hwmon_chip_names{chip=\"platform_coretemp_0\",chip_name=\"coretemp\"} 1", samples);

        var excluded = CollectorHarness.Samples(Scrape(new HwmonOptions(null, ChipExclude: new Regex("^platform_"), SensorInclude: new Regex(";temp0$"), null)));
        Assert.Equal(["node_hwmon_chip_names{chip=\"pci0000:00_0000:00:18_3\",chip_name=\"k10temp\"} 1", "node_hwmon_chip_names{chip=\"thermal_thermal_zone0\",chip_name=\"acpitz\"} 1", "node_hwmon_temp_celsius{chip=\"thermal_thermal_zone0\",sensor=\"temp0\"} 27.8"], excluded);
    }

    [Fact]
    public void Colliding_chips_with_the_same_name_file_are_told_apart_by_their_hwmon_directory()
    {
        using var tree = new TempDirectory();
        foreach (var hwmon in new[] { "hwmon3", "hwmon4" })
        {
            var real = $"sys/devices/platform/asus-nb-wmi/hwmon/{hwmon}";
            tree.Write($"{real}/name", "asus\n");
            tree.Write($"{real}/pwm1_enable", "2\n");
            File.CreateSymbolicLink(Path.Combine(tree.Path, real, "device"), "../../../asus-nb-wmi");
            Directory.CreateDirectory(Path.Combine(tree.Path, "sys/class/hwmon"));
            File.CreateSymbolicLink(Path.Combine(tree.Path, "sys/class/hwmon", hwmon), $"../../devices/platform/asus-nb-wmi/hwmon/{hwmon}");
        }

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new HwmonCollector(CollectorHarness.Context(Paths(tree)))).Text);

        Assert.Contains("node_hwmon_pwm_enable{chip=\"platform_asus_nb_wmi_hwmon3\",sensor=\"pwm1\"} 2", samples);
        Assert.Contains("node_hwmon_pwm_enable{chip=\"platform_asus_nb_wmi_hwmon4\",sensor=\"pwm1\"} 2", samples);
    }

    [Fact]
    public void A_series_whose_help_differs_from_its_family_is_dropped_as_client_golang_drops_it()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/class/hwmon/hwmon0/in0_input", "1000\n");
        tree.Write("sys/class/hwmon/hwmon1/in0", "2000\n");

        var text = CollectorHarness.Collect(new HwmonCollector(CollectorHarness.Context(Paths(tree)))).Text;

        Assert.Equal(["node_hwmon_in_volts{chip=\"hwmon0\",sensor=\"in0\"} 1"], CollectorHarness.Samples(text));
        Assert.Contains("# HELP node_hwmon_in_volts Hardware monitor for voltage (input)\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void No_hwmon_class_is_no_data()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new HwmonCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
