using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's zfs collector on Linux (collector/zfs_linux.go, 1.12): every integer of OpenZFS's named kstats
/// under <c>&lt;proc&gt;/spl/kstat/zfs</c> as an untyped family <c>node_zfs_&lt;subsystem&gt;_&lt;name&gt;</c> (dashes
/// made underscores) whose help is the kstat's sysctl-style name, then per pool the <c>io</c> kstat
/// (<c>node_zfs_zpool_*{zpool}</c>), each dataset's <c>objset-*</c> (<c>node_zfs_zpool_dataset_*{zpool,dataset}</c>)
/// and the pool's state as one gauge per state node_exporter knows. No <c>spl/kstat/zfs</c> directory (no ZFS module)
/// is no data; a kstat file a ZFS version lacks is skipped.
/// </summary>
internal sealed class ZfsCollector(CollectorContext context) : INodeCollector
{
    // node_exporter's subsystem → kstat file map (vdev_cache and xuio are gone from recent OpenZFS; read when present).
    private static readonly (string Subsystem, string File)[] Kstats =
    [
        ("zfs_abd", "abdstats"), ("zfs_arc", "arcstats"), ("zfs_dbuf", "dbufstats"), ("zfs_dmu_tx", "dmu_tx"),
        ("zfs_dnode", "dnodestats"), ("zfs_fm", "fm"), ("zfs_vdev_cache", "vdev_cache_stats"),
        ("zfs_vdev_mirror", "vdev_mirror_stats"), ("zfs_xuio", "xuio_stats"), ("zfs_zfetch", "zfetchstats"), ("zfs_zil", "zil"),
    ];

    // The states node_exporter reports for every pool, the pool's own (its state file, lower-cased) at 1.
    private static readonly string[] PoolStates = ["online", "degraded", "faulted", "offline", "removed", "unavail", "suspended"];

    public static CollectorDescriptor Descriptor { get; } = new("zfs", true, (context, _) => new ZfsCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var root = context.Paths.ProcFile("spl/kstat/zfs");
        if (!Directory.Exists(root))
        {
            return CollectResult.NoData;
        }

        var families = new SortedFamilies();
        foreach (var (subsystem, file) in Kstats)
        {
            var path = Path.Join(root, file);
            if (KernelFile.ReadAll(path) is not { } content)
            {
                continue;
            }

            foreach (var value in Named(path, content))
            {
                if (value.Text is null)
                {
                    families.Add($"node_{subsystem}_{MetricName(value.Name)}", MetricType.Untyped, $"kstat.zfs.misc.{file}.{value.Name}", value.Number);
                }
            }
        }

        foreach (var pool in KernelFile.Entries(root))
        {
            var poolDir = Path.Join(root, pool);
            CollectPool(families, pool, poolDir);
        }

        families.WriteTo(writer);
        return CollectResult.Success;
    }

    private static void CollectPool(SortedFamilies families, string pool, string poolDir)
    {
        var ioPath = Path.Join(poolDir, "io");
        if (KernelFile.ReadAll(ioPath) is { } io)
        {
            if (!ZfsKstat.TryParseIo(io, out var columns, out var error))
            {
                throw new InvalidDataException($"{ioPath}: {error}");
            }

            foreach (var (column, value) in columns)
            {
                families.Add($"node_zfs_zpool_{MetricName(column)}", MetricType.Untyped, $"kstat.zfs.misc.io.{column}", value, "zpool", pool);
            }
        }

        foreach (var entry in KernelFile.Entries(poolDir))
        {
            if (!entry.StartsWith("objset-", StringComparison.Ordinal) || KernelFile.ReadAll(Path.Join(poolDir, entry)) is not { } objset)
            {
                continue;
            }

            // Values before the dataset_name line are the dataset's too; the kernel writes dataset_name first.
            var values = Named(Path.Join(poolDir, entry), objset);
            var dataset = values.FirstOrDefault(static v => v.Name == "dataset_name").Text ?? "";
            foreach (var value in values)
            {
                if (value.Text is null)
                {
                    families.Add($"node_zfs_zpool_dataset_{MetricName(value.Name)}", MetricType.Untyped, $"kstat.zfs.misc.objset.{value.Name}", value.Number,
                        "dataset", dataset, "zpool", pool);
                }
            }
        }

        if (KernelFile.ReadAll(Path.Join(poolDir, "state")) is { } stateFile)
        {
            var newline = Array.IndexOf(stateFile, (byte)'\n');
            var state = System.Text.Encoding.UTF8.GetString(newline < 0 ? stateFile : stateFile.AsSpan(0, newline)).ToLowerInvariant();
            foreach (var known in PoolStates)
            {
                families.Add("node_zfs_zpool_state", MetricType.Gauge, "kstat.zfs.misc.state", known == state ? 1 : 0, "state", known, "zpool", pool);
            }
        }
    }

    private static List<ZfsKstatValue> Named(string path, byte[] content) =>
        ZfsKstat.TryParseNamed(content, out var values, out var error) ? values : throw new InvalidDataException($"{path}: {error}");

    private static string MetricName(string kstat) => kstat.Replace('-', '_');
}
