using System.Text.RegularExpressions;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's <c>--collector.arp.device-include/-exclude</c> (mutually exclusive; default none).</summary>
internal sealed record ArpOptions(Regex? DeviceInclude, Regex? DeviceExclude)
{
    public static readonly CollectorOption<Regex?> DeviceIncludeOption = CollectorOptions.Regex(
        "Metrics:ArpDeviceInclude", null, "if set, the only network devices arp reports");

    public static readonly CollectorOption<Regex?> DeviceExcludeOption = CollectorOptions.Regex(
        "Metrics:ArpDeviceExclude", null, "network devices arp skips (not together with the include)", exclusiveWith: DeviceIncludeOption);

    public static ArpOptions Default { get; } = From(CollectorSettings.Defaults);

    public static ArpOptions From(CollectorSettings settings) => new(settings.Get(DeviceIncludeOption), settings.Get(DeviceExcludeOption));

    public bool Ignores(string device) =>
        (DeviceExclude is not null && DeviceExclude.IsMatch(device)) || (DeviceInclude is not null && !DeviceInclude.IsMatch(device));
}

/// <summary>
/// node_exporter's arp collector (collector/arp_linux.go, 1.12): <c>node_arp_entries</c>, the IPv4 neighbour
/// entries per device. node_exporter 1.12 asks rtnetlink by default and counts the AF_INET neighbours whose state
/// is not NUD_NOARP "to conform to the output of /proc/net/arp"; the kernel builds <c>/proc/net/arp</c> from the same
/// table with the same rule (neigh_seq_start with NEIGH_SEQ_SKIP_NOARP), so counting its lines gives the same
/// numbers through the configured proc root. The per-state family proposed for the netlink path
/// (node_exporter PR #3191, <c>node_arp_states</c>) needs neighbour states that this file does not carry and is not
/// exported.
/// </summary>
internal sealed class ArpCollector(CollectorContext context, ArpOptions options) : INodeCollector
{
    private readonly ArpOptions _options = options.DeviceInclude is not null && options.DeviceExclude is not null
        ? throw new ArgumentException("device-exclude & device-include are mutually exclusive", nameof(options))
        : options;

    public ArpCollector(CollectorContext context)
        : this(context, ArpOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("arp", true, [ArpOptions.DeviceIncludeOption, ArpOptions.DeviceExcludeOption], (context, settings) => new ArpCollector(context, ArpOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("net/arp");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        IReadOnlyDictionary<string, int> counts;
        try
        {
            counts = ArpTable.CountByDevice(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        writer.Family("node_arp_entries", MetricType.Gauge, "ARP entries by device");
        foreach (var (device, count) in counts.OrderBy(c => c.Key, SampleOrder.Values))
        {
            if (!_options.Ignores(device))
            {
                writer.Sample(count, "device", device);
            }
        }

        return CollectResult.Success;
    }
}
