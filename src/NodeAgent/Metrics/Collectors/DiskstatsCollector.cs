using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using NodeAgent.Procfs;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's <c>--collector.diskstats.*</c> flags. <see cref="UdevDataPath"/> is <c>--path.udev.data</c>; null
/// means <c>&lt;root&gt;/run/udev/data</c> (the host's udev database through the host root). node_exporter 1.11+ drops
/// the default exclude when only an include is given (<see cref="CollectorOption.Replaces"/>).
/// </summary>
internal sealed partial record DiskstatsOptions(Regex? DeviceExclude, Regex? DeviceInclude, string? UdevDataPath)
{
    public static readonly CollectorOption<Regex?> DeviceExcludeOption = CollectorOptions.Regex(
        "Metrics:DiskstatsDeviceExclude", DefaultExclude(), "block devices the diskstats collector skips",
        defaultText: CollectorOptions.NodeExporterDefault);

    public static readonly CollectorOption<Regex?> DeviceIncludeOption = CollectorOptions.Regex(
        "Metrics:DiskstatsDeviceInclude", null, "if set, the only block devices diskstats reports (replaces the default exclude)",
        replaces: DeviceExcludeOption);

    public static readonly CollectorOption<string?> UdevDataPathOption = new("Metrics:UdevDataPath", CollectorOptionKind.Path, null,
        "the host's udev database, for `node_disk_info`'s identity labels and the udev-derived disk families (node_exporter's `--path.udev.data`)")
    {
        DefaultText = "`<Host:RootPath>/run/udev/data`",
    };

    public static IReadOnlyList<CollectorOption> Options { get; } = [DeviceExcludeOption, DeviceIncludeOption, UdevDataPathOption];

    public static DiskstatsOptions Default { get; } = From(CollectorSettings.Defaults);

    public static DiskstatsOptions From(CollectorSettings settings) =>
        new(settings.Get(DeviceExcludeOption), settings.Get(DeviceIncludeOption), settings.Get(UdevDataPathOption));

