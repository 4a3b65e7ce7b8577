using System.Buffers.Text;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's ksmd collector (collector/ksmd_linux.go, 1.12; off by default): ten files of
/// <c>&lt;sys&gt;/kernel/mm/ksm</c> (kernel Documentation/admin-guide/mm/ksm.rst), one family each, help texts from that
/// document as node_exporter has them; <c>sleep_millisecs</c> in seconds. A missing file is skipped, as in
/// node_exporter, so a kernel without KSM reports nothing and succeeds. One difference: <c>general_profit</c> (Linux
/// 6.1+) is read as signed, because it goes negative when the rmap items cost more than merging saves, and
/// node_exporter, reading it as unsigned, then fails the whole collector.
/// </summary>
internal sealed class KsmdCollector(CollectorContext context) : INodeCollector
{
    // In file-name order, which is also the families' name order.
    private static readonly (string File, string Family, MetricType Type, string Help, double Divisor)[] Files =
    [
        ("full_scans", "node_ksmd_full_scans_total", MetricType.Counter, "How many times all mergeable areas have been scanned.", 1),
        ("general_profit", "node_ksmd_general_profit_bytes", MetricType.Gauge, "How effective is KSM. ksm_saved_pages * sizeof(page) - (all_rmap_items) * sizeof(rmap_item)", 1),
        ("merge_across_nodes", "node_ksmd_merge_across_nodes", MetricType.Gauge, "Specifies if pages from different NUMA nodes can be merged.", 1),
        ("pages_shared", "node_ksmd_pages_shared", MetricType.Gauge, "How many shared pages are being used.", 1),
        ("pages_sharing", "node_ksmd_pages_sharing", MetricType.Gauge, "How many more sites are sharing them i.e. how much saved.", 1),
        ("pages_to_scan", "node_ksmd_pages_to_scan", MetricType.Gauge, "How many pages to scan before ksmd goes to sleep.", 1),
        ("pages_unshared", "node_ksmd_pages_unshared", MetricType.Gauge, "How many pages unique but repeatedly checked for merging.", 1),
        ("pages_volatile", "node_ksmd_pages_volatile", MetricType.Gauge, "How many pages changing too fast to be placed in a tree.", 1),
        ("run", "node_ksmd_run", MetricType.Gauge, "The status of ksmd. stopped = 0, running = 1", 1),
        ("sleep_millisecs", "node_ksmd_sleep_seconds", MetricType.Gauge, "How many seconds ksmd should sleep before next scan.", 1000),
    ];

    public static CollectorDescriptor Descriptor { get; } = new("ksmd", false, (context, _) => new KsmdCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var directory = context.Paths.SysFile("kernel/mm/ksm");
        foreach (var (file, family, type, help, divisor) in Files)
        {
            var path = Path.Join(directory, file);
            if (KernelFile.ReadAttribute(path) is not { } content)
            {
                continue;
            }

            var text = content.AsSpan().Trim(" \t\n\r"u8);
            var signed = file == "general_profit";
            double value;
            if (signed && Utf8Parser.TryParse(text, out long profit, out var used) && used == text.Length)
            {
                value = profit;
            }
            else if (!signed && Procfs.AsciiFields.TryParseUInt64(text, out var count))
            {
                value = count;
            }
            else
            {
                throw new InvalidDataException($"{path}: not an integer");
            }

            writer.Family(family, type, help);
            writer.Sample(value / divisor);
        }

        return CollectResult.Success;
    }
}
