using System.Collections.Frozen;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's meminfo collector (collector/meminfo_linux.go, 1.10.2+). Since 1.9 it reads /proc/meminfo through
/// prometheus/procfs' Meminfo struct, so only a fixed list of fields is exported — not every line: Hugetlb,
/// KReclaimable, FileHugePages, SecPageTables, Balloon and other newer lines are left out. Each exported field is
/// <c>node_memory_&lt;Name&gt;</c>, a gauge with HELP "Memory information field &lt;Name&gt;.", where kB lines become
/// bytes (× 1024) named <c>&lt;Key&gt;_bytes</c> with <c>(anon)</c>/<c>(file)</c> turned into <c>_anon</c>/<c>_file</c>,
/// and the unit-less HugePages_* counts keep their key.
/// </summary>
internal sealed class MeminfoCollector(CollectorContext context) : INodeCollector
{
    // /proc/meminfo key → metric suffix: the fields procfs' Meminfo has and node_exporter copies.
    private static readonly FrozenDictionary<string, string> Exported = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Active"] = "Active_bytes",
        ["Active(anon)"] = "Active_anon_bytes",
        ["Active(file)"] = "Active_file_bytes",
        ["AnonHugePages"] = "AnonHugePages_bytes",
        ["AnonPages"] = "AnonPages_bytes",
        ["Bounce"] = "Bounce_bytes",
        ["Buffers"] = "Buffers_bytes",
        ["Cached"] = "Cached_bytes",
        ["CmaFree"] = "CmaFree_bytes",
        ["CmaTotal"] = "CmaTotal_bytes",
        ["CommitLimit"] = "CommitLimit_bytes",
        ["Committed_AS"] = "Committed_AS_bytes",
        ["DirectMap1G"] = "DirectMap1G_bytes",
        ["DirectMap2M"] = "DirectMap2M_bytes",
        ["DirectMap4k"] = "DirectMap4k_bytes",
        ["Dirty"] = "Dirty_bytes",
        ["HardwareCorrupted"] = "HardwareCorrupted_bytes",
        ["Hugepagesize"] = "Hugepagesize_bytes",
        ["Inactive"] = "Inactive_bytes",
        ["Inactive(anon)"] = "Inactive_anon_bytes",
        ["Inactive(file)"] = "Inactive_file_bytes",
        ["KernelStack"] = "KernelStack_bytes",
        ["Mapped"] = "Mapped_bytes",
        ["MemAvailable"] = "MemAvailable_bytes",
        ["MemFree"] = "MemFree_bytes",
        ["MemTotal"] = "MemTotal_bytes",
        ["Mlocked"] = "Mlocked_bytes",
        ["NFS_Unstable"] = "NFS_Unstable_bytes",
        ["PageTables"] = "PageTables_bytes",
        ["Percpu"] = "Percpu_bytes",
        ["SReclaimable"] = "SReclaimable_bytes",
        ["SUnreclaim"] = "SUnreclaim_bytes",
        ["Shmem"] = "Shmem_bytes",
        ["ShmemHugePages"] = "ShmemHugePages_bytes",
        ["ShmemPmdMapped"] = "ShmemPmdMapped_bytes",
        ["Slab"] = "Slab_bytes",
        ["SwapCached"] = "SwapCached_bytes",
        ["SwapFree"] = "SwapFree_bytes",
        ["SwapTotal"] = "SwapTotal_bytes",
        ["Unevictable"] = "Unevictable_bytes",
        ["VmallocChunk"] = "VmallocChunk_bytes",
        ["VmallocTotal"] = "VmallocTotal_bytes",
        ["VmallocUsed"] = "VmallocUsed_bytes",
        ["Writeback"] = "Writeback_bytes",
        ["WritebackTmp"] = "WritebackTmp_bytes",
        ["Zswap"] = "Zswap_bytes",
        ["Zswapped"] = "Zswapped_bytes",

        // Counts, not kB: procfs has no *Bytes twin for these and node_exporter adds no suffix.
        ["HugePages_Free"] = "HugePages_Free",
        ["HugePages_Rsvd"] = "HugePages_Rsvd",
        ["HugePages_Surp"] = "HugePages_Surp",
        ["HugePages_Total"] = "HugePages_Total",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static CollectorDescriptor Descriptor { get; } = new("meminfo", true, (context, _) => new MeminfoCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("meminfo");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!MemInfo.TryParse(content, out var lines, out var bad))
        {
            throw new InvalidDataException($"{path}: malformed line \"{bad}\"");
        }

        // A repeated key keeps its last value, as procfs' struct fields do.
        var values = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (Exported.TryGetValue(line.Key, out var suffix))
            {
                values[suffix] = line.Bytes;
            }
        }

        foreach (var (suffix, value) in values)
        {
            writer.Family("node_memory_" + suffix, MetricType.Gauge, $"Memory information field {suffix}.");
            writer.Sample(value);
        }

        return CollectResult.Success;
    }
}
