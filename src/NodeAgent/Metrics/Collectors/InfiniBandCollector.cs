using System.Globalization;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's infiniband collector (collector/infiniband_linux.go over prometheus/procfs
/// sysfs/class_infiniband.go, 1.12): per HCA an info series, per port its state, physical state, rate and the
/// counters of <c>ports/&lt;n&gt;/counters</c> and the pre-4.5 <c>counters_ext</c>. The data counters count 4-byte
/// words per lane and are multiplied by 4, as procfs does. <c>fw_ver</c>, the port state files and the rate are
/// required: without one of them there is no data (node_exporter sees os.ErrNotExist), and a malformed value fails
/// the collector.
/// </summary>
internal sealed class InfiniBandCollector(CollectorContext context) : INodeCollector
{
    private const string Prefix = "node_infiniband_";

    // (directory, file, metric, help, multiplier) for the counters node_exporter exports.
    private static readonly (string Directory, string File, string Metric, string Help, ulong Scale)[] Counters =
    [
        ("counters", "excessive_buffer_overrun_errors", "excessive_buffer_overrun_errors_total", "Number of times that OverrunErrors consecutive flow control update periods occurred, each having at least one overrun error.", 1),
        ("counters", "link_downed", "link_downed_total", "Number of times the link failed to recover from an error state and went down", 1),
        ("counters", "link_error_recovery", "link_error_recovery_total", "Number of times the link successfully recovered from an error state", 1),
        ("counters", "local_link_integrity_errors", "local_link_integrity_errors_total", "Number of times that the count of local physical errors exceeded the threshold specified by LocalPhyErrors.", 1),
        ("counters", "multicast_rcv_packets", "multicast_packets_received_total", "Number of multicast packets received (including errors)", 1),
        ("counters", "multicast_xmit_packets", "multicast_packets_transmitted_total", "Number of multicast packets transmitted (including errors)", 1),
        ("counters", "port_rcv_constraint_errors", "port_constraint_errors_received_total", "Number of packets received on the switch physical port that are discarded", 1),
        ("counters", "port_xmit_constraint_errors", "port_constraint_errors_transmitted_total", "Number of packets not transmitted from the switch physical port", 1),
        ("counters", "port_rcv_data", "port_data_received_bytes_total", "Number of data octets received on all links", 4),
        ("counters", "port_xmit_data", "port_data_transmitted_bytes_total", "Number of data octets transmitted on all links", 4),
        ("counters", "port_rcv_discards", "port_discards_received_total", "Number of inbound packets discarded by the port because the port is down or congested", 1),
        ("counters", "port_xmit_discards", "port_discards_transmitted_total", "Number of outbound packets discarded by the port because the port is down or congested", 1),
        ("counters", "port_rcv_errors", "port_errors_received_total", "Number of packets containing an error that were received on this port", 1),
        ("counters", "port_rcv_packets", "port_packets_received_total", "Number of packets received on all VLs by this port (including errors)", 1),
        ("counters", "port_xmit_packets", "port_packets_transmitted_total", "Number of packets transmitted on all VLs from this port (including errors)", 1),
        ("counters", "port_rcv_remote_physical_errors", "port_receive_remote_physical_errors_total", "Number of packets marked with the EBP (End of Bad Packet) delimiter received on the port.", 1),
        ("counters", "port_rcv_switch_relay_errors", "port_receive_switch_relay_errors_total", "Number of packets that could not be forwarded by the switch.", 1),
        ("counters", "port_xmit_wait", "port_transmit_wait_total", "Number of ticks during which the port had data to transmit but no data was sent during the entire tick", 1),
        ("counters", "symbol_error", "symbol_error_total", "Number of minor link errors detected on one or more physical lanes.", 1),
        ("counters", "unicast_rcv_packets", "unicast_packets_received_total", "Number of unicast packets received (including errors)", 1),
        ("counters", "unicast_xmit_packets", "unicast_packets_transmitted_total", "Number of unicast packets transmitted (including errors)", 1),
        ("counters", "VL15_dropped", "vl15_dropped_total", "Number of incoming VL15 packets dropped due to resource limitations.", 1),
        ("counters_ext", "port_multicast_rcv_packets", "legacy_multicast_packets_received_total", "Number of multicast packets received", 1),
        ("counters_ext", "port_multicast_xmit_packets", "legacy_multicast_packets_transmitted_total", "Number of multicast packets transmitted", 1),
        ("counters_ext", "port_rcv_data_64", "legacy_data_received_bytes_total", "Number of data octets received on all links", 4),
        ("counters_ext", "port_rcv_packets_64", "legacy_packets_received_total", "Number of data packets received on all links", 1),
        ("counters_ext", "port_unicast_rcv_packets", "legacy_unicast_packets_received_total", "Number of unicast packets received", 1),
        ("counters_ext", "port_unicast_xmit_packets", "legacy_unicast_packets_transmitted_total", "Number of unicast packets transmitted", 1),
        ("counters_ext", "port_xmit_data_64", "legacy_data_transmitted_bytes_total", "Number of data octets transmitted on all links", 4),
        ("counters_ext", "port_xmit_packets_64", "legacy_packets_transmitted_total", "Number of data packets received on all links", 1),
    ];

    private static readonly (string Metric, string Help)[] Gauges =
    [
        ("physical_state_id", "Physical state of the InfiniBand port (0: no change, 1: sleep, 2: polling, 3: disable, 4: shift, 5: link up, 6: link error recover, 7: phytest)"),
        ("rate_bytes_per_second", "Maximum signal transfer rate"),
        ("state_id", "State of the InfiniBand port (0: no change, 1: down, 2: init, 3: armed, 4: active, 5: act defer)"),
    ];

