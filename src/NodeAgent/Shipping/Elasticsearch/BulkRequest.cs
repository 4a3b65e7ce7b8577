using System.Buffers;
using System.Text.Json;
using NodeAgent.Delivery;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>One document of a bulk request: whose line it is (to acknowledge it) and where its two NDJSON lines lie
/// in the body (to send it again, alone, when Elasticsearch asks for a retry of that item, or to dead-letter it).</summary>
/// <param name="Json">The parsed message's <c>json</c> member, from the item's first byte (its action line).</param>
/// <param name="Acks">The file's acknowledgement watermark, to acknowledge the item once answered for.</param>
/// <param name="Context">The file's document context (its path for messages about the item).</param>
/// <param name="IsOwnLog">A line of the agent's own log: no warning is logged about it.</param>
internal readonly record struct BulkItem(AckWatermark Acks, DocumentContext Context, bool IsOwnLog, long StartOffset, int BodyStart, int BodyLength, JsonMember Json = default);

/// <summary>
/// A <c>_bulk</c> body being built: for each record a <c>create</c> action with its deterministic <c>_id</c>
/// (DELIVERY.md rule 3: a replay is answered 409, never stored twice) and its ECS document, written straight into one
/// growing buffer (<see cref="EcsDocumentWriter"/>, no string per document). The records' own bytes are valid only
/// during <see cref="ILogOutput.SendAsync"/>; the body keeps everything a retry needs. With compression on, the NDJSON
/// is staged in a small buffer and deflated into a <see cref="GzipBody"/> every <see cref="StageBytes"/>; item offsets
/// stay NDJSON offsets (<see cref="Body"/> inflates it when they are needed again).
/// </summary>
// The GzipBody holds only managed buffers and a GZipStream it disposes when sealed or cleared.
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "see above")]
internal sealed class BulkRequest
{
    private const int StageBytes = 64 * 1024;

    private static readonly byte[] ActionStart = "{\"create\":{\"_id\":\""u8.ToArray();
    private static readonly byte[] ActionWithIndexStart = "{\"create\":{\"_index\":\""u8.ToArray();
    private static readonly byte[] ActionIdAfterIndex = "\",\"_id\":\""u8.ToArray();
    private static readonly byte[] ActionEnd = "\"}}\n"u8.ToArray();

    private readonly BodyBuffer _body;
    private readonly List<BulkItem> _items = [];
    private readonly GzipBody? _gzip;
    private byte[]? _inflated;

    /// <summary>What a body starts with: enough for a quiet node's lines of a second.</summary>
    public const int InitialCapacity = 64 * 1024;

    /// <param name="fullCapacity">What the body grows to at once when it needs more than it started with: the batch
    /// cap and one document's room past it.</param>
    /// <param name="compress">Build the body compressed (<c>Elasticsearch:Compression=gzip</c>).</param>
    public BulkRequest(int fullCapacity = (2 << 20) + InitialCapacity, bool compress = false)
    {
        _gzip = compress ? new GzipBody() : null;
        _body = new BodyBuffer(InitialCapacity, compress ? InitialCapacity : fullCapacity);
    }

    public IReadOnlyList<BulkItem> Items => _items;

    /// <summary>The NDJSON: inflated once when the body was built compressed, for the paths that copy items out.</summary>
    public ReadOnlyMemory<byte> Body
    {
        get
        {
            if (_gzip is null)
            {
                return _body.WrittenMemory;
            }

            Deflate();
            return _inflated ??= _gzip.Inflate();
        }
    }

    /// <summary>What goes on the wire: gzip when <see cref="IsCompressed"/>, else the NDJSON. Nothing can be added after.</summary>
    public ReadOnlyMemory<byte> Wire
    {
        get
        {
            if (_gzip is null)
            {
                return _body.WrittenMemory;
            }

            Deflate();
            return _gzip.Seal();
        }
    }

    public bool IsCompressed => _gzip is not null;

    /// <summary>NDJSON bytes, compressed or not: what <c>Elasticsearch:MaxBatchBytes</c> and the budget count.</summary>
    public int Bytes => (_gzip?.NdjsonBytes ?? 0) + _body.WrittenCount;

    // NDJSON offset of the staging buffer's first byte.
    private int Deflated => _gzip?.NdjsonBytes ?? 0;

    /// <summary>When the first item was added: the batch goes out <c>Elasticsearch:FlushInterval</c> later at the latest.</summary>
    public DateTimeOffset FirstAddedAt { get; private set; }

    public int Count => _items.Count;

    /// <summary>Empties it for reuse (<see cref="BulkRequestPool"/>): the body's buffer keeps its size.</summary>
    public void Clear()
    {
        _body.Truncate(0);
        _items.Clear();
        _gzip?.Clear();
        _inflated = null;
    }

    private void Deflate()
    {
        if (_gzip is not null && _body.WrittenCount > 0 && !_gzip.IsSealed)
        {
            _gzip.Append(_body.WrittenSpan);
            _body.Truncate(0);
        }
    }

    private void Added()
    {
        if (_body.WrittenCount >= StageBytes)
        {
            Deflate();
        }
    }

