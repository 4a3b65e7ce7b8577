using System.Globalization;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's <c>--collector.rapl.enable-zone-label</c> (default off): one family
/// <c>node_rapl_joules_total</c> with a <c>rapl_zone</c> label instead of one family per zone name.</summary>
internal sealed record RaplOptions(bool EnableZoneLabel)
{
    public static readonly CollectorOption<bool> EnableZoneLabelOption = CollectorOptions.Bool(
        "Metrics:RaplEnableZoneLabel", false, "one family `node_rapl_joules_total` with a `rapl_zone` label instead of one family per zone");

    public static RaplOptions Default { get; } = From(CollectorSettings.Defaults);

    public static RaplOptions From(CollectorSettings settings) => new(settings.Get(EnableZoneLabelOption));
}

/// <summary>
/// Intel/AMD RAPL energy counters from <c>&lt;sys&gt;/class/powercap/*</c> (every entry with a <c>name</c> file:
/// intel-rapl:0 "package-0", intel-rapl:0:0 "core", ...) as node_exporter 1.12's rapl collector exposes them:
/// counters in joules (energy_uj ÷ 1e6) labelled with the zone index and the zone's path under the sysfs root.
/// </summary>
internal sealed class RaplCollector(CollectorContext context, RaplOptions options) : INodeCollector
{
    public RaplCollector(CollectorContext context)
        : this(context, RaplOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("rapl", true, [RaplOptions.EnableZoneLabelOption], (context, settings) => new RaplCollector(context, RaplOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var classDir = context.Paths.SysFile("class/powercap");
        if (!Directory.Exists(classDir))
        {
            return CollectResult.NoData;
        }

        var usages = new Dictionary<string, int>(StringComparer.Ordinal);
        var zones = new List<(RaplZoneName Zone, string Path, double Joules)>();
        foreach (var entry in KernelFile.Entries(classDir))
        {
            var dir = Path.Join(classDir, entry);
            if (KernelFile.ReadAll(Path.Join(dir, "name")) is not { } name)
            {
                continue;
            }

            var zone = RaplZoneName.FromName(SysfsValue.AttributeText(name), usages);

            // procfs reads max_energy_range_uj while listing zones and energy_uj per zone; node_exporter reports
            // either one missing or unreadable (energy_uj is root-only since Linux 5.10) as "no data".
            if (KernelFile.ReadUInt64Attribute(dir, "max_energy_range_uj") is null || KernelFile.ReadUInt64Attribute(dir, "energy_uj") is not { } microjoules)
            {
                return CollectResult.NoData;
            }

            zones.Add((zone, dir, microjoules / 1000000.0));
        }

        if (options.EnableZoneLabel)
        {
            WriteWithZoneLabel(writer, zones);
        }
        else
        {
            WritePerZoneName(writer, zones);
        }

        return CollectResult.Success;
    }

    private static void WritePerZoneName(MetricWriter writer, List<(RaplZoneName Zone, string Path, double Joules)> zones)
    {
        var byMetric = zones
            .Select(z => (Metric: "node_rapl_" + RaplZoneName.Sanitize(z.Zone.Name) + "_joules_total", z.Zone, z.Path, z.Joules))
            .OrderBy(z => z.Metric, StringComparer.Ordinal)
            .ThenBy(z => z.Zone.Index.ToString(CultureInfo.InvariantCulture), SampleOrder.Values)
            .ThenBy(z => z.Path, SampleOrder.Values)
            .ToList();
        string? family = null;
        foreach (var (metric, zone, path, joules) in byMetric)
        {
            if (metric != family)
            {
                writer.Family(metric, MetricType.Counter, $"Current RAPL {zone.Name} value in joules");
                family = metric;
            }

            writer.Sample(joules, "index", zone.Index.ToString(CultureInfo.InvariantCulture), "path", path);
        }
    }

    private static void WriteWithZoneLabel(MetricWriter writer, List<(RaplZoneName Zone, string Path, double Joules)> zones)
    {
        writer.Family("node_rapl_joules_total", MetricType.Counter, "Current RAPL value in joules");
        foreach (var (zone, path, joules) in zones
            .OrderBy(z => z.Zone.Index.ToString(CultureInfo.InvariantCulture), SampleOrder.Values)
            .ThenBy(z => z.Path, SampleOrder.Values)
            .ThenBy(z => z.Zone.Name, SampleOrder.Values))
        {
            writer.Sample(joules, "index", zone.Index.ToString(CultureInfo.InvariantCulture), "path", path, "rapl_zone", zone.Name);
        }
    }
}
