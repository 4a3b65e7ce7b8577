using NodeAgent.Parsing;

namespace NodeAgent.Tailing;

/// <summary>Records of one file handed to the output together; each is acknowledged on its own.</summary>
internal sealed record LogBatch(FileTail Tail, IReadOnlyList<LogRecord> Records);

/// <summary>
/// Where documents go: the console (NDJSON on stdout) or Elasticsearch — two real implementations of one delivery
/// contract (DELIVERY.md "What the output must do"). <see cref="SendAsync"/> never waits for the network: it encodes
/// the records into what the output keeps, counts those bytes in <see cref="BufferBudget"/>, and returns; the reading
/// loop pauses reading while the budget is full (that is the backpressure), so an output that is slow, failing or
/// down for an hour never stops the loop that finds files, follows rotation and beats the liveness heartbeat (the
/// console output writes to stdout within it: that write is its delivery, see <c>ConsoleOutput</c>).
/// Every record is later acknowledged through <see cref="Acknowledgements"/> once it is stored (or dead-lettered), in
/// any order, never before. The records' bytes (<see cref="LogRecord.Message"/>, <see cref="LogRecord.Timestamp"/>)
/// are valid only until <see cref="SendAsync"/> completes: the file's next turn of reading reuses them
/// (<see cref="RecordArena"/>), so an output encodes or copies what it keeps; offsets and lengths stay valid.
/// </summary>
internal interface ILogOutput
{
    ValueTask SendAsync(LogBatch batch, CancellationToken cancellation);

    /// <summary>Flushes what is buffered, as far as possible before the deadline (shutdown).</summary>
    ValueTask FlushAsync(CancellationToken cancellation);
}

/// <summary>Marks records delivered: advances the file's acknowledgement watermark.</summary>
internal sealed class Acknowledgements
{
    private long _count;

    /// <summary>Records acknowledged since start.</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Delivered(FileTail tail, LogRecord record) => Delivered(tail, record.StartOffset);

    /// <summary>The record that starts at <paramref name="startOffset"/> (an output that keeps records past SendAsync
    /// keeps just this).</summary>
    public void Delivered(FileTail tail, long startOffset)
    {
        tail.Acks.Acknowledge(startOffset);
        Interlocked.Increment(ref _count);
    }
}

/// <summary>
/// Log bytes the agent holds in memory, across all files and the output (<c>Logs:MaxBufferedBytes</c>): what the
/// readers hold (bytes read but not yet framed into a line, parts of a message waiting for its end, records read and
/// waiting for room in the output) and what the output holds (encoded documents not yet answered for). Reading pauses
/// while it is full and someone holds bytes that will free room without more reading: the output (its answers) or
/// waiting records (handed out as the output frees room). Only parts of messages waiting for their end, and
/// unframed bytes, drain by reading on, so they alone never pause it. Records wait for room while the output holds
/// some of it. A slow or absent output so leaves the lines on disk instead of in memory: the budget is exceeded by
/// at most one reading quantum and one hand-out slice.
/// </summary>
internal sealed class BufferBudget(long limit)
{
    private long _reading;
    private long _waiting;
    private long _output;

    public long Used => Interlocked.Read(ref _reading) + Interlocked.Read(ref _output);

    public long HeldByReaders => Interlocked.Read(ref _reading);

    /// <summary>Of <see cref="HeldByReaders"/>, records read and waiting for room in the output.</summary>
    public long Waiting => Interlocked.Read(ref _waiting);

    public long HeldByOutput => Interlocked.Read(ref _output);

    public long Limit => limit;

    public bool IsFull => Used >= limit;

    /// <summary>Reading more must wait: full, and bytes are held that will free room without more reading.</summary>
    public bool ShouldPauseReading => IsFull && (HeldByOutput > 0 || Waiting > 0);

    /// <summary>Handing waiting records to the output must wait: full, and the output holds bytes whose answers will
    /// free room.</summary>
    public bool ShouldPauseHandOut => IsFull && HeldByOutput > 0;

    /// <summary>A reader's holding changed by <paramref name="delta"/> bytes (negative when it let go), of which
    /// <paramref name="waitingDelta"/> are records waiting for room in the output.</summary>
    public void ReadersHold(long delta, long waitingDelta = 0)
    {
        Interlocked.Add(ref _reading, delta);
        Interlocked.Add(ref _waiting, waitingDelta);
    }

    /// <summary>The output keeps <paramref name="bytes"/> more (encoded documents).</summary>
    public void OutputHolds(long bytes) => Interlocked.Add(ref _output, bytes);

    /// <summary>The output let go of <paramref name="bytes"/> (answered for, or dropped).</summary>
    public void OutputReleases(long bytes) => Interlocked.Add(ref _output, -bytes);
}
