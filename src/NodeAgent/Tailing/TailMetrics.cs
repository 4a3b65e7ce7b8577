using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Telemetry;

namespace NodeAgent.Tailing;

/// <summary>
/// The log pipeline's own families on /metrics, computed at scrape time from the open files, so a container that is
/// gone takes its series with it. The lag families are what no peer offers: per container, how far behind the
/// acknowledged position is, in bytes (file size minus acknowledged offset) and in seconds (now minus the read time of
/// the oldest line not yet acknowledged) — the distance kubelet's rotation must not overtake.
/// </summary>
internal sealed class TailMetrics(FileServer server, TailStatistics statistics, PodEnricher enricher, BufferBudget budget, TimeProvider time) : IAgentMetrics
{
    public void Write(MetricWriter writer)
    {
        var tails = server.Tails;
        writer.Family("nodeagent_log_files_open", MetricType.Gauge, "Log files held open, rotated ones being drained included.");
        writer.Sample(tails.Count);
        writer.Family("nodeagent_log_files_rotated", MetricType.Gauge, "Open log files whose path was rotated away, being drained.");
        writer.Sample(tails.Count(t => t.Rotated));
        writer.Family("nodeagent_log_bytes_read_total", MetricType.Counter, "Bytes read from log files.");
        writer.Sample(statistics.BytesRead);
        writer.Family("nodeagent_log_lines_read_total", MetricType.Counter, "Log messages read (partial lines joined) and handed to the output.");
        writer.Sample(statistics.LinesRead);
        writer.Family("nodeagent_log_lines_excluded_total", MetricType.Counter, "Log messages read and not shipped because their pod, container or namespace opted out (node-agent.io/exclude).");
        writer.Sample(statistics.LinesExcluded);
        writer.Family("nodeagent_log_files_metadata_timeouts_total", MetricType.Counter, "Log files whose pod metadata did not arrive within Kubernetes:MetadataWait; their first lines went with the fields the path gives.");
        writer.Sample(enricher.MetadataTimeouts);
        writer.Family("nodeagent_log_lines_flagged_total", MetricType.Counter, "Log messages shipped with a flag, by flag: truncated, partial_flushed, invalid_utf8, malformed, contains_nul.");
        foreach (var (flag, count) in statistics.Flagged.OrderBy(p => p.Key))
        {
            writer.Sample(count, "reason", FlagName(flag));
        }

        writer.Family("nodeagent_log_rotations_total", MetricType.Counter, "Log files seen rotated (renamed or deleted) while open.");
        writer.Sample(statistics.Rotations);
        writer.Family("nodeagent_log_truncations_total", MetricType.Counter, "Log files seen truncated in place (copytruncate).");
        writer.Sample(statistics.Truncations);
        writer.Family("nodeagent_log_bytes_lost_total", MetricType.Counter, "Bytes of log files closed before they were read, by reason: the only way a line is lost, and it is counted.");
        statistics.Lost.WriteSamples(writer, "reason");
        writer.Family("nodeagent_log_files_refused_total", MetricType.Counter, "Log files not opened because they are not regular files or lie outside Logs:AllowedRoots once resolved, by reason: counted once per path while it stays listed.");
        statistics.Refused.WriteSamples(writer, "reason");

        writer.Family("nodeagent_log_buffered_bytes", MetricType.Gauge, "Log bytes read but not yet acknowledged by the output.");
        writer.Sample(budget.Used);
        writer.Family("nodeagent_log_buffer_limit_bytes", MetricType.Gauge, "Logs:MaxBufferedBytes: reading pauses at this many unacknowledged bytes.");
        writer.Sample(budget.Limit);
        writer.Family("nodeagent_log_backpressure_pauses_total", MetricType.Counter, "Times reading paused because the output had not acknowledged enough.");
        writer.Sample(statistics.BackpressurePauses);

        var now = time.GetUtcNow();
        var byContainer = tails
            .GroupBy(t => (t.Fields.Pod?.Namespace ?? "", t.Fields.Pod?.PodName ?? "", t.Fields.Pod?.ContainerName ?? ""))
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, Bytes: g.Sum(t => Math.Max(0, SafeLength(t) - t.Acks.Committed)), Seconds: g.Max(t => t.OldestUnacknowledgedReadAt is { } at ? (now - at).TotalSeconds : 0)))
            .ToList();
        writer.Family("nodeagent_log_lag_bytes", MetricType.Gauge, "Per container: bytes of its log files not yet acknowledged by the output (file size minus acknowledged offset).");
        foreach (var ((ns, pod, container), bytes, _) in byContainer)
        {
            writer.Sample(bytes, "container", container, "namespace", ns, "pod", pod);
        }

        writer.Family("nodeagent_log_lag_seconds", MetricType.Gauge, "Per container: age of the oldest line read but not yet acknowledged by the output.");
        foreach (var ((ns, pod, container), _, seconds) in byContainer)
        {
            writer.Sample(seconds, "container", container, "namespace", ns, "pod", pod);
        }
    }

    private static long SafeLength(FileTail tail)
    {
        try
        {
            return tail.Length;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return tail.ReadOffset;
        }
    }

    private static string FlagName(LogFlags flag) => flag switch
    {
        LogFlags.Truncated => "truncated",
        LogFlags.PartialFlushed => "partial_flushed",
        LogFlags.InvalidUtf8 => "invalid_utf8",
        LogFlags.Malformed => "malformed",
        LogFlags.ContainsNul => "contains_nul",
        _ => flag.ToString(),
    };
}
