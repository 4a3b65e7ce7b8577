using System.Buffers;

namespace NodeAgent.Delivery;

/// <summary>
/// The acknowledgement watermark of one file identity (DELIVERY.md rule 2): records are registered as they are handed
/// to the output and acknowledged in any order; <see cref="Committed"/> is the offset below which every line is
/// delivered, the only offset a checkpoint may hold. A joined partial message (CRI <c>P</c>…<c>F</c>, docker pieces)
/// is one record that starts at its first piece, and other records (the other stream's lines) may be registered
/// before it although they start after it: so the reader also reports the start of the partial message it still
/// holds, and the watermark stays at or before it.
/// <para>
/// Protocol, per framing step: <see cref="Register"/> the records it produced, then report <see cref="Reading"/>.
/// Committed is computed on demand from the current state (never stored), so a record registered behind it after a
/// <see cref="Reading"/> that already covered it pulls it back: correct again, but a checkpoint taken in between
/// would have been too far, which is why the order matters when another thread reads Committed. One instance per
/// identity: a file truncated in place is a new identity and gets a new watermark, since its offsets start over.
/// </para>
/// <para>
/// Unacknowledged records sit in one array sorted by start: appended in the common case (records come in file
/// order), inserted by binary search when a joined message lands behind later records (rare, and near the end),
/// looked up by binary search on acknowledgement, and dropped from the front once acknowledged. A burst grows the
/// array with arrays rented from the shared pool, given back as soon as the last record is acknowledged: a thousand
/// files that each read a few hundred lines at once otherwise kept 8 KiB each until they were read again, which
/// during a backlog was the largest live object of the heap (dotnet-gcdump while shipping over 1,000 files). No
/// allocation per record. Lock-based: the reader registers, output threads acknowledge, the checkpointer and the
/// metrics read.
/// </para>
/// </summary>
internal sealed class AckWatermark
{
    private readonly Lock _lock = new();

    // Entries [_head, _tail) sorted by start; acknowledged ones stay until everything before them is acknowledged.
    private const int InitialCapacity = 16;

    // Owned and kept: what a file in its steady state needs. _entries is it, or an array rented for a burst.
    private readonly Entry[] _small = new Entry[InitialCapacity];
    private Entry[] _entries;
    private int _head;
    private int _tail;
    private int _unacknowledged;
    private long? _pendingStart;
    private long _framedUpTo;

    public AckWatermark() => _entries = _small;

    /// <summary>How many entries the array in use holds (tests: a burst's array is given back).</summary>
    internal int Capacity
    {
        get
        {
            lock (_lock)
            {
                return _entries.Length;
            }
        }
    }

    /// <summary>The offset below which every line is acknowledged: the smallest start among unacknowledged records
    /// and the pending partial message, else how far the file has been framed.</summary>
    public long Committed
    {
        get
        {
            lock (_lock)
            {
                var committed = _framedUpTo;
                if (_head < _tail)
                {
                    // The front entry is never acknowledged: acknowledged fronts are dropped at once.
                    committed = Math.Min(committed, _entries[_head].Start);
                }

                return _pendingStart is { } pending ? Math.Min(committed, pending) : committed;
            }
        }
    }

    /// <summary>How many registered records are not acknowledged yet.</summary>
    public int Unacknowledged
    {
        get
        {
            lock (_lock)
            {
                return _unacknowledged;
            }
        }
    }

    /// <summary>The start of the earliest unacknowledged record, or -1 when every registered record is acknowledged.
    /// (The pending partial message is not a record yet: it is not counted here.)</summary>
    public long OldestUnacknowledgedStart
    {
        get
        {
            lock (_lock)
            {
                return _head < _tail ? _entries[_head].Start : -1;
            }
        }
    }

    /// <summary>How far the file has been framed, as last reported by <see cref="Reading"/>.</summary>
    public long FramedUpTo
    {
        get
        {
            lock (_lock)
            {
                return _framedUpTo;
            }
        }
    }

