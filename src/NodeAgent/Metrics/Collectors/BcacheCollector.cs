using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's bcache collector (collector/bcache_linux.go, 1.12; prometheus/procfs bcache): per cache set
/// <c>&lt;sys&gt;/fs/bcache/&lt;uuid&gt;</c> its btree and cache figures, per backing device <c>bdev&lt;N&gt;</c> its dirty
/// data, writeback controller and lifetime (<c>stats_total</c>) hits and misses, per cache device <c>cache&lt;N&gt;</c>
/// its errors and bytes written, and, with <c>Metrics:BcachePriorityStats</c> (node_exporter's
/// <c>--collector.bcache.priorityStats</c>), the cache's unused and metadata percentages from <c>priority_stats</c>,
/// which the kernel computes by walking every bucket (hence off by default). An absent attribute reads as 0, as in
/// procfs; a backing device without <c>writeback_rate_debug</c>, or a value that does not parse, fails the scrape.
/// No cache set is success with nothing, as in node_exporter.
/// </summary>
internal sealed class BcacheCollector(CollectorContext context, bool priorityStats) : INodeCollector
{
    public static readonly CollectorOption<bool> PriorityStatsOption = CollectorOptions.Bool(
        "Metrics:BcachePriorityStats", false, "add bcache's priority_stats percentages (expensive: the kernel walks every bucket to print them)");

