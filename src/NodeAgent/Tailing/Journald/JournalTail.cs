using System.Buffers.Binary;
using NodeAgent.Delivery;
using NodeAgent.Journal;

namespace NodeAgent.Tailing.Journald;

/// <summary>What <see cref="JournalTail.Next"/> found.</summary>
internal enum JournalTailRead
{
    /// <summary>An entry.</summary>
    Entry,

    /// <summary>Every entry the file holds now has been read.</summary>
    End,

    /// <summary>The next entry is not completely written yet: try again on a later turn.</summary>
    Incomplete,

    /// <summary>An entry could not be read (damage) and was stepped over: go on with the next.</summary>
    Damaged,

    /// <summary>The file's chain of entries is damaged: nothing after this point can be reached.</summary>
    Broken,
}

/// <summary>
/// One journal file being read, as <see cref="FileTail"/> is one container log file: its reader (an open handle, so a
/// file journald renames or vacuums is still read to its end), keyed by the file's id, and the acknowledgement
/// watermark of what it handed to the output, whose "offsets" are seqnums: an entry spans [seqnum, seqnum + 1), and
/// the file has been "framed" up to one past the last seqnum read, so the watermark passes entries that were read
/// and not shipped (filtered) and stops before the first entry not yet delivered. The checkpoint is the watermark
/// less one: the seqnum of the last entry delivered, from which a restart resumes with
/// <see cref="JournalFileReader.SeekAfter"/>.
/// </summary>
internal sealed class JournalTail : IDisposable
{
    private readonly JournalFileReader _reader;

    /// <param name="resumeAfter">The seqnum after which reading starts (0: the file's first entry).</param>
    public JournalTail(JournalFileReader reader, string nodeName, ulong resumeAfter)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        Path = reader.Path;
        FileId = reader.Header.FileId;
        SeqnumId = reader.Header.SeqnumId;
        Span<byte> seqnumId = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(seqnumId, SeqnumId.High);
        BinaryPrimitives.WriteUInt64BigEndian(seqnumId[8..], SeqnumId.Low);
        IdKey = DocumentId.JournalKey(nodeName, seqnumId);
        if (resumeAfter > 0)
        {
            reader.SeekAfter(new JournalPosition(SeqnumId, resumeAfter));
        }

        LastSeen = resumeAfter;
        Acks.Reading(null, checked((long)resumeAfter + 1));
    }

    public JournalId FileId { get; }

    public JournalId SeqnumId { get; }

    /// <summary>Where the file was last found (log.file.path): a rename keeps the tail, under the new name.</summary>
    public string Path { get; set; }

    /// <summary>The key of its entries' ids: (node, seqnum id), so an entry keeps its id in whichever file it is read.</summary>
    public DocumentIdKey IdKey { get; }

    public AckWatermark Acks { get; } = new();

    /// <summary>The handle of entries shipped out of seqnum order (a damaged or odd file): never registered in
    /// <see cref="Acks"/>, whose entry of the same seqnum they could otherwise acknowledge. Nothing is ever registered
    /// here: their acknowledgements change nothing.</summary>
    public AckWatermark Unordered { get; } = new();

    /// <summary>The highest seqnum read so far (or resumed after).</summary>
    public ulong LastSeen { get; private set; }

    /// <summary>The header as the reader last read it.</summary>
    public JournalHeader Header => _reader.Header;

    /// <summary>The last entry delivered, as a checkpoint holds it: every entry up to it is acknowledged.</summary>
    public ulong Acknowledged => (ulong)Math.Max(0, Acks.Committed - 1);

    /// <summary>No longer listed in the journal directories (vacuumed, or moved away): read to its end, then closed.</summary>
    public bool Gone { get; set; }

    /// <summary>Every entry there is has been read (until more come).</summary>
    public bool AtEnd { get; private set; }

    /// <summary>Unreadable past some point: closed once its entries are delivered.</summary>
    public bool Broken { get; private set; }

    /// <summary>An entry out of seqnum order was logged (once per file).</summary>
    public bool ReportedOutOfOrder { get; set; }

    /// <summary>A damaged entry was logged (once per file).</summary>
    public bool ReportedDamage { get; set; }

    /// <summary>The last damage met, for the log.</summary>
    public JournalFormatException? Damage { get; private set; }

    /// <summary>journald writes it no more: archived (rotated), or set aside as dirty (<c>.journal~</c>).</summary>
    public bool Retired => Header.State == JournalFileState.Archived || Path.EndsWith('~') || _reader.Path.EndsWith('~');

    /// <summary>Read to its end and no more will come, or unreadable: closed once every entry is acknowledged.</summary>
    public bool Finished => Broken || (AtEnd && (Gone || Retired));

    /// <summary>The next entry. Damage is stepped over (<see cref="JournalTailRead.Damaged"/>, the exception in
    /// <see cref="Damage"/>) while the chain of entries holds, else the file is <see cref="Broken"/>. A seqnum too
    /// large to be an offset is damage too (journald's start at 1 and count up).</summary>
    public JournalTailRead Next(out JournalEntry? entry)
    {
        entry = null;
        if (Broken)
        {
            return JournalTailRead.Broken;
        }

        try
        {
            switch (_reader.TryReadNext(out entry))
            {
                case JournalReadStatus.Entry when entry!.Seqnum >= long.MaxValue:
                    Damage = new JournalFormatException(Path, $"seqnum {entry.Seqnum} is out of range", entry.Offset);
                    entry = null;
                    return JournalTailRead.Damaged;
                case JournalReadStatus.Entry:
                    AtEnd = false;
                    return JournalTailRead.Entry;
                case JournalReadStatus.End:
                    AtEnd = true;
                    return JournalTailRead.End;
                default:
                    return JournalTailRead.Incomplete;
            }
        }
        catch (JournalFormatException e)
        {
            Damage = e;
            try
            {
                _reader.SkipEntry();
                return JournalTailRead.Damaged;
            }
            catch (JournalFormatException chain)
            {
                Damage = chain;
                Broken = true;
                return JournalTailRead.Broken;
            }
        }
    }

    /// <summary>Notes an entry read: true when its seqnum is above every one before in this file (it may then be
    /// registered), false for one out of order.</summary>
    public bool Accept(ulong seqnum)
    {
        if (seqnum <= LastSeen)
        {
            return false;
        }

        LastSeen = seqnum;
        return true;
    }

    /// <summary>After a turn's entries are registered: everything up to <see cref="LastSeen"/> is read.</summary>
    public void Framed() => Acks.Reading(null, checked((long)LastSeen + 1));

    public JournalCheckpoint Checkpoint(DateTimeOffset now) =>
        new(FileId, SeqnumId, Acknowledged, Path, now) { TailSeqnum = Math.Max(Header.TailEntrySeqnum, LastSeen) };

    public void Dispose() => _reader.Dispose();
}
