using System.Text.RegularExpressions;
using System.Text;
using Microsoft.Extensions.Logging;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's hwmon flags: chip and sensor include/exclude regexps, all unset by default. The sensor
/// filters match "&lt;chip&gt;;&lt;sensor&gt;" (e.g. "platform_coretemp_0;temp3"); both are unanchored, as Go's MatchString.</summary>
internal sealed record HwmonOptions(Regex? ChipInclude, Regex? ChipExclude, Regex? SensorInclude, Regex? SensorExclude)
{
    public static readonly CollectorOption<Regex?> ChipIncludeOption = CollectorOptions.Regex(
        "Metrics:HwmonChipInclude", null, "if set, the only hwmon chips reported (chip names as in the `chip` label)");

    public static readonly CollectorOption<Regex?> ChipExcludeOption = CollectorOptions.Regex(
        "Metrics:HwmonChipExclude", null, "hwmon chips skipped");

    public static readonly CollectorOption<Regex?> SensorIncludeOption = CollectorOptions.Regex(
        "Metrics:HwmonSensorInclude", null, "if set, the only hwmon sensors reported, matched against `<chip>;<sensor>` (e.g. `platform_coretemp_0;temp1`)");

    public static readonly CollectorOption<Regex?> SensorExcludeOption = CollectorOptions.Regex(
        "Metrics:HwmonSensorExclude", null, "hwmon sensors skipped, matched against `<chip>;<sensor>`");

    public static IReadOnlyList<CollectorOption> Options { get; } = [ChipIncludeOption, ChipExcludeOption, SensorIncludeOption, SensorExcludeOption];

    public static HwmonOptions Default { get; } = From(CollectorSettings.Defaults);

    public static HwmonOptions From(CollectorSettings settings) =>
        new(settings.Get(ChipIncludeOption), settings.Get(ChipExcludeOption), settings.Get(SensorIncludeOption), settings.Get(SensorExcludeOption));
}

/// <summary>
/// <c>&lt;sys&gt;/class/hwmon/hwmon*</c> as node_exporter 1.12's hwmon collector exposes it (the same attributes lm-sensors
/// reads, kernel Documentation/hwmon/sysfs-interface.rst): one family per sensor type and attribute, labelled by a
/// chip name derived from the parent device's path ("platform_coretemp_0", "pci0000:00_0000:00:18_3"), with the unit
/// conversions node_exporter applies (milli-units × 0.001, micro-units ÷ 1e6) and the same oddities
/// (<c>temp1_crit_alarm</c> becomes <c>node_hwmon_temp_crit_alarm_celsius</c>).
/// </summary>
internal sealed partial class HwmonCollector(CollectorContext context, HwmonOptions options) : INodeCollector
{
    // node_exporter's hwmonSensorTypes: attribute files of other types are ignored.
    private static readonly HashSet<string> SensorTypes =
        ["vrm", "beep_enable", "update_interval", "in", "cpu", "fan", "pwm", "temp", "curr", "power", "energy", "humidity", "intrusion", "freq"];

    private readonly ILogger _logger = context.Logger<HwmonCollector>();

