namespace NodeAgent.Delivery;

/// <summary>
/// Where documents go: the console (NDJSON on stdout) or Elasticsearch — two real implementations of one delivery
/// contract (DELIVERY.md "What the output must do"). <see cref="SendAsync"/> never waits for the network: it encodes
/// the records into what the output keeps, counts those bytes in <see cref="BufferBudget"/>, and returns; the reading
/// loop pauses reading while the budget is full (that is the backpressure), so an output that is slow, failing or
/// down for an hour never stops the loop that finds files, follows rotation and beats the liveness heartbeat (the
/// console output writes to stdout within it: that write is its delivery, see <c>ConsoleOutput</c>).
/// Every record is later acknowledged through its batch's <see cref="LogBatch.Acks"/> once it is stored (or dead-lettered), in
/// any order, never before. The batch's record list and the records' bytes (<see cref="LogRecord.Message"/>,
/// <see cref="LogRecord.Timestamp"/>) are valid only until <see cref="SendAsync"/> completes: the list is a view of
/// the file's pooled array of records read and the bytes lie in the reader's record arena, both reused by the file's
/// next turn, so an output encodes or copies what it keeps (offsets, lengths and the watermark included).
/// </summary>
internal interface ILogOutput
{
    ValueTask SendAsync(LogBatch batch, CancellationToken cancellation);

    /// <summary>Flushes what is buffered, as far as possible before the deadline (shutdown).</summary>
    ValueTask FlushAsync(CancellationToken cancellation);
}
