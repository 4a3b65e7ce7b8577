using System.Text.RegularExpressions;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's bcachefs collector (collector/bcachefs_linux.go, 1.12; prometheus/procfs bcachefs): per
/// filesystem under <c>&lt;sys&gt;/fs/bcachefs/&lt;uuid&gt;</c> its btree cache size, compression, error counts,
/// every file of <c>counters/</c> as <c>node_bcachefs_&lt;counter&gt;_total</c> (since filesystem creation), btree
/// write statistics, and per <c>dev-&lt;n&gt;</c> its identity, buckets, durability, bytes done and IO errors. No
/// <c>fs/bcachefs</c> directory, or no filesystem in it, is no data; an attribute that does not parse fails the scrape.
/// </summary>
internal sealed partial class BcachefsCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("bcachefs", true, (context, _) => new BcachefsCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var root = context.Paths.SysFile("fs/bcachefs");
        var filesystems = KernelFile.Entries(root).Where(e => Directory.Exists(Path.Join(root, e))).ToList();
        if (filesystems.Count == 0)
        {
            return CollectResult.NoData;
        }

        var families = new SortedFamilies();
        foreach (var uuid in filesystems)
        {
            var dir = Path.Join(root, uuid);
            try
            {
                CollectFilesystem(families, uuid, dir);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{dir}: {e.Message}", e);
            }
        }

        families.WriteTo(writer);
        return CollectResult.Success;
    }

    private static void CollectFilesystem(SortedFamilies families, string uuid, string dir)
    {
        families.Add("node_bcachefs_info", MetricType.Gauge, "Filesystem information.", 1, "uuid", uuid);
        var cacheSize = Read(dir, "btree_cache_size") is { } raw && raw.AsSpan().Trim(" \t\n"u8).Length > 0 ? BcachefsFiles.HumanBytes(raw) : 0;
        families.Add("node_bcachefs_btree_cache_size_bytes", MetricType.Gauge, "Btree cache memory usage in bytes.", cacheSize, "uuid", uuid);

        foreach (var (algorithm, compressed, uncompressed) in BcachefsFiles.CompressionStats(Read(dir, "compression_stats")))
        {
            families.Add("node_bcachefs_compression_compressed_bytes", MetricType.Gauge, "Compressed size by algorithm.", compressed, "algorithm", algorithm, "uuid", uuid);
            families.Add("node_bcachefs_compression_uncompressed_bytes", MetricType.Gauge, "Uncompressed size by algorithm.", uncompressed, "algorithm", algorithm, "uuid", uuid);
        }

        foreach (var (error, count) in BcachefsFiles.Errors(Read(dir, "errors")))
        {
            families.Add("node_bcachefs_errors_total", MetricType.Counter, "Error count by error type.", count, "error_type", error, "uuid", uuid);
        }

        var counters = Path.Join(dir, "counters");
        foreach (var counter in KernelFile.Entries(counters))
        {
            if (Read(counters, counter) is { } content)
            {
                families.Add($"node_bcachefs_{NotInMetricName().Replace(counter, "_")}_total", MetricType.Counter,
                    $"Bcachefs counter {counter} since filesystem creation.", BcachefsFiles.CounterSinceCreation(content), "uuid", uuid);
            }
        }

        foreach (var (type, count, average) in BcachefsFiles.BtreeWriteStats(Read(dir, "btree_write_stats")))
        {
            families.Add("node_bcachefs_btree_writes_total", MetricType.Counter, "Number of btree writes by type.", count, "type", type, "uuid", uuid);
            families.Add("node_bcachefs_btree_write_average_size_bytes", MetricType.Gauge, "Average btree write size by type.", average, "type", type, "uuid", uuid);
        }

        foreach (var entry in KernelFile.Entries(dir))
        {
            if (entry.StartsWith("dev-", StringComparison.Ordinal) && Directory.Exists(Path.Join(dir, entry)))
            {
                CollectDevice(families, uuid, entry["dev-".Length..], Path.Join(dir, entry));
            }
        }
    }

    private static void CollectDevice(SortedFamilies families, string uuid, string device, string dir)
    {
        families.Add("node_bcachefs_device_info", MetricType.Gauge, "Device information.", 1,
            "device", device, "label", Text(dir, "label"), "state", Text(dir, "state"), "uuid", uuid);
        var bucketSize = Text(dir, "bucket_size") is { Length: > 0 } size ? BcachefsFiles.HumanBytes(System.Text.Encoding.UTF8.GetBytes(size)) : 0;
        families.Add("node_bcachefs_device_bucket_size_bytes", MetricType.Gauge, "Bucket size in bytes.", bucketSize, "device", device, "uuid", uuid);
        families.Add("node_bcachefs_device_buckets", MetricType.Gauge, "Total number of buckets.", Number(dir, "nbuckets"), "device", device, "uuid", uuid);
        families.Add("node_bcachefs_device_durability", MetricType.Gauge, "Device durability setting.", Number(dir, "durability"), "device", device, "uuid", uuid);
        foreach (var (operation, dataType, bytes) in BcachefsFiles.IoDone(Read(dir, "io_done")))
        {
            families.Add("node_bcachefs_device_io_done_bytes_total", MetricType.Counter, "IO bytes by operation type and data type.", bytes,
                "data_type", dataType, "device", device, "operation", operation, "uuid", uuid);
        }

        foreach (var (type, count) in BcachefsFiles.IoErrors(Read(dir, "io_errors")))
        {
            families.Add("node_bcachefs_device_io_errors_total", MetricType.Counter, "IO errors by error type.", count, "device", device, "type", type, "uuid", uuid);
        }
    }

    // An absent attribute reads as nothing, as in procfs: older kernels lack some of them.
    private static byte[]? Read(string dir, string file) => KernelFile.ReadAttribute(Path.Join(dir, file));

    private static string Text(string dir, string file) => KernelFile.ReadTrimmed(Path.Join(dir, file)) ?? "";

    private static ulong Number(string dir, string file) =>
        Read(dir, file) is not { } raw ? 0
            : Procfs.AsciiFields.TryParseUInt64(raw.AsSpan().Trim(" \t\n"u8), out var value) ? value
            : throw new InvalidDataException($"{file}: not an unsigned integer");

    // node_exporter's SanitizeMetricName: each run of characters a metric name cannot hold, with the underscores
    // around it, becomes one underscore.
    [GeneratedRegex("_*[^0-9A-Za-z_]+_*", RegexOptions.CultureInvariant)]
    private static partial Regex NotInMetricName();
}
