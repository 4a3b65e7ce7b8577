using System.Text.Unicode;
using NodeAgent.Delivery;

namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// Joins the lines of a stack trace into one record (issue 14). It sits after the <see cref="PartialLineMerger"/>: it
/// takes complete records, one per logical line, and emits records that may span several lines. One per file.
/// <list type="bullet">
/// <item>Per stream: stdout and stderr are joined apart (CRI interleaves them); a line of the other stream never ends
/// or joins a trace of this one.</item>
/// <item>A trace begins at a line a grammar of the <see cref="MultilineRule"/> recognises and takes the lines after it
/// while a grammar accepts them; it ends at the first line none accepts (which is then considered on its own and may
/// begin another trace), or when no line has come for the flush timeout. Lines a grammar accepts only tentatively (a
/// blank line, a logger's <c>ERROR</c> line, a header) are joined only once a line that surely belongs (a frame)
/// follows them; otherwise each is emitted on its own, in order: two ordinary lines are never joined.</item>
/// <item>The joined message is the lines separated by '\n', with the first line's timestamp and start offset and the
/// last line's end offset, so the acknowledgement covers every line (DELIVERY.md rule 2, "Multiline events"); flags
/// are those of its lines. It is capped at <c>maxMessageBytes</c>: a line that does not fit is cut at a UTF-8
/// boundary, the record flagged <see cref="LogFlags.Truncated"/> and emitted still covering that line, and the trace
/// ends there (what follows is considered afresh): memory held per stream stays under the cap.</item>
/// <item>While a trace is pending, <see cref="OldestPendingStart"/> holds the watermark before its first line.</item>
/// <item>No clock inside, as in <see cref="PartialLineMerger"/>: the caller passes its time to
/// <see cref="FlushStale"/>.</item>
/// <item>A line that begins no trace and finds none pending passes straight through: its record is added to the output
/// as it came (its bytes stay where the merger put them). A held line is copied once into a pooled buffer, and the
/// record made from it once into the file's <see cref="RecordArena"/>.</item>
/// </list>
/// </summary>
internal sealed partial class MultilineJoiner : IDisposable
{
    /// <summary>A trace with no new line for this long is complete (issue 14: 1 s).</summary>
    public static readonly TimeSpan DefaultFlushTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How many lines may wait for confirmation; the longest real wait is Python's chaining (blank line,
    /// sentence, blank line, Traceback) after a logger's line.</summary>
    internal const int MaxUnconfirmedLines = 8;

    private readonly int _maxMessageBytes;
    private readonly TimeSpan _flushTimeout;
    private readonly RecordArena _arena;
    private readonly bool _ownsArena;
    private readonly Group?[] _pending = new Group?[2]; // indexed by LogStream
    private readonly Stack<Group> _spare = new();
    private readonly Input _input;

    /// <param name="arena">Where emitted records' bytes go (the file's, shared with its merger); null: one of its own.</param>
    public MultilineJoiner(MultilineRule rule, int maxMessageBytes, TimeSpan flushTimeout, RecordArena? arena = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(flushTimeout, TimeSpan.Zero);
        Rule = rule;
        _maxMessageBytes = maxMessageBytes;
        _flushTimeout = flushTimeout;
        _ownsArena = arena is null;
        _arena = arena ?? new RecordArena();
        _input = new Input(this);
    }

    public MultilineRule Rule { get; private set; }

    /// <summary>The start offset of the oldest line held in a pending trace, or null when none is.</summary>
    public long? OldestPendingStart => (_pending[0], _pending[1]) switch
    {
        ({ } a, { } b) => Math.Min(a.Start, b.Start),
        ({ } a, null) => a.Start,
        (null, { } b) => b.Start,
        _ => null,
    };

    /// <summary>Bytes of lines held in pending traces (for the buffer budget).</summary>
    public int PendingBytes => (_pending[0]?.Length ?? 0) + (_pending[1]?.Length ?? 0);

    public bool IsPending(LogStream stream) => _pending[(int)stream] is not null;

    /// <summary>Takes one complete line; the records that complete go to <paramref name="output"/>, in the order their
    /// lines came within each stream.</summary>
    public void Add(in LogRecord record, ICollection<LogRecord> output) => Process(record, held: false, output);

    /// <summary>
    /// A collection whose <c>Add</c> is this joiner's <see cref="Add"/> into <paramref name="output"/>: what the
    /// <see cref="PartialLineMerger"/> writes its records into, so they reach the joiner without a list between
    /// (<c>merger.Add(..., joiner.Into(output))</c>). One instance per joiner, pointed at the latest output.
    /// </summary>
    public ICollection<LogRecord> Into(ICollection<LogRecord> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _input.Output = output;
        return _input;
    }

