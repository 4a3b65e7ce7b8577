using System.Collections.Concurrent;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>The live counters behind <see cref="EmulatorStats"/>: Interlocked fields, updated from request threads.</summary>
internal sealed class StatsCounters
{
    private readonly ConcurrentDictionary<int, long> _byStatus = new();
    private long _requests;
    private long _bulkRequests;
    private long _dropped;
    private long _droppedStored;
    private long _stalled;
    private long _bytesReceived;
    private long _bytesDecompressed;
    private long _created;
    private long _updated;
    private long _conflict;
    private long _rejected;
    private long _mappingError;
    private long _other;

    public void Request() => Interlocked.Increment(ref _requests);

    public void Bulk(long received, long decompressed)
    {
        Interlocked.Increment(ref _bulkRequests);
        Interlocked.Add(ref _bytesReceived, received);
        Interlocked.Add(ref _bytesDecompressed, decompressed);
    }

    public void Status(int status) => _byStatus.AddOrUpdate(status, 1, (_, n) => n + 1);

    public void Dropped(bool stored)
    {
        Interlocked.Increment(ref _dropped);
        if (stored)
        {
            Interlocked.Increment(ref _droppedStored);
        }
    }

    public void Stalled() => Interlocked.Increment(ref _stalled);

    public void Item(ItemResult result)
    {
        switch (result)
        {
            case ItemResult.Created: Interlocked.Increment(ref _created); break;
            case ItemResult.Updated: Interlocked.Increment(ref _updated); break;
            case ItemResult.Conflict: Interlocked.Increment(ref _conflict); break;
            case ItemResult.Rejected: Interlocked.Increment(ref _rejected); break;
            case ItemResult.MappingError: Interlocked.Increment(ref _mappingError); break;
            default: Interlocked.Increment(ref _other); break;
        }
    }

    public void Reset()
    {
        _byStatus.Clear();
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _bulkRequests, 0);
        Interlocked.Exchange(ref _dropped, 0);
        Interlocked.Exchange(ref _droppedStored, 0);
        Interlocked.Exchange(ref _stalled, 0);
        Interlocked.Exchange(ref _bytesReceived, 0);
        Interlocked.Exchange(ref _bytesDecompressed, 0);
        Interlocked.Exchange(ref _created, 0);
        Interlocked.Exchange(ref _updated, 0);
        Interlocked.Exchange(ref _conflict, 0);
        Interlocked.Exchange(ref _rejected, 0);
        Interlocked.Exchange(ref _mappingError, 0);
        Interlocked.Exchange(ref _other, 0);
    }

    public EmulatorStats Snapshot(long documents) => new()
    {
        Requests = Interlocked.Read(ref _requests),
        BulkRequests = Interlocked.Read(ref _bulkRequests),
        RequestsByStatus = new SortedDictionary<int, long>(_byStatus),
        DroppedConnections = Interlocked.Read(ref _dropped),
        DroppedAfterStoring = Interlocked.Read(ref _droppedStored),
        StalledAnswers = Interlocked.Read(ref _stalled),
        ItemsCreated = Interlocked.Read(ref _created),
        ItemsUpdated = Interlocked.Read(ref _updated),
        ItemsConflict = Interlocked.Read(ref _conflict),
        ItemsRejected = Interlocked.Read(ref _rejected),
        ItemsMappingError = Interlocked.Read(ref _mappingError),
        ItemsOther = Interlocked.Read(ref _other),
        BytesReceived = Interlocked.Read(ref _bytesReceived),
        BytesDecompressed = Interlocked.Read(ref _bytesDecompressed),
        Documents = documents,
    };
}

internal enum ItemResult
{
    Created,
    Updated,
    Conflict,
    Rejected,
    MappingError,
    Other,
}
