using NodeAgent.Sysfs;

namespace NodeAgent.Tests.Sysfs;

public sealed class HwmonFileNameTests
{
    [Theory]
    [InlineData("temp1_input", "temp", 1, "input")]
    [InlineData("temp1_crit_alarm", "temp", 1, "crit_alarm")]
    [InlineData("pwm2_auto_point1_temp", "pwm", 2, "auto_point1_temp")]
    [InlineData("in0_input", "in", 0, "input")]
    [InlineData("cpu0_vid", "cpu", 0, "vid")]
    [InlineData("beep_enable", "beep_enable", 0, "")]
    [InlineData("update_interval", "update_interval", 0, "")]
    [InlineData("temp", "temp", 0, "")]
    [InlineData("pwm1", "pwm", 1, "")]
    [InlineData("temp01_input", "temp", 1, "input")]
    [InlineData("trip_point_0_temp", "trip_point_", 0, "temp")]
    [InlineData("temp_crit1x", "temp", 0, "crit1x")]
    public void File_names_split_into_type_number_and_property(string file, string type, long number, string property)
    {
        Assert.True(HwmonFileName.TryParse(file, out var name));
        Assert.Equal(new HwmonFileName(type, number, property), name);
    }

    [Theory]
    [InlineData("1_input")]
    [InlineData("temp1x")]
    [InlineData("in0_")]
    [InlineData("")]
    public void Names_outside_the_pattern_are_rejected(string file) => Assert.False(HwmonFileName.TryParse(file, out _));

    [Fact]
    public void Sensor_key_drops_leading_zeros_of_the_number()
    {
        Assert.True(HwmonFileName.TryParse("fan07_min", out var name));
        Assert.Equal("fan7", name.Sensor);
    }

    [Theory]
    [InlineData("coretemp\n", "coretemp")]
    [InlineData("Core 0", "core_0")]
    [InlineData("coretemp.0", "coretemp_0")]
    [InlineData("asus-nb-wmi", "asus_nb_wmi")]
    [InlineData("0000:00:18.3", "0000:00:18_3")]
    [InlineData("__x__", "x")]
    [InlineData("Ümlaut x", "mlaut_x")]
    public void Names_are_cleaned_as_node_exporter_cleans_them(string text, string expected) =>
        Assert.Equal(expected, HwmonFileName.Clean(text));

    [Theory]
    [InlineData("42000", 42000)]
    [InlineData("-5", -5)]
    [InlineData("13.0", 13)]
    [InlineData("1e3", 1000)]
    public void Values_parse_as_go_floats(string text, double expected)
    {
        Assert.True(HwmonFileName.TryParseFloat(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("N/A")]
    [InlineData("42 ")]
    [InlineData(" 42")]
    [InlineData("")]
    [InlineData("1,5")]
    public void Values_that_go_rejects_are_rejected(string text) => Assert.False(HwmonFileName.TryParseFloat(text, out _));
}
