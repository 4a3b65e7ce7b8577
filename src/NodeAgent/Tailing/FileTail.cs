using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;
using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Parsing;

namespace NodeAgent.Tailing;

/// <summary>
/// One file being tailed, keyed by its identity (never its path): its open handle, its own <see cref="Pipe"/> filled
/// from an explicit offset with <see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/> (ARCHITECTURE.md: not
/// PipeReader.Create(FileStream), whose end-of-file semantics differ between .NET versions), the framer and decoder of
/// its lines, and the acknowledgement watermark of what it handed to the output. The handle stays open after the path
/// is renamed or deleted, so the file is drained to its end through it (DELIVERY.md rule 4).
/// </summary>
internal sealed partial class FileTail : IDisposable
{
    private const int ReadChunk = 16 * 1024;

    private readonly SafeFileHandle _handle;
    private bool _handleDetached;
    private DocumentIdKey? _idKey;
    // Small segments: a thousand files each keep at most a partial line and one segment between reads.
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 4096, useSynchronizationContext: false));
    private readonly LogDecoder _decoder;
    private readonly int _maxLineBytes;
    private readonly Queue<(long End, DateTimeOffset ReadAt)> _handedOut = new();
    private readonly BufferBudget? _budget;
    // Records read but not yet handed to the output (the output's share of the budget was full): they keep their
    // bytes in the decoder's arena, so nothing more is read from this file until they are gone. [_unsentNext,
    // _unsentCount) of an array rented from the shared pool for the turn and given back when the turn's records are
    // sent: a list of its own per file was either kept at its largest (80 KB for a quantum of short lines, a third of
    // the heap with a thousand files) or trimmed and grown again every turn.
    private LogRecord[] _unsent = [];
    private int _unsentCount;
    private int _unsentNext;
    private long _unsentBytes;
    // File offset just past the last record handed to the output.
    private long _handedOutEnd;
    // What this tail last counted in the budget as held by it (unframed bytes, parts of pending messages, records
    // waiting for room in the output).
    private long _heldCounted;
    // Of that, records waiting for room in the output.
    private long _waitingCounted;

    // File offset of the first byte still in the pipe (not yet framed into a line).
    private long _framedOffset;
    // How far the incomplete line at the front of the pipe was already searched for its '\n', so a line that arrives
    // in many reads is searched once (issue 11: no work on one line that grows with the square of its length).
    private LineSearch _search;

    /// <param name="budget">Where the bytes this tail holds are counted (null in tests that do not look).</param>
    public FileTail(string path, SafeFileHandle handle, FileIdentity identity, long startOffset, DocumentFields fields, int maxLineBytes, LogDecoder decoder, BufferBudget? budget = null)
    {
        _budget = budget;
        Path = path;
        _handle = handle;
        Identity = identity;
        ReadOffset = startOffset;
        _framedOffset = startOffset;
        _handedOutEnd = startOffset;
        Enrichment = new EnrichmentState(fields);
        _maxLineBytes = maxLineBytes;
        _decoder = decoder;
        Acks.Reading(null, startOffset);
    }

    /// <summary>The path it was last found under (log.file.path).</summary>
    public string Path { get; set; }

    public FileIdentity Identity { get; }

    /// <summary>Everything its documents hold besides the line (<see cref="EnrichmentState.Fields"/>): replaced, never
    /// mutated, when the pod's metadata arrives or changes; each batch carries the context it was read with.</summary>
    public DocumentFields Fields => Enrichment.Fields;

    /// <summary>A log file of the agent's own pod (<see cref="Discovery"/> knows it by its path): no per-document
    /// warning is ever logged for its lines, so shipping them cannot feed the agent's own log.</summary>
    public bool IsOwnLog { get; init; }

    /// <summary>Where the file stands with its pod's metadata (<see cref="Kubernetes.PodEnricher"/>).</summary>
    public EnrichmentState Enrichment { get; }

    /// <summary>The key this file's document ids derive from (node name and identity), computed once.</summary>
    public DocumentIdKey IdKey => _idKey ??= Identity.DocumentKey(Fields.NodeName);

    public AckWatermark Acks { get; } = new();


    /// <summary>What the output gets for <paramref name="records"/> of this file: never the tail itself.</summary>
    public LogBatch Batch(IReadOnlyList<LogRecord> records) => new(IdKey, Fields.Context, records, Acks, IsOwnLog);

    /// <summary>The next byte to read from the file.</summary>
    public long ReadOffset { get; private set; }

    /// <summary>Set when the path no longer leads to this file (renamed by rotation, or deleted): it is drained to its
    /// end, then closed.</summary>
    public bool Rotated { get; set; }

    /// <summary>When discovery saw the rotation (the default, long ago, for a file found rotated at start).</summary>
    public DateTimeOffset RotatedAt { get; set; }

    /// <summary>Set when the file turned out truncated in place and rewritten: discovery replaces it with a new tail
    /// (a new identity, read from 0).</summary>
    public bool Truncated { get; private set; }

    /// <summary>The file was found truncated in place (shorter than what was read, or other first bytes): nothing more
    /// is read through this tail.</summary>
    public void MarkTruncated() => Truncated = true;

    /// <summary>Hands the open handle to the tail that replaces this one (the same file with new content after a
    /// truncation); <see cref="Dispose"/> then leaves it open.</summary>
    public SafeFileHandle DetachHandle()
    {
        _handleDetached = true;
        return _handle;
    }

    /// <summary>The size discovery last saw, to check the first bytes again only when the file has changed.</summary>
    public long LastSeenSize { get; set; } = -1;

    /// <summary>How long this content was last known to be (seen by discovery or read), until it is found truncated:
    /// what a truncation in place can be known to have thrown away. Bytes written and emptied between two looks are
    /// seen by no reader.</summary>
    public long KnownLength { get; private set; }

    /// <summary>Discovery saw the file at <paramref name="size"/>; ignored once it was found truncated (the size is
    /// then the new content's).</summary>
    public void Saw(long size)
    {
        if (!Truncated)
        {
            KnownLength = Math.Max(KnownLength, size);
        }
    }

    /// <summary>Of the content before a truncation, the bytes known and never handed to the output: lost with it
    /// (read or not; records waiting for room go out before the tail is replaced).</summary>
    public long LostToTruncation => Math.Max(0, Math.Max(KnownLength, ReadOffset) - _handedOutEnd);

    /// <summary>When its size was last seen to grow, or when it was opened.</summary>
    public DateTimeOffset LastGrowth { get; private set; }

    public SafeFileHandle Handle => _handle;

    /// <summary>When the oldest line not yet acknowledged was read (the lag in seconds); null when all are.</summary>
    public DateTimeOffset? OldestUnacknowledgedReadAt
    {
        get
        {
            lock (_handedOut)
            {
                var committed = Acks.Committed;
                while (_handedOut.TryPeek(out var batch) && committed >= batch.End)
                {
                    _handedOut.Dequeue();
                }

                return _handedOut.TryPeek(out var oldest) ? oldest.ReadAt : null;
            }
        }
    }

    /// <summary>Notes when records (already registered with the watermark by <see cref="Pump"/>) went to the output.</summary>
    public void HandOut(IReadOnlyList<LogRecord> records, DateTimeOffset now)
    {
        var end = records.Max(r => r.EndOffset);

        lock (_handedOut)
        {
            _handedOut.Enqueue((end, now));
        }
    }

    /// <summary>The output has consumed the last turn's records (ILogOutput.SendAsync completed): their bytes go back
    /// to the pool.</summary>
    public void RecordsSent()
    {
        GiveBackUnsent();
        _unsentNext = 0;
        _unsentBytes = 0;
        _decoder.Arena.Reset();
        CountHeld();
    }

    /// <summary>Records read and registered but not handed to the output yet (<see cref="KeepUnsent"/>).</summary>
    public bool HasUnsent => _unsentNext < _unsentCount;

    /// <summary>Keeps the records of this turn until the output has room for them: the next turns hand them out
    /// (<see cref="PeekUnsent"/>, <see cref="TakeUnsent"/>) before anything more is read from the file. Their bytes
    /// count as this reader's in the budget until they are handed out.</summary>
    public void KeepUnsent(List<LogRecord> records)
    {
        GiveBackUnsent();
        if (records.Count > 0)
        {
            _unsent = ArrayPool<LogRecord>.Shared.Rent(records.Count);
            records.CopyTo(_unsent);
        }

        _unsentCount = records.Count;
        _unsentNext = 0;
        _unsentBytes = records.Sum(SizeOf);
        CountHeld();
    }

    /// <summary>The next slice of kept records, up to about <paramref name="maxBytes"/> of messages (at least one
    /// record): small enough that the output's share of the budget is checked often within one quantum of reading
    /// (a quantum of short lines, each with a pod's metadata, encodes to many times its size). They stay kept until
    /// <see cref="TakeUnsent"/> says the output has them: an output that throws leaves them to the next turn. A view of
    /// the kept records, not a copy (a copy was one array per slice: the largest garbage left while shipping), valid
    /// until the next call that changes them, as <see cref="ILogOutput"/> says of a batch's records.</summary>
    public ArraySegment<LogRecord> PeekUnsent(int maxBytes, int maxRecords)
    {
        var end = _unsentNext;
        var bytes = 0;
        while (end < _unsentCount && (end == _unsentNext || (bytes < maxBytes && end - _unsentNext < maxRecords)))
        {
            bytes += _unsent[end].Message.Length;
            end++;
        }

        return new ArraySegment<LogRecord>(_unsent, _unsentNext, end - _unsentNext);
    }

    /// <summary>The output took the first <paramref name="count"/> kept records.</summary>
    public void TakeUnsent(int count)
    {
        for (var i = _unsentNext; i < _unsentNext + count; i++)
        {
            _unsentBytes -= SizeOf(_unsent[i]);
            _handedOutEnd = Math.Max(_handedOutEnd, _unsent[i].EndOffset);
        }

        _unsentNext += count;
        CountHeld();
    }

    /// <summary>The kept records' array goes back to the pool, cleared (its records point into the arena's chunks).</summary>
    private void GiveBackUnsent()
    {
        if (_unsent.Length > 0)
        {
            ArrayPool<LogRecord>.Shared.Return(_unsent, clearArray: true);
            _unsent = [];
        }

        _unsentCount = 0;
    }

    private static long SizeOf(LogRecord record) => record.Timestamp.Length + record.Message.Length;

    public long Length => RandomAccess.GetLength(_handle);

    /// <summary>Bytes of the file not read yet.</summary>
    public long Unread => Math.Max(0, Length - ReadOffset);

    /// <summary>Bytes of the file past the last line handed to the output: what closing the file now would lose (read
    /// or not; lines handed out are the output's to deliver).</summary>
    public long NotHandedOut => Math.Max(0, Length - _handedOutEnd);

    /// <summary>
    /// Reads up to <paramref name="budget"/> bytes (the fairness quantum: a backlog in one file waits its turn) and
    /// turns every complete line into records. Returns the number of bytes read; 0 at the end of the file.
    /// </summary>
    public int Pump(int budget, List<LogRecord> records, DateTimeOffset now)
    {
        if (HasUnsent)
        {
            throw new InvalidOperationException("records of the last turn are still unsent; their bytes would be overwritten");
        }

        var firstNew = records.Count;
        var total = 0;
        _decoder.ReadTime = now;
        // The records of the previous turn have been sent (the server awaits the output): their bytes can go, if
        // RecordsSent has not already let them.
        _decoder.Arena.Reset();
        FollowMultilineChoice(records);
        // Records the joiner already emitted (a rule change) are not joined again.
        var firstLine = records.Count;
        // Read only what the file holds now (one fstat, instead of a last read that finds the end): asking the pipe for
        // memory rents a segment that stays rented until bytes are written into it, so a read at the end of the file
        // would leave every idle file holding a 16 KiB buffer (16 MiB with a thousand files).
        var available = Math.Min(budget, Length - ReadOffset);
        while (total < available && !Truncated)
        {
            var wanted = (int)Math.Min(ReadChunk, available - total);
            var memory = _pipe.Writer.GetMemory(wanted);
            var read = RandomAccess.Read(_handle, memory.Span[..Math.Min(memory.Length, (int)(available - total))], ReadOffset);
            if (read == 0)
            {
                break;
            }

            // New bytes: are they still this file's? A file truncated in place and written again past our offset
            // (copytruncate) has other first bytes; what was just read belongs to new content and is not framed here.
            if (total == 0 && !FileIdentity.Matches(Identity, _handle))
            {
                Truncated = true;
                break;
            }

            _pipe.Writer.Advance(read);
            ReadOffset += read;
            KnownLength = Math.Max(KnownLength, ReadOffset);
            total += read;
            // With no pause threshold the flush completes synchronously: the pipe only hands the bytes to the reader.
            var flush = _pipe.Writer.FlushAsync();
            if (!flush.IsCompleted)
            {
                flush.AsTask().GetAwaiter().GetResult();
            }
            Frame(records);
        }

        if (total > 0)
        {
            LastGrowth = now;
        }

        // At the end of the file: a partial or multiline message whose end has not come in time is shipped (only here,
        // so a P piece whose F, or a frame of a trace, is merely unread yet is never cut off). A rotated file will get
        // no more lines, so what is pending is shipped now.
        _decoder.FinishTurn(records, firstLine, now, atEnd: total < budget, closing: Rotated);

        FollowFormat();

        // Register before moving the framed position, so the watermark never passes a record not yet registered.
        Span<byte> readAt = stackalloc byte[32];
        for (var i = firstNew; i < records.Count; i++)
        {
            if (records[i].Timestamp.Length == 0)
            {
                // A malformed line before any good one has no runtime timestamp to borrow: it gets the time it was
                // read, so the document still has a valid @timestamp (Elasticsearch rejects an empty one).
                now.UtcDateTime.TryFormat(readAt, out var written, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
                records[i] = records[i] with { Timestamp = _decoder.Arena.Copy(readAt[..written]) };
            }

            Acks.Register(records[i].StartOffset, records[i].EndOffset);
        }

        Acks.Reading(_decoder.OldestPendingStart, _framedOffset);
        CountHeld();
        return total;
    }

    /// <summary>Bytes this tail holds in memory between turns: read but not framed into a line yet, the parts of
    /// messages waiting for their end, and records waiting for room in the output.</summary>
    public long HeldBytes => (ReadOffset - _framedOffset) + _decoder.PendingBytes + _unsentBytes;

    private void CountHeld()
    {
        var held = HeldBytes;
        _budget?.ReadersHold(held - _heldCounted, _unsentBytes - _waitingCounted);
        _heldCounted = held;
        _waitingCounted = _unsentBytes;
    }

    private void Frame(List<LogRecord> records)
    {
        if (!_pipe.Reader.TryRead(out var result))
        {
            return;
        }

        var buffer = result.Buffer;
        var consumed = buffer.Start;
        try
        {
            while (LineFramer.TryReadLine(ref buffer, _maxLineBytes, ref _search, out var line, out var split))
            {
                var start = _framedOffset;
                var end = start + line.Length + (split ? 0 : 1);
                _decoder.Decode(line, start, end, split, records);
                _framedOffset = end;
                consumed = buffer.Start;
            }
        }
        finally
        {
            // Kestrel's contract: consume what was framed, mark everything examined so the next read waits for more.
            _pipe.Reader.AdvanceTo(consumed, buffer.End);
        }
    }

    public void Dispose()
    {
        _budget?.ReadersHold(-_heldCounted, -_waitingCounted);
        _heldCounted = 0;
        _waitingCounted = 0;
        GiveBackUnsent();
        _decoder.Dispose();
        _pipe.Writer.Complete();
        _pipe.Reader.Complete();
        if (!_handleDetached)
        {
            _handle.Dispose();
        }
    }
}
