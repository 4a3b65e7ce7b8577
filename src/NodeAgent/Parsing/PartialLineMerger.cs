using System.Buffers;
using System.Text.Unicode;
using System.Text;
using NodeAgent.Delivery;

namespace NodeAgent.Parsing;

/// <summary>
/// Joins the pieces of one message per stream: CRI <c>P</c> lines until the <c>F</c> (kubelet's CRI log format:
/// partial lines join per stream, so stdout and stderr may interleave), docker json-file pieces until one ends in
/// '\n', and the pieces of a physical line the framer split at <c>Logs:MaxLineBytes</c>.
/// <list type="bullet">
/// <item>The joined message is capped at <c>maxMessageBytes</c>: the excess is dropped and the record flagged
/// <see cref="LogFlags.Truncated"/>, cut back to a UTF-8 character boundary so the cut itself never makes it invalid.
/// The message stays pending until its end comes, so one record covers every byte of it and the watermark moves past
/// it in one step.</item>
/// <item>The record starts at the first piece's offset and ends at the last piece's (DELIVERY.md rule 2: while it is
/// pending, <see cref="OldestPendingStart"/> holds the watermark before its first piece).</item>
/// <item>Its timestamp is the first piece's: when the application began writing the line, the time that belongs
/// with the start offset and with the lag of the oldest unacknowledged byte.</item>
/// <item>No clock inside: a pending message is stamped by the first <see cref="FlushStale"/> call that sees its
/// latest piece, and flushed by a later call once <c>partialTimeout</c> has passed on the caller's clock. The flush
/// can come late by one call interval, never early, and the caller's clock (a test's included) is the only one.</item>
/// <item>A pending message lives in one pooled buffer, rented at its first piece and returned when it is emitted;
/// a message that is whole in one piece goes straight to its record, whose bytes are copied into the file's
/// <see cref="RecordArena"/>: nothing is allocated per line.</item>
/// </list>
/// </summary>
internal sealed class PartialLineMerger : IDisposable
{
    /// <summary>A partial message whose end has not come in this long is shipped as it is (issue 4: 5 s).</summary>
    public static readonly TimeSpan DefaultPartialTimeout = TimeSpan.FromSeconds(5);

    private const int FirstBufferBytes = 4096;

    private readonly int _maxMessageBytes;
    private readonly TimeSpan _partialTimeout;
    private readonly Slot[] _slots = [new(), new()]; // indexed by LogStream
    private readonly RecordArena _arena;
    private readonly bool _ownsArena;

    /// <param name="arena">Where records' bytes go (the file's, shared by its mergers); null: one of its own.</param>
    public PartialLineMerger(int maxMessageBytes, TimeSpan partialTimeout, RecordArena? arena = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(partialTimeout, TimeSpan.Zero);
        _maxMessageBytes = maxMessageBytes;
        _partialTimeout = partialTimeout;
        _ownsArena = arena is null;
        _arena = arena ?? new RecordArena();
    }

    /// <summary>The start offset of the oldest message still waiting for pieces, or null when none is.</summary>
    public long? OldestPendingStart
    {
        get
        {
            long? oldest = null;
            foreach (var slot in _slots)
            {
                if (slot.Active && (oldest is null || slot.Start < oldest))
                {
                    oldest = slot.Start;
                }
            }

            return oldest;
        }
    }

    /// <summary>Bytes of messages waiting for their end (what this merger holds in memory, for the buffer budget).</summary>
    public int PendingBytes => _slots[0].Message.Length + _slots[1].Message.Length;

    public bool IsPending(LogStream stream) => _slots[(int)stream].Active;

    /// <summary>
    /// Adds one piece of a <paramref name="stream"/>'s message; with <paramref name="last"/> the message is complete
    /// and its record goes to <paramref name="output"/>. <paramref name="timestamp"/> is used only when the piece
    /// starts a message. <paramref name="flags"/> (for example Malformed) are kept for the whole message.
    /// </summary>
    public void Add(LogStream stream, ReadOnlySpan<byte> timestamp, ReadOnlySpan<byte> piece, long startOffset, long endOffset, bool last, LogFlags flags, ICollection<LogRecord> output)
    {
        var slot = _slots[(int)stream];
        if (!slot.Active)
        {
            if (last)
            {
                // Whole in one piece, the common case: no buffer, one copy.
                if (piece.Length > _maxMessageBytes)
                {
                    piece = piece[..CharacterBoundary(piece[.._maxMessageBytes])];
                    flags |= LogFlags.Truncated;
                }

                output.Add(Record(timestamp, stream, piece, startOffset, endOffset, flags));
                return;
            }

            slot.Begin(timestamp, startOffset);
        }

        slot.Append(piece, _maxMessageBytes);
        slot.End = endOffset;
        slot.Flags |= flags;
        slot.Fresh = true;
        if (last)
        {
            Emit(stream, LogFlags.None, output);
        }
    }

    /// <summary>
    /// Emits, flagged <see cref="LogFlags.PartialFlushed"/>, every pending message whose latest piece has been seen by
    /// an earlier call at least the partial timeout before <paramref name="now"/>. Call it only when the file has been
    /// read to its end: pieces still unread on disk are not late.
    /// </summary>
    public void FlushStale(DateTimeOffset now, ICollection<LogRecord> output)
    {
        foreach (var stream in OldestFirst())
        {
            var slot = _slots[(int)stream];
            if (slot.Fresh || slot.LastSeen is null)
            {
                slot.LastSeen = now;
                slot.Fresh = false;
            }
            else if (now - slot.LastSeen.Value >= _partialTimeout)
            {
                Emit(stream, LogFlags.PartialFlushed, output);
            }
        }
    }

