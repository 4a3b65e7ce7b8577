using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// <c>&lt;sys&gt;/class/thermal/thermal_zone*</c> and <c>cooling_device*</c> (kernel Documentation/driver-api/thermal/
/// sysfs-api.rst) as node_exporter 1.12's thermal_zone collector reads them through prometheus/procfs: zone
/// temperatures in °C (millidegrees ÷ 1000) and cooling device throttle states.
/// </summary>
internal sealed class ThermalZoneCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("thermal_zone", true, (context, _) => new ThermalZoneCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var classDir = context.Paths.SysFile("class/thermal");
        if (!Directory.Exists(classDir))
        {
            return CollectResult.NoData;
        }

        var entries = KernelFile.Entries(classDir);
        var zones = new List<(string Zone, string Type, double Celsius)>();
        var coolingDevices = new List<(string Name, string Type, long Current, long Max)>();
        foreach (var entry in entries)
        {
            var dir = Path.Join(classDir, entry);
            if (Numbered(entry, "thermal_zone"))
            {
                if (Zone(dir) is { } zone)
                {
                    zones.Add((entry["thermal_zone".Length..], zone.Type, zone.Celsius));
                }
            }
            else if (Numbered(entry, "cooling_device") && CoolingDevice(dir) is { } device)
            {
                coolingDevices.Add((entry["cooling_device".Length..], device.Type, device.Current, device.Max));
            }
        }

        // Series in label order (name/zone first, then type), as client_golang sorts them.
        coolingDevices.Sort(static (a, b) => Compare(a.Name, a.Type, b.Name, b.Type));
        zones.Sort(static (a, b) => Compare(a.Type, a.Zone, b.Type, b.Zone));

        writer.Family("node_cooling_device_cur_state", MetricType.Gauge, "Current throttle state of the cooling device");
        foreach (var device in coolingDevices)
        {
            writer.Sample(device.Current, "name", device.Name, "type", device.Type);
        }

        writer.Family("node_cooling_device_max_state", MetricType.Gauge, "Maximum throttle state of the cooling device");
        foreach (var device in coolingDevices)
        {
            writer.Sample(device.Max, "name", device.Name, "type", device.Type);
        }

        writer.Family("node_thermal_zone_temp", MetricType.Gauge, "Zone temperature in Celsius");
        foreach (var zone in zones)
        {
            writer.Sample(zone.Celsius, "type", zone.Type, "zone", zone.Zone);
        }

        return CollectResult.Success;
    }

    private static int Compare(string first1, string second1, string first2, string second2) =>
        SampleOrder.Compare((first1, second1), (first2, second2));

    /// <summary>procfs globs "thermal_zone[0-9]*": the prefix followed by at least one digit.</summary>
    private static bool Numbered(string entry, string prefix) =>
        entry.Length > prefix.Length && entry.StartsWith(prefix, StringComparison.Ordinal) && char.IsAsciiDigit(entry[prefix.Length]);

    /// <summary>A zone, or null when type, policy or temp cannot be read (EINVAL, ENODATA, EAGAIN from a sensor that
    /// is not ready), as procfs 0.16 to 0.20 skip it; procfs 0.21 (node_exporter 1.12.0) reports such a zone with temp 0,
    /// a temperature nobody measured, which NodeAgent leaves out (README). A zone whose mode is "disabled" is reported:
    /// the mode only stops the kernel's own polling, its temp still reads (temp_show, drivers/thermal/thermal_sysfs.c),
    /// and node_exporter reports it. A temp that is not an integer is an error.</summary>
    private static (string Type, double Celsius)? Zone(string dir)
    {
        if (KernelFile.ReadAll(Path.Join(dir, "type")) is not { } type
            || KernelFile.ReadAll(Path.Join(dir, "policy")) is null
            || KernelFile.ReadAll(Path.Join(dir, "temp")) is not { } temp)
        {
            return null;
        }

        var tempPath = Path.Join(dir, "temp");
        if (!SysfsValue.TryParseDecimalInt64(SysfsValue.Attribute(temp), out var millidegrees))
        {
            throw new InvalidDataException($"{tempPath}: temperature is not an integer");
        }

        // procfs parses the optional "passive" trip temperature too and fails the zone list on garbage.
        var passivePath = Path.Join(dir, "passive");
        if (KernelFile.ReadAll(passivePath) is { } passive && !SysfsValue.TryParseDecimalUInt64(SysfsValue.Attribute(passive), out _))
        {
            throw new InvalidDataException($"{passivePath}: passive trip point is not an unsigned integer");
        }

        return (SysfsValue.AttributeText(type), millidegrees / 1000.0);
    }

    /// <summary>A cooling device, or null when one of type/max_state/cur_state cannot be read. cur_state may be -1
    /// (intel_powerclamp when idle).</summary>
    private static (string Type, long Current, long Max)? CoolingDevice(string dir)
    {
        if (KernelFile.ReadAll(Path.Join(dir, "type")) is not { } type
            || KernelFile.ReadAll(Path.Join(dir, "max_state")) is not { } max
            || KernelFile.ReadAll(Path.Join(dir, "cur_state")) is not { } current)
        {
            return null;
        }

        if (!SysfsValue.TryParseDecimalInt64(SysfsValue.Attribute(max), out var maxState))
        {
            throw new InvalidDataException($"{Path.Join(dir, "max_state")}: not an integer");
        }

        if (!SysfsValue.TryParseDecimalInt64(SysfsValue.Attribute(current), out var curState))
        {
            throw new InvalidDataException($"{Path.Join(dir, "cur_state")}: not an integer");
        }

        return (SysfsValue.AttributeText(type), curState, maxState);
    }
}