    /// <param name="pattern">An <c>Elasticsearch:Index</c> date pattern: the action names the document's index;
    /// otherwise the target is the request's path, unless the batch's context names a data stream of its own
    /// (<see cref="DocumentContext.Index"/>).</param>
    /// <returns>Null when added; otherwise why the record cannot be encoded (the body is then as it was before).</returns>
    public string? TryAdd(LogBatch batch, LogRecord record, DateTimeOffset now, IndexPattern? pattern = null)
    {
        if (_gzip?.IsSealed == true)
        {
            throw new InvalidOperationException("the request was sealed");
        }

        var start = _body.WrittenCount;
        JsonMember json;
        try
        {
            if (pattern is not null)
            {
                // Index names are lower-case ASCII without quotes (Elasticsearch refuses others): no escaping needed.
                _body.Write(ActionWithIndexStart);
                _body.Write(pattern.Resolve(record.Timestamp.Span, now));
                _body.Write(ActionIdAfterIndex);
            }
            else if (batch.Context.Index is { } index)
            {
                // A data stream of its own (a plain file's): validated at start, as the target is, so no escaping.
                _body.Write(ActionWithIndexStart);
                _body.Write(index);
                _body.Write(ActionIdAfterIndex);
            }
            else
            {
                _body.Write(ActionStart);
            }

            batch.IdKey.Write(record.StartOffset, _body.GetSpan(DocumentId.Length));
            _body.Advance(DocumentId.Length);
            _body.Write(ActionEnd);
            var documentStart = _body.WrittenCount - start;
            json = EcsDocumentWriter.Write(_body, record, batch.Context);
            _body.Write("\n"u8);
            json = json.IsEmpty ? default : json with { Start = documentStart + json.Start };
        }
        catch (Exception e)
        {
            // One document the agent cannot encode (an index date it cannot name, a bug) must not leave half an
            // action in the body: the whole request would be refused, and sent again forever. Out of memory is not
            // this document's fault: the body is cut back all the same, and the caller hears of it (the reading loop
            // hands the same records out again later).
            _body.Truncate(start);
            if (e is OutOfMemoryException)
            {
                throw;
            }

            return $"{e.GetType().Name}: {e.Message}";
        }

        if (_items.Count == 0)
        {
            FirstAddedAt = now;
        }

        _items.Add(new BulkItem(batch.Acks, batch.Context, batch.IsOwnLog, record.StartOffset, Deflated + start, _body.WrittenCount - start, json));
        Added();
        return null;
    }

    /// <summary>Copies an item of an earlier request (its action and document lines, unchanged: same <c>_id</c>).</summary>
    public void AddAgain(BulkItem item, ReadOnlySpan<byte> previousBody, DateTimeOffset now)
    {
        if (_items.Count == 0)
        {
            FirstAddedAt = now;
        }

        var start = _body.WrittenCount;
        _body.Write(previousBody.Slice(item.BodyStart, item.BodyLength));
        _items.Add(item with { BodyStart = Deflated + start });
        Added();
    }

    /// <summary>
    /// Copies an item of an earlier request without its parsed <c>json</c> member, which Elasticsearch refused (a
    /// field whose type conflicts with the mapping, too many fields), and says so in ECS <c>error.message</c>: the line
    /// itself is still stored, searchable by its message. Same <c>_id</c>.
    /// </summary>
    public void AddWithoutJson(BulkItem item, ReadOnlySpan<byte> previousBody, string reason, DateTimeOffset now)
    {
        if (_items.Count == 0)
        {
            FirstAddedAt = now;
        }

        var start = _body.WrittenCount;
        var lines = previousBody.Slice(item.BodyStart, item.BodyLength);
        _body.Write(lines[..item.Json.Start]);
        _body.Write(",\"error\":{\"message\":\""u8);
        _body.Write(JsonEncodedText.Encode("the fields parsed from the JSON message were refused: " + reason, EcsDocumentWriter.Options.Encoder).EncodedUtf8Bytes);
        _body.Write("\"}"u8);
        _body.Write(lines[(item.Json.Start + item.Json.Length)..]);
        _items.Add(item with { BodyStart = Deflated + start, BodyLength = _body.WrittenCount - start, Json = default });
        Added();
    }
}

/// <summary>
/// Bulk bodies reused: a body grows to <c>Elasticsearch:MaxBatchBytes</c>, and allocating one per request would put a
/// MiB or more on the large object heap every second. At most <see cref="ElasticsearchOutput.MaxInFlight"/> requests
/// are in flight, one waits and one is being built, so a handful of bodies serve for good while lines flow; when the
/// output has been idle a while they are let go (<see cref="Trim"/>), so a burst's memory does not stay for good.
/// </summary>
internal sealed class BulkRequestPool(int bodyCapacity, bool compress = false)
{
    private const int Kept = ElasticsearchOutput.MaxInFlight + 3;

    private readonly System.Collections.Concurrent.ConcurrentBag<BulkRequest> _free = [];

    public BulkRequest Rent() => _free.TryTake(out var request) ? request : new BulkRequest(bodyCapacity, compress);

    public void Return(BulkRequest request)
    {
        request.Clear();
        if (_free.Count < Kept)
        {
            _free.Add(request);
        }
    }

    /// <summary>Lets go of the bodies kept for reuse.</summary>
    public void Trim() => _free.Clear();
}
