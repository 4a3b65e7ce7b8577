using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// SMBIOS/DMI identification from <c>&lt;sys&gt;/class/dmi/id/*</c> as node_exporter 1.12's dmi collector exposes it:
/// one <c>node_dmi_info</c> series labelled with every attribute the kernel provides (an empty value stays as an
/// empty label). The serial numbers and product_uuid are root-only; unreadable ones are left out, as procfs does.
/// Read once, like node_exporter, which reads it when the collector is created: it cannot change before a reboot.
/// </summary>
internal sealed class DmiCollector(CollectorContext context) : INodeCollector
{
    // sysfs attribute → label, in label order. chassis_type is read by procfs but not exposed by node_exporter.
    private static readonly (string File, string Label)[] Attributes =
    [
        ("bios_date", "bios_date"),
        ("bios_release", "bios_release"),
        ("bios_vendor", "bios_vendor"),
        ("bios_version", "bios_version"),
        ("board_asset_tag", "board_asset_tag"),
        ("board_name", "board_name"),
        ("board_serial", "board_serial"),
        ("board_vendor", "board_vendor"),
        ("board_version", "board_version"),
        ("chassis_asset_tag", "chassis_asset_tag"),
        ("chassis_serial", "chassis_serial"),
        ("chassis_vendor", "chassis_vendor"),
        ("chassis_version", "chassis_version"),
        ("product_family", "product_family"),
        ("product_name", "product_name"),
        ("product_serial", "product_serial"),
        ("product_sku", "product_sku"),
        ("product_uuid", "product_uuid"),
        ("product_version", "product_version"),
        ("sys_vendor", "system_vendor"),
    ];

    private string[]? _labels;

    public static CollectorDescriptor Descriptor { get; } = new("dmi", true, (context, _) => new DmiCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        _labels ??= ReadLabels(context.Paths.SysFile("class/dmi/id"));
        if (_labels.Length == 0)
        {
            return CollectResult.NoData;
        }

        writer.Family("node_dmi_info", MetricType.Gauge,
            "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, bios_version, board_asset_tag, "
            + "board_name, board_serial, board_vendor, board_version, chassis_asset_tag, chassis_serial, chassis_vendor, "
            + "chassis_version, product_family, product_name, product_serial, product_sku, product_uuid, product_version, "
            + "system_vendor if provided by DMI.");
        writer.Sample(1, _labels);
        return CollectResult.Success;
    }

    private static string[] ReadLabels(string dir)
    {
        var labels = new List<string>(2 * Attributes.Length);
        foreach (var (file, label) in Attributes)
        {
            // procfs only reads regular files (not the "power" directory or the "subsystem" link).
            var path = Path.Join(dir, file);
            if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReparsePoint) == 0 && KernelFile.ReadAll(path) is { } raw)
            {
                labels.Add(label);
                labels.Add(SysfsValue.AttributeText(raw));
            }
        }

        return [.. labels];
    }
}
