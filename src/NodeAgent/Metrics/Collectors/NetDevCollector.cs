using System.Globalization;
using System.Net.NetworkInformation;
using System.Net;
using System.Text.RegularExpressions;
using NodeAgent.Netlink;
using NodeAgent.Procfs;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's <c>--collector.netdev.*</c> flags (1.12 defaults: no include/exclude, address-info off, legacy
/// names, no ifalias label, counters over netlink). Include and exclude are mutually exclusive, as node_exporter
/// refuses both at startup.
/// </summary>
internal sealed record NetDevOptions(Regex? DeviceInclude, Regex? DeviceExclude, bool AddressInfo, bool DetailedMetrics, bool LabelIfAlias, bool Netlink)
{
    public static readonly CollectorOption<Regex?> DeviceIncludeOption = CollectorOptions.Regex(
        "Metrics:NetdevDeviceInclude", null, "if set, the only network devices netdev reports");

    public static readonly CollectorOption<Regex?> DeviceExcludeOption = CollectorOptions.Regex(
        "Metrics:NetdevDeviceExclude", null, "network devices netdev skips (not together with the include)", exclusiveWith: DeviceIncludeOption);

    public static readonly CollectorOption<bool> AddressInfoOption = CollectorOptions.Bool(
        "Metrics:NetdevAddressInfo", false, "add `node_network_address_info`, one series per address of each interface");

    public static readonly CollectorOption<bool> DetailedMetricsOption = CollectorOptions.Bool(
        "Metrics:NetdevEnableDetailedMetrics", false, "every counter of `/sys/class/net/<device>/statistics` under its rtnetlink name instead of the legacy `/proc/net/dev` families");

    public static readonly CollectorOption<bool> LabelIfAliasOption = CollectorOptions.Bool(
        "Metrics:NetdevLabelIfalias", false, "add each interface's `ifalias` as a label of the netdev families");

    public static readonly CollectorOption<bool> NetlinkOption = CollectorOptions.Bool(
        "Metrics:NetdevNetlink", true, "read the interface counters over rtnetlink, in the agent's own network namespace, as node_exporter does (`false`: from `<Host:ProcPath>/net/dev`)");

    public static IReadOnlyList<CollectorOption> Options { get; } =
        [DeviceIncludeOption, DeviceExcludeOption, AddressInfoOption, DetailedMetricsOption, LabelIfAliasOption, NetlinkOption];

    public static NetDevOptions Default { get; } = From(CollectorSettings.Defaults);

    public static NetDevOptions From(CollectorSettings settings) => new(
        settings.Get(DeviceIncludeOption),
        settings.Get(DeviceExcludeOption),
        settings.Get(AddressInfoOption),
        settings.Get(DetailedMetricsOption),
        settings.Get(LabelIfAliasOption),
        settings.Get(NetlinkOption));

    public bool Ignores(string device) =>
        (DeviceExclude is not null && DeviceExclude.IsMatch(device)) || (DeviceInclude is not null && !DeviceInclude.IsMatch(device));
}

/// <summary>An address of a local interface, for <c>node_network_address_info</c>.</summary>
internal readonly record struct InterfaceAddress(string Device, IPAddress Address, int PrefixLength);

