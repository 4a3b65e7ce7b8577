using System.Buffers;
using System.Buffers.Binary;

namespace NodeAgent.Journal;

/// <summary>
/// ENTRY and DATA objects. An entry's items name its DATA objects; each holds one "FIELD=value" payload, maybe
/// compressed. journald stores a payload once per file and every entry with that field refers to it, so small
/// decoded payloads are kept by offset (_SYSTEMD_UNIT, _HOSTNAME, PRIORITY… repeat in nearly every entry), and field
/// names are made into strings once.
/// </summary>
internal sealed partial class JournalFileReader
{
    /// <summary>More items than any writer puts in one entry (journald caps an entry at 1024 fields): beyond it the
    /// object's size is absurd.</summary>
    private const int MaxEntryItems = 65536;

    private const int CachedPayloadBytes = 256;
    private const int CachedPayloads = 2048;
    private const int MaxNameLength = 255;

    private readonly Dictionary<ulong, Payload> _payloads = new(CachedPayloads);
    private readonly List<(ulong Offset, Payload Payload)> _uncached = [];
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private ulong[] _dataOffsets = new ulong[64];

    /// <summary>A decoded DATA object: its field name, the whole payload, where the value starts, and the payload's
    /// Jenkins hash (0 when truncated: the hash needs every byte).</summary>
    private readonly record struct Payload(string Name, byte[] Bytes, int ValueStart, bool Truncated, ulong Hash);

    private JournalEntry ReadEntry(ulong offset)
    {
        var head = _bytes.Window((long)offset, JournalFormat.EntryHeaderSize);
        if (head.Length < JournalFormat.EntryHeaderSize)
        {
            throw Damaged("entry past the end of the file (truncated)", offset);
        }

        if ((JournalObjectType)head[0] != JournalObjectType.Entry)
        {
            throw Damaged($"object of type {head[0]} where an entry was expected", offset);
        }

        var itemSize = JournalFormat.EntryItemSize(Header.IsCompact);
        var size = BinaryPrimitives.ReadUInt64LittleEndian(head[8..]);
        var itemBytes = size - JournalFormat.EntryHeaderSize;
        if (size < JournalFormat.EntryHeaderSize || size > (ulong)_bytes.Length - offset || itemBytes % (ulong)itemSize != 0
            || itemBytes / (ulong)itemSize > MaxEntryItems)
        {
            throw Damaged($"entry of absurd size {size}", offset);
        }

        var seqnum = BinaryPrimitives.ReadUInt64LittleEndian(head[16..]);
        var realtime = BinaryPrimitives.ReadUInt64LittleEndian(head[24..]);
        var monotonic = BinaryPrimitives.ReadUInt64LittleEndian(head[32..]);
        var bootId = JournalId.Read(head[40..]);
        var xorHash = BinaryPrimitives.ReadUInt64LittleEndian(head[56..]);
        var count = (int)(itemBytes / (ulong)itemSize);
        ReadDataOffsets(offset, count, itemSize);

        var fields = new JournalField[count];
        _uncached.Clear();
        var budget = _options.MaxEntryBytes;
        var computed = 0UL;
        var complete = true;
        for (var i = 0; i < count; i++)
        {
            var payload = ReadData(_dataOffsets[i], Math.Clamp(budget, JournalReaderOptions.MinimumFieldBytes, _options.MaxFieldBytes));
            budget -= payload.Bytes.Length;
            computed ^= payload.Hash;
            complete &= !payload.Truncated;
            fields[i] = new JournalField(payload.Name, payload.Bytes.AsMemory(payload.ValueStart), payload.Truncated);
        }

        // xor_hash is the XOR of the Jenkins hash of every payload: a torn read of any of them shows here. A cut
        // payload cannot be hashed; its entry passed every structural check.
        if (complete && computed != xorHash)
        {
            throw Damaged($"entry's xor_hash {xorHash:x16} does not match its fields ({computed:x16})", offset);
        }

        // Kept only now that the entry checked out: a payload read half-written must be read again, not remembered.
        foreach (var (at, payload) in _uncached)
        {
            if (_payloads.Count >= CachedPayloads)
            {
                _payloads.Clear();
            }

            _payloads[at] = payload;
        }

        return new JournalEntry
        {
            SeqnumId = Header.SeqnumId,
            Seqnum = seqnum,
            RealtimeMicroseconds = realtime,
            MonotonicMicroseconds = monotonic,
            BootId = bootId,
            XorHash = xorHash,
            Offset = (long)offset,
            Fields = fields,
        };
    }

