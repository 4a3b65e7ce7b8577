using System.Text.RegularExpressions;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's <c>--collector.powersupply.ignored-supplies</c>: supplies whose name matches are skipped
/// (default "^$", which matches no name).</summary>
internal sealed partial record PowerSupplyClassOptions(Regex IgnoredSupplies)
{
    public static readonly CollectorOption<Regex?> IgnoredSuppliesOption = CollectorOptions.Regex(
        "Metrics:PowersupplyIgnoredSupplies", NothingIgnored(), "power supplies powersupplyclass skips");

    public static PowerSupplyClassOptions Default { get; } = From(CollectorSettings.Defaults);

    public static PowerSupplyClassOptions From(CollectorSettings settings) => new(settings.Get(IgnoredSuppliesOption)!);

    [GeneratedRegex("^$", RegexOptions.CultureInvariant)]
    private static partial Regex NothingIgnored();
}

/// <summary>
/// <c>&lt;sys&gt;/class/power_supply/*</c> (kernel Documentation/ABI/testing/sysfs-class-power) as node_exporter 1.12's
/// powersupplyclass collector exposes it: one gauge per numeric attribute, named and scaled as node_exporter does
/// (µA/µV/µW/µWh ÷ 1e6, tenths of °C ÷ 10, counts raw), and <c>node_power_supply_info</c> with the text attributes.
/// </summary>
internal sealed class PowerSupplyClassCollector(CollectorContext context, PowerSupplyClassOptions options) : INodeCollector
{
    // (attribute file, metric name suffix, divisor), in metric-name order. node_exporter's own names: the "_now"
    // attributes become current_ampere, energy_watthour, voltage_volt, ...; cycle_count becomes cyclecount.
    private static readonly (string File, string Metric, double Divisor)[] Numeric =
    [
        ("authentic", "authentic", 1),
        ("calibrate", "calibrate", 1),
        ("capacity", "capacity", 1),
        ("capacity_alert_max", "capacity_alert_max", 1),
        ("capacity_alert_min", "capacity_alert_min", 1),
        ("charge_now", "charge_ampere", 1e6),
        ("charge_control_limit", "charge_control_limit", 1e6),
        ("charge_control_limit_max", "charge_control_limit_max", 1e6),
        ("charge_counter", "charge_counter", 1e6),
        ("charge_empty", "charge_empty", 1e6),
        ("charge_empty_design", "charge_empty_design", 1e6),
        ("charge_full", "charge_full", 1e6),
        ("charge_full_design", "charge_full_design", 1e6),
        ("charge_term_current", "charge_term_current", 1e6),
        ("constant_charge_current", "constant_charge_current", 1e6),
        ("constant_charge_current_max", "constant_charge_current_max", 1e6),
        ("constant_charge_voltage", "constant_charge_voltage", 1e6),
        ("constant_charge_voltage_max", "constant_charge_voltage_max", 1e6),
        ("current_now", "current_ampere", 1e6),
        ("current_boot", "current_boot", 1e6),
        ("current_max", "current_max", 1e6),
        ("cycle_count", "cyclecount", 1),
        ("energy_empty", "energy_empty", 1e6),
        ("energy_empty_design", "energy_empty_design", 1e6),
        ("energy_full", "energy_full", 1e6),
        ("energy_full_design", "energy_full_design", 1e6),
        ("energy_now", "energy_watthour", 1e6),
        ("input_current_limit", "input_current_limit", 1e6),
        ("online", "online", 1),
        ("power_now", "power_watt", 1e6),
        ("precharge_current", "precharge_current", 1e6),
        ("present", "present", 1),
        ("temp_alert_max", "temp_alert_max_celsius", 10),
        ("temp_alert_min", "temp_alert_min_celsius", 10),
        ("temp_ambient", "temp_ambient_celsius", 10),
        ("temp_ambient_max", "temp_ambient_max_celsius", 10),
        ("temp_ambient_min", "temp_ambient_min_celsius", 10),
        ("temp", "temp_celsius", 10),
        ("temp_max", "temp_max_celsius", 10),
        ("temp_min", "temp_min_celsius", 10),
        ("time_to_empty_now", "time_to_empty_seconds", 1),
        ("time_to_full_now", "time_to_full_seconds", 1),
        ("voltage_boot", "voltage_boot", 1e6),
        ("voltage_max", "voltage_max", 1e6),
        ("voltage_max_design", "voltage_max_design", 1e6),
        ("voltage_min", "voltage_min", 1e6),
        ("voltage_min_design", "voltage_min_design", 1e6),
        ("voltage_ocv", "voltage_ocv", 1e6),
        ("voltage_now", "voltage_volt", 1e6),
    ];