/// <summary>
/// node_exporter's netdev collector (collector/netdev_linux.go + netdev_common.go, 1.12). By default
/// (<c>Metrics:NetdevNetlink</c>, node_exporter's <c>--collector.netdev.netlink</c>) the counters come from an rtnetlink
/// link dump of the agent's own network namespace, whatever <c>Host:ProcPath</c> says, as in node_exporter; renamed to
/// the legacy <c>/proc/net/dev</c> names with the kernel's own sums for drop, frame and carrier, or, with detailed
/// metrics, under their rtnetlink names. Without netlink they come from <c>&lt;proc&gt;/net/dev</c>, which the kernel
/// computes from the same <c>rtnl_link_stats64</c> (net/core/net-procfs.c), plus <c>rx_nohandler</c> from
/// <c>/sys/class/net/&lt;dev&gt;/statistics</c>, and every detailed counter from that directory. In a pod with the host's
/// network (the DaemonSet) both give the host's interfaces: <c>&lt;Host:ProcPath&gt;/net</c> is the reader's namespace too.
/// </summary>
internal sealed class NetDevCollector(
    CollectorContext context, NetDevOptions options, Func<IReadOnlyList<InterfaceAddress>> interfaceAddresses, Func<IReadOnlyList<LinkCounters>> links) : INodeCollector
{
    // The rtnetlink field names (netdev_linux.go) and the sysfs statistics file each comes from, for detailed mode.
    private static readonly (string Key, string File)[] DetailedCounters =
    [
        ("receive_packets", "rx_packets"), ("transmit_packets", "tx_packets"), ("receive_bytes", "rx_bytes"),
        ("transmit_bytes", "tx_bytes"), ("receive_errors", "rx_errors"), ("transmit_errors", "tx_errors"),
        ("receive_dropped", "rx_dropped"), ("transmit_dropped", "tx_dropped"), ("multicast", "multicast"),
        ("collisions", "collisions"), ("receive_length_errors", "rx_length_errors"), ("receive_over_errors", "rx_over_errors"),
        ("receive_crc_errors", "rx_crc_errors"), ("receive_frame_errors", "rx_frame_errors"), ("receive_fifo_errors", "rx_fifo_errors"),
        ("receive_missed_errors", "rx_missed_errors"), ("transmit_aborted_errors", "tx_aborted_errors"),
        ("transmit_carrier_errors", "tx_carrier_errors"), ("transmit_fifo_errors", "tx_fifo_errors"),
        ("transmit_heartbeat_errors", "tx_heartbeat_errors"), ("transmit_window_errors", "tx_window_errors"),
        ("receive_compressed", "rx_compressed"), ("transmit_compressed", "tx_compressed"), ("receive_nohandler", "rx_nohandler"),
    ];

    public NetDevCollector(CollectorContext context)
        : this(context, NetDevOptions.Default)
    {
    }

    public NetDevCollector(CollectorContext context, NetDevOptions options, Func<IReadOnlyList<InterfaceAddress>> interfaceAddresses)
        : this(context, options, interfaceAddresses, NetlinkRoute.DumpLinks)
    {
    }

    public NetDevCollector(CollectorContext context, NetDevOptions options)
        : this(context, options, SystemInterfaceAddresses, NetlinkRoute.DumpLinks)
    {
        if (options.DeviceInclude is not null && options.DeviceExclude is not null)
        {
            throw new ArgumentException("device-exclude & device-include are mutually exclusive", nameof(options));
        }
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("netdev", true, NetDevOptions.Options, (context, settings) => new NetDevCollector(context, NetDevOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        // key -> (device, ifalias) -> value; SortedDictionary keeps client_golang's order (family name, label values).
        var families = new SortedDictionary<string, SortedDictionary<(string Device, string Alias), ulong>>(StringComparer.Ordinal);
        if (options.Netlink)
        {
            AddNetlink(families);
        }
        else if (!AddProcNetDev(families))
        {
            return CollectResult.NoData;
        }

        if (options.AddressInfo)
        {
            WriteAddressInfo(writer);
        }

        foreach (var (key, samples) in families)
        {
            writer.Family($"node_network_{key}_total", MetricType.Counter, $"Network device statistic {key}.");
            foreach (var ((device, alias), value) in samples)
            {
                if (options.LabelIfAlias)
                {
                    writer.Sample(value, "device", device, "ifalias", alias);
                }
                else
                {
                    writer.Sample(value, "device", device);
                }
            }
        }

        return CollectResult.Success;
    }

    private void AddNetlink(SortedDictionary<string, SortedDictionary<(string, string), ulong>> families)
    {
        foreach (var link in links())
        {
            // A link without statistics is skipped, as in node_exporter.
            if (options.Ignores(link.Name) || link.Counters is not { } c)
            {
                continue;
            }

            var device = (link.Name, options.LabelIfAlias ? ReadAlias(link.Name) : "");
            if (options.DetailedMetrics)
            {
                // DetailedCounters is in rtnl_link_stats64's field order.
                for (var i = 0; i < DetailedCounters.Length; i++)
                {
                    Add(families, DetailedCounters[i].Key, device, c[i]);
                }

                continue;
            }

            // node_exporter's legacy(): the sums /proc/net/dev prints (net/core/net-procfs.c, dev_seq_printf_stats).
            AddLegacy(families, device, new NetDevLine(link.Name, c[2], c[0], c[4], c[6] + c[15], c[14], c[13] + c[10] + c[11] + c[12], c[21], c[8],
                c[3], c[1], c[5], c[7], c[18], c[9], c[17] + c[16] + c[19] + c[20], c[22]), c[23]);
        }
    }

    private bool AddProcNetDev(SortedDictionary<string, SortedDictionary<(string, string), ulong>> families)
    {
        var path = context.Paths.ProcFile("net/dev");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return false;
        }

        IReadOnlyList<NetDevLine> lines;
        try
        {
            lines = NetDev.Parse(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        foreach (var line in lines)
        {
            if (options.Ignores(line.Device))
            {
                continue;
            }

            var device = (line.Device, options.LabelIfAlias ? ReadAlias(line.Device) : "");
            if (options.DetailedMetrics)
            {
                foreach (var (key, file) in DetailedCounters)
                {
                    if (KernelFile.ReadUInt64(context.Paths.SysFile($"class/net/{line.Device}/statistics/{file}")) is { } value)
                    {
                        Add(families, key, device, value);
                    }
                }

                continue;
            }

            AddLegacy(families, device, line, KernelFile.ReadUInt64(context.Paths.SysFile($"class/net/{line.Device}/statistics/rx_nohandler")));
        }

        return true;
    }

    private static void AddLegacy(SortedDictionary<string, SortedDictionary<(string, string), ulong>> families, (string, string) device, NetDevLine line, ulong? noHandler)
    {
        Add(families, "receive_bytes", device, line.ReceiveBytes);
        Add(families, "receive_packets", device, line.ReceivePackets);
        Add(families, "receive_errs", device, line.ReceiveErrors);
        Add(families, "receive_drop", device, line.ReceiveDropped);
        Add(families, "receive_fifo", device, line.ReceiveFifo);
        Add(families, "receive_frame", device, line.ReceiveFrame);
        Add(families, "receive_compressed", device, line.ReceiveCompressed);
        Add(families, "receive_multicast", device, line.ReceiveMulticast);
        Add(families, "transmit_bytes", device, line.TransmitBytes);
        Add(families, "transmit_packets", device, line.TransmitPackets);
        Add(families, "transmit_errs", device, line.TransmitErrors);
        Add(families, "transmit_drop", device, line.TransmitDropped);
        Add(families, "transmit_fifo", device, line.TransmitFifo);
        Add(families, "transmit_colls", device, line.TransmitCollisions);
        Add(families, "transmit_carrier", device, line.TransmitCarrier);
        Add(families, "transmit_compressed", device, line.TransmitCompressed);
        if (noHandler is { } value)
        {
            Add(families, "receive_nohandler", device, value);
        }
    }

    private static void Add(SortedDictionary<string, SortedDictionary<(string, string), ulong>> families, string key, (string, string) device, ulong value)
    {
        if (!families.TryGetValue(key, out var samples))
        {
            samples = new SortedDictionary<(string, string), ulong>(SampleOrder.Pairs);
            families[key] = samples;
        }

        samples[device] = value;
    }

    private string ReadAlias(string device) =>
        KernelFile.ReadAll(context.Paths.SysFile($"class/net/{device}/ifalias")) is { } alias ? SysfsValue.AttributeText(alias) : "";

    /// <summary><c>node_network_address_info</c> (<c>--collector.netdev.address-info</c>): one series per address of
    /// every interface, as Go's <c>net.Interfaces()</c> lists them, with Go's scope classification.</summary>
    private void WriteAddressInfo(MetricWriter writer)
    {
        // Labels in name order: address, device, netmask, scope.
        var rows = new List<(string Address, string Device, string Netmask, string Scope)>();
        foreach (var address in interfaceAddresses())
        {
            rows.Add((GoText(address.Address), address.Device, address.PrefixLength.ToString(CultureInfo.InvariantCulture), Scope(address.Address)));
        }

        rows.Sort(static (x, y) => SampleOrder.Compare(x, y));

        writer.Family("node_network_address_info", MetricType.Gauge, "node network address by device");
        var previous = default((string, string, string, string));
        foreach (var row in rows)
        {
            if (row != previous)
            {
                writer.Sample(1, "address", row.Address, "device", row.Device, "netmask", row.Netmask, "scope", row.Scope);
            }

            previous = row;
        }
    }

    private static string GoText(IPAddress address) => IpvsBackend.GoIpString(new IPAddress(address.GetAddressBytes()));

    /// <summary>netdev_common.go <c>scope</c>: Go's IsLoopback/IsLinkLocal*/IsInterfaceLocalMulticast/IsGlobalUnicast.</summary>
    internal static string Scope(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var v4 = bytes.Length == 4;
        if (IPAddress.IsLoopback(address)
            || (v4 ? bytes[0] == 169 && bytes[1] == 254 : bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80)
            || (v4 ? bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0 : bytes[0] == 0xff && (bytes[1] & 0x0f) == 0x02))
        {
            return "link-local";
        }

        if (!v4 && bytes[0] == 0xff && (bytes[1] & 0x0f) == 0x01)
        {
            return "interface-local";
        }

        var unspecified = address.Equals(v4 ? IPAddress.Any : IPAddress.IPv6Any);
        var multicast = v4 ? bytes[0] >= 224 && bytes[0] <= 239 : bytes[0] == 0xff;
        var broadcast = address.Equals(IPAddress.Broadcast);
        return !unspecified && !multicast && !broadcast ? "global" : "";
    }

    private static IReadOnlyList<InterfaceAddress> SystemInterfaceAddresses()
    {
        var addresses = new List<InterfaceAddress>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                addresses.Add(new InterfaceAddress(nic.Name, unicast.Address, unicast.PrefixLength));
            }
        }

        return addresses;
    }
}
