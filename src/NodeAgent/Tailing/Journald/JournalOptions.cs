using NodeAgent.Delivery;

namespace NodeAgent.Tailing.Journald;

/// <summary>
/// The <c>Journal:*</c> keys: whether the systemd journal is shipped, from which directories, which units, and into
/// which data stream. Checkpoint expiry, state directory, <c>Logs:ReadFromHead</c> and the message cap are the log
/// pipeline's (<see cref="LogsOptions"/>), shared with container files.
/// </summary>
/// <param name="Paths">Directories journald writes to (their machine-id subdirectories are read too).</param>
/// <param name="Units">Units whose entries are shipped; empty: every entry (<see cref="JournalEntryFilter"/>).</param>
/// <param name="DataStream">Where the entries go; null with <c>Elasticsearch:Index</c>, whose index takes them.</param>
internal sealed record JournalOptions(bool Enabled, IReadOnlyList<string> Paths, IReadOnlyList<string> Units, DataStreamName? DataStream)
{
    /// <summary>journald's persistent directory, and its volatile one (Storage=volatile, or auto before
    /// /var/log/journal exists).</summary>
    public static IReadOnlyList<string> DefaultPaths { get; } = ["/var/log/journal", "/run/log/journal"];

    /// <summary>The data stream of Elastic's journald integration: logs, dataset journald.logs.</summary>
    public static DataStreamName DefaultDataStream { get; } = new("logs", "journald.logs", "default");

    public static JournalOptions Disabled { get; } = new(false, DefaultPaths, [], DefaultDataStream);

    /// <summary>Leave out the agent's own entries (its systemd invocation's): with the console output, whose documents
    /// journald would take back in from a systemd unit's stdout, to be read and written again forever.</summary>
    public bool SkipOwnEntries { get; init; }
}
