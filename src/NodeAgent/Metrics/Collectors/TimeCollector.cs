using System.Globalization;
using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's time collector (collector/time.go and time_linux.go): <c>node_time_seconds</c> (with sub-second
/// precision), <c>node_time_zone_offset_seconds{time_zone}</c> for the agent's local zone, and from
/// /sys/devices/system/clocksource/clocksource* <c>node_time_clocksource_available_info{clocksource,device}</c> and
/// <c>node_time_clocksource_current_info{clocksource,device}</c>, where device is the clocksource's position in glob
/// order (as node_exporter labels it), not its number. The clock is <see cref="CollectorContext.Time"/>.
/// </summary>
internal sealed class TimeCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("time", true, (context, _) => new TimeCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var now = context.Time.GetUtcNow();
        var zone = context.Time.LocalTimeZone;
        var available = new List<(string Source, string Device)>();
        var current = new List<(string Source, string Device)>();
        var directory = context.Paths.SysFile("devices/system/clocksource");
        var index = 0;
        Span<Range> fields = stackalloc Range[64];
        foreach (var name in KernelFile.Entries(directory))
        {
            if (name.Length <= 11 || !name.StartsWith("clocksource", StringComparison.Ordinal) || !char.IsAsciiDigit(name[11]))
            {
                continue;
            }

            var device = (index++).ToString(CultureInfo.InvariantCulture);
            var availablePath = Path.Join(directory, name, "available_clocksource");
            var currentPath = Path.Join(directory, name, "current_clocksource");
            var availableText = KernelFile.ReadAll(availablePath) ?? throw new InvalidDataException($"{availablePath}: missing");
            var currentText = KernelFile.ReadTrimmed(currentPath) ?? throw new InvalidDataException($"{currentPath}: missing");
            var count = Math.Min(AsciiFields.Split(availableText, fields), fields.Length);
            for (var i = 0; i < count; i++)
            {
                available.Add((Encoding.UTF8.GetString(availableText.AsSpan()[fields[i]]), device));
            }

            current.Add((currentText, device));
        }

        WriteInfo(writer, "node_time_clocksource_available_info", "Available clocksources read from '/sys/devices/system/clocksource'.", available);
        WriteInfo(writer, "node_time_clocksource_current_info", "Current clocksource read from '/sys/devices/system/clocksource'.", current);

        // Go: float64(now.UnixNano()) / 1e9.
        var unixNanoseconds = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        writer.Family("node_time_seconds", MetricType.Gauge, "System time in seconds since epoch (1970).");
        writer.Sample(unixNanoseconds / 1e9);
        writer.Family("node_time_zone_offset_seconds", MetricType.Gauge, "System time zone offset in seconds.");
        writer.Sample(zone.GetUtcOffset(now).TotalSeconds, "time_zone", Abbreviation(zone, now));
        return CollectResult.Success;
    }

    /// <summary>
    /// The zone's abbreviation as Go's <c>Time.Zone()</c> gives it ("UTC", "CET", "CEST", "EST"). .NET reads the same
    /// tzdata abbreviations into Standard/DaylightName when globalization is invariant, except for UTC, which it names
    /// "Coordinated Universal Time".
    /// </summary>
    internal static string Abbreviation(TimeZoneInfo zone, DateTimeOffset now)
    {
        var name = zone.IsDaylightSavingTime(now) ? zone.DaylightName : zone.StandardName;
        return zone == TimeZoneInfo.Utc || name == "Coordinated Universal Time" ? "UTC" : name;
    }

    private static void WriteInfo(MetricWriter writer, string name, string help, List<(string Source, string Device)> samples)
    {
        samples.Sort(static (a, b) => SampleOrder.Compare((a.Source, a.Device), (b.Source, b.Device)));
        writer.Family(name, MetricType.Gauge, help);
        foreach (var (source, device) in samples)
        {
            writer.Sample(1, "clocksource", source, "device", device);
        }
    }
}