    /// <summary>Runs the records <paramref name="records"/> holds from <paramref name="first"/> on through the joiner,
    /// in place: they are replaced by what it emits (the reading loop's list of a turn).</summary>
    public void AddRange(List<LogRecord> records, int first)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (Rule.JoinsNothing && _pending[0] is null && _pending[1] is null)
        {
            return;
        }

        var count = records.Count - first;
        if (count <= 0)
        {
            return;
        }

        if (count == 1)
        {
            // The reading loop decodes a line at a time: usually one record, taken out and joined back in.
            var record = records[first];
            records.RemoveAt(first);
            Process(record, held: false, records);
            return;
        }

        var lines = System.Buffers.ArrayPool<LogRecord>.Shared.Rent(Math.Max(count, 1));
        try
        {
            records.CopyTo(first, lines, 0, count);
            records.RemoveRange(first, count);
            for (var i = 0; i < count; i++)
            {
                Process(lines[i], held: false, records);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<LogRecord>.Shared.Return(lines, clearArray: true);
        }
    }

    /// <summary>
    /// Emits every pending trace whose latest line was seen by an earlier call at least the flush timeout before
    /// <paramref name="now"/> (a new line is never flushed by the call that first sees it: a flush comes late by at
    /// most one call interval, never early). Call it only when the file has been read to its end.
    /// </summary>
    public void FlushStale(DateTimeOffset now, ICollection<LogRecord> output)
    {
        foreach (var stream in OldestFirst())
        {
            var group = _pending[stream]!;
            if (group.Fresh || group.LastSeen is null)
            {
                group.LastSeen = now;
                group.Fresh = false;
            }
            else if (now - group.LastSeen.Value >= _flushTimeout)
            {
                Flush(stream, output);
            }
        }
    }

    /// <summary>Emits everything pending: the file was read to its end and is being closed.</summary>
    public void FlushAll(ICollection<LogRecord> output)
    {
        foreach (var stream in OldestFirst())
        {
            Flush(stream, output);
        }
    }

    /// <summary>Switches to another rule (a pod's annotation became known or changed): what is pending under the old
    /// rule is emitted first.</summary>
    public void ChangeRule(MultilineRule rule, ICollection<LogRecord> output)
    {
        ArgumentNullException.ThrowIfNull(rule);
        FlushAll(output);
        Rule = rule;
    }

    /// <summary>Drops what is pending (the file will be read again from its watermark, which has not passed it) and
    /// returns the pooled buffers.</summary>
    public void Dispose()
    {
        for (var i = 0; i < _pending.Length; i++)
        {
            _pending[i]?.Release();
            _pending[i] = null;
        }

        _spare.Clear();
        if (_ownsArena)
        {
            _arena.Dispose();
        }
    }

    private void Process(in LogRecord record, bool held, ICollection<LogRecord> output)
    {
        var stream = (int)record.Stream;
        while (_pending[stream] is { } group)
        {
            switch (Continue(group, record))
            {
                case Outcome.Joined:
                    return;
                case Outcome.JoinedFull:
                    End(stream, output);
                    return;
                default:
                    // The trace ended before this line; lines it held unconfirmed are considered again, and may have
                    // begun another trace that this line continues.
                    End(stream, output);
                    break;
            }
        }

        var line = record.Message.Span;
        if (Rule.JoinsNothing || line.Length > _maxMessageBytes)
        {
            Emit(record, held, output);
            return;
        }

        var afterLogger = false;
        if (Rule.IsBuiltIn)
        {
            // The common line: one scan of its colons and of its first bytes for a level says it begins nothing.
            if (LineShape.IsJsonObject(line))
            {
                Emit(record, held, output);
                return;
            }

            afterLogger = LineShape.IsLoggerErrorLine(line);
            if (!afterLogger && !StartFilter.MayStart(line))
            {
                Emit(record, held, output);
                return;
            }
        }

        var grammars = Rule.Grammars;
        Span<Candidate> candidates = stackalloc Candidate[grammars.Length];
        var count = 0;
        for (var i = 0; i < grammars.Length; i++)
        {
            var state = grammars[i].Start(line);
            if (state >= 0)
            {
                candidates[count++] = new Candidate(i, state);
            }
        }

        if (count == 0 && !afterLogger)
        {
            Emit(record, held, output);
            return;
        }

        var begun = _spare.TryPop(out var spare) ? spare : new Group();
        begun.Begin(record, candidates[..count], afterLogger, _maxMessageBytes);
        _pending[stream] = begun;
    }

    private enum Outcome
    {
        Rejected,
        Joined,
        JoinedFull,
    }

