using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// Hardware watchdogs from <c>&lt;sys&gt;/class/watchdog/*</c> (kernel Documentation/ABI/testing/sysfs-class-watchdog)
/// as node_exporter 1.12's watchdog collector exposes them: one gauge per numeric attribute the driver provides and
/// <c>node_watchdog_info</c> with the text attributes, each always present (empty when the driver lacks it).
/// </summary>
internal sealed class WatchdogCollector(CollectorContext context) : INodeCollector
{
    // (attribute, metric), in metric-name order.
    private static readonly (string File, string Metric)[] Numeric =
    [
        ("access_cs0", "node_watchdog_access_cs0"),
        ("bootstatus", "node_watchdog_bootstatus"),
        ("fw_version", "node_watchdog_fw_version"),
        ("nowayout", "node_watchdog_nowayout"),
        ("pretimeout", "node_watchdog_pretimeout_seconds"),
        ("timeleft", "node_watchdog_timeleft_seconds"),
        ("timeout", "node_watchdog_timeout_seconds"),
    ];

    // node_watchdog_info labels besides name, in label-name order.
    private static readonly string[] Text = ["identity", "options", "pretimeout_governor", "state", "status"];

    public static CollectorDescriptor Descriptor { get; } = new("watchdog", true, (context, _) => new WatchdogCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var classDir = context.Paths.SysFile("class/watchdog");
        if (!Directory.Exists(classDir))
        {
            return CollectResult.NoData;
        }

        var devices = new List<(string Name, long?[] Numbers, string[] Texts)>();
        foreach (var entry in KernelFile.Entries(classDir))
        {
            var dir = Path.Join(classDir, entry);
            var numbers = new long?[Numeric.Length];
            for (var i = 0; i < Numeric.Length; i++)
            {
                numbers[i] = KernelFile.ReadInt64Attribute(dir, Numeric[i].File);
            }

            var texts = new string[Text.Length];
            for (var i = 0; i < Text.Length; i++)
            {
                texts[i] = KernelFile.ReadAll(Path.Join(dir, Text[i])) is { } raw ? SysfsValue.AttributeText(raw) : "";
            }

            devices.Add((entry, numbers, texts));
        }

        for (var i = 0; i < Numeric.Length; i++)
        {
            if (Numeric[i].Metric == "node_watchdog_nowayout")
            {
                WriteInfo(writer, devices);
            }

            writer.Family(Numeric[i].Metric, MetricType.Gauge, $"Value of /sys/class/watchdog/<watchdog>/{Numeric[i].File}");
            foreach (var device in devices)
            {
                if (device.Numbers[i] is { } value)
                {
                    writer.Sample(value, "name", device.Name);
                }
            }
        }

        return CollectResult.Success;
    }

    private static void WriteInfo(MetricWriter writer, List<(string Name, long?[] Numbers, string[] Texts)> devices)
    {
        writer.Family("node_watchdog_info", MetricType.Gauge, "Info of /sys/class/watchdog/<watchdog>");

        // Series in label-value order (identity first), as client_golang sorts them.
        foreach (var (name, _, texts) in devices.OrderBy(d => d.Texts[0], SampleOrder.Values).ThenBy(d => d.Name, SampleOrder.Values))
        {
            writer.Sample(1, "identity", texts[0], "name", name, "options", texts[1], "pretimeout_governor", texts[2], "state", texts[3], "status", texts[4]);
        }
    }

    /// <summary>procfs' ValueParser (base prefix allowed); null when the driver has no such attribute. procfs fails
    /// the whole class on a read error other than "does not exist"; an unreadable attribute is left out here.</summary>
}