    public static CollectorDescriptor Descriptor { get; } = new("infiniband", true, (context, _) => new InfiniBandCollector(context));

    public string Name => Descriptor.Name;

    private sealed record Device(string Name, string BoardId, string FirmwareVersion, string HcaType);

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var classPath = context.Paths.SysFile("class/infiniband");
        if (!Directory.Exists(classPath))
        {
            return CollectResult.NoData;
        }

        var devices = new List<Device>();

        // metric -> (device, port) -> value, (device, port) in client_golang's order.
        var samples = new Dictionary<string, SortedDictionary<(string Device, string Port), ulong>>(StringComparer.Ordinal);
        foreach (var name in KernelFile.Entries(classPath))
        {
            var devicePath = Path.Join(classPath, name);
            if (KernelFile.ReadAll(Path.Join(devicePath, "fw_ver")) is not { } firmware)
            {
                return CollectResult.NoData;
            }

            devices.Add(new Device(name, Optional(devicePath, "board_id"), SysfsValue.AttributeText(firmware), Optional(devicePath, "hca_type")));

            var portsPath = Path.Join(devicePath, "ports");
            if (!Directory.Exists(portsPath))
            {
                return CollectResult.NoData;
            }

            foreach (var port in KernelFile.Entries(portsPath))
            {
                if (!ReadPort(Path.Join(portsPath, port), name, port, samples))
                {
                    return CollectResult.NoData;
                }
            }
        }

        // Families in name order; node_infiniband_info sorts between excessive_buffer_… and legacy_….
        var families = Counters.Select(c => (c.Metric, c.Help, MetricType.Counter))
            .Concat(Gauges.Select(g => (g.Metric, g.Help, MetricType.Gauge)))
            .Append(("info", "Non-numeric data from /sys/class/infiniband/<device>, value is always 1.", MetricType.Gauge))
            .OrderBy(f => f.Item1, StringComparer.Ordinal);
        foreach (var (metric, help, type) in families)
        {
            if (metric == "info")
            {
                WriteInfo(writer, devices, help);
                continue;
            }

            if (!samples.TryGetValue(metric, out var values))
            {
                continue;
            }

            writer.Family(Prefix + metric, type, help);
            foreach (var ((device, port), value) in values)
            {
                writer.Sample(value, "device", device, "port", port);
            }
        }

        return CollectResult.Success;
    }

    private static void WriteInfo(MetricWriter writer, List<Device> devices, string help)
    {
        writer.Family(Prefix + "info", MetricType.Gauge, help);
        var ordered = devices.Order(Comparer<Device>.Create(static (a, b) =>
            SampleOrder.Compare((a.BoardId, a.Name, a.FirmwareVersion, a.HcaType), (b.BoardId, b.Name, b.FirmwareVersion, b.HcaType))));
        foreach (var device in ordered)
        {
            writer.Sample(1, "board_id", device.BoardId, "device", device.Name, "firmware_version", device.FirmwareVersion, "hca_type", device.HcaType);
        }
    }

    /// <summary>Reads one port into <paramref name="samples"/>; false when a required file is missing.</summary>
    private static bool ReadPort(string portPath, string device, string portName, Dictionary<string, SortedDictionary<(string, string), ulong>> samples)
    {
        if (!uint.TryParse(portName, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber))
        {
            throw new InvalidDataException($"{portPath}: port name is not a number");
        }

        var port = (device, portNumber.ToString(CultureInfo.InvariantCulture));
        if (State(portPath, "state") is not { } state || State(portPath, "phys_state") is not { } physicalState
            || KernelFile.ReadAll(Path.Join(portPath, "rate")) is not { } rate)
        {
            return false;
        }

        if (!InfiniBandValue.TryParseRate(rate, out var bytesPerSecond))
        {
            throw new InvalidDataException($"{portPath}/rate: could not parse '{SysfsValue.AttributeText(rate)}'");
        }

        Add(samples, "state_id", port, state);
        Add(samples, "physical_state_id", port, physicalState);
        Add(samples, "rate_bytes_per_second", port, bytesPerSecond);

        // counters_ext is only read where a counters directory exists (procfs parseInfiniBandCounters).
        if (!Directory.Exists(Path.Join(portPath, "counters")))
        {
            return true;
        }

        foreach (var (directory, file, metric, _, scale) in Counters)
        {
            var path = Path.Join(portPath, directory, file);
            if (KernelFile.ReadAll(path) is not { } content)
            {
                continue;
            }

            switch (InfiniBandValue.ParseCounter(content, out var value))
            {
                case InfiniBandValue.CounterKind.Value:
                    Add(samples, metric, port, unchecked(value * scale));
                    break;
                case InfiniBandValue.CounterKind.NotAvailable:
                    break;
                default:
                    throw new InvalidDataException($"{path}: '{SysfsValue.AttributeText(content)}' is not a counter");
            }
        }

        return true;
    }

    private static ulong? State(string portPath, string file)
    {
        var path = Path.Join(portPath, file);
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return null;
        }

        return InfiniBandValue.TryParseState(content, out var id, out _)
            ? id
            : throw new InvalidDataException($"{path}: could not parse '{SysfsValue.AttributeText(content)}' as 'ID: NAME'");
    }

    private static string Optional(string devicePath, string file) =>
        KernelFile.ReadAll(Path.Join(devicePath, file)) is { } content ? SysfsValue.AttributeText(content) : "";

    private static void Add(Dictionary<string, SortedDictionary<(string, string), ulong>> samples, string metric, (string, string) port, ulong value)
    {
        if (!samples.TryGetValue(metric, out var values))
        {
            values = new SortedDictionary<(string, string), ulong>(SampleOrder.Pairs);
            samples[metric] = values;
        }

        values[port] = value;
    }
}
