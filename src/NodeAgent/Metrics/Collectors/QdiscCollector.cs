using System.Text.RegularExpressions;
using NodeAgent.Netlink;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's <c>--collector.qdisc.fixtures</c> and <c>--collector.qdisc.device-include/-exclude</c>
/// (mutually exclusive; the deprecated <c>--collector.qdisk.*</c> spellings mean the same).</summary>
internal sealed record QdiscOptions(string? Fixtures, Regex? DeviceInclude, Regex? DeviceExclude)
{
    public static readonly CollectorOption<string?> FixturesOption = new("Metrics:QdiscFixtures", CollectorOptionKind.Path, null,
        "a directory whose `results.json` (node_exporter's test fixture format) qdisc reads instead of asking the kernel over rtnetlink; for tests");

    public static readonly CollectorOption<Regex?> DeviceIncludeOption = CollectorOptions.Regex(
        "Metrics:QdiscDeviceInclude", null, "if set, the only network devices qdisc reports");

    public static readonly CollectorOption<Regex?> DeviceExcludeOption = CollectorOptions.Regex(
        "Metrics:QdiscDeviceExclude", null, "network devices qdisc skips (not together with the include)", exclusiveWith: DeviceIncludeOption);

    public static QdiscOptions Default { get; } = From(CollectorSettings.Defaults);

    public static QdiscOptions From(CollectorSettings settings) =>
        new(settings.Get(FixturesOption), settings.Get(DeviceIncludeOption), settings.Get(DeviceExcludeOption));

    public bool Ignores(string device) =>
        (DeviceExclude is not null && DeviceExclude.IsMatch(device)) || (DeviceInclude is not null && !DeviceInclude.IsMatch(device));
}

/// <summary>
/// node_exporter's qdisc collector (collector/qdisc_linux.go, 1.12; off by default): the statistics of each
/// interface's root queueing discipline, labelled with the device and the qdisc's kind. On a host they come from an
/// rtnetlink RTM_GETQDISC dump in the agent's network namespace (the node's, with hostNetwork), interfaces named by
/// index as node_exporter's ema/qdisc does; with <see cref="QdiscOptions.Fixtures"/> from node_exporter's JSON
/// fixture instead, for its end-to-end test.
/// </summary>
internal sealed class QdiscCollector(QdiscOptions options) : INodeCollector
{
    // (metric, type, HELP, value), in metric-name order.
    private static readonly (string Metric, MetricType Type, string Help, Func<QdiscStats, ulong> Value)[] Families =
    [
        ("node_qdisc_backlog", MetricType.Gauge, "Number of bytes currently in queue to be sent.", q => q.Backlog),
        ("node_qdisc_bytes_total", MetricType.Counter, "Number of bytes sent.", q => q.Bytes),
        ("node_qdisc_current_queue_length", MetricType.Gauge, "Number of packets currently in queue to be sent.", q => q.QueueLength),
        ("node_qdisc_drops_total", MetricType.Counter, "Number of packets dropped.", q => q.Drops),
        ("node_qdisc_overlimits_total", MetricType.Counter, "Number of overlimit packets.", q => q.Overlimits),
        ("node_qdisc_packets_total", MetricType.Counter, "Number of packets sent.", q => q.Packets),
        ("node_qdisc_requeues_total", MetricType.Counter, "Number of packets dequeued, not transmitted, and requeued.", q => q.Requeues),
    ];

    private readonly QdiscOptions _options = options.DeviceInclude is not null && options.DeviceExclude is not null
        ? throw new ArgumentException("collector.qdisc.device-include and collector.qdisc.device-exclude are mutually exclusive", nameof(options))
        : options;

    public QdiscCollector()
        : this(QdiscOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } = new("qdisc", false,
        [QdiscOptions.FixturesOption, QdiscOptions.DeviceIncludeOption, QdiscOptions.DeviceExcludeOption],
        (_, settings) => new QdiscCollector(QdiscOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var qdiscs = _options.Fixtures is { } fixtures ? FromFixtures(fixtures) : FromKernel();
        var roots = qdiscs.Where(q => q.Parent == 0 && !_options.Ignores(q.Interface))
            .OrderBy(q => q.Interface, SampleOrder.Values).ThenBy(q => q.Kind, SampleOrder.Values).ToList();
        foreach (var (metric, type, help, value) in Families)
        {
            writer.Family(metric, type, help);
            foreach (var qdisc in roots)
            {
                writer.Sample(value(qdisc), "device", qdisc.Interface, "kind", qdisc.Kind);
            }
        }

        return CollectResult.Success;
    }

    private static List<QdiscStats> FromFixtures(string directory)
    {
        var path = Path.Join(directory, "results.json");
        var json = KernelFile.ReadAll(path) ?? throw new FileNotFoundException($"{path}: unreadable", path);
        try
        {
            return QdiscFixture.Parse(json);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static List<QdiscStats> FromKernel()
    {
        using var socket = NetlinkSocket.Open(NetlinkSocket.Route);
        var result = new List<QdiscStats>();
        foreach (var message in socket.Request(QdiscMessage.GetQdisc, NetlinkFormat.Dump, QdiscMessage.DumpRequestBody()))
        {
            if (message.Type != QdiscMessage.NewQdisc)
            {
                continue;
            }

            if (!QdiscMessage.TryParse(message.Payload, NetlinkSocket.InterfaceName, out var qdisc))
            {
                throw new InvalidDataException("rtnetlink: malformed RTM_NEWQDISC message");
            }

            result.Add(qdisc!);
        }

        return result;
    }
}
