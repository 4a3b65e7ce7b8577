using NodeAgent.Parsing;

namespace NodeAgent.Tailing;

/// <summary>Records of one file handed to the output together; each is acknowledged on its own.</summary>
internal sealed record LogBatch(FileTail Tail, IReadOnlyList<LogRecord> Records);

/// <summary>
/// Where documents go: the console (NDJSON on stdout) or Elasticsearch — two real implementations of one delivery
/// contract (DELIVERY.md "What the output must do"): <see cref="SendAsync"/> may wait (that is the backpressure), and
/// every record is later acknowledged through <see cref="Acknowledgements"/> once it is stored (or dead-lettered),
/// in any order, never before. The records' bytes (<see cref="LogRecord.Message"/>, <see cref="LogRecord.Timestamp"/>)
/// are valid only until <see cref="SendAsync"/> completes: the file's next turn of reading reuses them
/// (<see cref="RecordArena"/>), so an output encodes or copies what it keeps; offsets and lengths stay valid.
/// </summary>
internal interface ILogOutput
{
    ValueTask SendAsync(LogBatch batch, CancellationToken cancellation);

    /// <summary>Flushes what is buffered, as far as possible before the deadline (shutdown).</summary>
    ValueTask FlushAsync(CancellationToken cancellation);
}

/// <summary>Marks records delivered: advances the file's watermark and frees their share of the buffer budget.</summary>
internal sealed class Acknowledgements(BufferBudget budget)
{
    public void Delivered(FileTail tail, LogRecord record) => Delivered(tail, record.StartOffset, record.Message.Length);

    /// <summary>The record that starts at <paramref name="startOffset"/> and held <paramref name="messageBytes"/>
    /// bytes of the budget (an output that keeps records past SendAsync keeps just these).</summary>
    public void Delivered(FileTail tail, long startOffset, int messageBytes)
    {
        tail.Acks.Acknowledge(startOffset);
        budget.Release(messageBytes);
    }
}

/// <summary>Bytes read but not yet acknowledged, across all files (<c>Logs:MaxBufferedBytes</c>): readers pause
/// while it is full, so a slow or absent output leaves the lines on disk instead of in memory.</summary>
internal sealed class BufferBudget(long limit)
{
    private long _used;

    public long Used => Interlocked.Read(ref _used);

    public long Limit => limit;

    public bool IsFull => Used >= limit;

    public void Take(long bytes) => Interlocked.Add(ref _used, bytes);

    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}