    /// <summary>A record spanning [<paramref name="start"/>, <paramref name="end"/>) was handed to the output. Starts
    /// are unique per identity: each physical line belongs to one record, and a record is named by its first.</summary>
    public void Register(long start, long end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        lock (_lock)
        {
            EnsureRoom();
            var at = _tail;
            if (_head < _tail && _entries[_tail - 1].Start >= start)
            {
                var found = Array.BinarySearch(_entries, _head, _tail - _head, new Entry(start, false), EntryComparer.Instance);
                if (found >= 0)
                {
                    throw new InvalidOperationException($"a record starting at {start} is already registered: starts are unique per file identity");
                }

                at = ~found;
            }

            Array.Copy(_entries, at, _entries, at + 1, _tail - at);
            _entries[at] = new Entry(start, false);
            _tail++;
            _unacknowledged++;
        }
    }

    /// <summary>The record starting at <paramref name="start"/> is delivered. False when no unacknowledged record
    /// starts there (acknowledged twice, or never registered).</summary>
    public bool Acknowledge(long start)
    {
        lock (_lock)
        {
            var found = Array.BinarySearch(_entries, _head, _tail - _head, new Entry(start, false), EntryComparer.Instance);
            if (found < 0 || _entries[found].Acknowledged)
            {
                return false;
            }

            _entries[found] = _entries[found] with { Acknowledged = true };
            _unacknowledged--;
            while (_head < _tail && _entries[_head].Acknowledged)
            {
                _head++;
            }

            if (_head == _tail)
            {
                _head = _tail = 0;
                GiveBackBurstArray();
            }

            return true;
        }
    }

    /// <summary>
    /// How far reading got: every line before <paramref name="framedUpTo"/> has been framed and is either in a
    /// registered record or in the partial message that starts at <paramref name="oldestPendingStart"/> (null when
    /// none is held). <paramref name="framedUpTo"/> never goes back (throws if it does: a truncated file is a new
    /// identity with a new watermark).
    /// </summary>
    public void Reading(long? oldestPendingStart, long framedUpTo)
    {
        lock (_lock)
        {
            if (framedUpTo < _framedUpTo)
            {
                throw new ArgumentOutOfRangeException(nameof(framedUpTo), framedUpTo, $"the framed offset went back from {_framedUpTo}: a truncated file needs a new watermark");
            }

            if (oldestPendingStart is { } pending && (pending < 0 || pending > framedUpTo))
            {
                throw new ArgumentOutOfRangeException(nameof(oldestPendingStart), pending, $"a pending message starts within the framed bytes [0, {framedUpTo})");
            }

            _pendingStart = oldestPendingStart;
            _framedUpTo = framedUpTo;

            if (_head == _tail)
            {
                _head = _tail = 0;
                GiveBackBurstArray();
            }
        }
    }

    /// <summary>Nothing in flight: an array rented for a burst goes back to the pool (called under the lock).</summary>
    private void GiveBackBurstArray()
    {
        if (!ReferenceEquals(_entries, _small))
        {
            ArrayPool<Entry>.Shared.Return(_entries);
            _entries = _small;
        }
    }

    private void EnsureRoom()
    {
        if (_tail < _entries.Length)
        {
            return;
        }

        // Full at the end: slide the live entries to the front, or grow when more than half the array is live.
        var live = _tail - _head;
        var target = live * 2 > _entries.Length ? ArrayPool<Entry>.Shared.Rent(_entries.Length * 2) : _entries;
        Array.Copy(_entries, _head, target, 0, live);
        if (!ReferenceEquals(target, _entries) && !ReferenceEquals(_entries, _small))
        {
            ArrayPool<Entry>.Shared.Return(_entries);
        }

        _entries = target;
        _head = 0;
        _tail = live;
    }

    private readonly record struct Entry(long Start, bool Acknowledged);

    private sealed class EntryComparer : IComparer<Entry>
    {
        public static readonly EntryComparer Instance = new();

        public int Compare(Entry x, Entry y) => x.Start.CompareTo(y.Start);
    }
}
