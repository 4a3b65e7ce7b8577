namespace NodeAgent.ElasticsearchEmulation;

/// <summary>A snapshot of the counters since start (or the last reset).</summary>
public sealed record EmulatorStats
{
    public long Requests { get; init; }

    public long BulkRequests { get; init; }

    /// <summary>HTTP status → responses sent with it. Dropped connections have no status and are counted apart.</summary>
    public IReadOnlyDictionary<int, long> RequestsByStatus { get; init; } = new Dictionary<int, long>();

    public long DroppedConnections { get; init; }

    /// <summary>Dropped connections whose bulk was applied before the reset.</summary>
    public long DroppedAfterStoring { get; init; }

    /// <summary>Answers left unfinished by <see cref="OutageMode.StallBody"/> (headers and part of the body sent).</summary>
    public long StalledAnswers { get; init; }

    public long ItemsCreated { get; init; }

    public long ItemsUpdated { get; init; }

    /// <summary>409 on <c>create</c>: the id was already stored. For the agent, delivered.</summary>
    public long ItemsConflict { get; init; }

    /// <summary>Item-level 429.</summary>
    public long ItemsRejected { get; init; }

    /// <summary>Item-level 400 <c>document_parsing_exception</c> (mapping rule, missing @timestamp, bad JSON).</summary>
    public long ItemsMappingError { get; init; }

    /// <summary>Any other per-item failure (op_type on a data stream, invalid index name, unsupported action).</summary>
    public long ItemsOther { get; init; }

    /// <summary>Request bodies as received (gzip-compressed when sent so).</summary>
    public long BytesReceived { get; init; }

    /// <summary>Request bodies after decompression.</summary>
    public long BytesDecompressed { get; init; }

    /// <summary>Documents held, over all targets.</summary>
    public long Documents { get; init; }
}
