using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class WatchdogCollectorTests
{
    [Fact]
    public void Numeric_attributes_become_gauges_and_text_ones_info_labels()
    {
        var (result, text) = CollectorHarness.Collect(new WatchdogCollector(CollectorHarness.Context()));

        // watchdog1 has no attributes: it only appears in node_watchdog_info, with empty labels.
        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_watchdog_access_cs0 Value of /sys/class/watchdog/<watchdog>/access_cs0
            # TYPE node_watchdog_access_cs0 gauge
            node_watchdog_access_cs0{name="watchdog0"} 0
            # HELP node_watchdog_bootstatus Value of /sys/class/watchdog/<watchdog>/bootstatus
            # TYPE node_watchdog_bootstatus gauge
            node_watchdog_bootstatus{name="watchdog0"} 1
            # HELP node_watchdog_fw_version Value of /sys/class/watchdog/<watchdog>/fw_version
            # TYPE node_watchdog_fw_version gauge
            node_watchdog_fw_version{name="watchdog0"} 2
            # HELP node_watchdog_info Info of /sys/class/watchdog/<watchdog>
            # TYPE node_watchdog_info gauge
            node_watchdog_info{identity="",name="watchdog1",options="",pretimeout_governor="",state="",status=""} 1
            node_watchdog_info{identity="Software Watchdog",name="watchdog0",options="0x8380",pretimeout_governor="noop",state="active",status="0x8000"} 1
            # HELP node_watchdog_nowayout Value of /sys/class/watchdog/<watchdog>/nowayout
            # TYPE node_watchdog_nowayout gauge
            node_watchdog_nowayout{name="watchdog0"} 0
            # HELP node_watchdog_pretimeout_seconds Value of /sys/class/watchdog/<watchdog>/pretimeout
            # TYPE node_watchdog_pretimeout_seconds gauge
            node_watchdog_pretimeout_seconds{name="watchdog0"} 120
            # HELP node_watchdog_timeleft_seconds Value of /sys/class/watchdog/<watchdog>/timeleft
            # TYPE node_watchdog_timeleft_seconds gauge
            node_watchdog_timeleft_seconds{name="watchdog0"} 300
            # HELP node_watchdog_timeout_seconds Value of /sys/class/watchdog/<watchdog>/timeout
            # TYPE node_watchdog_timeout_seconds gauge
            node_watchdog_timeout_seconds{name="watchdog0"} 60

            """, text);
    }

    [Fact]
    public void No_watchdog_class_is_no_data()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new WatchdogCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Fact]
    public void A_malformed_number_is_an_error()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/class/watchdog/watchdog0/timeout", "sixty\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new WatchdogCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains("timeout", error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
