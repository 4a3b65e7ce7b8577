using System.Text.RegularExpressions;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's <c>--collector.netclass.*</c> flags: <c>ignored-devices</c> (default <c>^$</c>, which ignores
/// nothing) and <c>ignore-invalid-speed</c> (default false: a speed of -1 is exported as -125000 bytes).
/// <c>--collector.netclass.netlink</c> defaults to false in 1.12, so the sysfs path below is the default output.
/// </summary>
internal sealed partial record NetClassOptions(Regex IgnoredDevices, bool IgnoreInvalidSpeed)
{
    public static readonly CollectorOption<Regex?> IgnoredDevicesOption = CollectorOptions.Regex(
        "Metrics:NetclassIgnoredDevices", DefaultIgnored(), "network devices netclass skips");

    public static readonly CollectorOption<bool> IgnoreInvalidSpeedOption = CollectorOptions.Bool(
        "Metrics:NetclassIgnoreInvalidSpeed", false, "leave out `node_network_speed_bytes` of a device whose speed the kernel reports as -1 (unknown)");

    public static IReadOnlyList<CollectorOption> Options { get; } = [IgnoredDevicesOption, IgnoreInvalidSpeedOption];

    public static NetClassOptions Default { get; } = From(CollectorSettings.Defaults);

    public static NetClassOptions From(CollectorSettings settings) =>
        new(settings.Get(IgnoredDevicesOption)!, settings.Get(IgnoreInvalidSpeedOption));

