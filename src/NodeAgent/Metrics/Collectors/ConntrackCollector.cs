using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's conntrack collector (collector/conntrack_linux.go, 1.12): the table size and limit from
/// <c>/proc/sys/net/netfilter/nf_conntrack_{count,max}</c> and the per-CPU statistics of
/// <c>/proc/net/stat/nf_conntrack</c> summed. Without the nf_conntrack module the files are absent: no data. As in
/// node_exporter, what was read before a missing file is still exported.
/// </summary>
internal sealed class ConntrackCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("conntrack", true, (context, _) => new ConntrackCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        if (ReadCount("sys/net/netfilter/nf_conntrack_count") is not { } count)
        {
            return CollectResult.NoData;
        }

        writer.Family("node_nf_conntrack_entries", MetricType.Gauge, "Number of currently allocated flow entries for connection tracking.");
        writer.Sample(count);

        if (ReadCount("sys/net/netfilter/nf_conntrack_max") is not { } limit)
        {
            return CollectResult.NoData;
        }

        writer.Family("node_nf_conntrack_entries_limit", MetricType.Gauge, "Maximum size of connection tracking table.");
        writer.Sample(limit);

        var statPath = context.Paths.ProcFile("net/stat/nf_conntrack");
        if (KernelFile.ReadAll(statPath) is not { } content)
        {
            return CollectResult.NoData;
        }

        ConntrackStat stat;
        try
        {
            stat = ConntrackStat.Parse(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{statPath}: {e.Message}", e);
        }

        Write(writer, "node_nf_conntrack_stat_drop", "Number of packets dropped due to conntrack failure.", stat.Drop);
        Write(writer, "node_nf_conntrack_stat_early_drop", "Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.", stat.EarlyDrop);
        Write(writer, "node_nf_conntrack_stat_found", "Number of searched entries which were successful.", stat.Found);
        Write(writer, "node_nf_conntrack_stat_ignore", "Number of packets seen which are already connected to a conntrack entry.", stat.Ignore);
        Write(writer, "node_nf_conntrack_stat_insert", "Number of entries inserted into the list.", stat.Insert);
        Write(writer, "node_nf_conntrack_stat_insert_failed", "Number of entries for which list insertion was attempted but failed.", stat.InsertFailed);
        Write(writer, "node_nf_conntrack_stat_invalid", "Number of packets seen which can not be tracked.", stat.Invalid);
        Write(writer, "node_nf_conntrack_stat_search_restart", "Number of conntrack table lookups which had to be restarted due to hashtable resizes.", stat.SearchRestart);
        return CollectResult.Success;
    }

    private static void Write(MetricWriter writer, string name, string help, ulong value)
    {
        writer.Family(name, MetricType.Gauge, help);
        writer.Sample(value);
    }

    /// <summary>node_exporter's <c>readUintFromFile</c>: a trimmed unsigned decimal; anything else is an error.</summary>
    private ulong? ReadCount(string relative)
    {
        var path = context.Paths.ProcFile(relative);
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return null;
        }

        var text = content.AsSpan().Trim(" \t\n"u8);
        return System.Buffers.Text.Utf8Parser.TryParse(text, out ulong value, out var consumed) && consumed == text.Length && !text.IsEmpty
            ? value
            : throw new InvalidDataException($"{path}: not an unsigned integer");
    }
}
