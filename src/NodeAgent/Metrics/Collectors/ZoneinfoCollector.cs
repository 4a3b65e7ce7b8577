using System.Globalization;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's zoneinfo collector (collector/zoneinfo_linux.go, 1.12; off by default): the fields procfs reads
/// from <c>/proc/zoneinfo</c> (<see cref="ZoneInfo"/>), each a family labelled <c>node</c> and <c>zone</c> (page
/// counts as the kernel prints them, not bytes), and the protection array as
/// <c>node_zoneinfo_protection_&lt;i&gt;</c>. A zone has a sample only for the fields it printed: the node-wide
/// counters (Linux 4.8+) appear on the node's first zone only, as in node_exporter. No file is "no data".
/// </summary>
internal sealed class ZoneinfoCollector(CollectorContext context) : INodeCollector
{
    // node_exporter's descriptions, indexed as ZoneInfo.FieldNames.
    private static readonly (string Name, MetricType Type, string Help)[] Families =
    [
        ("node_zoneinfo_nr_free_pages", MetricType.Gauge, "Total number of free pages in the zone"),
        ("node_zoneinfo_min_pages", MetricType.Gauge, "Zone watermark pages_min"),
        ("node_zoneinfo_low_pages", MetricType.Gauge, "Zone watermark pages_low"),
        ("node_zoneinfo_high_pages", MetricType.Gauge, "Zone watermark pages_high"),
        ("node_zoneinfo_scanned_pages", MetricType.Gauge, "Pages scanned since last reclaim"),
        ("node_zoneinfo_spanned_pages", MetricType.Gauge, "Total pages spanned by the zone, including holes"),
        ("node_zoneinfo_present_pages", MetricType.Gauge, "Physical pages existing within the zone"),
        ("node_zoneinfo_managed_pages", MetricType.Gauge, "Present pages managed by the buddy system"),
        ("node_zoneinfo_nr_active_anon_pages", MetricType.Gauge, "Number of anonymous pages recently more used"),
        ("node_zoneinfo_nr_inactive_anon_pages", MetricType.Gauge, "Number of anonymous pages recently less used"),
        ("node_zoneinfo_nr_isolated_anon_pages", MetricType.Gauge, "Temporary isolated pages from anon lru"),
        ("node_zoneinfo_nr_anon_pages", MetricType.Gauge, "Number of anonymous pages currently used by the system"),
        ("node_zoneinfo_nr_anon_transparent_hugepages", MetricType.Gauge, "Number of anonymous transparent huge pages currently used by the system"),
        ("node_zoneinfo_nr_active_file_pages", MetricType.Gauge, "Number of active pages with file-backing"),
        ("node_zoneinfo_nr_inactive_file_pages", MetricType.Gauge, "Number of inactive pages with file-backing"),
        ("node_zoneinfo_nr_isolated_file_pages", MetricType.Gauge, "Temporary isolated pages from file lru"),
        ("node_zoneinfo_nr_file_pages", MetricType.Gauge, "Number of file pages"),
        ("node_zoneinfo_nr_slab_reclaimable_pages", MetricType.Gauge, "Number of reclaimable slab pages"),
        ("node_zoneinfo_nr_slab_unreclaimable_pages", MetricType.Gauge, "Number of unreclaimable slab pages"),
        ("node_zoneinfo_nr_mlock_stack_pages", MetricType.Gauge, "mlock()ed pages found and moved off LRU"),
        ("node_zoneinfo_nr_kernel_stacks", MetricType.Gauge, "Number of kernel stacks"),
        ("node_zoneinfo_nr_mapped_pages", MetricType.Gauge, "Number of mapped pages"),
        ("node_zoneinfo_nr_dirty_pages", MetricType.Gauge, "Number of dirty pages"),
        ("node_zoneinfo_nr_writeback_pages", MetricType.Gauge, "Number of writeback pages"),
        ("node_zoneinfo_nr_unevictable_pages", MetricType.Gauge, "Number of unevictable pages"),
        ("node_zoneinfo_nr_shmem_pages", MetricType.Gauge, "Number of shmem pages (included tmpfs/GEM pages)"),
        ("node_zoneinfo_nr_dirtied_total", MetricType.Counter, "Page dirtyings since bootup"),
        ("node_zoneinfo_nr_written_total", MetricType.Counter, "Page writings since bootup"),
        ("node_zoneinfo_numa_hit_total", MetricType.Counter, "Allocated in intended node"),
        ("node_zoneinfo_numa_miss_total", MetricType.Counter, "Allocated in non intended node"),
        ("node_zoneinfo_numa_foreign_total", MetricType.Counter, "Was intended here, hit elsewhere"),
        ("node_zoneinfo_numa_interleave_total", MetricType.Counter, "Interleaver preferred this zone"),
        ("node_zoneinfo_numa_local_total", MetricType.Counter, "Allocation from local node"),
        ("node_zoneinfo_numa_other_total", MetricType.Counter, "Allocation from other node"),
    ];

    public static CollectorDescriptor Descriptor { get; } = new("zoneinfo", false, (context, _) => new ZoneinfoCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("zoneinfo");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        var zones = ZoneInfo.Parse(content);
        zones.Sort(static (a, b) => SampleOrder.Compare((a.Node, a.Zone), (b.Node, b.Zone)));

        // Families in name order: the fields' (index ≥ 0) and the protection array's (index < 0: element ~index).
        var protections = zones.Max(z => z.Protection?.Length ?? 0);
        var order = new List<(string Name, int Index)>(Families.Length + protections);
        order.AddRange(Families.Select((f, i) => (f.Name, i)));
        for (var i = 0; i < protections; i++)
        {
            order.Add(("node_zoneinfo_protection_" + i.ToString(CultureInfo.InvariantCulture), ~i));
        }

        order.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, index) in order)
        {
            if (index >= 0)
            {
                writer.Family(name, Families[index].Type, Families[index].Help);
            }
            else
            {
                writer.Family(name, MetricType.Gauge, $"Protection array {~index}. field");
            }

            foreach (var zone in zones)
            {
                var value = index >= 0 ? zone.Fields[index]
                    : zone.Protection is { } protection && ~index < protection.Length ? protection[~index] : null;
                if (value is { } present)
                {
                    writer.Sample(present, "node", zone.Node, "zone", zone.Zone);
                }
            }
        }

        return CollectResult.Success;
    }
}