    public HwmonCollector(CollectorContext context)
        : this(context, HwmonOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("hwmon", true, HwmonOptions.Options, (context, settings) => new HwmonCollector(context, HwmonOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var classDir = context.Paths.SysFile("class/hwmon");
        if (!Directory.Exists(classDir))
        {
            return CollectResult.NoData;
        }

        var samples = new List<Sample>();
        foreach (var chip in Chips(classDir))
        {
            cancellation.ThrowIfCancellationRequested();
            if (Ignored(chip.Label, options.ChipInclude, options.ChipExclude))
            {
                Log.ChipIgnored(_logger, chip.Label);
                continue;
            }

            CollectChip(chip, samples);
        }

        Write(writer, samples);
        return CollectResult.Success;
    }

    private static bool Ignored(string name, Regex? include, Regex? exclude) =>
        (exclude is not null && exclude.IsMatch(name)) || (include is not null && !include.IsMatch(name));

    /// <summary>Every hwmonX directory with its chip label. Since 1.12 (#3646) chips whose device-derived label
    /// collides get a suffix: their cleaned <c>name</c> if that is unique among them, else their hwmonX name.</summary>
    private static List<Chip> Chips(string classDir)
    {
        var chips = new List<Chip>();
        foreach (var entry in KernelFile.Entries(classDir))
        {
            var dir = Path.Join(classDir, entry);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            var humanName = ReadName(dir);
            if (BaseLabel(dir, humanName) is { } label)
            {
                chips.Add(new Chip(dir, entry, label, humanName));
            }
        }

        var bases = chips.ToArray();
        for (var i = 0; i < chips.Count; i++)
        {
            var chip = bases[i];
            if (bases.Count(c => c.Label == chip.Label) < 2)
            {
                continue;
            }

            var nameIsUnique = chip.HumanName is not null && bases.Count(c => c.Label == chip.Label && c.HumanName == chip.HumanName) == 1;
            chips[i] = chip with { Label = chip.Label + "_" + (nameIsUnique ? chip.HumanName : HwmonFileName.Clean(chip.Entry)) };
        }

        return chips;
    }

    /// <summary>node_exporter's hwmonName: "&lt;bus&gt;_&lt;device&gt;" from the resolved device symlink, else the
    /// cleaned <c>name</c> file, else the resolved directory's own name (hwmonX).</summary>
    private static string? BaseLabel(string dir, string? humanName)
    {
        if (RealPath(Path.Join(dir, "device")) is { } device)
        {
            var deviceName = HwmonFileName.Clean(Path.GetFileName(device));
            var busName = HwmonFileName.Clean(Path.GetFileName(Path.GetDirectoryName(device)) ?? "");
            if (busName.Length > 0 && deviceName.Length > 0)
            {
                return busName + "_" + deviceName;
            }

            if (deviceName.Length > 0)
            {
                return deviceName;
            }
        }

        if (humanName is not null)
        {
            return humanName;
        }

        var own = RealPath(dir) is { } real ? HwmonFileName.Clean(Path.GetFileName(real)) : "";
        return own.Length > 0 ? own : null;
    }

    private static string? ReadName(string dir)
    {
        var name = KernelFile.ReadAll(Path.Join(dir, "name")) is { Length: > 0 } bytes ? HwmonFileName.Clean(Encoding.UTF8.GetString(bytes)) : "";
        return name.Length > 0 ? name : null;
    }

    private void CollectChip(Chip chip, List<Sample> samples)
    {
        var sensors = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        ReadSensors(chip.Directory, sensors);
        var device = Path.Join(chip.Directory, "device");
        if (Directory.Exists(device))
        {
            // Older drivers keep their attributes on the parent device, not in the hwmon directory.
            ReadSensors(device, sensors);
        }

        if (chip.HumanName is { } humanName)
        {
            samples.Add(new Sample("node_hwmon_chip_names", MetricType.Gauge, "Annotation metric for human-readable chip names",
                ["chip", chip.Label, "chip_name", humanName], 1));
        }

        foreach (var (sensor, attributes) in sensors)
        {
            if (Ignored(chip.Label + ";" + sensor, options.SensorInclude, options.SensorExclude))
            {
                Log.SensorIgnored(_logger, chip.Label, sensor);
                continue;
            }

            var type = HwmonFileName.TryParse(sensor, out var parsed) ? parsed.Type : sensor;
            SensorSamples(chip.Label, sensor, type, attributes, samples);
        }
    }

    private static void ReadSensors(string dir, Dictionary<string, Dictionary<string, string>> sensors)
    {
        foreach (var file in KernelFile.Entries(dir))
        {
            if (!HwmonFileName.TryParse(file, out var name) || !SensorTypes.Contains(name.Type))
            {
                continue;
            }

            // An attribute that cannot be read (a directory such as "power", EIO, ENODATA "N/A") is skipped.
            if (KernelFile.ReadAll(Path.Join(dir, file)) is not { } raw)
            {
                continue;
            }

            // node_exporter reads at most 128 bytes and strips only newlines.
            var value = Encoding.UTF8.GetString(raw.AsSpan(0, Math.Min(raw.Length, SysfsValue.MaxAttributeBytes))).Trim('\n');
            if (!sensors.TryGetValue(name.Sensor, out var attributes))
            {
                sensors[name.Sensor] = attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            attributes[name.Property] = value;
        }
    }

    private static void SensorSamples(string chip, string sensor, string type, Dictionary<string, string> attributes, List<Sample> samples)
    {
        string[] labels = ["chip", chip, "sensor", sensor];
        if (attributes.TryGetValue("label", out var labelText))
        {
            samples.Add(new Sample("node_hwmon_sensor_label", MetricType.Gauge, "Label for given chip and sensor",
                ["chip", chip, "label", labelText, "sensor", sensor], 1));
        }

        switch (type)
        {
            case "beep_enable":
                samples.Add(new Sample("node_hwmon_beep_enabled", MetricType.Gauge, "Hardware beep enabled", labels,
                    attributes.GetValueOrDefault("") == "1" ? 1 : 0));
                return;
            case "vrm":
                if (HwmonFileName.TryParseFloat(attributes.GetValueOrDefault("", ""), out var vrm))
                {
                    samples.Add(new Sample("node_hwmon_voltage_regulator_version", MetricType.Gauge, "Hardware voltage regulator", labels, vrm));
                }

                return;
            case "update_interval":
                if (HwmonFileName.TryParseFloat(attributes.GetValueOrDefault("", ""), out var interval))
                {
                    samples.Add(new Sample("node_hwmon_update_interval_seconds", MetricType.Gauge, "Hardware monitor update interval", labels, interval * 0.001));
                }

                return;
        }

        var prefix = "node_hwmon_" + type;
        foreach (var (element, text) in attributes)
        {
            if (element == "label")
            {
                continue;
            }

            var name = element switch
            {
                "input" => attributes.ContainsKey("") ? prefix + "_input" : prefix,
                "" => prefix,
                _ => prefix + "_" + HwmonFileName.Clean(element),
            };
            if (!HwmonFileName.TryParseFloat(text, out var value))
            {
                continue;
            }

            if (ElementSample(type, element, name, value, labels, attributes) is { } sample)
            {
                samples.Add(sample);
            }
        }
    }

    /// <summary>node_exporter's per-element rules, in its order: fault/alarm/beep without unit, then the unit of the
    /// sensor type, then the raw value under the plain name.</summary>
    private static Sample? ElementSample(string type, string element, string name, double value, string[] labels, Dictionary<string, string> attributes)
    {
        const MetricType Gauge = MetricType.Gauge;
        if (element is "fault" or "alarm")
        {
            return new Sample(name, Gauge, $"Hardware sensor {element} status ({type})", labels, value);
        }

        if (element == "beep")
        {
            return new Sample(name + "_enabled", Gauge, "Hardware monitor sensor has beeping enabled", labels, value);
        }

        switch (type)
        {
            case "in" or "cpu":
                return new Sample(name + "_volts", Gauge, $"Hardware monitor for voltage ({element})", labels, value * 0.001);
            case "temp" when element != "type":
                return new Sample(name + "_celsius", Gauge, $"Hardware monitor for temperature ({(element.Length == 0 ? "input" : element)})", labels, value * 0.001);
            case "curr":
                return new Sample(name + "_amps", Gauge, $"Hardware monitor for current ({element})", labels, value * 0.001);
            case "energy":
                return new Sample(name + "_joule_total", MetricType.Counter, $"Hardware monitor for joules used so far ({element})", labels, value / 1000000.0);
            case "power" when element == "accuracy":
                return new Sample(name, Gauge, "Hardware monitor power meter accuracy, as a ratio", labels, value / 1000000.0);
            case "power" when element is "average_interval" or "average_interval_min" or "average_interval_max":
                return new Sample(name + "_seconds", Gauge, $"Hardware monitor power usage update interval ({element})", labels, value * 0.001);
            case "power":
                return new Sample(name + "_watt", Gauge, $"Hardware monitor for power usage in watts ({element})", labels, value / 1000000.0);
            case "humidity":
                return new Sample(name, Gauge,
                    $"Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) ({element})", labels, value / 1000000.0);
            case "fan" when element is "input" or "min" or "max" or "target":
                return new Sample(name + "_rpm", Gauge, $"Hardware monitor for fan revolutions per minute ({element})", labels, value);
            case "freq" when element == "input":
                // GPU clocks (amdgpu freqN_input in Hz): only with a label, which replaces the sensor label value.
                return attributes.TryGetValue("label", out var label)
                    ? new Sample(name + "_freq_mhz", Gauge, "Hardware monitor for GPU frequency in MHz", [labels[0], labels[1], "sensor", HwmonFileName.Clean(label)], value / 1000000.0)
                    : null;
            default:
                return new Sample(name, Gauge, $"Hardware monitor {type} element {element}", labels, value);
        }
    }

    /// <summary>Families in name order and series in label-value order, as client_golang's gatherer sorts them. As
    /// there, a series collected twice is written once, and a series whose HELP differs from its family's (an "in0"
    /// file gives "voltage ()" where "in0_input" gives "voltage (input)") is dropped; here the first in order wins.</summary>
    private static void Write(MetricWriter writer, List<Sample> samples)
    {
        samples.Sort(static (a, b) =>
        {
            var order = string.CompareOrdinal(a.Name, b.Name);
            return order != 0 ? order : SampleOrder.CompareLabels(a.Labels, b.Labels);
        });

        Sample? first = null;
        Sample? previous = null;
        foreach (var sample in samples)
        {
            if (first?.Name != sample.Name)
            {
                first = sample;
                writer.Family(sample.Name, sample.Type, sample.Help);
            }
            else if (sample.Help != first.Value.Help || sample.Type != first.Value.Type
                || (previous is { } last && last.Labels.AsSpan().SequenceEqual(sample.Labels)))
            {
                continue;
            }

            writer.Sample(sample.Value, sample.Labels);
            previous = sample;
        }
    }

    /// <summary>The path with every symlink resolved (Go's filepath.EvalSymlinks), or null if a component is missing.
    /// sysfs links are relative ("../../../coretemp.0"), so ".." must apply to the resolved parent, not the link.</summary>
    private static string? RealPath(string path)
    {
        var pending = new Stack<string>(Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var resolved = new List<string>();
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = "/" + string.Join('/', resolved.Append(part));
            string? target;
            try
            {
                target = new FileInfo(candidate).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }

            if (target is null)
            {
                resolved.Add(part);
                continue;
            }

            if (++links > 40)
            {
                return null;
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var segment in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(segment);
            }
        }

        var real = "/" + string.Join('/', resolved);
        return Path.Exists(real) ? real : null;
    }

    private sealed record Chip(string Directory, string Entry, string Label, string? HumanName);

    private readonly record struct Sample(string Name, MetricType Type, string Help, string[] Labels, double Value);

    private static partial class Log
    {
        [LoggerMessage(500, LogLevel.Debug, "hwmon: ignoring chip {Chip}", EventName = "HwmonChipIgnored")]
        public static partial void ChipIgnored(ILogger logger, string chip);

        [LoggerMessage(501, LogLevel.Debug, "hwmon: ignoring sensor {Sensor} of chip {Chip}", EventName = "HwmonSensorIgnored")]
        public static partial void SensorIgnored(ILogger logger, string chip, string sensor);
    }
}
