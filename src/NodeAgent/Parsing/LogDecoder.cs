using System.Buffers;
using NodeAgent.Delivery;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Parsing;

/// <summary>
/// Turns the physical lines of one file (as the reader frames them) into complete records: detects the
/// format, parses each line, joins partial lines and flags what is odd about a message. One per file, not thread-safe.
/// <list type="bullet">
/// <item>Format: detected on the first line that is CRI or docker JSON, then kept (kubelet does the same from the
/// first line; retrying until one matches means a garbage first line does not make a whole file malformed).</item>
/// <item>Malformed: a line that does not follow the file's format (or any line before the format is known) is kept
/// whole as its message, flagged <see cref="LogFlags.Malformed"/>, on stdout (its stream is unknown), with the
/// timestamp text of the previous good line of this file, or "" when there was none: the record keeps its place in
/// time next to its neighbours, and "" tells the writer that no time is known.</item>
/// <item>The newline: a message loses a trailing '\r' too (CRLF), as containerd strips it before writing; docker
/// keeps it in its <c>log</c> value.</item>
/// <item>A physical line longer than <c>Logs:MaxLineBytes</c> arrives split: its later parts carry no header, so they
/// continue the message the first part started (same stream, same P/F tag), joined up to
/// <c>Logs:MaxMessageBytes</c> and flagged <see cref="LogFlags.Truncated"/> only if bytes were dropped. A split docker
/// line is not JSON the parser can read in parts; docker never writes one (it cuts at 16 KiB), so it is malformed.</item>
/// <item><see cref="LogFlags.InvalidUtf8"/> and <see cref="LogFlags.ContainsNul"/> describe the final message.</item>
/// <item>Plain files: a decoder that allows them (a file outside kubelet's layout) takes a first line that is neither
/// CRI nor docker JSON for a file of plain lines (<see cref="LogFormat.Plain"/>), kept for good: each line is a
/// message as it is (not malformed), with the time of its RFC 3339 or syslog prefix (<see cref="PlainTimestamp"/>),
/// or "" (the reader then stamps it with the time it was read). A kubelet file never becomes plain: its garbage lines
/// stay malformed, so that one bad first line cannot turn a container's log into plain text.</item>
/// </list>
/// </summary>
internal sealed class LogDecoder : IDisposable
{
    private readonly PartialLineMerger _merger;

    // Malformed lines, and the parts of a split malformed line, joined through their own merger (stdout slot).
    private readonly PartialLineMerger _malformed;
    private readonly PooledWriter _scratch = new();

    // After the mergers: joins the lines of a stack trace (Logs:Multiline, or the pod's annotation).
    private readonly MultilineJoiner _joiner;
    private readonly byte[] _lastTimestamp = new byte[CriParser.MaxTimestampLength];
    private readonly bool _allowPlain;
    private int _lastTimestampLength;

    // The physical line being continued after a split, and the stream and tag its first part had.
    private Continuation _continuation;
    private LogStream _continuedStream;
    private bool _continuedPartial;

    /// <param name="allowPlain">The file may be plain lines (it is outside kubelet's layout).</param>
    /// <param name="multiline">How the decoded lines are joined into multiline messages (<see cref="FinishTurn"/>);
    /// null: not at all.</param>
    /// <param name="multilineTimeout">A multiline message with no new line for this long is complete.</param>
    public LogDecoder(int maxMessageBytes, TimeSpan partialTimeout, bool allowPlain = false, MultilineRule? multiline = null, TimeSpan? multilineTimeout = null)
    {
        _merger = new PartialLineMerger(maxMessageBytes, partialTimeout, Arena);
        _malformed = new PartialLineMerger(maxMessageBytes, partialTimeout, Arena);
        _joiner = new MultilineJoiner(multiline ?? MultilineRule.None, maxMessageBytes, multilineTimeout ?? MultilineJoiner.DefaultFlushTimeout, Arena);
        _allowPlain = allowPlain;
    }

    /// <summary>How lines are joined now (<see cref="ChangeMultiline"/>).</summary>
    public MultilineRule Multiline => _joiner.Rule;

    /// <summary>When the lines being decoded were read (the reader sets it each turn): the year of a syslog stamp
    /// is told from it.</summary>
    public DateTimeOffset ReadTime { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>The zone of syslog stamps, which carry none: the host's (the agent's TZ). Tests set another.</summary>
    public TimeZoneInfo SyslogZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>Where the records' bytes live; the reader resets it before each turn (see <see cref="RecordArena"/>).</summary>
    public RecordArena Arena { get; } = new();

    public LogDecoder(int maxMessageBytes)
        : this(maxMessageBytes, PartialLineMerger.DefaultPartialTimeout)
    {
    }

