using NodeAgent.Telemetry;

namespace NodeAgent.Tailing.Journald;

/// <summary>The journal input's counters, bumped by its loop and read at scrape time (<see cref="JournalMetrics"/>).</summary>
internal sealed class JournalStatistics
{
    /// <summary>The reasons of <c>nodeagent_journal_errors_total</c>, written from the start at 0.</summary>
    public static readonly string[] ErrorReasons = ["damaged", "out_of_order", "unreadable"];

    private long _shipped;
    private long _filtered;
    private long _filesLost;

    public JournalStatistics()
    {
        foreach (var reason in ErrorReasons)
        {
            Errors.Add(reason, 0);
        }
    }

    /// <summary>Entries handed to the output.</summary>
    public long Shipped => Interlocked.Read(ref _shipped);

    /// <summary>Entries read and left out (<c>Journal:Units</c>, or the agent's own with the console output).</summary>
    public long Filtered => Interlocked.Read(ref _filtered);

    /// <summary>Checkpointed files gone at start while they held entries past their checkpoint (journald vacuumed them
    /// while no agent was reading). Files, not entries: seqnums count every file of a journald together (system and
    /// user journals interleave), so a file's own unread entries are not known from them.</summary>
    public long FilesLost => Interlocked.Read(ref _filesLost);

    /// <summary>By reason: <c>damaged</c> (an entry stepped over, or a file unreadable past some point),
    /// <c>out_of_order</c> (an entry whose seqnum is not above the one before it in its file: shipped, not checkpointed),
    /// <c>unreadable</c> (a file that could not be opened or is not a journal file this agent reads).</summary>
    public LabeledCounter Errors { get; } = new();

    public void CountShipped() => Interlocked.Increment(ref _shipped);

    public void CountFiltered() => Interlocked.Increment(ref _filtered);

    public void CountFileLost() => Interlocked.Increment(ref _filesLost);
}
