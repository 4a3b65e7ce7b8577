using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// Fibre Channel HBAs from <c>&lt;sys&gt;/class/fc_host/*</c> (kernel drivers/scsi/scsi_transport_fc.c) as node_exporter
/// 1.12's fibrechannel collector exposes them: <c>node_fibrechannel_info</c> with the host attributes (a missing one is
/// an empty label; "0x" is cut from the WWN-style ids) and one counter per statistics file. A counter the firmware does
/// not implement reads as 0xffffffffffffffff and is left out, as is one the driver does not expose at all.
/// </summary>
internal sealed class FibreChannelCollector(CollectorContext context) : INodeCollector
{
    // statistics file → metric suffix and HELP, in metric-name order.
    private static readonly (string File, string Metric, string Help)[] Counters =
    [
        ("dumped_frames", "dumped_frames_total", "Number of dumped frames"),
        ("error_frames", "error_frames_total", "Number of errors in frames"),
        ("fcp_packet_aborts", "fcp_packet_aborts_total", "Number of aborted packets"),
        ("invalid_crc_count", "invalid_crc_total", "Invalid Cyclic Redundancy Check count"),
        ("invalid_tx_word_count", "invalid_tx_words_total", "Number of invalid words transmitted by host port"),
        ("link_failure_count", "link_failure_total", "Number of times the host port link has failed"),
        ("loss_of_signal_count", "loss_of_signal_total", "Number of times signal has been lost"),
        ("loss_of_sync_count", "loss_of_sync_total", "Number of failures on either bit or transmission word boundaries"),
        ("nos_count", "nos_total", "Number Not_Operational Primitive Sequence received by host port"),
        ("rx_frames", "rx_frames_total", "Number of frames received"),
        ("rx_words", "rx_words_total", "Number of words received by host port"),
        ("seconds_since_last_reset", "seconds_since_last_reset_total", "Number of seconds since last host port reset"),
        ("tx_frames", "tx_frames_total", "Number of frames transmitted by host port"),
        ("tx_words", "tx_words_total", "Number of words transmitted by host port"),
    ];

    // node_fibrechannel_info labels besides fc_host, in label-name order; the ids lose their "0x".
    private static readonly (string File, bool StripPrefix)[] InfoAttributes =
    [
        ("dev_loss_tmo", false), ("fabric_name", true), ("port_id", true), ("port_name", true), ("port_state", false),
        ("port_type", false), ("speed", false), ("supported_classes", false), ("supported_speeds", false), ("symbolic_name", false),
    ];

    public static CollectorDescriptor Descriptor { get; } = new("fibrechannel", true, (context, _) => new FibreChannelCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var classDir = context.Paths.SysFile("class/fc_host");
        if (!Directory.Exists(classDir))
        {
            return CollectResult.NoData;
        }

        var hosts = KernelFile.Entries(classDir).Select(name => (Name: name, Dir: Path.Join(classDir, name))).ToList();
        var counters = new ulong?[hosts.Count, Counters.Length];
        for (var h = 0; h < hosts.Count; h++)
        {
            for (var c = 0; c < Counters.Length; c++)
            {
                counters[h, c] = ReadCounter(Path.Join(hosts[h].Dir, "statistics", Counters[c].File));
            }
        }

        for (var c = 0; c < Counters.Length; c++)
        {
            if (Counters[c].Metric == "invalid_crc_total")
            {
                WriteInfo(writer, hosts);
            }

            writer.Family("node_fibrechannel_" + Counters[c].Metric, MetricType.Counter, Counters[c].Help);
            for (var h = 0; h < hosts.Count; h++)
            {
                // All ones is how HBA firmware reports a counter it does not implement.
                if (counters[h, c] is { } value && value != ulong.MaxValue)
                {
                    writer.Sample(value, "fc_host", hosts[h].Name);
                }
            }
        }

        return CollectResult.Success;
    }

    private static void WriteInfo(MetricWriter writer, List<(string Name, string Dir)> hosts)
    {
        var series = new List<string[]>(hosts.Count);
        foreach (var (name, dir) in hosts)
        {
            var labels = new string[2 * (InfoAttributes.Length + 1)];
            var i = 0;
            foreach (var (file, stripPrefix) in InfoAttributes)
            {
                if (file == "port_id")
                {
                    labels[i++] = "fc_host";
                    labels[i++] = name;
                }

                var value = KernelFile.ReadAll(Path.Join(dir, file)) is { } raw ? SysfsValue.AttributeText(raw) : "";
                labels[i++] = file;
                labels[i++] = stripPrefix && value.Length > 2 ? value[2..] : value;
            }

            series.Add(labels);
        }

        // Series in label-value order (dev_loss_tmo first), as client_golang sorts them.
        series.Sort(static (a, b) => SampleOrder.CompareLabels(a, b));

        writer.Family("node_fibrechannel_info", MetricType.Gauge, "Non-numeric data from /sys/class/fc_host/<host>, value is always 1.");
        foreach (var labels in series)
        {
            writer.Sample(1, labels);
        }
    }

    /// <summary>A statistics counter (written in hex by the FC transport), or null when the file is absent or not
    /// readable (write-only, EOPNOTSUPP, a disabled host). A value that is not a number is an error, as in procfs.</summary>
    private static ulong? ReadCounter(string path)
    {
        if (KernelFile.ReadAll(path) is not { } raw)
        {
            return null;
        }

        return SysfsValue.TryParseUInt64(SysfsValue.Attribute(raw), out var value)
            ? value
            : throw new InvalidDataException($"{path}: not an unsigned integer");
    }
}
