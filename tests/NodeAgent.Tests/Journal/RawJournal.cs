using System.Buffers.Binary;
using NodeAgent.Journal;

namespace NodeAgent.Tests.Journal;

/// <summary>
/// A journal file's bytes as the tests inspect and damage them, by the format's layout (JOURNAL_FILE_FORMAT.md):
/// independent of the reader's chain walking, so a test can tell what the file really holds.
/// </summary>
internal static class RawJournal
{
    public const int StateOffset = 16;
    public const int IncompatibleFlagsOffset = 12;
    public const int CompatibleFlagsOffset = 8;
    public const int HeaderSizeOffset = 88;
    public const int ArenaSizeOffset = 96;
    public const int EntryCountOffset = 152;
    public const int EntryArrayOffsetOffset = 176;

    public static JournalHeader Header(byte[] file) => JournalHeader.Parse(file.AsSpan(0, Math.Min(file.Length, 272)), "test");

    public static ulong U64(byte[] file, long at) => BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan((int)at));

    public static void SetU64(byte[] file, long at, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan((int)at), value);

    public static void SetState(byte[] file, JournalFileState state) => file[StateOffset] = (byte)state;

    /// <summary>Every object from the header to the tail object, walked by size: (offset, type, flags, size). Zeros
    /// between objects (left where <see cref="TestJournals.Recompress"/> shrank one) are stepped over.</summary>
    public static List<(long Offset, JournalObjectType Type, byte Flags, ulong Size)> Objects(byte[] file)
    {
        var header = Header(file);
        var objects = new List<(long, JournalObjectType, byte, ulong)>();
        for (var at = (long)header.HeaderSize; at != 0 && at <= (long)header.TailObjectOffset;)
        {
            var size = U64(file, at + 8);
            if (size == 0)
            {
                at += 8;
                continue;
            }

            objects.Add((at, (JournalObjectType)file[at], file[at + 1], size));
            at += (long)((size + 7) & ~7UL);
        }

        return objects;
    }

    /// <summary>The global entry-array chain's arrays, by the header's entry_array_offset and each next link.</summary>
    public static List<long> EntryArrays(byte[] file)
    {
        var arrays = new List<long>();
        for (var at = (long)U64(file, EntryArrayOffsetOffset); at != 0; at = (long)U64(file, at + 16))
        {
            arrays.Add(at);
        }

        return arrays;
    }

    /// <summary>The offsets of the entries in chain order, as many as n_entries counts.</summary>
    public static List<long> EntryOffsets(byte[] file)
    {
        var header = Header(file);
        var itemSize = header.IsCompact ? 4 : 8;
        var entries = new List<long>();
        foreach (var array in EntryArrays(file))
        {
            var items = ((long)U64(file, array + 8) - 24) / itemSize;
            for (var i = 0; i < items && entries.Count < (long)header.EntryCount; i++)
            {
                var at = array + 24 + i * itemSize;
                entries.Add(itemSize == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)at)) : (long)U64(file, at));
            }
        }

        return entries;
    }

    /// <summary>The DATA objects item <paramref name="index"/>… of the entry at <paramref name="entry"/> refers to.</summary>
    public static long DataOffset(byte[] file, long entry, int index)
    {
        var compact = Header(file).IsCompact;
        var at = entry + 64 + index * (compact ? 4 : 16);
        return compact ? BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)at)) : (long)U64(file, at);
    }
}
