namespace NodeAgent.Journal;

/// <summary>
/// The journal file format's constants (systemd's docs/JOURNAL_FILE_FORMAT.md, "Header", "Objects"): little-endian
/// integers, offsets from the start of the file, every object 8-byte aligned.
/// </summary>
internal static class JournalFormat
{
    /// <summary>"LPKSHHRH", the first 8 bytes of every journal file.</summary>
    public static ReadOnlySpan<byte> Signature => "LPKSHHRH"u8;

    /// <summary>The header up to and including tail_entry_monotonic: present in every revision of the format. Fields
    /// from n_data on were added later and are read only when header_size covers them.</summary>
    public const int MinimumHeaderSize = 208;

    /// <summary>The header as systemd 254 writes it (tail_entry_offset last); a newer, longer header is read up to here.</summary>
    public const int KnownHeaderSize = 272;

    /// <summary>type, flags, 6 reserved bytes, then the object's size including this header.</summary>
    public const int ObjectHeaderSize = 16;

    /// <summary>An ENTRY object before its items: object header, seqnum, realtime, monotonic, boot_id, xor_hash.</summary>
    public const int EntryHeaderSize = ObjectHeaderSize + 8 + 8 + 8 + 16 + 8;

    /// <summary>A DATA object's payload offset: after hash, next_hash_offset, next_field_offset, entry_offset,
    /// entry_array_offset and n_entries; a compact file adds tail_entry_array_offset and tail_entry_array_n_entries.</summary>
    public const int DataPayloadOffset = ObjectHeaderSize + 6 * 8;

    public const int CompactDataPayloadOffset = DataPayloadOffset + 4 + 4;

    /// <summary>An ENTRY_ARRAY object before its items: object header and next_entry_array_offset.</summary>
    public const int EntryArrayHeaderSize = ObjectHeaderSize + 8;

    /// <summary>A regular entry item is a 64-bit data offset and the data's 64-bit hash; a compact one a 32-bit offset.</summary>
    public static int EntryItemSize(bool compact) => compact ? 4 : 16;

    /// <summary>An entry-array item is a 64-bit entry offset, or a 32-bit one in a compact file.</summary>
    public static int EntryArrayItemSize(bool compact) => compact ? 4 : 8;

    public static int DataPayloadStart(bool compact) => compact ? CompactDataPayloadOffset : DataPayloadOffset;

    public static bool IsAligned(ulong offset) => (offset & 7) == 0;
}

/// <summary>The header's incompatible_flags: a reader must refuse a file with a bit it does not know.</summary>
[Flags]
internal enum JournalIncompatibleFlags : uint
{
    None = 0,
    CompressedXz = 1 << 0,
    CompressedLz4 = 1 << 1,
    KeyedHash = 1 << 2,
    CompressedZstd = 1 << 3,
    Compact = 1 << 4,
    Known = CompressedXz | CompressedLz4 | KeyedHash | CompressedZstd | Compact,
}

/// <summary>The header's compatible_flags: unknown bits are ignored.</summary>
[Flags]
internal enum JournalCompatibleFlags : uint
{
    None = 0,
    Sealed = 1 << 0,
    TailEntryBootId = 1 << 1,
}

/// <summary>The header's state byte: journald marks a file online while it has it open for writing.</summary>
internal enum JournalFileState : byte
{
    Offline = 0,
    Online = 1,
    Archived = 2,
}

internal enum JournalObjectType : byte
{
    Unused = 0,
    Data = 1,
    Field = 2,
    Entry = 3,
    DataHashTable = 4,
    FieldHashTable = 5,
    EntryArray = 6,
    Tag = 7,
}

/// <summary>An object header's flags: at most one compression bit, on DATA objects only.</summary>
[Flags]
internal enum JournalObjectFlags : byte
{
    None = 0,
    CompressedXz = 1 << 0,
    CompressedLz4 = 1 << 1,
    CompressedZstd = 1 << 2,
    Compression = CompressedXz | CompressedLz4 | CompressedZstd,
}
