using NodeAgent.Telemetry;

namespace NodeAgent.Tailing.Journald;

/// <summary>The journal input's families on /metrics, computed at scrape time from its open files.</summary>
internal sealed class JournalMetrics(JournalInput input, JournalStatistics statistics) : IAgentMetrics
{
    public void Write(MetricWriter writer)
    {
        var tails = input.Tails;
        writer.Family("nodeagent_journal_files_open", MetricType.Gauge, "Journal files held open, archived or vacuumed ones being read to their end included.");
        writer.Sample(tails.Count);
        writer.Family("nodeagent_journal_entries_total", MetricType.Counter, "Journal entries read, by result: shipped (handed to the output) or filtered (left out by Journal:Units, or the agent's own with the console output).");
        writer.Sample(statistics.Shipped, "result", "shipped");
        writer.Sample(statistics.Filtered, "result", "filtered");
        writer.Family("nodeagent_journal_files_lost_total", MetricType.Counter, "Checkpointed journal files gone (vacuumed) when the agent started while they still held entries it had not delivered: those entries are lost.");
        writer.Sample(statistics.FilesLost);
        writer.Family("nodeagent_journal_errors_total", MetricType.Counter, "Journal problems, by reason: damaged (an entry stepped over, or a file unreadable past some point), out_of_order (an entry whose seqnum is not above the one before it), unreadable (a file that cannot be opened or read).");
        statistics.Errors.WriteSamples(writer, "reason");
    }
}