    /// <summary>node_exporter 1.8+ default: partitions of hd/sd/vd/xvd and NVMe disks, loop, fd, ram and zram.</summary>
    [GeneratedRegex(@"^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultExclude();

    public bool Ignores(string device) =>
        (DeviceExclude is not null && DeviceExclude.IsMatch(device)) || (DeviceInclude is not null && !DeviceInclude.IsMatch(device));
}

/// <summary>
/// node_exporter's diskstats collector (collector/diskstats_linux.go, 1.12): <c>/proc/diskstats</c> counters in base
/// units, <c>node_disk_info</c> with udev identity and <c>queue/rotational</c>, and the udev-derived filesystem,
/// device-mapper and ATA families. Families and samples are written in the order client_golang sorts them.
/// </summary>
internal sealed partial class DiskstatsCollector(CollectorContext context, DiskstatsOptions options) : INodeCollector
{
    // iostats.rst: sectors are always 512 bytes; times are milliseconds. node_exporter multiplies by 1.0/1000.0
    // (not divides by 1000), which is what makes 8620 ms print as 8.620000000000001: keep the multiplication.
    private const double SectorBytes = 512.0;
    private const double SecondsPerTick = 1.0 / 1000.0;

    private readonly ILogger _logger = context.Logger<DiskstatsCollector>();
    private readonly string _udevData = options.UdevDataPath ?? context.Paths.RootFile("run/udev/data");

    public DiskstatsCollector(CollectorContext context)
        : this(context, DiskstatsOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("diskstats", true, DiskstatsOptions.Options, (context, settings) => new DiskstatsCollector(context, DiskstatsOptions.From(settings)));

    public string Name => Descriptor.Name;

    // The /proc/diskstats families in the order the kernel lists the counters: (name, help, type, scale).
    private static readonly (string Name, string Help, MetricType Type, double Scale)[] CounterFamilies =
    [
        ("node_disk_reads_completed_total", "The total number of reads completed successfully.", MetricType.Counter, 1),
        ("node_disk_reads_merged_total", "The total number of reads merged.", MetricType.Counter, 1),
        ("node_disk_read_bytes_total", "The total number of bytes read successfully.", MetricType.Counter, SectorBytes),
        ("node_disk_read_time_seconds_total", "The total number of seconds spent by all reads.", MetricType.Counter, SecondsPerTick),
        ("node_disk_writes_completed_total", "The total number of writes completed successfully.", MetricType.Counter, 1),
        ("node_disk_writes_merged_total", "The number of writes merged.", MetricType.Counter, 1),
        ("node_disk_written_bytes_total", "The total number of bytes written successfully.", MetricType.Counter, SectorBytes),
        ("node_disk_write_time_seconds_total", "This is the total number of seconds spent by all writes.", MetricType.Counter, SecondsPerTick),
        ("node_disk_io_now", "The number of I/Os currently in progress.", MetricType.Gauge, 1),
        ("node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.", MetricType.Counter, SecondsPerTick),
        ("node_disk_io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os.", MetricType.Counter, SecondsPerTick),
        ("node_disk_discards_completed_total", "The total number of discards completed successfully.", MetricType.Counter, 1),
        ("node_disk_discards_merged_total", "The total number of discards merged.", MetricType.Counter, 1),
        ("node_disk_discarded_sectors_total", "The total number of sectors discarded successfully.", MetricType.Counter, 1),
        ("node_disk_discard_time_seconds_total", "This is the total number of seconds spent by all discards.", MetricType.Counter, SecondsPerTick),
        ("node_disk_flush_requests_total", "The total number of flush requests completed successfully", MetricType.Counter, 1),
        ("node_disk_flush_requests_time_seconds_total", "This is the total number of seconds spent by all flush requests.", MetricType.Counter, SecondsPerTick),
    ];

    // The ATA families, keyed by the udev property they carry (only for devices with ID_ATA set).
    private static readonly (string Property, string Name, string Help)[] AtaFamilies =
    [
        ("ID_ATA_ROTATION_RATE_RPM", "node_disk_ata_rotation_rate_rpm", "ATA disk rotation rate in RPMs (0 for SSDs)."),
        ("ID_ATA_WRITE_CACHE", "node_disk_ata_write_cache", "ATA disk has a write cache."),
        ("ID_ATA_WRITE_CACHE_ENABLED", "node_disk_ata_write_cache_enabled", "ATA disk has its write cache enabled."),
    ];

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("diskstats");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!DiskstatsLine.TryParse(content, out var lines, out var badLine))
        {
            throw new InvalidDataException($"{path}: not a diskstats line: \"{badLine}\"");
        }

        var disks = new List<Disk>(lines.Count);
        foreach (var line in lines)
        {
            if (!options.Ignores(line.Device))
            {
                disks.Add(Describe(line));
            }
        }

        // client_golang sorts samples by label values; every per-disk family is labelled by device first.
        disks.Sort(static (a, b) => SampleOrder.Compare(a.Line.Device, b.Line.Device));
        Write(writer, disks);
        return CollectResult.Success;
    }

    private Disk Describe(DiskstatsLine line)
    {
        var udevFile = Path.Join(_udevData, $"b{line.Major}:{line.Minor}");
        var udev = KernelFile.ReadAll(udevFile) is { } bytes ? UdevProperties.Parse(bytes) : null;
        if (udev is null)
        {
            Log.NoUdevData(_logger, line.Device, udevFile);
        }

        // PR #3686 (1.12): read only queue/rotational; a missing or unreadable file gives "0". Printed in base 2, as
        // node_exporter formats it.
        var rotational = KernelFile.ReadUInt64(context.Paths.SysFile($"block/{line.Device}/queue/rotational")) ?? 0;
        return new Disk(line, udev, Convert.ToString((long)rotational, 2));
    }

    private void Write(MetricWriter writer, List<Disk> disks)
    {
        foreach (var (property, name, help) in AtaFamilies)
        {
            writer.Family(name, MetricType.Gauge, help);
            foreach (var disk in disks)
            {
                if (Property(disk.Udev, "ID_ATA").Length == 0 || disk.Udev!.GetValueOrDefault(property) is not { } text)
                {
                    continue;
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    writer.Sample(value, "device", disk.Line.Device);
                }
                else
                {
                    Log.BadAtaValue(_logger, disk.Line.Device, property, text);
                }
            }
        }

        WriteDeviceMapper(writer, disks);
        WriteCounters(writer, disks, [14, 13, 11, 12]);

        writer.Family("node_disk_filesystem_info", MetricType.Gauge, "Info about disk filesystem.");
        foreach (var disk in disks)
        {
            if (Property(disk.Udev, "ID_FS_TYPE") is { Length: > 0 } type)
            {
                writer.Sample(1, "device", disk.Line.Device, "type", type, "usage", Property(disk.Udev, "ID_FS_USAGE"),
                    "uuid", Property(disk.Udev, "ID_FS_UUID"), "version", Property(disk.Udev, "ID_FS_VERSION"));
            }
        }

        WriteCounters(writer, disks, [16, 15]);

        writer.Family("node_disk_info", MetricType.Gauge, "Info of /sys/block/<block_device>.");
        foreach (var disk in disks)
        {
            var udev = disk.Udev;
            writer.Sample(1, "device", disk.Line.Device,
                "major", disk.Line.Major.ToString(CultureInfo.InvariantCulture),
                "minor", disk.Line.Minor.ToString(CultureInfo.InvariantCulture),
                "model", Property(udev, "ID_MODEL"), "path", Property(udev, "ID_PATH"), "revision", Property(udev, "ID_REVISION"),
                "rotational", disk.Rotational, "serial", Serial(udev), "wwn", Property(udev, "ID_WWN"));
        }

        // Alphabetical: io_now, io_time_seconds, io_time_weighted, read_bytes, read_time, reads_completed,
        // reads_merged, write_time, writes_completed, writes_merged, written_bytes.
        WriteCounters(writer, disks, [8, 9, 10, 2, 3, 0, 1, 7, 4, 5, 6]);
    }

    private static void WriteDeviceMapper(MetricWriter writer, List<Disk> disks)
    {
        writer.Family("node_disk_device_mapper_info", MetricType.Gauge, "Info about disk device mapper.");
        foreach (var disk in disks)
        {
            if (Property(disk.Udev, "DM_NAME") is { Length: > 0 } name)
            {
                writer.Sample(1, "device", disk.Line.Device, "lv_layer", Property(disk.Udev, "DM_LV_LAYER"),
                    "lv_name", Property(disk.Udev, "DM_LV_NAME"), "name", name, "uuid", Property(disk.Udev, "DM_UUID"),
                    "vg_name", Property(disk.Udev, "DM_VG_NAME"));
            }
        }
    }

    private static void WriteCounters(MetricWriter writer, List<Disk> disks, ReadOnlySpan<int> indexes)
    {
        foreach (var index in indexes)
        {
            var (name, help, type, scale) = CounterFamilies[index];
            writer.Family(name, type, help);
            foreach (var disk in disks)
            {
                // Older kernels have fewer counters: those families are absent for the device, not zero.
                if (index < disk.Line.Counters.Length)
                {
                    writer.Sample(disk.Line.Counters[index] * scale, "device", disk.Line.Device);
                }
            }
        }
    }

    // The serial printed on the disk label first, then the udev short and long serials (virtio has only ID_SERIAL).
    private static string Serial(Dictionary<string, string>? udev) =>
        Property(udev, "SCSI_IDENT_SERIAL") is { Length: > 0 } ident ? ident
        : Property(udev, "ID_SERIAL_SHORT") is { Length: > 0 } shortSerial ? shortSerial
        : Property(udev, "ID_SERIAL");

    private static string Property(Dictionary<string, string>? udev, string key) =>
        udev is not null && udev.TryGetValue(key, out var value) ? value : "";

    private sealed record Disk(DiskstatsLine Line, Dictionary<string, string>? Udev, string Rotational);

    private static partial class Log
    {
        [LoggerMessage(410, LogLevel.Debug, "diskstats: no udev data for {Device} at {Path}", EventName = "DiskstatsNoUdevData")]
        public static partial void NoUdevData(ILogger logger, string device, string path);

        [LoggerMessage(411, LogLevel.Error, "diskstats: udev property {Property} of {Device} is not a number: {Value}", EventName = "DiskstatsBadAtaValue")]
        public static partial void BadAtaValue(ILogger logger, string device, string property, string value);
    }
}