    private void ReadDataOffsets(ulong entryOffset, int count, int itemSize)
    {
        if (_dataOffsets.Length < count)
        {
            _dataOffsets = new ulong[Math.Max(count, _dataOffsets.Length * 2)];
        }

        var length = count * itemSize;
        var rented = length > 16 * 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            ReadOnlySpan<byte> items;
            if (rented is null)
            {
                items = _bytes.Window((long)entryOffset + JournalFormat.EntryHeaderSize, length);
            }
            else
            {
                items = rented.AsSpan(0, _bytes.ReadFully((long)entryOffset + JournalFormat.EntryHeaderSize, rented.AsSpan(0, length)));
            }

            if (items.Length < length)
            {
                throw Damaged("entry past the end of the file (truncated)", entryOffset);
            }

            for (var i = 0; i < count; i++)
            {
                // A regular item is the data offset and its hash (unused here); a compact one the offset alone.
                _dataOffsets[i] = itemSize == 4
                    ? BinaryPrimitives.ReadUInt32LittleEndian(items[(i * 4)..])
                    : BinaryPrimitives.ReadUInt64LittleEndian(items[(i * 16)..]);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The seqnum of the entry at <paramref name="offset"/>, for seeking.</summary>
    private ulong EntrySeqnum(ulong offset)
    {
        var head = _bytes.Window((long)offset, JournalFormat.EntryHeaderSize);
        if (head.Length < JournalFormat.EntryHeaderSize || (JournalObjectType)head[0] != JournalObjectType.Entry)
        {
            throw Damaged("no entry where an entry array points", offset);
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(head[16..]);
    }

    private Payload ReadData(ulong offset, int maxBytes)
    {
        if (_payloads.TryGetValue(offset, out var cached))
        {
            return cached;
        }

        var payloadStart = JournalFormat.DataPayloadStart(Header.IsCompact);
        if (!JournalFormat.IsAligned(offset) || offset < Header.HeaderSize || offset >= (ulong)_bytes.Length)
        {
            throw Damaged($"entry item points to offset {offset}, outside the file's objects ({_bytes.Length} bytes)", offset);
        }

        var head = _bytes.Window((long)offset, payloadStart);
        if (head.Length < payloadStart)
        {
            throw Damaged("data object past the end of the file (truncated)", offset);
        }

        if ((JournalObjectType)head[0] != JournalObjectType.Data)
        {
            throw Damaged($"object of type {head[0]} where a data object was expected", offset);
        }

        var codec = (JournalObjectFlags)head[1] & JournalObjectFlags.Compression;
        var size = BinaryPrimitives.ReadUInt64LittleEndian(head[8..]);
        if (size <= (ulong)payloadStart || size > (ulong)_bytes.Length - offset)
        {
            throw Damaged($"data object of absurd size {size} (the file has {_bytes.Length} bytes)", offset);
        }

        if (codec != JournalObjectFlags.None && (codec & (codec - 1)) != 0)
        {
            throw Damaged($"data object flagged with more than one compression (flags 0x{head[1]:x})", offset);
        }

        var payloadLength = size - (ulong)payloadStart;
        var take = (int)Math.Min(payloadLength, (ulong)maxBytes);
        var complete = (ulong)take == payloadLength;
        byte[] bytes;
        var truncated = !complete;
        if (codec == JournalObjectFlags.None)
        {
            bytes = ReadBytes(offset + (ulong)payloadStart, take);
        }
        else
        {
            var source = ReadBytes(offset + (ulong)payloadStart, take);
            bytes = _decompressor.Decode(codec, source, complete, maxBytes, out var cut)
                ?? throw Damaged($"data object's {codec} payload does not decode", offset);
            truncated |= cut;
        }

        var equals = bytes.AsSpan().IndexOf((byte)'=');
        if (equals <= 0 || equals > MaxNameLength)
        {
            throw Damaged("data object without a FIELD= name", offset);
        }

        var payload = new Payload(Name(bytes.AsSpan(0, equals), offset), bytes, equals + 1, truncated, truncated ? 0 : JenkinsHash.Hash64(bytes));
        if (!truncated && bytes.Length <= CachedPayloadBytes)
        {
            _uncached.Add((offset, payload));
        }

        return payload;
    }

    /// <summary><paramref name="count"/> bytes of the file at <paramref name="offset"/>, which must all be there.</summary>
    private byte[] ReadBytes(ulong offset, int count)
    {
        if (count <= 16 * 1024)
        {
            var span = _bytes.Window((long)offset, count);
            if (span.Length == count)
            {
                return span.ToArray();
            }
        }
        else
        {
            var bytes = GC.AllocateUninitializedArray<byte>(count);
            if (_bytes.ReadFully((long)offset, bytes) == count)
            {
                return bytes;
            }
        }

        throw Damaged("data object past the end of the file (truncated)", offset);
    }

    /// <summary>The field name's string, made once per name: names are ASCII, journald allows A–Z, 0–9 and _.</summary>
    private string Name(ReadOnlySpan<byte> bytes, ulong offset)
    {
        Span<char> chars = stackalloc char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] is < 0x21 or > 0x7e)
            {
                throw Damaged("data object whose field name is not printable ASCII", offset);
            }

            chars[i] = (char)bytes[i];
        }

        var lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars, out var name))
        {
            return name;
        }

        name = new string(chars);
        if (_names.Count < 4096)
        {
            _names[name] = name;
        }

        return name;
    }
}
