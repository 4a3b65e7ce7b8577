namespace NodeAgent.ElasticsearchEmulation;

/// <summary>One bulk request as the emulator saw it.</summary>
/// <param name="ReceivedAt">When its handling began (by <see cref="EmulatorOptions.Time"/>): the gap between two
/// attempts at the same body is the client's wait between them.</param>
/// <param name="Status">The status answered; 0 when the connection was dropped instead.</param>
/// <param name="Items">How many items the body held (0 for a body that could not be parsed).</param>
/// <param name="FirstId">The first item's <c>_id</c>: a client that sends a body again sends the same ids, so this
/// names the attempts at one body.</param>
/// <param name="RetryAfter">The <c>Retry-After</c> header sent with the answer, if any.</param>
public sealed record BulkRequestRecord(DateTimeOffset ReceivedAt, int Status, int Items, string? FirstId, string? RetryAfter);

/// <summary>The last <see cref="Capacity"/> bulk requests, oldest first; thread-safe.</summary>
internal sealed class BulkRequestLog
{
    public const int Capacity = 10_000;

    private readonly Queue<BulkRequestRecord> _records = new();
    private readonly Lock _lock = new();

    public void Add(BulkRequestRecord record)
    {
        lock (_lock)
        {
            if (_records.Count == Capacity)
            {
                _records.Dequeue();
            }

            _records.Enqueue(record);
        }
    }

    public IReadOnlyList<BulkRequestRecord> Snapshot()
    {
        lock (_lock)
        {
            return [.. _records];
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _records.Clear();
        }
    }
}
