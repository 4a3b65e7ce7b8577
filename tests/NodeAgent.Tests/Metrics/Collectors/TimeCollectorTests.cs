using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class TimeCollectorTests
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567);

    private sealed class FixedTime(DateTimeOffset now, TimeZoneInfo zone) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => zone;
    }

    [Fact]
    public void Time_zone_and_clocksources_are_exported()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test/Zone", TimeSpan.FromHours(2), "Test Zone", "TZT");
        var (result, text) = CollectorHarness.Collect(new TimeCollector(CollectorHarness.Context(time: new FixedTime(Now, zone))));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_time_clocksource_available_info Available clocksources read from '/sys/devices/system/clocksource'.
            # TYPE node_time_clocksource_available_info gauge
            node_time_clocksource_available_info{clocksource="kvm-clock",device="0"} 1
            # HELP node_time_clocksource_current_info Current clocksource read from '/sys/devices/system/clocksource'.
            # TYPE node_time_clocksource_current_info gauge
            node_time_clocksource_current_info{clocksource="kvm-clock",device="0"} 1
            # HELP node_time_seconds System time in seconds since epoch (1970).
            # TYPE node_time_seconds gauge
            node_time_seconds 1.7357870451234567e+09
            # HELP node_time_zone_offset_seconds System time zone offset in seconds.
            # TYPE node_time_zone_offset_seconds gauge
            node_time_zone_offset_seconds{time_zone="TZT"} 7200

            """,
            text);
    }

    [Fact]
    public void Clocksource_device_is_the_position_and_samples_sort_by_name()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/devices/system/clocksource/clocksource0/available_clocksource", "tsc hpet acpi_pm \n");
        tree.Write("sys/devices/system/clocksource/clocksource0/current_clocksource", "tsc\n");
        tree.Write("sys/devices/system/clocksource/clocksource7/available_clocksource", "arch_sys_counter\n");
        tree.Write("sys/devices/system/clocksource/clocksource7/current_clocksource", "arch_sys_counter\n");
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new TimeCollector(CollectorHarness.Context(paths, new FixedTime(Now, TimeZoneInfo.Utc)))).Text);

        Assert.Equal(
            [
                "node_time_clocksource_available_info{clocksource=\"acpi_pm\",device=\"0\"} 1",
                "node_time_clocksource_available_info{clocksource=\"arch_sys_counter\",device=\"1\"} 1",
                "node_time_clocksource_available_info{clocksource=\"hpet\",device=\"0\"} 1",
                "node_time_clocksource_available_info{clocksource=\"tsc\",device=\"0\"} 1",
                "node_time_clocksource_current_info{clocksource=\"arch_sys_counter\",device=\"1\"} 1",
                "node_time_clocksource_current_info{clocksource=\"tsc\",device=\"0\"} 1",
                "node_time_seconds 1.7357870451234567e+09",
                "node_time_zone_offset_seconds{time_zone=\"UTC\"} 0",
            ],
            samples);
    }

    [Fact]
    public void Without_clocksources_only_the_time_is_written()
    {
        using var empty = new TempDirectory();
        var paths = new NodePaths(Path.Join(empty.Path, "proc"), Path.Join(empty.Path, "sys"), empty.Path);

        var (result, text) = CollectorHarness.Collect(new TimeCollector(CollectorHarness.Context(paths, new FixedTime(Now, TimeZoneInfo.Utc))));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(["node_time_seconds 1.7357870451234567e+09", "node_time_zone_offset_seconds{time_zone=\"UTC\"} 0"], CollectorHarness.Samples(text));
    }

    [Fact]
    public void A_clocksource_without_current_clocksource_is_an_error()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/devices/system/clocksource/clocksource0/available_clocksource", "tsc\n");
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new TimeCollector(CollectorHarness.Context(paths))));
        Assert.Contains("current_clocksource", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zone_names_are_the_abbreviations_go_reports()
    {
        Assert.Equal("UTC", TimeCollector.Abbreviation(TimeZoneInfo.Utc, Now));
        Assert.Equal("UTC", TimeCollector.Abbreviation(TimeZoneInfo.FindSystemTimeZoneById("Etc/UTC"), Now));
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.Equal("CET", TimeCollector.Abbreviation(berlin, Now));
        Assert.Equal("CEST", TimeCollector.Abbreviation(berlin, new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero)));
    }
}