    private enum Continuation
    {
        None,
        Message,
        Malformed,
        Plain,
    }

    public LogFormat Format { get; private set; }

    /// <summary>Start offset of the oldest message still waiting for more lines: the watermark must not pass it
    /// (DELIVERY.md rule 2). Null when nothing is pending.</summary>
    public long? OldestPendingStart => Min(Min(_merger.OldestPendingStart, _malformed.OldestPendingStart), _joiner.OldestPendingStart);

    /// <summary>Bytes of messages waiting for more lines (held in memory until they complete or time out).</summary>
    public int PendingBytes => _merger.PendingBytes + _malformed.PendingBytes + _joiner.PendingBytes;

    /// <summary>
    /// Decodes one physical line (without its '\n') that spans [<paramref name="startOffset"/>,
    /// <paramref name="endOffset"/>) in the file; <paramref name="split"/>: the framer cut it and more of the same
    /// physical line follows. Complete records are added to <paramref name="output"/>, in the order they complete.
    /// </summary>
    public void Decode(ReadOnlySequence<byte> line, long startOffset, long endOffset, bool split, ICollection<LogRecord> output)
    {
        if (line.IsSingleSegment)
        {
            Decode(line.FirstSpan, startOffset, endOffset, split, output);
            return;
        }

        // A line straddling pipe segments is copied once into a contiguous pooled buffer, so the parsers only ever see
        // whole lines (never just FirstSpan). Lines are capped by the framer, so the copy is bounded.
        var length = checked((int)line.Length);
        var copy = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            line.CopyTo(copy);
            Decode(copy.AsSpan(0, length), startOffset, endOffset, split, output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    public void Decode(ReadOnlySpan<byte> line, long startOffset, long endOffset, bool split, ICollection<LogRecord> output)
    {
        switch (_continuation)
        {
            case Continuation.Message:
                var ends = !split && !_continuedPartial;
                _merger.Add(_continuedStream, LastTimestamp, ends ? TrimCr(line) : line, startOffset, endOffset, ends, LogFlags.None, output);
                _continuation = split ? Continuation.Message : Continuation.None;
                return;
            case Continuation.Malformed:
                Malformed(line, startOffset, endOffset, split, output);
                return;
            case Continuation.Plain:
                Plain(line, startOffset, endOffset, split, output);
                return;
        }

        if (Format == LogFormat.Unknown)
        {
            Format = LogFormatDetection.Detect(line);
            if (Format == LogFormat.Unknown && _allowPlain)
            {
                Format = LogFormat.Plain;
            }
        }

        if (Format == LogFormat.Plain)
        {
            Span<byte> timestamp = stackalloc byte[PlainTimestamp.MaxLength];
            Remember(timestamp[..PlainTimestamp.TryWrite(line, ReadTime, SyslogZone, timestamp)]);
            Plain(line, startOffset, endOffset, split, output);
            return;
        }

        var parsed = Format switch
        {
            LogFormat.Cri => DecodeCri(line, startOffset, endOffset, split, output),
            LogFormat.DockerJson => !split && DecodeDocker(line, startOffset, endOffset, output),
            _ => false,
        };

        if (!parsed)
        {
            Malformed(line, startOffset, endOffset, split, output);
        }
    }

    /// <summary>Emits pending messages whose end has not come within the partial timeout (see
    /// <see cref="PartialLineMerger.FlushStale"/>: call it when the file has been read to its end).</summary>
    public void FlushStale(DateTimeOffset now, ICollection<LogRecord> output)
    {
        _merger.FlushStale(now, output);
        _malformed.FlushStale(now, output);
    }

    /// <summary>Emits every pending message: the file has been read to its end and is being closed.</summary>
    public void FlushAll(ICollection<LogRecord> output)
    {
        _merger.FlushAll(output);
        _malformed.FlushAll(output);
        _continuation = Continuation.None;
    }

    /// <summary>
    /// Ends a reading turn whose lines were decoded into <paramref name="records"/> from <paramref name="first"/> on:
    /// at the end of what the file holds (<paramref name="atEnd"/>) messages whose end has not come in time are
    /// completed (all of them when the file is <paramref name="closing"/>: no further line can come), then the turn's
    /// records go through the multiline joiner, in place, and at the end a trace that waited its flush timeout is
    /// shipped too.
    /// </summary>
    public void FinishTurn(List<LogRecord> records, int first, DateTimeOffset now, bool atEnd, bool closing)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (atEnd && closing)
        {
            FlushAll(records);
        }
        else if (atEnd)
        {
            FlushStale(now, records);
        }

        _joiner.AddRange(records, first);
        if (atEnd && closing)
        {
            _joiner.FlushAll(records);
        }
        else if (atEnd)
        {
            _joiner.FlushStale(now, records);
        }
    }

    /// <summary>Whether a multiline message is waiting for more lines (or its flush timeout).</summary>
    public bool HasPendingMultiline => _joiner.OldestPendingStart is not null;

    /// <summary>Ships the multiline messages still waiting, as they are (a graceful stop: the file has been read to its
    /// end, so a trace waits only for its flush timeout, and read again after the restart its lines already delivered
    /// around it would go out twice).</summary>
    public void FlushMultiline(ICollection<LogRecord> output) => _joiner.FlushAll(output);

    /// <summary>Joins lines by another rule from now on (the pod's annotation became known or changed); a trace pending
    /// under the old one goes to <paramref name="output"/> first.</summary>
    public void ChangeMultiline(MultilineRule rule, ICollection<LogRecord> output) => _joiner.ChangeRule(rule, output);

    public void Dispose()
    {
        _joiner.Dispose();
        _merger.Dispose();
        _malformed.Dispose();
        Arena.Dispose();
    }

    private ReadOnlySpan<byte> LastTimestamp => _lastTimestamp.AsSpan(0, _lastTimestampLength);

    private static long? Min(long? a, long? b) => a is { } x && b is { } y ? Math.Min(x, y) : a ?? b;

    private bool DecodeCri(ReadOnlySpan<byte> line, long startOffset, long endOffset, bool split, ICollection<LogRecord> output)
    {
        if (!CriParser.TryParse(line, out var cri))
        {
            return false;
        }

        var timestamp = line[cri.Timestamp];
        Remember(timestamp);
        var ends = !cri.Partial && !split;
        var message = line[cri.Message];
        _merger.Add(cri.Stream, timestamp, ends ? TrimCr(message) : message, startOffset, endOffset, ends, LogFlags.None, output);
        if (split)
        {
            _continuation = Continuation.Message;
            _continuedStream = cri.Stream;
            _continuedPartial = cri.Partial;
        }

        return true;
    }

    private bool DecodeDocker(ReadOnlySpan<byte> line, long startOffset, long endOffset, ICollection<LogRecord> output)
    {
        try
        {
            if (!DockerJsonParser.TryParse(line, _scratch, out var docker))
            {
                return false;
            }

            var timestamp = line[docker.Timestamp];
            Remember(timestamp);
            var message = _scratch.Written;
            _merger.Add(docker.Stream, timestamp, docker.Partial ? message : TrimCr(message), startOffset, endOffset, !docker.Partial, LogFlags.None, output);
            return true;
        }
        finally
        {
            _scratch.Clear();
        }
    }

    private void Malformed(ReadOnlySpan<byte> line, long startOffset, long endOffset, bool split, ICollection<LogRecord> output)
    {
        _malformed.Add(LogStream.Stdout, LastTimestamp, split ? line : TrimCr(line), startOffset, endOffset, !split, LogFlags.Malformed, output);
        _continuation = split ? Continuation.Malformed : Continuation.None;
    }

    /// <summary>A plain line, or a later part of one the framer split (it keeps the first part's time): joined through
    /// the malformed lines' merger, which a plain file has no other use for.</summary>
    private void Plain(ReadOnlySpan<byte> line, long startOffset, long endOffset, bool split, ICollection<LogRecord> output)
    {
        _malformed.Add(LogStream.Stdout, LastTimestamp, split ? line : TrimCr(line), startOffset, endOffset, !split, LogFlags.None, output);
        _continuation = split ? Continuation.Plain : Continuation.None;
    }

    private void Remember(ReadOnlySpan<byte> timestamp)
    {
        timestamp.CopyTo(_lastTimestamp);
        _lastTimestampLength = timestamp.Length;
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> message) =>
        message.Length > 0 && message[^1] == '\r' ? message[..^1] : message;

    /// <summary>The unescaped docker message of one line: a pooled buffer, rented per line and returned after it, so
    /// an idle file holds no memory.</summary>
    private sealed class PooledWriter : IBufferWriter<byte>
    {
        private byte[] _buffer = [];
        private int _written;

        public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _written);

        public void Advance(int count) => _written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(_written);

        public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(_written);

        public void Clear()
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }

            _written = 0;
        }

        private byte[] Ensure(int sizeHint)
        {
            var needed = _written + Math.Max(sizeHint, 1);
            if (_buffer.Length < needed)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 256));
                _buffer.AsSpan(0, _written).CopyTo(larger);
                if (_buffer.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                }

                _buffer = larger;
            }

            return _buffer;
        }
    }
}
