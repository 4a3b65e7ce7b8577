using NodeAgent.Netlink;
using static NodeAgent.Tests.Netlink.NetlinkBytes;

namespace NodeAgent.Tests.Netlink;

public sealed class Nl80211Tests
{
    private static readonly byte[] GenlHeader = [0, 1, 0, 0];

    [Fact]
    public void An_interface_reply_gives_index_name_address_and_frequency()
    {
        var payload = Concat(GenlHeader, Attribute(3, U32(5)), Attribute(4, Text("wlp2s0")), Attribute(5, U32(2)),
            Attribute(6, [0x02, 0x11, 0x22, 0x33, 0x44, 0x55]), Attribute(38, U32(5180)), Attribute(153, U64(1)));

        var ifi = Nl80211.ParseInterface(payload)!;

        Assert.Equal((5, "wlp2s0", 5180u), (ifi.Index, ifi.Name, ifi.FrequencyMegahertz));
        Assert.Equal("02:11:22:33:44:55", WifiText.HardwareAddress(ifi.HardwareAddress));
    }

    [Fact]
    public void The_bss_with_a_status_is_the_interfaces_and_its_ssid_comes_from_the_information_elements()
    {
        // Element 0 is the SSID; element 1 (supported rates) is skipped.
        var elements = Concat([0, 4], "home"u8.ToArray(), [1, 2, 0x82, 0x84]);
        var seen = Concat(GenlHeader, Nested(47, Attribute(1, [1, 1, 1, 1, 1, 1]), Attribute(6, [0, 5], "other"u8.ToArray())));
        var joined = Concat(GenlHeader, Nested(47, Attribute(1, [0xaa, 0xbb, 0xcc, 0, 0, 1]), Attribute(6, elements), Attribute(9, U32(1))));

        var bss = Nl80211.ParseBss([seen, joined])!;

        Assert.Equal(("home", "aa:bb:cc:00:00:01", "client"), (bss.Ssid, WifiText.HardwareAddress(bss.Bssid), bss.Mode));
        Assert.Null(Nl80211.ParseBss([seen]));
        Assert.Throws<InvalidDataException>(() => Nl80211.ParseBss([Concat(GenlHeader, Nested(47, Attribute(6, [0, 9, 1]), Attribute(9, U32(0))))]));
    }

    [Theory]
    [InlineData(0u, "client")]
    [InlineData(1u, "client")]
    [InlineData(2u, "ad-hoc")]
    [InlineData(7u, "unknown")]
    public void The_kernels_bss_status_is_the_mode(uint status, string mode) => Assert.Equal(mode, Nl80211.KernelStatusMode(status));

    [Fact]
    public void A_station_gives_its_times_counters_rates_and_signal_in_base_units()
    {
        var payload = Concat(GenlHeader, Attribute(3, U32(5)), Attribute(6, [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]), Nested(21,
            Attribute(16, U32(30)), Attribute(1, U32(400)),
            Attribute(2, U32(1)), Attribute(23, U64(5_000_000_000)), Attribute(3, U32(77)),
            Attribute(9, U32(10)), Attribute(10, U32(11)), Attribute(11, U32(12)), Attribute(12, U32(13)), Attribute(18, U32(14)),
            Attribute(7, [unchecked((byte)-52)]),
            Nested(14, Attribute(1, U16(1280)), Attribute(5, U32(1300))),
            Nested(8, Attribute(1, U16(1640)))));

        var station = Nl80211.ParseStation(payload)!;

        Assert.Equal("aa:bb:cc:dd:ee:ff", WifiText.HardwareAddress(station.HardwareAddress));
        Assert.Equal((30.0, 0.4), (station.ConnectedSeconds, station.InactiveSeconds));
        Assert.Equal((5_000_000_000.0, 77.0), (station.ReceivedBytes, station.TransmittedBytes)); // 64-bit when present, else 32-bit
        Assert.Equal((10.0, 11.0, 12.0, 13.0, 14.0), (station.ReceivedPackets, station.TransmittedPackets, station.TransmitRetries, station.TransmitFailed, station.BeaconLoss));
        Assert.Equal(-52.0, station.SignalDbm);
        Assert.Equal((130_000_000.0, 164_000_000.0), (station.ReceiveBitsPerSecond, station.TransmitBitsPerSecond)); // 100 kbit/s units
    }

    [Fact]
    public void A_station_reply_without_station_information_is_none() =>
        Assert.Null(Nl80211.ParseStation(Concat(GenlHeader, Attribute(3, U32(5)), Attribute(6, [1, 2, 3, 4, 5, 6]))));

    [Fact]
    public void A_family_reply_gives_the_id_and_version()
    {
        var reply = Concat([1, 2, 0, 0], Attribute(2, Text("nl80211")), Attribute(1, U16(0x1c), U16(0)), Attribute(3, U32(1)));

        Assert.True(GenericNetlink.TryParseFamily(reply, out var id, out var version));
        Assert.Equal((0x1c, 1), (id, version));
        Assert.False(GenericNetlink.TryParseFamily(Concat([1, 2, 0, 0], Attribute(3, U32(1))), out _, out _));
    }
}
