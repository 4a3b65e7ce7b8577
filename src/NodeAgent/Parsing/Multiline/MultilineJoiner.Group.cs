using System.Buffers;
using NodeAgent.Delivery;

namespace NodeAgent.Parsing.Multiline;

internal sealed partial class MultilineJoiner
{
    /// <summary>
    /// One stream's pending trace: its lines joined by '\n' in one pooled buffer (rented at its first line, returned
    /// when it ends), the confirmed prefix, and the lines after it that wait for confirmation with what each needs to
    /// become a record of its own again (offsets, flags, timestamp).
    /// </summary>
    private sealed class Group
    {
        /// <summary>The grammars of the rule, plus those a logger's line hands over to: at most twice the languages.</summary>
        public const int MaxCandidates = 16;

        /// <summary>Room for one line's timestamp (CRI's are at most <see cref="CriParser.MaxTimestampLength"/>).</summary>
        private const int TimestampBytes = 64;

        private const int FirstBufferBytes = 4096;

        private readonly byte[] _firstTimestamp = new byte[TimestampBytes];
        private readonly byte[] _timestamps = new byte[MaxUnconfirmedLines * TimestampBytes];
        private readonly Line[] _unconfirmed = new Line[MaxUnconfirmedLines];
        private byte[]? _buffer;
        private int _firstTimestampLength;

        public Candidate[] Candidates { get; } = new Candidate[MaxCandidates];

        public int CandidateCount { get; private set; }

        /// <summary>The trace's first line is a logger's error line, and the trace's header has not come yet.</summary>
        public bool AfterLogger { get; private set; }

        public long Start { get; private set; }

        /// <summary>Bytes held: every line so far and the newlines between them.</summary>
        public int Length { get; private set; }

        /// <summary>A line has confirmed the trace: the lines up to it are joined whatever comes next.</summary>
        public bool Confirmed { get; private set; }

        public ReadOnlySpan<byte> ConfirmedMessage => _buffer.AsSpan(0, _confirmedLength);

        public long ConfirmedEnd { get; private set; }

        public LogFlags ConfirmedFlags { get; private set; }

        /// <summary>The last confirmed line did not fit under the cap and was cut.</summary>
        public bool Cut { get; private set; }

        public ReadOnlySpan<byte> FirstTimestamp => _firstTimestamp.AsSpan(0, _firstTimestampLength);

        public int UnconfirmedCount { get; private set; }

        /// <summary>A line came since the last FlushStale.</summary>
        public bool Fresh { get; set; }

        public DateTimeOffset? LastSeen { get; set; }

        private int _confirmedLength;

        public void Begin(in LogRecord record, ReadOnlySpan<Candidate> candidates, bool afterLogger, int max)
        {
            Start = record.StartOffset;
            _firstTimestampLength = Keep(record.Timestamp.Span, _firstTimestamp);
            Write(record.Message.Span, max);
            _unconfirmed[0] = Held(record, 0);
            UnconfirmedCount = 1;
            SetCandidates(candidates);
            AfterLogger = afterLogger;
            Fresh = true;
            LastSeen = null;
        }

        public void SetCandidates(ReadOnlySpan<Candidate> candidates)
        {
            candidates.CopyTo(Candidates);
            CandidateCount = candidates.Length;
            AfterLogger = false;
        }

        /// <summary>Adds a line after '\n'; false when it did not fit under <paramref name="max"/> and was cut (only a
        /// confirming line is ever cut: the caller checks that a tentative one fits).</summary>
        public bool Append(in LogRecord record, bool confirms, int max)
        {
            var line = record.Message.Span;
            var fits = Length + 1 + line.Length <= max;
            if (!fits)
            {
                // What fits of it, if a byte of it does; the record still spans the whole line.
                line = line[..Math.Max(0, max - Length - 1)];
                Cut = true;
            }

            var offset = Length;
            if (!line.IsEmpty || fits)
            {
                Write("\n"u8, max);
                offset = Length;
                Write(line, max);
            }

            if (confirms)
            {
                foreach (var held in _unconfirmed.AsSpan(0, UnconfirmedCount))
                {
                    ConfirmedFlags |= held.Flags;
                }

                ConfirmedFlags |= record.Flags;
                Confirmed = true;
                _confirmedLength = Length;
                ConfirmedEnd = record.EndOffset;
                UnconfirmedCount = 0;
            }
            else
            {
                _unconfirmed[UnconfirmedCount] = Held(record, offset);
                UnconfirmedCount++;
            }

            return fits;
        }

        /// <summary>The <paramref name="index"/>th line waiting for confirmation, as the record it came as (its bytes
        /// in this group's buffers: valid until <see cref="Release"/>).</summary>
        public LogRecord Unconfirmed(int index, LogStream stream)
        {
            var line = _unconfirmed[index];
            var slot = (line.Slot * TimestampBytes);
            return new LogRecord(
                new ReadOnlyMemory<byte>(_timestamps, slot, line.TimestampLength),
                stream,
                new ReadOnlyMemory<byte>(_buffer!, line.Offset, line.Length),
                line.Start,
                line.End,
                line.Flags);
        }

        /// <summary>Returns the buffer and forgets the trace; the group can begin another.</summary>
        public void Release()
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }

            Length = 0;
            _confirmedLength = 0;
            _firstTimestampLength = 0;
            UnconfirmedCount = 0;
            CandidateCount = 0;
            AfterLogger = false;
            Confirmed = false;
            Cut = false;
            ConfirmedFlags = LogFlags.None;
            ConfirmedEnd = 0;
            Start = 0;
            Fresh = false;
            LastSeen = null;
        }

        private Line Held(in LogRecord record, int offset)
        {
            var slot = UnconfirmedCount;
            var length = Keep(record.Timestamp.Span, _timestamps.AsSpan(slot * TimestampBytes, TimestampBytes));
            return new Line(offset, record.Message.Length, record.StartOffset, record.EndOffset, record.Flags, slot, length);
        }

        /// <summary>Copies a timestamp into its room; one too long for it is no timestamp the formats write, and is dropped.</summary>
        private static int Keep(ReadOnlySpan<byte> timestamp, Span<byte> room)
        {
            if (timestamp.Length > room.Length)
            {
                return 0;
            }

            timestamp.CopyTo(room);
            return timestamp.Length;
        }

        private void Write(ReadOnlySpan<byte> bytes, int max)
        {
            var needed = Length + bytes.Length;
            if (_buffer is null || _buffer.Length < needed)
            {
                // Geometric growth up to the cap: a trace of n bytes costs O(n) copies and few rentals.
                var size = Math.Max(needed, Math.Min(max, Math.Max(FirstBufferBytes, (_buffer?.Length ?? 0) * 2)));
                var larger = ArrayPool<byte>.Shared.Rent(size);
                if (_buffer is not null)
                {
                    _buffer.AsSpan(0, Length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(_buffer);
                }

                _buffer = larger;
            }

            bytes.CopyTo(_buffer.AsSpan(Length));
            Length = needed;
        }

        /// <summary>Where a held line lies in the buffer, and what its record had.</summary>
        private readonly record struct Line(int Offset, int Length, long Start, long End, LogFlags Flags, int Slot, int TimestampLength);
    }
}