    [GeneratedRegex("^$", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultIgnored();
}

/// <summary>
/// node_exporter's netclass collector (collector/netclass_linux.go, sysfs path, 1.12) over
/// <c>/sys/class/net/&lt;iface&gt;/</c>. As prometheus/procfs does, an attribute the kernel refuses to read (EINVAL
/// for <c>speed</c> on a down link, EOPNOTSUPP for <c>phys_port_id</c>) or that does not parse is left out, and
/// regular files directly under <c>class/net</c> (<c>bonding_masters</c>) are not devices.
/// </summary>
internal sealed class NetClassCollector(CollectorContext context, NetClassOptions options) : INodeCollector
{
    // The int64 attributes node_exporter exports, as (metric suffix, attribute file, type), in metric-name order.
    private static readonly (string Name, string File, MetricType Type)[] Properties =
    [
        ("address_assign_type", "addr_assign_type", MetricType.Gauge),
        ("carrier", "carrier", MetricType.Gauge),
        ("carrier_changes_total", "carrier_changes", MetricType.Counter),
        ("carrier_down_changes_total", "carrier_down_count", MetricType.Counter),
        ("carrier_up_changes_total", "carrier_up_count", MetricType.Counter),
        ("device_id", "dev_id", MetricType.Gauge),
        ("dormant", "dormant", MetricType.Gauge),
        ("flags", "flags", MetricType.Gauge),
        ("iface_id", "ifindex", MetricType.Gauge),
        ("iface_link", "iflink", MetricType.Gauge),
        ("iface_link_mode", "link_mode", MetricType.Gauge),
        ("mtu_bytes", "mtu", MetricType.Gauge),
        ("name_assign_type", "name_assign_type", MetricType.Gauge),
        ("net_dev_group", "netdev_group", MetricType.Gauge),
        ("protocol_type", "type", MetricType.Gauge),
        ("speed_bytes", "speed", MetricType.Gauge),
        ("transmit_queue_length", "tx_queue_len", MetricType.Gauge),
    ];

    private static readonly int FlagsIndex = Array.FindIndex(Properties, p => p.File == "flags");
    private static readonly int SpeedIndex = Array.FindIndex(Properties, p => p.File == "speed");

    public NetClassCollector(CollectorContext context)
        : this(context, NetClassOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("netclass", true, NetClassOptions.Options, (context, settings) => new NetClassCollector(context, NetClassOptions.From(settings)));

    public string Name => Descriptor.Name;

    private sealed record Interface(string Device, string Address, string Broadcast, string Duplex, string OperState, string IfAlias, long?[] Values);

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var classDirectory = context.Paths.SysFile("class/net");
        if (!Directory.Exists(classDirectory))
        {
            return CollectResult.NoData;
        }

        var interfaces = new List<Interface>();
        foreach (var device in KernelFile.Entries(classDirectory))
        {
            var devicePath = Path.Join(classDirectory, device);
            if (options.IgnoredDevices.IsMatch(device) || File.Exists(devicePath))
            {
                continue;
            }

            if (Read(devicePath, device) is { } iface)
            {
                interfaces.Add(iface);
            }
        }

        if (interfaces.Count == 0)
        {
            return CollectResult.Success;
        }

        for (var i = 0; i < Properties.Length; i++)
        {
            // node_network_info sorts between iface_link_mode and mtu_bytes (client_golang orders families by name).
            if (Properties[i].Name == "mtu_bytes")
            {
                WriteInfo(writer, interfaces);
            }

            writer.Family($"node_network_{Properties[i].Name}", Properties[i].Type, $"Network device property: {Properties[i].Name}");
            WriteProperty(writer, interfaces, i);
        }

        writer.Family("node_network_up", MetricType.Gauge, "Value is 1 if operstate is 'up', 0 otherwise.");
        foreach (var iface in interfaces)
        {
            writer.Sample(iface.OperState == "up" ? 1 : 0, "device", iface.Device);
        }

        return CollectResult.Success;
    }

    private void WriteProperty(MetricWriter writer, List<Interface> interfaces, int index)
    {
        foreach (var iface in interfaces)
        {
            if (iface.Values[index] is not { } value)
            {
                continue;
            }

            if (index == SpeedIndex)
            {
                // Mb/s to bytes/s in integer arithmetic, as netclass_linux.go; -1 (unknown) stays unless ignored.
                if (value < 0 && options.IgnoreInvalidSpeed)
                {
                    continue;
                }

                value = value * 1000 * 1000 / 8;
            }

            writer.Sample(value, "device", iface.Device);
        }
    }

    private static void WriteInfo(MetricWriter writer, List<Interface> interfaces)
    {
        writer.Family("node_network_info", MetricType.Gauge, "Non-numeric data from /sys/class/net/<iface>, value is always 1.");
        var rows = interfaces.Select(i => new[] { i.Address, AdminState(i.Values[FlagsIndex]), i.Broadcast, i.Device, i.Duplex, i.IfAlias, i.OperState }).ToList();
        rows.Sort(static (x, y) =>
        {
            for (var i = 0; i < x.Length; i++)
            {
                var order = SampleOrder.Compare(x[i], y[i]);
                if (order != 0)
                {
                    return order;
                }
            }

            return 0;
        });
        foreach (var row in rows)
        {
            writer.Sample(1, "address", row[0], "adminstate", row[1], "broadcast", row[2], "device", row[3], "duplex", row[4], "ifalias", row[5], "operstate", row[6]);
        }
    }

    /// <summary>netclass_linux.go <c>getAdminState</c>: IFF_UP (bit 0) of <c>flags</c>.</summary>
    private static string AdminState(long? flags) => flags is null ? "unknown" : (flags.Value & 1) == 1 ? "up" : "down";

    private static Interface? Read(string devicePath, string device)
    {
        using var directory = KernelFile.OpenDirectory(devicePath);
        if (directory is null)
        {
            return null;
        }

        var values = new long?[Properties.Length];
        var any = false;
        for (var i = 0; i < Properties.Length; i++)
        {
            if (KernelFile.ReadAttribute(directory, Properties[i].File) is { } raw)
            {
                any = true;
                values[i] = SysfsValue.TryParseInt64(SysfsValue.Attribute(raw), out var value) ? value : null;
            }
        }

        var operState = Text(directory, "operstate", ref any);
        var address = Text(directory, "address", ref any);
        var broadcast = Text(directory, "broadcast", ref any);
        var duplex = Text(directory, "duplex", ref any);
        var alias = Text(directory, "ifalias", ref any);

        // Nothing readable: the device went away between listing and reading (node_exporter fails the scrape then).
        return any ? new Interface(device, address, broadcast, duplex, operState, alias, values) : null;
    }

    private static string Text(AttributeDirectory directory, string file, ref bool any)
    {
        if (KernelFile.ReadAttribute(directory, file) is not { } raw)
        {
            return "";
        }

        any = true;
        return SysfsValue.AttributeText(raw);
    }
}
