using System.Globalization;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's btrfs collector (collector/btrfs_linux.go, 1.12) from <c>/sys/fs/btrfs/&lt;uuid&gt;/</c>
/// (Documentation/ABI/testing/sysfs-fs-btrfs). node_exporter also opens each mounted btrfs filesystem and asks for
/// per-device sizes and error counters by ioctl; that part is left out, so <c>node_btrfs_device_size_bytes</c> takes
/// the sysfs fallback node_exporter uses when the ioctls fail (labels device and uuid, size from sysfs).
/// No btrfs filesystem is not an error: node_exporter then succeeds with no samples.
/// </summary>
internal sealed class BtrfsCollector(CollectorContext context) : INodeCollector
{
    // Linux always counts these sizes in 512-byte sectors, whatever the device's block size.
    private const ulong SectorSize = 512;

    private static readonly string[] BlockGroupTypes = ["data", "metadata", "system"];

    public static CollectorDescriptor Descriptor { get; } = new("btrfs", true, (context, _) => new BtrfsCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var root = context.Paths.SysFile("fs/btrfs");
        var filesystems = new List<Filesystem>();
        foreach (var entry in KernelFile.Entries(root))
        {
            // procfs globs fs/btrfs/*-*: the UUID directories, not "features".
            if (entry.Contains('-', StringComparison.Ordinal))
            {
                filesystems.Add(Read(Path.Join(root, entry), entry));
            }
        }

        var samples = new Samples();
        foreach (var fs in filesystems)
        {
            samples.Add("info", 1, "label", fs.Label, "uuid", fs.Uuid);
            samples.Add("global_rsv_size_bytes", fs.GlobalReserve, "uuid", fs.Uuid);
            samples.Add("commits_total", fs.Commits.Commits, "uuid", fs.Uuid);
            samples.Add("last_commit_seconds", fs.Commits.LastCommitMs / 1000.0, "uuid", fs.Uuid);
            samples.Add("max_commit_seconds", fs.Commits.MaxCommitMs / 1000.0, "uuid", fs.Uuid);
            samples.Add("commit_seconds_total", fs.Commits.TotalCommitMs / 1000.0, "uuid", fs.Uuid);
            foreach (var group in fs.Groups)
            {
                samples.Add("reserved_bytes", group.Reserved, "block_group_type", group.Type, "uuid", fs.Uuid);
                foreach (var layout in group.Layouts)
                {
                    samples.Add("used_bytes", layout.Used, "block_group_type", group.Type, "mode", layout.Mode, "uuid", fs.Uuid);
                    samples.Add("size_bytes", layout.Total, "block_group_type", group.Type, "mode", layout.Mode, "uuid", fs.Uuid);
                    samples.Add("allocation_ratio", layout.Ratio, "block_group_type", group.Type, "mode", layout.Mode, "uuid", fs.Uuid);
                }
            }

            foreach (var (device, size) in fs.Devices)
            {
                samples.Add("device_size_bytes", size, "device", device, "uuid", fs.Uuid);
            }
        }

        samples.Write(writer, "allocation_ratio", MetricType.Gauge, "Data allocation ratio for a layout/data type");
        samples.Write(writer, "commit_seconds_total", MetricType.Counter, "Sum of the duration of all commits, in seconds.");
        samples.Write(writer, "commits_total", MetricType.Counter, "The total number of commits that have occurred.");
        samples.Write(writer, "device_size_bytes", MetricType.Gauge, "Size of a device that is part of the filesystem.");
        samples.Write(writer, "global_rsv_size_bytes", MetricType.Gauge, "Size of global reserve.");
        samples.Write(writer, "info", MetricType.Gauge, "Filesystem information");
        samples.Write(writer, "last_commit_seconds", MetricType.Gauge, "Duration of the most recent commit, in seconds.");
        samples.Write(writer, "max_commit_seconds", MetricType.Gauge, "Duration of the slowest commit, in seconds.");
        samples.Write(writer, "reserved_bytes", MetricType.Gauge, "Amount of space reserved for a data type");
        samples.Write(writer, "size_bytes", MetricType.Gauge, "Amount of space allocated for a layout/data type");
        samples.Write(writer, "used_bytes", MetricType.Gauge, "Amount of used space by a layout/data type");
        return CollectResult.Success;
    }

