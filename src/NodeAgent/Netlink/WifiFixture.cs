using System.Text.Json;

namespace NodeAgent.Netlink;

/// <summary>
/// node_exporter's wifi test fixtures (<c>--collector.wifi.fixtures</c>): <c>interfaces.json</c>, an array of
/// mdlayher/wifi Interfaces, and per interface <c>&lt;name&gt;/bss.json</c> (a BSS) and
/// <c>&lt;name&gt;/stationinfo.json</c> (an array of StationInfo), read as Go's encoding/json fills those structs
/// (<see cref="GoJson"/>): addresses are base64, durations nanoseconds, bit rates bits per second.
/// </summary>
internal static class WifiFixture
{
    public static List<WifiInterface> ParseInterfaces(ReadOnlyMemory<byte> json)
    {
        using var document = QdiscFixture.ParseDocument(json);
        return [.. GoJson.Array(document).Select(i => new WifiInterface(
            (int)GoJson.Int64(i, "Index"), GoJson.String(i, "Name"), GoJson.Bytes(i, "HardwareAddr"), (uint)GoJson.Int64(i, "Frequency")))];
    }

    public static WifiBss ParseBss(ReadOnlyMemory<byte> json)
    {
        using var document = QdiscFixture.ParseDocument(json);
        var bss = document.RootElement;
        return new WifiBss(GoJson.String(bss, "SSID"), GoJson.Bytes(bss, "BSSID"), StatusMode(GoJson.Int64(bss, "Status")));
    }

    public static List<WifiStation> ParseStations(ReadOnlyMemory<byte> json)
    {
        using var document = QdiscFixture.ParseDocument(json);
        return [.. GoJson.Array(document).Select(s => new WifiStation(GoJson.Bytes(s, "HardwareAddr"))
        {
            ConnectedSeconds = Seconds(GoJson.Int64(s, "Connected")),
            InactiveSeconds = Seconds(GoJson.Int64(s, "Inactive")),
            ReceivedBytes = GoJson.Int64(s, "ReceivedBytes"),
            TransmittedBytes = GoJson.Int64(s, "TransmittedBytes"),
            ReceivedPackets = GoJson.Int64(s, "ReceivedPackets"),
            TransmittedPackets = GoJson.Int64(s, "TransmittedPackets"),
            ReceiveBitsPerSecond = GoJson.Int64(s, "ReceiveBitrate"),
            TransmitBitsPerSecond = GoJson.Int64(s, "TransmitBitrate"),
            SignalDbm = GoJson.Int64(s, "Signal"),
            TransmitRetries = GoJson.Int64(s, "TransmitRetries"),
            TransmitFailed = GoJson.Int64(s, "TransmitFailed"),
            BeaconLoss = GoJson.Int64(s, "BeaconLoss"),
        })];
    }

    // Go's Duration.Seconds(): whole seconds plus the nanoseconds left over, so that 0.4 s prints as 0.4.
    private static double Seconds(long nanoseconds) => (nanoseconds / 1_000_000_000) + ((nanoseconds % 1_000_000_000) / 1e9);

    /// <summary>mdlayher/wifi's BSSStatus (authenticated 0, associated 1, not associated 2, IBSS joined 3) as
    /// node_exporter's mode label.</summary>
    private static string StatusMode(long status) => status switch
    {
        0 or 1 => "client",
        3 => "ad-hoc",
        _ => "unknown",
    };
}
