namespace NodeAgent.Delivery;

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
