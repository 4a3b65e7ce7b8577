using NodeAgent.Delivery;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>
/// Builds bulk bodies from the batches the reading loop hands out: each record is encoded at once into the body being
/// built (the record's bytes are the reader's again when <see cref="ILogOutput.SendAsync"/> returns); a body is
/// complete when it reaches <c>Elasticsearch:MaxBatchBytes</c>, or its first document is
/// <c>Elasticsearch:FlushInterval</c> old, and then goes to <paramref name="complete"/>. Bodies are pooled: a few
/// serve for good, so a steady flow allocates none.
/// </summary>
/// <param name="pattern">An <c>Elasticsearch:Index</c> date pattern (each action names its index), or null.</param>
/// <param name="compress">Bodies are built gzip-compressed (<see cref="GzipBody"/>).</param>
internal sealed class BulkBatcher(long maxBytes, TimeSpan flushInterval, IndexPattern? pattern, Action<BulkRequest> complete, bool compress = false)
{
    private readonly Lock _lock = new();
    private readonly BulkRequestPool _pool = new((int)Math.Min(int.MaxValue - BulkRequest.InitialCapacity, maxBytes) + BulkRequest.InitialCapacity, compress);
    private BulkRequest? _building;

    /// <summary>Encodes the batch's records; returns the body bytes they took. A record that cannot be encoded is
    /// passed to <paramref name="unencodable"/> with the reason and left out.</summary>
    public long Add(LogBatch batch, DateTimeOffset now, Action<LogBatch, LogRecord, string> unencodable)
    {
        long added = 0;
        lock (_lock)
        {
            foreach (var record in batch.Records)
            {
                var building = _building ??= _pool.Rent();
                var before = building.Bytes;
                if (building.TryAdd(batch, record, now, pattern) is { } failure)
                {
                    unencodable(batch, record, failure);
                    continue;
                }

                added += building.Bytes - before;
                if (building.Bytes >= maxBytes)
                {
                    _building = null;
                    complete(building);
                }
            }
        }

        return added;
    }

    /// <summary>Completes the body being built when its first document waited <c>FlushInterval</c>, or at once
    /// when <paramref name="force"/> (shutdown).</summary>
    public void Flush(DateTimeOffset now, bool force)
    {
        lock (_lock)
        {
            if (_building is { Count: > 0 } building && (force || now - building.FirstAddedAt >= flushInterval))
            {
                _building = null;
                complete(building);
            }
        }
    }

    /// <summary>An empty body, for what goes again (retries, halves).</summary>
    public BulkRequest Rent() => _pool.Rent();

    /// <summary>A body answered for: back to the pool.</summary>
    public void Return(BulkRequest request) => _pool.Return(request);

    /// <summary>The output is idle: the bodies kept for reuse go (a body being built stays).</summary>
    public void Trim() => _pool.Trim();
}
