using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class WifiCollectorTests : IDisposable
{
    private readonly TempDirectory _fixtures = new();

    public WifiCollectorTests()
    {
        // node_exporter's fixture layout: an interface in a BSS with two stations, one without BSS or stations, one
        // without a name (a virtual device). Addresses are base64: "EjRWeJq8" is 12:34:56:78:9a:bc.
        _fixtures.Write("interfaces.json", """[{"name": "wlan0", "type": 2, "frequency": 5180}, {"name": "wlan1", "type": 3}, {"type": 10}]""");
        _fixtures.Write("wlan0/bss.json", """{"ssid": "Office", "bssid": "EjRWeJq8", "status": 3}""");
        _fixtures.Write("wlan0/stationinfo.json",
            """
            [
                {"hardwareaddr": "AQIDBAUG", "connected": 90000000000, "inactive": 250000000, "receivebitrate": 54000000, "transmitbitrate": 65000000,
                 "receivedbytes": 1000, "transmittedbytes": 2000, "receivedpackets": 10, "transmittedpackets": 20, "signal": -61,
                 "transmitretries": 3, "transmitfailed": 1, "beaconloss": 0},
                {"hardwareaddr": "qrvM3e7/", "connected": 1500000000}
            ]
            """);
    }

    public void Dispose() => _fixtures.Dispose();

    [Fact]
    public void The_fixtures_give_frequencies_the_bss_and_each_stations_values()
    {
        var (result, text) = CollectorHarness.Collect(new WifiCollector(CollectorHarness.Context(), _fixtures.Path));

        Assert.Equal(CollectResult.Success, result);
        var samples = CollectorHarness.Samples(text);
        Assert.Equal(
            [
                "node_wifi_interface_frequency_hertz{device=\"wlan0\"} 5.18e+09",
                "node_wifi_interface_frequency_hertz{device=\"wlan1\"} 0",
                "node_wifi_station_beacon_loss_total{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} 0",
                "node_wifi_station_beacon_loss_total{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 0",
                "node_wifi_station_connected_seconds_total{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} 90",
                "node_wifi_station_connected_seconds_total{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 1.5",
                "node_wifi_station_inactive_seconds{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} 0.25",
                "node_wifi_station_inactive_seconds{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 0",
                "node_wifi_station_info{bssid=\"12:34:56:78:9a:bc\",device=\"wlan0\",mode=\"ad-hoc\",ssid=\"Office\"} 1",
                "node_wifi_station_receive_bits_per_second{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} 5.4e+07",
                "node_wifi_station_receive_bits_per_second{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 0",
                "node_wifi_station_receive_bytes_total{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} 1000",
                "node_wifi_station_receive_bytes_total{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 0",
                "node_wifi_station_received_packets_total{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} 10",
                "node_wifi_station_received_packets_total{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 0",
                "node_wifi_station_signal_dbm{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} -61",
                "node_wifi_station_signal_dbm{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 0",
                "node_wifi_station_transmit_bits_per_second{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} 6.5e+07",
                "node_wifi_station_transmit_bits_per_second{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 0",
                "node_wifi_station_transmit_bytes_total{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} 2000",
                "node_wifi_station_transmit_bytes_total{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 0",
                "node_wifi_station_transmit_failed_total{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} 1",
                "node_wifi_station_transmit_failed_total{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 0",
                "node_wifi_station_transmit_retries_total{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} 3",
                "node_wifi_station_transmit_retries_total{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 0",
                "node_wifi_station_transmitted_packets_total{device=\"wlan0\",mac_address=\"01:02:03:04:05:06\"} 20",
                "node_wifi_station_transmitted_packets_total{device=\"wlan0\",mac_address=\"aa:bb:cc:dd:ee:ff\"} 0",
            ],
            samples);
        Assert.Equal("counter", CollectorHarness.Types(text)["node_wifi_station_connected_seconds_total"]);
        Assert.Equal("gauge", CollectorHarness.Types(text)["node_wifi_station_signal_dbm"]);
        Assert.Contains("# HELP node_wifi_station_info Labeled WiFi interface station information as provided by the operating system.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void It_is_off_by_default_and_fixtures_without_interfaces_or_with_malformed_json_are_an_error()
    {
        Assert.False(WifiCollector.Descriptor.EnabledByDefault);
        _fixtures.Write("wlan0/bss.json", """{"ssid": 5}""");
        Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new WifiCollector(CollectorHarness.Context(), _fixtures.Path)));

        File.Delete(Path.Join(_fixtures.Path, "interfaces.json"));
        Assert.Throws<FileNotFoundException>(() => CollectorHarness.Collect(new WifiCollector(CollectorHarness.Context(), _fixtures.Path)));
    }

    /// <summary>The real-host path asks the kernel: without nl80211 (no cfg80211, as on most servers and in CI) that is
    /// "no data", never a failed scrape; with it, the interfaces it lists.</summary>
    [Fact]
    public void On_a_host_the_collector_reports_no_data_exactly_when_the_kernel_has_no_nl80211()
    {
        bool hasNl80211;
        using (var socket = NetlinkSocket.Open(NetlinkSocket.Generic))
        {
            try
            {
                socket.Request(NodeAgent.Netlink.GenericNetlink.Controller, 0, NodeAgent.Netlink.GenericNetlink.FamilyRequestBody("nl80211"));
                hasNl80211 = true;
            }
            catch (NetlinkException e) when (e.Errno == NetlinkException.NoSuchEntry)
            {
                hasNl80211 = false;
            }
        }

        var (result, _) = CollectorHarness.Collect(new WifiCollector(CollectorHarness.Context()));

        Assert.Equal(hasNl80211 ? CollectResult.Success : CollectResult.NoData, result);
    }
}