    // node_power_supply_info labels besides power_supply; empty values are left out.
    private static readonly string[] InfoAttributes =
        ["capacity_level", "charge_type", "health", "manufacturer", "model_name", "scope", "serial_number", "status", "technology", "type", "usb_type"];

    public PowerSupplyClassCollector(CollectorContext context)
        : this(context, PowerSupplyClassOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("powersupplyclass", true, [PowerSupplyClassOptions.IgnoredSuppliesOption], (context, settings) => new PowerSupplyClassCollector(context, PowerSupplyClassOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var classDir = context.Paths.SysFile("class/power_supply");
        if (!Directory.Exists(classDir))
        {
            return CollectResult.NoData;
        }

        var supplies = new List<(string Name, string Dir)>();
        foreach (var entry in KernelFile.Entries(classDir))
        {
            var dir = Path.Join(classDir, entry);
            if (Directory.Exists(dir) && !options.IgnoredSupplies.IsMatch(entry))
            {
                supplies.Add((entry, dir));
            }
        }

        var values = new double?[supplies.Count, Numeric.Length];
        for (var s = 0; s < supplies.Count; s++)
        {
            for (var n = 0; n < Numeric.Length; n++)
            {
                if (KernelFile.ReadInt64Attribute(supplies[s].Dir, Numeric[n].File) is { } raw)
                {
                    values[s, n] = raw / Numeric[n].Divisor;
                }
            }
        }

        // Families in name order: "info" sorts between energy_watthour and input_current_limit.
        for (var n = 0; n < Numeric.Length; n++)
        {
            if (Numeric[n].Metric == "input_current_limit")
            {
                WriteInfo(writer, supplies);
            }

            var metric = Numeric[n].Metric;
            writer.Family("node_power_supply_" + metric, MetricType.Gauge, $"{metric} value of /sys/class/power_supply/<power_supply>.");
            for (var s = 0; s < supplies.Count; s++)
            {
                if (values[s, n] is { } value)
                {
                    writer.Sample(value, "power_supply", supplies[s].Name);
                }
            }
        }

        return CollectResult.Success;
    }

    private static void WriteInfo(MetricWriter writer, List<(string Name, string Dir)> supplies)
    {
        var series = new List<string[]>(supplies.Count);
        foreach (var (name, dir) in supplies)
        {
            var pairs = new List<(string Key, string Value)>(InfoAttributes.Length + 1) { ("power_supply", name) };
            foreach (var attribute in InfoAttributes)
            {
                if (KernelFile.ReadAll(Path.Join(dir, attribute)) is { } raw && SysfsValue.AttributeText(raw) is { Length: > 0 } text)
                {
                    pairs.Add((attribute, text));
                }
            }

            pairs.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var labels = new string[2 * pairs.Count];
            for (var i = 0; i < pairs.Count; i++)
            {
                labels[2 * i] = pairs[i].Key;
                labels[(2 * i) + 1] = pairs[i].Value;
            }

            series.Add(labels);
        }

        // client_golang orders series with fewer labels first, then by label values in label-name order.
        series.Sort(static (a, b) => SampleOrder.CompareLabels(a, b));

        writer.Family("node_power_supply_info", MetricType.Gauge, "info of /sys/class/power_supply/<power_supply>.");
        foreach (var labels in series)
        {
            writer.Sample(1, labels);
        }
    }

    /// <summary>An integer attribute as procfs' ValueParser reads it (base prefix allowed); null if absent or
    /// unreadable; a value that is not an integer fails the collector, as it fails procfs' PowerSupplyClass().</summary>
}
