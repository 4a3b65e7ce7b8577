using System.Buffers.Binary;

namespace NodeAgent.Journal;

/// <summary>
/// The global entry-array chain: the header's entry_array_offset names the first ENTRY_ARRAY, each array's
/// next_entry_array_offset the next, and n_entries how many items of the chain are written. journald appends every
/// array at the end of the file, so offsets along the chain only grow: one that does not is a loop or damage, and
/// the walk ends in at most one step per array in the file.
/// </summary>
internal sealed partial class JournalFileReader
{
    /// <summary>Items read from the current array per read: 4 KiB of compact or 8 KiB of regular offsets.</summary>
    private const int ItemsPerRead = 1024;

    private readonly ulong[] _items = new ulong[ItemsPerRead];
    private ulong _itemsFrom;
    private int _itemsCount;

    private ulong _arrayOffset;
    private ulong _arrayCapacity;
    private ulong _arrayIndex;
    private ulong _consumed;
    private ulong _lastEntryOffset;

    private int ArrayItemSize => JournalFormat.EntryArrayItemSize(Header.IsCompact);

    private void ResetChain()
    {
        _arrayOffset = 0;
        _arrayCapacity = 0;
        _arrayIndex = 0;
        _consumed = 0;
        _lastEntryOffset = 0;
        ForgetItems();
    }

    private void ForgetItems() => _itemsCount = 0;

    /// <summary>The offset of the next entry of the chain (there is one: <c>_consumed &lt; n_entries</c>), without moving past it.</summary>
    private ulong PeekEntryOffset()
    {
        if (_arrayOffset == 0)
        {
            EnterArray(Header.EntryArrayOffset);
        }

        while (_arrayIndex >= _arrayCapacity)
        {
            EnterArray(NextArrayOffset());
        }

        var item = Item(_arrayIndex);
        if (item == 0)
        {
            throw Damaged($"entry {_consumed} of the {Header.EntryCount} the header counts is not in the entry array", _arrayOffset);
        }

        if (item <= _lastEntryOffset || !JournalFormat.IsAligned(item) || item < Header.HeaderSize)
        {
            throw new JournalFormatException(Path, $"entry array item {item} is not after the previous entry ({_lastEntryOffset}) or misaligned", (long)_arrayOffset);
        }

        return item;
    }

    private void Advance(ulong entryOffset)
    {
        _lastEntryOffset = entryOffset;
        _arrayIndex++;
        _consumed++;
    }

    private void EnterArray(ulong offset)
    {
        if (offset == 0)
        {
            throw Damaged($"the entry-array chain ends after {_consumed} of the {Header.EntryCount} entries the header counts", _arrayOffset);
        }

        if (offset <= _arrayOffset || !JournalFormat.IsAligned(offset) || offset < Header.HeaderSize)
        {
            throw new JournalFormatException(Path, $"the entry-array chain goes back to offset {offset}: a loop or damage", (long)_arrayOffset);
        }

        var head = _bytes.Window((long)offset, JournalFormat.EntryArrayHeaderSize);
        if (head.Length < JournalFormat.EntryArrayHeaderSize)
        {
            throw Damaged("entry array past the end of the file (truncated)", offset);
        }

        var size = BinaryPrimitives.ReadUInt64LittleEndian(head[8..]);
        if ((JournalObjectType)head[0] != JournalObjectType.EntryArray)
        {
            throw Damaged($"object of type {head[0]} where an entry array was expected", offset);
        }

        if (size < (ulong)(JournalFormat.EntryArrayHeaderSize + ArrayItemSize) || size > (ulong)_bytes.Length - offset)
        {
            throw Damaged($"entry array of absurd size {size} (the file has {_bytes.Length} bytes)", offset);
        }

        _arrayOffset = offset;
        _arrayCapacity = (size - JournalFormat.EntryArrayHeaderSize) / (ulong)ArrayItemSize;
        _arrayIndex = 0;
        ForgetItems();
    }

    /// <summary>The current array's link to the next, read from the file: journald writes it after the fact.</summary>
    private ulong NextArrayOffset()
    {
        Span<byte> link = stackalloc byte[8];
        if (_bytes.ReadFully((long)_arrayOffset + JournalFormat.ObjectHeaderSize, link) < link.Length)
        {
            throw Damaged("entry array past the end of the file (truncated)", _arrayOffset);
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(link);
    }

    /// <summary>Item <paramref name="index"/> of the current array, read from the file in runs, never past the items
    /// the header counts (those after may not be written).</summary>
    private ulong Item(ulong index)
    {
        if (index < _itemsFrom || index >= _itemsFrom + (ulong)_itemsCount)
        {
            var counted = Math.Min(_arrayCapacity, _arrayIndex + (Header.EntryCount - _consumed));
            var count = (int)Math.Min((ulong)ItemsPerRead, counted - index);
            var itemSize = ArrayItemSize;
            Span<byte> raw = stackalloc byte[ItemsPerRead * 8];
            var bytes = raw[..(count * itemSize)];
            var read = _bytes.ReadFully((long)_arrayOffset + JournalFormat.EntryArrayHeaderSize + (long)index * itemSize, bytes);
            if (read < itemSize)
            {
                throw Damaged("entry array past the end of the file (truncated)", _arrayOffset);
            }

            count = read / itemSize;
            for (var i = 0; i < count; i++)
            {
                _items[i] = itemSize == 4
                    ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i * 4)..])
                    : BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * 8)..]);
            }

            _itemsFrom = index;
            _itemsCount = count;
        }

        return _items[(int)(index - _itemsFrom)];
    }

    /// <summary>
    /// Moves past the entries whose seqnum is at most <paramref name="seqnum"/> without reading their fields: whole
    /// arrays by their last item, then a bisection in the array that holds the position (entries are in seqnum order;
    /// the caller still passes over any entry this leaves at or before the position).
    /// </summary>
    private void SkipTo(ulong seqnum)
    {
        while (_consumed < Header.EntryCount)
        {
            if (_arrayOffset == 0 || _arrayIndex >= _arrayCapacity)
            {
                EnterArray(_arrayOffset == 0 ? Header.EntryArrayOffset : NextArrayOffset());
            }

            // The items of this array that the header counts: [_arrayIndex, end).
            var end = Math.Min(_arrayCapacity, _arrayIndex + (Header.EntryCount - _consumed));
            var last = Item(end - 1);
            if (last != 0 && EntrySeqnum(last) <= seqnum)
            {
                _consumed += end - _arrayIndex;
                _arrayIndex = end;
                _lastEntryOffset = last;
                continue;
            }

            // The first item in [low, high) whose entry's seqnum is above the position.
            var low = _arrayIndex;
            var high = end - 1;
            while (low < high)
            {
                var middle = low + (high - low) / 2;
                var item = Item(middle);
                if (item != 0 && EntrySeqnum(item) <= seqnum)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            if (low > _arrayIndex)
            {
                _lastEntryOffset = Item(low - 1);
                _consumed += low - _arrayIndex;
                _arrayIndex = low;
            }

            return;
        }
    }
}
