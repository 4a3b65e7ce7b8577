using System.Buffers.Binary;

namespace NodeAgent.Journal;

/// <summary>
/// A journal file's header (JOURNAL_FILE_FORMAT.md "Header"), as far as a sequential reader needs it. Fields that a
/// header of <see cref="HeaderSize"/> bytes does not cover (added after systemd 187) read as 0.
/// </summary>
internal sealed record JournalHeader
{
    public required JournalCompatibleFlags CompatibleFlags { get; init; }

    public required JournalIncompatibleFlags IncompatibleFlags { get; init; }

    public required JournalFileState State { get; init; }

    public required JournalId FileId { get; init; }

    public required JournalId MachineId { get; init; }

    public required JournalId TailEntryBootId { get; init; }

    /// <summary>The id under which this file's seqnums count: every file of one journald instance shares it.</summary>
    public required JournalId SeqnumId { get; init; }

    public required ulong HeaderSize { get; init; }

    public required ulong ArenaSize { get; init; }

    public required ulong TailObjectOffset { get; init; }

    public required ulong ObjectCount { get; init; }

    /// <summary>n_entries: how many entries the global entry-array chain links; journald raises it only after the
    /// entry and its array item are written.</summary>
    public required ulong EntryCount { get; init; }

    public required ulong HeadEntrySeqnum { get; init; }

    public required ulong TailEntrySeqnum { get; init; }

    /// <summary>The first ENTRY_ARRAY of the global chain, 0 while the file has no entry.</summary>
    public required ulong EntryArrayOffset { get; init; }

    public required ulong HeadEntryRealtime { get; init; }

    public required ulong TailEntryRealtime { get; init; }

    public required ulong TailEntryMonotonic { get; init; }

    /// <summary>n_entry_arrays (systemd 189 on), 0 in an older header.</summary>
    public required ulong EntryArrayCount { get; init; }

    /// <summary>Entry items and entry-array items are 32-bit offsets, and DATA objects 8 bytes longer (systemd 252 on).</summary>
    public bool IsCompact => (IncompatibleFlags & JournalIncompatibleFlags.Compact) != 0;

    /// <summary>The hash tables use siphash24 keyed by the file id instead of Jenkins lookup3. Only lookups by hash
    /// need to know; reading entries in order does not.</summary>
    public bool IsKeyedHash => (IncompatibleFlags & JournalIncompatibleFlags.KeyedHash) != 0;

    /// <summary>Where the used part of the file ends: header_size + arena_size.</summary>
    public ulong ArenaEnd => HeaderSize + ArenaSize;

    /// <summary>
    /// The header in <paramref name="bytes"/> (the file's first bytes, at least <see cref="JournalFormat.MinimumHeaderSize"/>),
    /// or <see cref="JournalFormatException"/> for a file that is not a journal or needs a feature this reader lacks.
    /// </summary>
    public static JournalHeader Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < JournalFormat.Signature.Length || !bytes[..JournalFormat.Signature.Length].SequenceEqual(JournalFormat.Signature))
        {
            throw new JournalFormatException(path, "not a journal file: bad signature (expected LPKSHHRH)");
        }

        if (bytes.Length < JournalFormat.MinimumHeaderSize)
        {
            throw new JournalFormatException(path, $"truncated header: {bytes.Length} bytes, a journal header has at least {JournalFormat.MinimumHeaderSize}");
        }

        var incompatible = (JournalIncompatibleFlags)BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        if ((incompatible & ~JournalIncompatibleFlags.Known) != 0)
        {
            // The format's rule: an unknown incompatible bit means the file cannot be read correctly without it.
            throw new JournalFormatException(path, $"unknown incompatible flags 0x{(uint)(incompatible & ~JournalIncompatibleFlags.Known):x} (written by a newer systemd)");
        }

        var headerSize = U64(bytes, 88);
        if (headerSize < JournalFormat.MinimumHeaderSize || !JournalFormat.IsAligned(headerSize))
        {
            throw new JournalFormatException(path, $"invalid header_size {headerSize}");
        }

        var state = bytes[16];
        if (state > (byte)JournalFileState.Archived)
        {
            throw new JournalFormatException(path, $"invalid state {state}");
        }

        // Fields past the minimal header exist only when header_size covers them, and only in the bytes read.
        var covered = (int)Math.Min(headerSize, (ulong)bytes.Length);
        return new JournalHeader
        {
            CompatibleFlags = (JournalCompatibleFlags)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]),
            IncompatibleFlags = incompatible,
            State = (JournalFileState)state,
            FileId = JournalId.Read(bytes[24..]),
            MachineId = JournalId.Read(bytes[40..]),
            TailEntryBootId = JournalId.Read(bytes[56..]),
            SeqnumId = JournalId.Read(bytes[72..]),
            HeaderSize = headerSize,
            ArenaSize = U64(bytes, 96),
            TailObjectOffset = U64(bytes, 136),
            ObjectCount = U64(bytes, 144),
            EntryCount = U64(bytes, 152),
            TailEntrySeqnum = U64(bytes, 160),
            HeadEntrySeqnum = U64(bytes, 168),
            EntryArrayOffset = U64(bytes, 176),
            HeadEntryRealtime = U64(bytes, 184),
            TailEntryRealtime = U64(bytes, 192),
            TailEntryMonotonic = U64(bytes, 200),
            EntryArrayCount = covered >= 240 ? U64(bytes, 232) : 0,
        };
    }

    private static ulong U64(ReadOnlySpan<byte> bytes, int at) => BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]);
}