    public static CollectorDescriptor Descriptor { get; } =
        new("bcache", true, [PriorityStatsOption], (context, settings) => new BcacheCollector(context, settings.Get(PriorityStatsOption)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var root = context.Paths.SysFile("fs/bcache");
        var families = new SortedFamilies();
        foreach (var uuid in KernelFile.Entries(root))
        {
            // procfs's glob "*-*": the cache sets, not the register/unregister/pendings_cleanup files beside them.
            if (uuid.Contains('-', StringComparison.Ordinal) && Directory.Exists(Path.Join(root, uuid)))
            {
                CollectSet(families, uuid, Path.Join(root, uuid));
            }
        }

        families.WriteTo(writer);
        return CollectResult.Success;
    }

    private void CollectSet(SortedFamilies families, string uuid, string dir)
    {
        void Set(string name, MetricType type, string help, double value) => families.Add($"node_bcache_{name}", type, help, value, "uuid", uuid);

        Set("average_key_size_sectors", MetricType.Gauge, "Average data per key in the btree (sectors).", Value(dir, "average_key_size"));
        Set("btree_cache_size_bytes", MetricType.Gauge, "Amount of memory currently used by the btree cache.", Value(dir, "btree_cache_size"));
        Set("cache_available_percent", MetricType.Gauge, "Percentage of cache device without dirty data, usable for writeback (may contain clean cached data).",
            Value(dir, "cache_available_percent"));
        Set("congested", MetricType.Gauge, "Congestion.", Value(dir, "congested"));
        Set("root_usage_percent", MetricType.Gauge, "Percentage of the root btree node in use (tree depth increases if too high).", Value(dir, "root_usage_percent"));
        Set("tree_depth", MetricType.Gauge, "Depth of the btree.", Value(dir, "tree_depth"));
        var internals = Path.Join(dir, "internal");
        Set("active_journal_entries", MetricType.Gauge, "Number of journal entries that are newer than the index.", Value(internals, "active_journal_entries"));
        Set("btree_nodes", MetricType.Gauge, "Total nodes in the btree.", Value(internals, "btree_nodes"));

        // The kernel's attribute is in microseconds; procfs stores it as nanoseconds and node_exporter scales by 1e-9.
        // Kept as node_exporter reports it, so dashboards and alerts built on it read the same.
        Set("btree_read_average_duration_seconds", MetricType.Gauge, "Average btree read duration.", Value(internals, "btree_read_average_duration_us") * 1e-9);
        Set("cache_read_races_total", MetricType.Counter,
            "Counts instances where while data was being read from the cache, the bucket was reused and invalidated - i.e. where the pointer was stale after the read completed.",
            Value(internals, "cache_read_races"));

        foreach (var entry in KernelFile.Entries(dir))
        {
            if (IsNumbered(entry, "bdev"))
            {
                CollectBackingDevice(families, uuid, entry, Path.Join(dir, entry));
            }
            else if (IsNumbered(entry, "cache"))
            {
                CollectCacheDevice(families, uuid, entry, Path.Join(dir, entry));
            }
        }
    }

    private static void CollectBackingDevice(SortedFamilies families, string uuid, string device, string dir)
    {
        void Add(string name, MetricType type, string help, double value) =>
            families.Add($"node_bcache_{name}", type, help, value, "backing_device", device, "uuid", uuid);

        var debugPath = Path.Join(dir, "writeback_rate_debug");
        var debug = BcacheValues.WritebackRate(KernelFile.ReadAttribute(debugPath) ?? throw new InvalidDataException($"{debugPath}: missing or unreadable"));
        Add("dirty_data_bytes", MetricType.Gauge, "Amount of dirty data for this backing device in the cache.", Value(dir, "dirty_data"));
        Add("dirty_target_bytes", MetricType.Gauge, "Current dirty data target threshold for this backing device in bytes.", debug.Target);
        Add("writeback_rate", MetricType.Gauge, "Current writeback rate for this backing device in bytes.", debug.Rate);
        Add("writeback_rate_proportional_term", MetricType.Gauge, "Current result of proportional controller, part of writeback rate", debug.Proportional);
        Add("writeback_rate_integral_term", MetricType.Gauge, "Current result of integral controller, part of writeback rate", debug.Integral);
        Add("writeback_change", MetricType.Gauge, "Last writeback rate change step for this backing device.", debug.Change);

        var total = Path.Join(dir, "stats_total");
        Add("bypassed_bytes_total", MetricType.Counter, "Amount of IO (both reads and writes) that has bypassed the cache.", Value(total, "bypassed"));
        Add("cache_hits_total", MetricType.Counter, "Hits counted per individual IO as bcache sees them.", Value(total, "cache_hits"));
        Add("cache_misses_total", MetricType.Counter, "Misses counted per individual IO as bcache sees them.", Value(total, "cache_misses"));
        Add("cache_bypass_hits_total", MetricType.Counter, "Hits for IO intended to skip the cache.", Value(total, "cache_bypass_hits"));
        Add("cache_bypass_misses_total", MetricType.Counter, "Misses for IO intended to skip the cache.", Value(total, "cache_bypass_misses"));
        Add("cache_miss_collisions_total", MetricType.Counter, "Instances where data insertion from cache miss raced with write (data already present).",
            Value(total, "cache_miss_collisions"));

        // node_exporter leaves readaheads out while they are 0 (kernels since 4.x count none).
        if (Value(total, "cache_readaheads") is var readaheads and not 0)
        {
            Add("cache_readaheads_total", MetricType.Counter, "Count of times readahead occurred.", readaheads);
        }
    }

    private void CollectCacheDevice(SortedFamilies families, string uuid, string device, string dir)
    {
        void Add(string name, MetricType type, string help, double value) =>
            families.Add($"node_bcache_{name}", type, help, value, "cache_device", device, "uuid", uuid);

        Add("io_errors", MetricType.Gauge, "Number of errors that have occurred, decayed by io_error_halflife.", Value(dir, "io_errors"));
        Add("metadata_written_bytes_total", MetricType.Counter, "Sum of all non data writes (btree writes and all other metadata).", Value(dir, "metadata_written"));
        Add("written_bytes_total", MetricType.Counter, "Sum of all data that has been written to the cache.", Value(dir, "written"));
        if (priorityStats)
        {
            var path = Path.Join(dir, "priority_stats");
            var (unused, metadata) = BcacheValues.PriorityStats(KernelFile.ReadAll(path) ?? throw new InvalidDataException($"{path}: missing or unreadable"));
            Add("priority_stats_unused_percent", MetricType.Gauge, "The percentage of the cache that doesn't contain any data.", unused);
            Add("priority_stats_metadata_percent", MetricType.Gauge, "Bcache's metadata overhead.", metadata);
        }
    }

    private static ulong Value(string dir, string file)
    {
        var path = Path.Join(dir, file);
        if (KernelFile.ReadAttribute(path) is not { } content)
        {
            return 0;
        }

        try
        {
            return BcacheValues.Attribute(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    // procfs's globs bdev[0-9]* and cache[0-9]*.
    private static bool IsNumbered(string entry, string prefix) =>
        entry.Length > prefix.Length && entry.StartsWith(prefix, StringComparison.Ordinal) && char.IsAsciiDigit(entry[prefix.Length]);
}
