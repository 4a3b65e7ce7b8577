using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's drbd collector (collector/drbd_linux.go, 1.12; off by default), from DRBD 8's <c>/proc/drbd</c>:
/// the counters per device (<c>ns</c>, <c>dw</c>, <c>dr</c> and <c>oos</c> are KiB and reported in bytes; <c>nr</c> is
/// KiB too but node_exporter reports it unscaled, and so does this, so that dashboards agree), the local and remote
/// role and disk state as 0/1 gauges, and the connection state. A missing file (no DRBD module) is "no data".
/// </summary>
internal sealed class DrbdCollector(CollectorContext context) : INodeCollector
{
    // /proc/drbd key → (metric, type, HELP, multiplier).
    private static readonly Dictionary<string, (string Metric, MetricType Type, string Help, double Multiplier)> Numbers = new(StringComparer.Ordinal)
    {
        ["ns"] = ("node_drbd_network_sent_bytes_total", MetricType.Counter, "Total number of bytes sent via the network.", 1024),
        ["nr"] = ("node_drbd_network_received_bytes_total", MetricType.Counter, "Total number of bytes received via the network.", 1),
        ["dw"] = ("node_drbd_disk_written_bytes_total", MetricType.Counter, "Net data written on local hard disk; in bytes.", 1024),
        ["dr"] = ("node_drbd_disk_read_bytes_total", MetricType.Counter, "Net data read from local hard disk; in bytes.", 1024),
        ["al"] = ("node_drbd_activitylog_writes_total", MetricType.Counter, "Number of updates of the activity log area of the meta data.", 1),
        ["bm"] = ("node_drbd_bitmap_writes_total", MetricType.Counter, "Number of updates of the bitmap area of the meta data.", 1),
        ["lo"] = ("node_drbd_local_pending", MetricType.Gauge, "Number of open requests to the local I/O sub-system.", 1),
        ["pe"] = ("node_drbd_remote_pending", MetricType.Gauge, "Number of requests sent to the peer, but that have not yet been answered by the latter.", 1),
        ["ua"] = ("node_drbd_remote_unacknowledged", MetricType.Gauge, "Number of requests received by the peer via the network connection, but that have not yet been answered.", 1),
        ["ap"] = ("node_drbd_application_pending", MetricType.Gauge, "Number of block I/O requests forwarded to DRBD, but not yet answered by DRBD.", 1),
        ["ep"] = ("node_drbd_epochs", MetricType.Gauge, "Number of Epochs currently on the fly.", 1),
        ["oos"] = ("node_drbd_out_of_sync_bytes", MetricType.Gauge, "Amount of data known to be out of sync; in bytes.", 1024),
    };

    // /proc/drbd key of a local/remote pair → (metric, HELP, the value that counts 1).
    private static readonly Dictionary<string, (string Metric, string Help, string Ok)> Pairs = new(StringComparer.Ordinal)
    {
        ["ro"] = ("node_drbd_node_role_is_primary", "Whether the role of the node is in the primary state.", "Primary"),
        ["ds"] = ("node_drbd_disk_state_is_up_to_date", "Whether the disk of the node is up to date.", "UpToDate"),
    };

    public static CollectorDescriptor Descriptor { get; } = new("drbd", false, (context, _) => new DrbdCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("drbd");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        var families = new SortedFamilies();
        foreach (var (device, key, value) in DrbdStatus.Parse(content))
        {
            if (Numbers.TryGetValue(key, out var number))
            {
                if (!AsciiFields.TryParseFloat(Encoding.UTF8.GetBytes(value), out var parsed))
                {
                    throw new InvalidDataException($"{path}: {key}:{value} of {device} is not a number");
                }

                families.Add(number.Metric, number.Type, number.Help, parsed * number.Multiplier, "device", device);
            }
            else if (Pairs.TryGetValue(key, out var pair))
            {
                // "local/remote"; a value without the slash has no remote part, which counts as not OK.
                var parts = value.Split('/');
                var (local, remote) = (parts[0], parts.Length > 1 ? parts[1] : "");
                families.Add(pair.Metric, MetricType.Gauge, pair.Help, local == pair.Ok ? 1 : 0, "device", device, "node", "local");
                families.Add(pair.Metric, MetricType.Gauge, pair.Help, remote == pair.Ok ? 1 : 0, "device", device, "node", "remote");
            }
            else if (key == "cs")
            {
                families.Add("node_drbd_connected", MetricType.Gauge, "Whether DRBD is connected to the peer.", value == "Connected" ? 1 : 0, "device", device);
            }
        }

        families.WriteTo(writer);
        return CollectResult.Success;
    }
}
