using System.Text;
using System.Text.Json;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>What to do with a whole bulk request after an exchange.</summary>
internal enum RequestVerdict
{
    /// <summary>A 2xx answer: read every item (HTTP 200 is never trusted on its own).</summary>
    ReadItems,

    /// <summary>No answer, or the whole request refused for now (5xx, 429, 401/403, 400, 3xx): send it all again
    /// with backoff.</summary>
    Retry,

    /// <summary>413: the body is larger than the cluster takes (<c>http.max_content_length</c>): split it in halves and
    /// send each; a single document that is still too large is dead-lettered, as no retry can ever store it.</summary>
    Split,
}

/// <summary>What to do with one document after Elasticsearch answered for it.</summary>
internal enum ItemVerdict
{
    /// <summary>Stored now (2xx).</summary>
    Stored,

    /// <summary>409 on our <c>create</c>: an earlier attempt stored it (DELIVERY.md: counts as delivered).</summary>
    Replayed,

    /// <summary>429 or 5xx for the item: the cluster was busy or failing, not the document; send it again.</summary>
    Retry,

    /// <summary>Refused (4xx) with fields parsed from its JSON message: most likely for those fields (a type conflict
    /// with the mapping, the field limit); send it again without them.</summary>
    ResendWithoutJson,

    /// <summary>Refused for good (any other 4xx): written to the dead-letter file with the error, then acknowledged.</summary>
    DeadLetter,
}

/// <summary>
/// The pure rules of what an answer means (DELIVERY.md "What the output must do"), apart from any I/O so they can be
/// tested against answers shaped as each server documents them: Elasticsearch 8 and 9 and OpenSearch 2 answer
/// <c>_bulk</c> alike (HTTP 200 with <c>errors</c> and one item per action, in order, each with its own
/// <c>status</c>), while a request refused as a whole gets its status on the HTTP response.
/// </summary>
internal static class BulkOutcomes
{
    /// <summary>The verdict on the request, and when it is not to be read, the problem as /readyz and the log say it.</summary>
    public static (RequestVerdict Verdict, string? Problem) OfRequest(BulkExchange exchange, string principal)
    {
        var status = exchange.Status is { } s ? (int)s : 0;
        string? problem = status switch
        {
            0 => $"cannot reach {exchange.Url}: {exchange.Failure}; retrying",
            401 or 403 => $"{exchange.Url} rejected the credentials of {principal} ({status}): {ErrorReason(exchange.Body)}; retrying",
            429 => $"{exchange.Url} is overloaded (429); retrying",
            >= 500 => $"{exchange.Url} failed the bulk request ({status}): {ErrorReason(exchange.Body)}; retrying",
            413 => $"{exchange.Url} refused a bulk body of this size (413): sending it again in halves; lower Elasticsearch:MaxBatchBytes or raise http.max_content_length",
            400 => $"{exchange.Url} refused the whole bulk request (400): {ErrorReason(exchange.Body)}; retrying",
            >= 300 => $"{exchange.Url} answered the bulk request with {status}: {ErrorReason(exchange.Body)}; retrying",
            _ => null,
        };
        return (status == 413 ? RequestVerdict.Split : problem is null ? RequestVerdict.ReadItems : RequestVerdict.Retry, problem);
    }

    /// <param name="hasParsedJson">The document holds a <c>json</c> member parsed from its message.</param>
    public static ItemVerdict OfItem(BulkItemResult result, bool hasParsedJson) => result.Status switch
    {
        >= 200 and < 300 => ItemVerdict.Stored,
        409 => ItemVerdict.Replayed,
        429 or >= 500 => ItemVerdict.Retry,
        _ when hasParsedJson => ItemVerdict.ResendWithoutJson,
        _ => ItemVerdict.DeadLetter,
    };

    /// <summary>The <c>error.reason</c> of an error answer, or the start of a body that is not JSON (a proxy's page).</summary>
    public static string ErrorReason(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error))
            {
                return error.ValueKind == JsonValueKind.Object && error.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : error.ToString();
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): show its start.
        }

        var text = Encoding.UTF8.GetString(body.Span[..Math.Min(body.Length, 200)]);
        return text.Length == 0 ? "(empty body)" : text;
    }
}
