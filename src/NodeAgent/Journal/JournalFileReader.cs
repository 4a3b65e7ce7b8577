using Microsoft.Win32.SafeHandles;

namespace NodeAgent.Journal;

/// <summary>
/// Reads one systemd journal file's entries in file order (the order of the global entry-array chain, which is
/// seqnum order), parsing the format itself: no journalctl, no libsystemd. Regular and compact files, keyed and
/// legacy hashes, DATA objects compressed with zstd, lz4 or xz.
/// <para>
/// journald keeps writing an online file while it is read, without locks (JOURNAL_FILE_FORMAT.md "Concurrency"): the
/// reader opens it read-only with every sharing mode, re-reads the header when it has read every entry the header
/// counted, and checks every offset, type, size and the entry's xor_hash before returning an entry. In a file that
/// may still be written (state online, and not a <c>.journal~</c>, which journald never writes again) a check that
/// fails is an entry not completely written yet: <see cref="JournalReadStatus.Incomplete"/>, and the next call tries
/// the same entry again. In any other file it is damage: <see cref="JournalFormatException"/>, and
/// <see cref="SkipEntry"/> steps over an entry that cannot be read while its chain is intact.
/// </para>
/// Not thread-safe: one reader per file per task.
/// </summary>
internal sealed partial class JournalFileReader : IDisposable
{
    private readonly JournalFileBytes _bytes;
    private readonly JournalDecompressor _decompressor = new();
    private readonly JournalReaderOptions _options;

    // Position: set by a seek, honoured on the next read: entries with a seqnum up to it (same seqnum id) are passed.
    private ulong? _after;
    private bool _seekPending;

    private JournalFileReader(string path, SafeFileHandle handle, JournalReaderOptions options)
    {
        Path = path;
        _options = options;
        _bytes = new JournalFileBytes(handle);
        Header = ReadHeader();
    }

    public string Path { get; }

    /// <summary>The header as last read (at open, and whenever the reader reached the end of what it counted).</summary>
    public JournalHeader Header { get; private set; }

    /// <summary>journald may still append to this file: it is online and not a dirty file set aside (<c>.journal~</c>).</summary>
    public bool MayStillGrow => Header.State == JournalFileState.Online && !Path.EndsWith('~');

    /// <summary>The last entry returned, or null before the first.</summary>
    public JournalPosition? Position { get; private set; }

    /// <summary>
    /// Opens <paramref name="path"/> read-only, sharing read, write and delete with journald (which renames, writes and
    /// vacuums its files), and reads its header: <see cref="JournalFormatException"/> for a file that is not a journal,
    /// is truncated inside its header, or needs a feature this reader lacks.
    /// </summary>
    public static JournalFileReader Open(string path, JournalReaderOptions? options = null)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            return new JournalFileReader(path, handle, options ?? JournalReaderOptions.Default);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads entries from the file's first one on (the default).</summary>
    public void SeekToStart()
    {
        ResetChain();
        _after = null;
        _seekPending = false;
        Position = null;
    }

    /// <summary>
    /// Reads entries after <paramref name="position"/>: those whose seqnum is greater, when the position has this
    /// file's seqnum id; from the start when it has another (the position was taken in a journal of another journald,
    /// so nothing in this file is known to be read). A position past the file's tail returns the entries appended later.
    /// </summary>
    public void SeekAfter(JournalPosition position)
    {
        SeekToStart();
        if (position.SeqnumId == Header.SeqnumId)
        {
            _after = position.Seqnum;
            _seekPending = true;
            Position = position;
        }
    }

    /// <summary>
    /// The next entry, or why there is none now (<see cref="JournalReadStatus"/>). Reaching the end of the entries the
    /// header counted re-reads the header, so an online file's new entries come on a later call, each exactly once.
    /// </summary>
    public JournalReadStatus TryReadNext(out JournalEntry? entry)
    {
        entry = null;
        try
        {
            while (true)
            {
                if (_consumed >= Header.EntryCount && !Refresh())
                {
                    return JournalReadStatus.End;
                }

                if (_seekPending)
                {
                    SkipTo(_after!.Value);
                    _seekPending = false;
                    continue;
                }

                var offset = PeekEntryOffset();
                var read = ReadEntry(offset);
                Advance(offset);
                if (_after is { } after)
                {
                    if (read.Seqnum <= after)
                    {
                        continue;
                    }

                    // Past the position once: later seqnums are not compared, so an out-of-order one is never dropped.
                    _after = null;
                }

                Position = read.Position;
                entry = read;
                return JournalReadStatus.Entry;
            }
        }
        catch (NotYetWrittenException)
        {
            // The bytes just read may be the zeros of a page journald is filling: read them again next time.
            _bytes.Invalidate();
            ForgetItems();
            return JournalReadStatus.Incomplete;
        }
    }

    /// <summary>
    /// Steps over the next entry without reading it: after <see cref="TryReadNext"/> threw
    /// <see cref="JournalFormatException"/> for a damaged entry, so the entries after it can still be read. Throws
    /// again when the entry-array chain itself is damaged: nothing after that point can be reached.
    /// </summary>
    public void SkipEntry()
    {
        _seekPending = false;
        if (_consumed < Header.EntryCount)
        {
            Advance(PeekEntryOffset());
        }
    }

    /// <summary>Re-reads the header and the file's length; true when the header counts entries not read yet.</summary>
    public bool Refresh()
    {
        var header = ReadHeader();
        if (header.FileId != Header.FileId || header.SeqnumId != Header.SeqnumId)
        {
            throw new JournalFormatException(Path, "the file's id changed: it was replaced while open");
        }

        if (header.EntryCount < Header.EntryCount)
        {
            throw new JournalFormatException(Path, $"n_entries went down from {Header.EntryCount} to {header.EntryCount}");
        }

        Header = header;
        return _consumed < header.EntryCount;
    }

    public void Dispose()
    {
        _bytes.Dispose();
        _decompressor.Dispose();
    }

    private JournalHeader ReadHeader()
    {
        Span<byte> buffer = stackalloc byte[JournalFormat.KnownHeaderSize];
        _bytes.Refresh();
        var read = _bytes.ReadFully(0, buffer);
        var header = JournalHeader.Parse(buffer[..read], Path);
        if ((ulong)_bytes.Length < header.HeaderSize)
        {
            throw new JournalFormatException(Path, $"truncated: the file has {_bytes.Length} bytes, its header alone {header.HeaderSize}");
        }

        ForgetItems();
        return header;
    }

    /// <summary>A check failed: an entry still being written in a file journald may still write, else damage.</summary>
    private Exception Damaged(string reason, ulong offset) =>
        MayStillGrow ? new NotYetWrittenException() : new JournalFormatException(Path, reason, (long)offset);

    /// <summary>Raised inside the reader only, for <see cref="JournalReadStatus.Incomplete"/>: rare (a reader racing
    /// journald's writes), so an exception costs nothing on the usual path.</summary>
    private sealed class NotYetWrittenException : Exception;
}
