using Microsoft.Extensions.Logging;
using NodeAgent.Netlink;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's wifi collector (collector/wifi_linux.go, 1.12; off by default): per WiFi interface its frequency,
/// the BSS it is in (<c>node_wifi_station_info</c>) and per station its connection time, bit rates, signal and
/// counters. On a host it asks nl80211 over generic netlink in the agent's network namespace, as node_exporter's
/// mdlayher/wifi does; a kernel without nl80211 (no cfg80211) or a refused socket is "no data". With
/// <c>Metrics:WifiFixtures</c> it reads node_exporter's JSON fixtures instead. An interface whose BSS or station
/// information does not exist reports without it, as in node_exporter.
/// </summary>
internal sealed partial class WifiCollector(CollectorContext context, string? fixtures) : INodeCollector
{
    public static readonly CollectorOption<string?> FixturesOption = new("Metrics:WifiFixtures", CollectorOptionKind.Path, null,
        "a directory of node_exporter's wifi test fixtures (`interfaces.json`, `<device>/bss.json`, `<device>/stationinfo.json`) that wifi reads instead of asking the kernel over nl80211; for tests");

    private const int OperationNotSupported = 95; // EOPNOTSUPP: the interface's type has no such information

    private readonly ILogger _logger = context.Logger<WifiCollector>();

    public WifiCollector(CollectorContext context)
        : this(context, null)
    {
    }

    public static CollectorDescriptor Descriptor { get; } = new("wifi", false, [FixturesOption],
        (context, settings) => new WifiCollector(context, settings.Get(FixturesOption)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        List<(WifiInterface Interface, WifiBss? Bss, List<WifiStation>? Stations)> interfaces;
        if (fixtures is not null)
        {
            interfaces = FromFixtures(fixtures);
        }
        else
        {
            try
            {
                interfaces = FromKernel();
            }
            catch (NetlinkException e) when (e.IsUnavailable)
            {
                Log.Unavailable(_logger, e.Message);
                return CollectResult.NoData;
            }
        }

        Write(writer, interfaces);
        return CollectResult.Success;
    }

    private static void Write(MetricWriter writer, List<(WifiInterface Interface, WifiBss? Bss, List<WifiStation>? Stations)> interfaces)
    {
        var families = new SortedFamilies();
        foreach (var (ifi, bss, stations) in interfaces)
        {
            families.Add("node_wifi_interface_frequency_hertz", MetricType.Gauge, "The current frequency a WiFi interface is operating at, in hertz.",
                ifi.FrequencyMegahertz * 1e6, "device", ifi.Name);
            if (bss is not null)
            {
                families.Add("node_wifi_station_info", MetricType.Gauge, "Labeled WiFi interface station information as provided by the operating system.", 1,
                    "bssid", WifiText.HardwareAddress(bss.Bssid), "device", ifi.Name, "mode", bss.Mode, "ssid", bss.Ssid);
            }

            foreach (var station in stations ?? [])
            {
                WifiStationFamilies.Add(families, ifi.Name, station);
            }
        }

        families.WriteTo(writer);
    }

    private static List<(WifiInterface, WifiBss?, List<WifiStation>?)> FromFixtures(string directory)
    {
        var result = new List<(WifiInterface, WifiBss?, List<WifiStation>?)>();
        foreach (var ifi in WifiFixture.ParseInterfaces(ReadFixture(Path.Join(directory, "interfaces.json")) ?? throw new FileNotFoundException($"{directory}/interfaces.json: unreadable")))
        {
            if (ifi.Name.Length == 0)
            {
                continue; // virtual devices without a name, skipped as node_exporter skips them
            }

            var bss = ReadFixture(Path.Join(directory, ifi.Name, "bss.json")) is { } bssJson ? WifiFixture.ParseBss(bssJson) : null;
            var stations = ReadFixture(Path.Join(directory, ifi.Name, "stationinfo.json")) is { } stationJson ? WifiFixture.ParseStations(stationJson) : null;
            result.Add((ifi, bss, stations));
        }

        return result;
    }

    // An absent fixture file is "does not exist" (null), as node_exporter's mock reports it; a malformed one an error.
    private static byte[]? ReadFixture(string path) => KernelFile.ReadAll(path);

    private static List<(WifiInterface, WifiBss?, List<WifiStation>?)> FromKernel()
    {
        using var socket = NetlinkSocket.Open(NetlinkSocket.Generic);
        var family = socket.Request(GenericNetlink.Controller, 0, GenericNetlink.FamilyRequestBody(Nl80211.FamilyName));
        if (family.Count == 0 || !GenericNetlink.TryParseFamily(family[0].Payload, out var id, out var version))
        {
            throw new InvalidDataException("generic netlink: no id in the nl80211 family reply");
        }

        var result = new List<(WifiInterface, WifiBss?, List<WifiStation>?)>();
        foreach (var message in socket.Request(id, NetlinkFormat.Dump, GenericNetlink.Body(Nl80211.GetInterface, version)))
        {
            if (Nl80211.ParseInterface(message.Payload) is not { Name.Length: > 0 } ifi)
            {
                continue;
            }

            var bss = PerInterface(socket, id, version, Nl80211.GetScan, ifi, replies => Nl80211.ParseBss(replies.Select(r => r.Payload)));
            var stations = PerInterface(socket, id, version, Nl80211.GetStation, ifi, replies =>
            {
                var parsed = replies.Select(r => Nl80211.ParseStation(r.Payload)).ToList();
                return parsed.Contains(null) ? null : parsed.Cast<WifiStation>().ToList(); // mdlayher: one without information fails them all
            });
            result.Add((ifi, bss, stations));
        }

        return result;
    }

    // A dump about one interface; null when the kernel has no such information for it (ENOENT, or EOPNOTSUPP for an
    // interface type without it, which node_exporter would report as a failed scrape).
    private static T? PerInterface<T>(NetlinkSocket socket, ushort family, byte version, byte command, WifiInterface ifi, Func<List<NetlinkMessage>, T?> parse)
        where T : class
    {
        try
        {
            return parse(socket.Request(family, NetlinkFormat.Dump, GenericNetlink.Body(command, version, Nl80211.InterfaceAttribute(ifi.Index))));
        }
        catch (NetlinkException e) when (e.Errno is NetlinkException.NoSuchEntry or OperationNotSupported)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1345, LogLevel.Debug, "wifi: nl80211 is not available to the agent: {Reason}", EventName = "WifiUnavailable")]
        public static partial void Unavailable(ILogger logger, string reason);
    }
}