    private static Filesystem Read(string dir, string name)
    {
        var devicesDir = Path.Join(dir, "devices");
        if (!Directory.Exists(devicesDir))
        {
            throw new InvalidDataException($"{devicesDir}: missing");
        }

        var devices = new List<(string, double)>();
        foreach (var device in KernelFile.Entries(devicesDir))
        {
            devices.Add((device, SectorSize * Value(Path.Join(devicesDir, device, "size"))));
        }

        var groups = new List<BlockGroup>();
        foreach (var type in BlockGroupTypes)
        {
            var groupDir = Path.Join(dir, "allocation", type);
            if (!Directory.Exists(groupDir))
            {
                throw new InvalidDataException($"{groupDir}: missing");
            }

            var layouts = new List<Layout>();
            foreach (var mode in KernelFile.Entries(groupDir))
            {
                var layoutDir = Path.Join(groupDir, mode);
                if (Directory.Exists(layoutDir))
                {
                    layouts.Add(new Layout(mode, Value(Path.Join(layoutDir, "used_bytes")), Value(Path.Join(layoutDir, "total_bytes")),
                        Ratio(mode, devices.Count)));
                }
            }

            groups.Add(new BlockGroup(type, Value(Path.Join(groupDir, "bytes_reserved")), layouts));
        }

        var commits = default(BtrfsCommitStats);
        var commitFile = Path.Join(dir, "commit_stats");
        if (KernelFile.ReadAll(commitFile) is { } content && !BtrfsCommitStats.TryParse(content, out commits))
        {
            throw new InvalidDataException($"{commitFile}: expected \"key value\" lines");
        }

        // The filesystem UUID; before Linux 5.0 there is no metadata_uuid and the directory name is the UUID.
        var uuid = KernelFile.ReadTrimmed(Path.Join(dir, "metadata_uuid")) is { Length: > 0 } metadata ? metadata : name;
        return new Filesystem(uuid, KernelFile.ReadTrimmed(Path.Join(dir, "label")) ?? "", Value(Path.Join(dir, "allocation", "global_rsv_size")),
            commits, groups, devices);
    }

    // As procfs: a missing or unparsable value reads as 0.
    private static ulong Value(string file) =>
        KernelFile.ReadTrimmed(file) is { } text && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    // How many bytes of raw space one byte of data takes in each profile (procfs btrfs.calcRatio).
    private static double Ratio(string mode, int devices) => mode switch
    {
        "single" or "raid0" => 1,
        "dup" or "raid1" or "raid10" => 2,
        "raid5" => devices / (devices - 1.0),
        "raid6" => devices / (devices - 2.0),
        _ => 0,
    };

    private sealed record Filesystem(string Uuid, string Label, ulong GlobalReserve, BtrfsCommitStats Commits, List<BlockGroup> Groups,
        List<(string Device, double Size)> Devices);

    private sealed record BlockGroup(string Type, ulong Reserved, List<Layout> Layouts);

    private sealed record Layout(string Mode, ulong Used, ulong Total, double Ratio);

    /// <summary>Samples per family, written in client_golang's order (by label values, labels in name order).</summary>
    private sealed class Samples
    {
        private readonly Dictionary<string, List<(string[] Labels, double Value)>> _families = new(StringComparer.Ordinal);

        public void Add(string family, double value, params string[] labels)
        {
            if (!_families.TryGetValue(family, out var list))
            {
                _families[family] = list = [];
            }

            list.Add((labels, value));
        }

        public void Write(MetricWriter writer, string family, MetricType type, string help)
        {
            writer.Family("node_btrfs_" + family, type, help);
            if (!_families.TryGetValue(family, out var list))
            {
                return;
            }

            list.Sort(static (a, b) => SampleOrder.CompareLabels(a.Labels, b.Labels));
            foreach (var (labels, value) in list)
            {
                writer.Sample(value, labels);
            }
        }
    }
}
