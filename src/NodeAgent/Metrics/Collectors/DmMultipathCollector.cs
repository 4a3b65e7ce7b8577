using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's dmmultipath collector (collector/dmmultipath_linux.go, new and on by default in 1.12): the
/// device-mapper multipath maps among <c>&lt;sys&gt;/block/dm-*</c>, found as prometheus/procfs finds them
/// (blockdevice/dm_multipath.go) by a <c>dm/uuid</c> starting with <c>mpath-</c>; per map its name, uuid, whether it is
/// suspended, its size (<c>size</c> in 512-byte sectors) and its paths (<c>slaves/</c>) with each path's
/// <c>&lt;sys&gt;/block/&lt;path&gt;/device/state</c>. A path is active when that state is SCSI's "running" or NVMe's
/// "live". A host without <c>/sys/block</c> is "no data"; a map whose name, suspended flag, size or path state cannot
/// be read is an error, as in procfs.
/// </summary>
internal sealed class DmMultipathCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("dmmultipath", true, (context, _) => new DmMultipathCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var blockDir = context.Paths.SysFile("block");
        if (!Directory.Exists(blockDir))
        {
            return CollectResult.NoData;
        }

        var families = new SortedFamilies();
        foreach (var sysfsName in KernelFile.Entries(blockDir))
        {
            if (!sysfsName.StartsWith("dm-", StringComparison.Ordinal))
            {
                continue;
            }

            var dir = Path.Join(blockDir, sysfsName);
            if (KernelFile.ReadAttribute(Path.Join(dir, "dm/uuid")) is not { } rawUuid)
            {
                continue; // not a device-mapper device
            }

            var uuid = SysfsValue.AttributeText(rawUuid);
            if (!uuid.StartsWith("mpath-", StringComparison.Ordinal))
            {
                continue;
            }

            var name = KernelFile.ReadAttribute(Path.Join(dir, "dm/name")) is { } rawName
                ? SysfsValue.AttributeText(rawName)
                : throw new InvalidDataException($"{dir}/dm/name: unreadable");
            var suspended = KernelFile.ReadUInt64Attribute(dir, "dm/suspended") ?? throw new InvalidDataException($"{dir}/dm/suspended: unreadable");
            var sectors = KernelFile.ReadUInt64Attribute(dir, "size") ?? throw new InvalidDataException($"{dir}/size: unreadable");

            string[] device = ["device", name, "sysfs_name", sysfsName];
            families.Add("node_dmmultipath_device_info", MetricType.Gauge, "Non-numeric information about a DM-multipath device.", 1,
                "device", name, "sysfs_name", sysfsName, "uuid", uuid);
            families.Add("node_dmmultipath_device_active", MetricType.Gauge, "Whether the multipath device-mapper device is active (1) or suspended (0).",
                suspended == 1 ? 0 : 1, device);
            families.Add("node_dmmultipath_device_size_bytes", MetricType.Gauge, "Size of the multipath device in bytes, read from /sys/block/<dm>/size.",
                sectors * 512.0, device);

            var paths = KernelFile.Entries(Path.Join(dir, "slaves"));
            var active = 0;
            foreach (var path in paths)
            {
                var statePath = Path.Join(blockDir, path, "device/state");
                var state = KernelFile.ReadAttribute(statePath) is { } rawState
                    ? SysfsValue.AttributeText(rawState)
                    : throw new InvalidDataException($"{statePath}: unreadable");
                active += state is "running" or "live" ? 1 : 0;
                families.Add("node_dmmultipath_path_state", MetricType.Gauge,
                    "Reports the underlying device state for a multipath path, as read from /sys/block/<dev>/device/state.", 1,
                    "device", name, "path", path, "state", state);
            }

            families.Add("node_dmmultipath_device_paths", MetricType.Gauge, "Number of paths for a multipath device.", paths.Count, device);
            families.Add("node_dmmultipath_device_paths_active", MetricType.Gauge,
                "Number of paths in active state (SCSI running or NVMe live) for a multipath device.", active, device);
            families.Add("node_dmmultipath_device_paths_failed", MetricType.Gauge, "Number of paths not in active state for a multipath device.",
                paths.Count - active, device);
        }

        families.WriteTo(writer);
        return CollectResult.Success;
    }
}
