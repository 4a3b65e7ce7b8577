namespace NodeAgent.Journal;

/// <summary>
/// What one reader may hold in memory for one entry, whatever the file claims: a DATA object is decoded to at most
/// <see cref="MaxFieldBytes"/> ("FIELD=value" bytes; the rest is cut and the field flagged truncated) and an entry's
/// fields to at most <see cref="MaxEntryBytes"/> together. journald itself stores single fields of hundreds of
/// megabytes (systemd-coredump's COREDUMP with Storage=journal), which no log document can carry anyway.
/// </summary>
internal sealed record JournalReaderOptions
{
    public static readonly JournalReaderOptions Default = new();

    /// <summary>The least a field may be cut to: enough for any field name and the start of its value.</summary>
    public const int MinimumFieldBytes = 512;

    public int MaxFieldBytes { get; init; } = 16 * 1024 * 1024;

    public int MaxEntryBytes { get; init; } = 64 * 1024 * 1024;
}

/// <summary>What <see cref="JournalFileReader.TryReadNext"/> found.</summary>
internal enum JournalReadStatus
{
    /// <summary>An entry, complete and checked.</summary>
    Entry,

    /// <summary>Every entry the file's header counts has been read; a file that journald still writes may have more later.</summary>
    End,

    /// <summary>The next entry is linked but not completely written yet (journald's writes are not atomic for a reader
    /// of an online file): the reader stays before it; ask again later.</summary>
    Incomplete,
}