    private Outcome Continue(Group group, in LogRecord record)
    {
        var line = record.Message.Span;
        var grammars = Rule.Grammars;
        Span<Candidate> next = stackalloc Candidate[Group.MaxCandidates];
        var count = 0;
        var confirms = false;
        for (var i = 0; i < group.CandidateCount; i++)
        {
            var candidate = group.Candidates[i];
            var step = grammars[candidate.Grammar].Next(candidate.State, line);
            if (step.Accepted && count < next.Length)
            {
                next[count++] = new Candidate(candidate.Grammar, step.State);
                confirms |= step.Confirms;
            }
        }

        // A logger's error line: the trace's header comes next, on a line of its own (never another logger line).
        if (group.AfterLogger && !LineShape.IsLoggerErrorLine(line) && !(Rule.IsBuiltIn && LineShape.IsJsonObject(line)))
        {
            for (var i = 0; i < grammars.Length && count < next.Length; i++)
            {
                var state = grammars[i].StartAfterLoggerLine(line);
                if (state >= 0)
                {
                    next[count++] = new Candidate(i, state);
                }
            }
        }

        if (count == 0)
        {
            return Outcome.Rejected;
        }

        if (!confirms && (group.UnconfirmedCount == MaxUnconfirmedLines || group.Length + 1 + line.Length > _maxMessageBytes))
        {
            // A tentative line is held whole or not at all: if the trace ends unconfirmed, it is shipped as it came.
            return Outcome.Rejected;
        }

        group.SetCandidates(next[..count]);
        group.Fresh = true;
        return group.Append(record, confirms, _maxMessageBytes) ? Outcome.Joined : Outcome.JoinedFull;
    }

    /// <summary>Ends the stream's trace: its confirmed lines go out as one record, or its first line alone when none
    /// was confirmed; the lines held after those are considered again from the start, in order.</summary>
    private void End(int stream, ICollection<LogRecord> output)
    {
        var group = _pending[stream]!;
        _pending[stream] = null;
        var replayFrom = 0;
        if (group.Confirmed)
        {
            output.Add(Joined(group, (LogStream)stream));
        }
        else
        {
            Emit(group.Unconfirmed(0, (LogStream)stream), held: true, output);
            replayFrom = 1;
        }

        for (var i = replayFrom; i < group.UnconfirmedCount; i++)
        {
            Process(group.Unconfirmed(i, (LogStream)stream), held: true, output);
        }

        group.Release();
        _spare.Push(group);
    }

    /// <summary>Ends the stream's trace and any its held lines begin again: nothing more is coming for now.</summary>
    private void Flush(int stream, ICollection<LogRecord> output)
    {
        while (_pending[stream] is not null)
        {
            End(stream, output);
        }
    }

    private LogRecord Joined(Group group, LogStream stream)
    {
        var message = group.ConfirmedMessage;
        var flags = group.ConfirmedFlags & ~(LogFlags.InvalidUtf8 | LogFlags.ContainsNul);
        if (group.Cut)
        {
            message = message[..PartialLineMerger.CharacterBoundary(message)];
            flags |= LogFlags.Truncated;
        }

        // Described again for the joined text: a line's invalid bytes may have been cut off.
        if (message.Contains((byte)0))
        {
            flags |= LogFlags.ContainsNul;
        }

        if (!Utf8.IsValid(message))
        {
            flags |= LogFlags.InvalidUtf8;
        }

        return new LogRecord(_arena.Copy(group.FirstTimestamp), stream, _arena.Copy(message), group.Start, group.ConfirmedEnd, flags);
    }

    /// <summary>A record of one line: as it came when it was never held, else copied out of the group's buffer.</summary>
    private void Emit(in LogRecord record, bool held, ICollection<LogRecord> output) =>
        output.Add(held ? record with { Timestamp = _arena.Copy(record.Timestamp.Span), Message = _arena.Copy(record.Message.Span) } : record);

    // The pending streams, the one that began earlier first, so records come out in file order.
    private int[] OldestFirst()
    {
        var (stdout, stderr) = (_pending[0], _pending[1]);
        if (stdout is not null && stderr is not null)
        {
            return stdout.Start <= stderr.Start ? Both : BothReversed;
        }

        return stdout is not null ? OnlyStdout : stderr is not null ? OnlyStderr : [];
    }

    private static readonly int[] Both = [0, 1];
    private static readonly int[] BothReversed = [1, 0];
    private static readonly int[] OnlyStdout = [0];
    private static readonly int[] OnlyStderr = [1];

    /// <summary>A grammar of the rule (by index) and the state the trace left it in.</summary>
    private readonly record struct Candidate(int Grammar, int State);
}