/// <summary>The per-station families of node_exporter's wifi collector, with its HELP texts.</summary>
internal static class WifiStationFamilies
{
    private static readonly (string Metric, MetricType Type, string Help, Func<WifiStation, double> Value)[] Families =
    [
        ("node_wifi_station_connected_seconds_total", MetricType.Counter, "The total number of seconds a station has been connected to an access point.", s => s.ConnectedSeconds),
        ("node_wifi_station_inactive_seconds", MetricType.Gauge, "The number of seconds since any wireless activity has occurred on a station.", s => s.InactiveSeconds),
        ("node_wifi_station_receive_bits_per_second", MetricType.Gauge, "The current WiFi receive bitrate of a station, in bits per second.", s => s.ReceiveBitsPerSecond),
        ("node_wifi_station_transmit_bits_per_second", MetricType.Gauge, "The current WiFi transmit bitrate of a station, in bits per second.", s => s.TransmitBitsPerSecond),
        ("node_wifi_station_receive_bytes_total", MetricType.Counter, "The total number of bytes received by a WiFi station.", s => s.ReceivedBytes),
        ("node_wifi_station_transmit_bytes_total", MetricType.Counter, "The total number of bytes transmitted by a WiFi station.", s => s.TransmittedBytes),
        ("node_wifi_station_signal_dbm", MetricType.Gauge, "The current WiFi signal strength, in decibel-milliwatts (dBm).", s => s.SignalDbm),
        ("node_wifi_station_transmit_retries_total", MetricType.Counter, "The total number of times a station has had to retry while sending a packet.", s => s.TransmitRetries),
        ("node_wifi_station_transmit_failed_total", MetricType.Counter, "The total number of times a station has failed to send a packet.", s => s.TransmitFailed),
        ("node_wifi_station_beacon_loss_total", MetricType.Counter, "The total number of times a station has detected a beacon loss.", s => s.BeaconLoss),
        ("node_wifi_station_transmitted_packets_total", MetricType.Counter, "The total number of packets transmitted by a station.", s => s.TransmittedPackets),
        ("node_wifi_station_received_packets_total", MetricType.Counter, "The total number of packets received by a station.", s => s.ReceivedPackets),
    ];

    public static void Add(SortedFamilies families, string device, WifiStation station)
    {
        var address = WifiText.HardwareAddress(station.HardwareAddress);
        foreach (var (metric, type, help, value) in Families)
        {
            families.Add(metric, type, help, value(station), "device", device, "mac_address", address);
        }
    }
}
