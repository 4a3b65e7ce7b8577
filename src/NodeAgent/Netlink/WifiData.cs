namespace NodeAgent.Netlink;

/// <summary>A WiFi interface as nl80211 describes it (mdlayher/wifi's Interface): its index, name, address and
/// operating frequency in MHz (0 when it is not operating).</summary>
internal sealed record WifiInterface(int Index, string Name, byte[] HardwareAddress, uint FrequencyMegahertz);

/// <summary>The BSS an interface belongs to: network name, BSSID and the interface's mode in it as node_exporter
/// names it (<c>client</c>, <c>ad-hoc</c> or <c>unknown</c>).</summary>
internal sealed record WifiBss(string Ssid, byte[] Bssid, string Mode);

/// <summary>One station (a peer, or the access point a client is associated with) of an interface, in
/// node_exporter's units: seconds, bytes, bits per second, dBm.</summary>
internal sealed record WifiStation(byte[] HardwareAddress)
{
    public double ConnectedSeconds { get; init; }

    public double InactiveSeconds { get; init; }

    public double ReceivedBytes { get; init; }

    public double TransmittedBytes { get; init; }

    public double ReceivedPackets { get; init; }

    public double TransmittedPackets { get; init; }

    public double ReceiveBitsPerSecond { get; init; }

    public double TransmitBitsPerSecond { get; init; }

    public double SignalDbm { get; init; }

    public double TransmitRetries { get; init; }

    public double TransmitFailed { get; init; }

    public double BeaconLoss { get; init; }
}

internal static class WifiText
{
    /// <summary>Go's net.HardwareAddr.String(): lower-case hex bytes joined by colons; "" for none.</summary>
    public static string HardwareAddress(byte[] address) => string.Join(':', address.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
