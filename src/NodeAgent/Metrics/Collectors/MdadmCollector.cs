using System.Globalization;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's mdadm collector (collector/mdadm_linux.go, 1.10+): per-array state, disk counts and sync progress
/// from <c>/proc/mdstat</c>, plus <c>node_md_raid_disks</c> and <c>node_md_degraded</c> from
/// <c>/sys/block/md*/md/</c> (Documentation/admin-guide/md.rst). Like procfs' sysfs reader, an array directory missing
/// one of the attributes read makes the sysfs part "no data": the mdstat families are still written.
/// </summary>
internal sealed class MdadmCollector(CollectorContext context) : INodeCollector
{
    // node_md_state's state label and the mdstat activity each one reports; an activity not listed (reshaping,
    // broken, ...) sets none of them, as in node_exporter.
    private static readonly (string Label, string Activity)[] States =
    [
        ("active", "active"),
        ("check", "checking"),
        ("inactive", "inactive"),
        ("recovering", "recovering"),
        ("resync", "resyncing"),
    ];

    public static CollectorDescriptor Descriptor { get; } = new("mdadm", true, (context, _) => new MdadmCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("mdstat");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!MdStat.TryParse(content, out var parsed, out var error))
        {
            throw new InvalidDataException($"{path}: {error}");
        }

        var arrays = parsed.ToList();
        arrays.Sort(static (a, b) => SampleOrder.Compare(a.Name, b.Name));
        var raids = ReadSysfs(out var complete);

        Write(writer, "node_md_blocks", "Total number of blocks on device.", arrays, static a => a.BlocksTotal);
        Write(writer, "node_md_blocks_synced", "Number of blocks synced on device.", arrays, static a => a.BlocksSynced);
        if (complete)
        {
            writer.Family("node_md_degraded", MetricType.Gauge, "Number of degraded disks on device.");
            foreach (var raid in raids)
            {
                writer.Sample(raid.Degraded, "device", raid.Device);
            }
        }

        writer.Family("node_md_disks", MetricType.Gauge, "Number of active/failed/spare disks of device.");
        foreach (var array in arrays)
        {
            writer.Sample(array.DisksActive, "device", array.Name, "state", "active");
            writer.Sample(array.DisksFailed, "device", array.Name, "state", "failed");
            writer.Sample(array.DisksSpare, "device", array.Name, "state", "spare");
        }

        Write(writer, "node_md_disks_required", "Total number of disks of device.", arrays, static a => a.DisksTotal);
        if (complete)
        {
            writer.Family("node_md_raid_disks", MetricType.Gauge, "Number of raid disks on device.");
            foreach (var raid in raids)
            {
                writer.Sample(raid.Disks, "device", raid.Device);
            }
        }

        writer.Family("node_md_state", MetricType.Gauge, "Indicates the state of md-device.");
        foreach (var array in arrays)
        {
            foreach (var (label, activity) in States)
            {
                writer.Sample(array.State == activity ? 1 : 0, "device", array.Name, "state", label);
            }
        }

        // node_exporter returns ErrNoData after sending the mdstat metrics when sysfs lacks an attribute.
        return complete ? CollectResult.Success : CollectResult.NoData;
    }

    private static void Write(MetricWriter writer, string name, string help, List<MdStat> arrays, Func<MdStat, long> value)
    {
        writer.Family(name, MetricType.Gauge, help);
        foreach (var array in arrays)
        {
            writer.Sample(value(array), "device", array.Name);
        }
    }

    /// <summary>The md arrays under /sys/block (names sorted); <paramref name="complete"/> is false when an array
    /// lacks an attribute procfs requires.</summary>
    private List<Raid> ReadSysfs(out bool complete)
    {
        complete = true;
        var raids = new List<Raid>();
        foreach (var name in KernelFile.Entries(context.Paths.SysFile("block")))
        {
            var md = context.Paths.SysFile($"block/{name}/md");
            if (!name.StartsWith("md", StringComparison.Ordinal) || !Directory.Exists(md))
            {
                continue;
            }

            var level = KernelFile.ReadTrimmed(Path.Join(md, "level"));
            var disks = ReadNumber(md, "raid_disks");
            if (level is null || disks is null || KernelFile.ReadTrimmed(Path.Join(md, "array_state")) is null
                || KernelFile.ReadTrimmed(Path.Join(md, "metadata_version")) is null || KernelFile.ReadTrimmed(Path.Join(md, "uuid")) is null
                || !ComponentsReadable(md))
            {
                complete = false;
                continue;
            }

            ulong degraded = 0;
            if (level is "raid0" or "raid4" or "raid5" or "raid6" or "raid10" && ReadNumber(md, "chunk_size") is null)
            {
                complete = false;
                continue;
            }

            if (level is "raid1" or "raid4" or "raid5" or "raid6" or "raid10")
            {
                var count = ReadNumber(md, "degraded");
                if (count is null || KernelFile.ReadTrimmed(Path.Join(md, "sync_action")) is null
                    || KernelFile.ReadTrimmed(Path.Join(md, "sync_completed")) is not { } completed)
                {
                    complete = false;
                    continue;
                }

                CheckSyncCompleted(md, completed);
                degraded = count.Value;
            }

            raids.Add(new Raid(name, disks.Value, degraded));
        }

        return raids;
    }

    private static bool ComponentsReadable(string md)
    {
        foreach (var entry in KernelFile.Entries(md))
        {
            if (entry.StartsWith("dev-", StringComparison.Ordinal) && KernelFile.ReadAll(Path.Join(md, entry, "state")) is null)
            {
                return false;
            }
        }

        return true;
    }

    private static ulong? ReadNumber(string md, string attribute)
    {
        var file = Path.Join(md, attribute);
        if (KernelFile.ReadTrimmed(file) is not { } text)
        {
            return null;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"{file}: not a number: \"{text}\"");
    }

    // procfs parses "done / total" and fails the whole read on anything but that or "none" (even "delayed").
    private static void CheckSyncCompleted(string md, string completed)
    {
        if (completed == "none")
        {
            return;
        }

        var slash = completed.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !ulong.TryParse(completed.AsSpan(0, slash).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || !ulong.TryParse(completed.AsSpan(slash + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new InvalidDataException($"{Path.Join(md, "sync_completed")}: expected \"done / total\", got \"{completed}\"");
        }
    }

    private readonly record struct Raid(string Device, ulong Disks, ulong Degraded);
}
