using System.Text;
using System.Text.Json;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>What an answer means: a whole request refused (and why), or per item stored, sent again, sent without its
/// parsed JSON fields, or dead-lettered.</summary>
internal sealed partial class ElasticsearchOutput
{
    private string? RequestProblem(BulkExchange exchange, int status) => status switch
    {
        0 => $"cannot reach {exchange.Url}: {exchange.Failure}; retrying",
        401 or 403 => $"{exchange.Url} rejected the credentials of {_client.Principal} ({status}): {ErrorReason(exchange.Body)}; retrying",
        429 => $"{exchange.Url} is overloaded (429); retrying",
        >= 500 => $"{exchange.Url} failed the bulk request ({status}): {ErrorReason(exchange.Body)}; retrying",
        413 => $"{exchange.Url} refused a bulk body of this size (413): lower Elasticsearch:MaxBatchBytes or raise http.max_content_length; retrying",
        >= 300 and not 400 => $"{exchange.Url} answered the bulk request with {status}: {ErrorReason(exchange.Body)}; retrying",
        400 => $"{exchange.Url} refused the whole bulk request (400): {ErrorReason(exchange.Body)}; retrying",
        _ => null,
    };

    /// <summary>Acknowledges what is settled (stored, replayed, or dead-lettered) and returns what must go again.</summary>
    private BulkRequest? Settle(BulkRequest request, BulkItemResult[] results)
    {
        BulkRequest? retry = null;
        var now = _time.GetUtcNow();
        for (var i = 0; i < results.Length; i++)
        {
            var item = request.Items[i];
            var result = results[i];
            if (result.Delivered)
            {
                _statistics.Documents(result.Status == 409 ? "duplicate" : "created");
            }
            else if (result.Retryable)
            {
                _statistics.Documents("retried");
                (retry ??= _pool.Rent()).AddAgain(item, request.Body.Span, now);
                continue;
            }
            else if (!item.Json.IsEmpty)
            {
                // Refused with fields parsed from a JSON message (node-agent.io/parse): most likely for those fields
                // (a type conflict with the mapping, the field limit). The line is sent again without them rather
                // than dead-lettered; refused again, it is dead-lettered as it then is.
                _statistics.Documents("json_refused");
                if (ShouldWarn(item.IsOwnLog, "json_refused", out var unsaid))
                {
                    Log.JsonRefused(_logger, result.Status, result.ErrorType ?? "", result.ErrorReason ?? "", item.Context.FilePath, item.StartOffset, unsaid);
                }

                (retry ??= _pool.Rent()).AddWithoutJson(item, request.Body.Span, $"{result.ErrorType}: {result.ErrorReason}", now);
                continue;
            }
            else
            {
                DeadLetter(request, item, result);
            }

            item.Acks.Acknowledge(item.StartOffset);
        }

        return retry;
    }

    private static string ErrorReason(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var error))
            {
                return error.ValueKind == JsonValueKind.Object && error.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : error.ToString();
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): show its start.
        }

        var text = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200)));
        return text.Length == 0 ? "(empty body)" : text;
    }
}