    /// <summary>Emits every pending message now, flagged <see cref="LogFlags.PartialFlushed"/>: the file was read to
    /// its end and is being closed (rotated or deleted), so no further piece can come.</summary>
    public void FlushAll(ICollection<LogRecord> output)
    {
        foreach (var stream in OldestFirst())
        {
            Emit(stream, LogFlags.PartialFlushed, output);
        }
    }

    /// <summary>Returns the pooled buffers of pending messages, which are dropped (the file will be read again from
    /// its watermark, which has not passed them).</summary>
    public void Dispose()
    {
        foreach (var slot in _slots)
        {
            slot.Reset();
        }

        if (_ownsArena)
        {
            _arena.Dispose();
        }
    }

    // The pending streams, the one with the older first piece first, so records come out in file order.
    private LogStream[] OldestFirst()
    {
        bool stdout = _slots[0].Active, stderr = _slots[1].Active;
        return (stdout, stderr) switch
        {
            (true, true) => _slots[0].Start <= _slots[1].Start ? Both : BothReversed,
            (true, false) => OnlyStdout,
            (false, true) => OnlyStderr,
            _ => [],
        };
    }

    private static readonly LogStream[] Both = [LogStream.Stdout, LogStream.Stderr];
    private static readonly LogStream[] BothReversed = [LogStream.Stderr, LogStream.Stdout];
    private static readonly LogStream[] OnlyStdout = [LogStream.Stdout];
    private static readonly LogStream[] OnlyStderr = [LogStream.Stderr];

    private void Emit(LogStream stream, LogFlags extra, ICollection<LogRecord> output)
    {
        var slot = _slots[(int)stream];
        var message = slot.Message;
        var flags = slot.Flags | extra;
        if (slot.Dropped)
        {
            message = message[..CharacterBoundary(message)];
            flags |= LogFlags.Truncated;
        }

        output.Add(Record(slot.Timestamp, stream, message, slot.Start, slot.End, flags));
        slot.Reset();
    }

    private LogRecord Record(ReadOnlySpan<byte> timestamp, LogStream stream, ReadOnlySpan<byte> message, long start, long end, LogFlags flags)
    {
        if (message.Contains((byte)0))
        {
            flags |= LogFlags.ContainsNul;
        }

        if (!Utf8.IsValid(message))
        {
            flags |= LogFlags.InvalidUtf8;
        }

        // The timestamp was checked to be ASCII (CriParser.IsTimestamp) or is empty.
        return new LogRecord(_arena.Copy(timestamp), stream, _arena.Copy(message), start, end, flags);
    }

    /// <summary>The length of <paramref name="text"/> without a UTF-8 sequence cut short at its end (what a cap in the
    /// middle of a character leaves); anything else, invalid bytes included, is kept as it is.</summary>
    internal static int CharacterBoundary(ReadOnlySpan<byte> text)
    {
        for (var back = 1; back <= Math.Min(3, text.Length); back++)
        {
            var b = text[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: look further back for its lead byte
            }

            var needed = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return needed > back ? text.Length - back : text.Length;
        }

        return text.Length;
    }

    private sealed class Slot
    {
        private byte[]? _buffer;
        private int _length;
        private readonly byte[] _timestamp = new byte[CriParser.MaxTimestampLength];
        private int _timestampLength;

        public bool Active { get; private set; }

        public long Start { get; private set; }

        public long End { get; set; }

        public LogFlags Flags { get; set; }

        /// <summary>Bytes beyond the cap were dropped.</summary>
        public bool Dropped { get; private set; }

        /// <summary>A piece came since the last FlushStale.</summary>
        public bool Fresh { get; set; }

        public DateTimeOffset? LastSeen { get; set; }

        public ReadOnlySpan<byte> Message => _buffer.AsSpan(0, _length);

        public ReadOnlySpan<byte> Timestamp => _timestamp.AsSpan(0, _timestampLength);

        public void Begin(ReadOnlySpan<byte> timestamp, long start)
        {
            Active = true;
            Start = start;
            // Timestamps come checked (at most MaxTimestampLength); anything longer is not one.
            _timestampLength = timestamp.Length <= _timestamp.Length ? timestamp.Length : 0;
            timestamp[.._timestampLength].CopyTo(_timestamp);
        }

        public void Append(ReadOnlySpan<byte> piece, int max)
        {
            var room = max - _length;
            if (piece.Length > room)
            {
                piece = piece[..room];
                Dropped = true;
            }

            if (piece.IsEmpty)
            {
                return;
            }

            var needed = _length + piece.Length;
            if (_buffer is null || _buffer.Length < needed)
            {
                // Grow geometrically up to the cap: a message of n bytes costs O(n) copies and few rentals.
                var size = Math.Min(max, Math.Max(needed, Math.Max(FirstBufferBytes, (_buffer?.Length ?? 0) * 2)));
                var larger = ArrayPool<byte>.Shared.Rent(size);
                if (_buffer is not null)
                {
                    _buffer.AsSpan(0, _length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(_buffer);
                }

                _buffer = larger;
            }

            piece.CopyTo(_buffer.AsSpan(_length));
            _length = needed;
        }

        public void Reset()
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }

            _length = 0;
            _timestampLength = 0;
            Active = false;
            Dropped = false;
            Fresh = false;
            LastSeen = null;
            Flags = LogFlags.None;
            Start = 0;
            End = 0;
        }
    }
}
