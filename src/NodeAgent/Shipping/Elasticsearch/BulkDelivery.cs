using System.Diagnostics;
using System.Globalization;
using NodeAgent.Delivery;
using NodeAgent.Remote;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>
/// Sends one bulk request until Elasticsearch has answered for every item, or the agent stops (DELIVERY.md "What the
/// output must do"). Any failure on the way (no answer, an error status, an answer that is not a bulk response, an
/// exception) is a failed attempt: the request is kept and sent again with exponential backoff and full jitter
/// (honouring <c>Retry-After</c>, clamped), on the next URL that has not failed lately (the client's failover), never
/// dropped. Of an answered request, stored and replayed (409) items are acknowledged, refused ones dead-lettered and
/// acknowledged, and only the items the cluster could not take now go again, with their same <c>_id</c>. A body the
/// cluster finds too large (413) goes again in halves. Nothing is acknowledged that was not answered for: what is in
/// flight at shutdown is read again after the restart, and its ids make the replay harmless.
/// </summary>
internal sealed class BulkDelivery(
    ElasticsearchClient client,
    BulkBatcher batcher,
    RefusedDocuments refused,
    ElasticsearchReadiness readiness,
    ElasticsearchStatistics statistics,
    BufferBudget budget,
    TimeProvider time)
{
    /// <summary>A lone document answered 413 is dead-lettered only from this size on: Elasticsearch's
    /// <c>http.max_content_length</c> and common proxy limits (nginx's <c>client_max_body_size</c>, 1 MiB by default)
    /// are far above it.</summary>
    public const int SmallestRefusableBytes = 64 * 1024;

    /// <summary>Delivers <paramref name="request"/>, whose bytes the budget holds; they are released as it is answered for.</summary>
    public async Task DeliverAsync(BulkRequest request, CancellationToken stoppingToken)
    {
        var queued = request.Bytes;
        try
        {
            await SendUntilAnsweredAsync(request, stoppingToken);
        }
        finally
        {
            statistics.QueueBytes(-queued);
        }
    }

    private async Task SendUntilAnsweredAsync(BulkRequest request, CancellationToken stoppingToken)
    {
        var pending = request;
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            try
            {
                var started = Stopwatch.GetTimestamp();
                using var exchange = await client.BulkAsync(pending, stoppingToken);
                statistics.Request(exchange.Status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "error", Stopwatch.GetElapsedTime(started));
                retryAfter = exchange.RetryAfter;
                var (verdict, problem) = BulkOutcomes.OfRequest(exchange, client.Principal);
                if (verdict == RequestVerdict.Split && (pending.Count > 1 || pending.Bytes >= SmallestRefusableBytes))
                {
                    readiness.Blocked(problem!);
                    await SplitAsync(pending, stoppingToken);
                    return;
                }

                if (verdict == RequestVerdict.Split)
                {
                    // One small document "too large": the server or a proxy in front of it is wrong, not the document.
                    // It is sent again with backoff rather than dead-lettered, so a broken proxy cannot empty the
                    // files into the dead-letter file.
                    problem = $"{exchange.Url} refused a single document of {pending.Bytes} bytes as too large (413): a proxy's limit? retrying";
                    verdict = RequestVerdict.Retry;
                }

                if (verdict == RequestVerdict.Retry)
                {
                    readiness.Blocked(problem!);
                }
                else if (!BulkResponse.TryParse(exchange.Body.Span, pending.Count, out var results, out var malformed))
                {
                    readiness.Blocked($"{exchange.Url} answered a bulk request with something that is not a bulk response ({malformed}); sending it again");
                }
                else
                {
                    readiness.Delivering();
                    var retry = Settle(pending, results);
                    BulkResponse.Return(results);
                    if (retry is not null && retry.Count < pending.Count)
                    {
                        // Progress: the cluster takes documents, it is only busy with some. The wait starts short
                        // again rather than growing towards the cap with every round of a few rejected items.
                        attempt = -1;
                    }

                    Release(pending);
                    if (retry is null)
                    {
                        statistics.Succeeded();
                        return;
                    }

                    budget.OutputHolds(retry.Bytes);
                    pending = retry;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                readiness.Unexpected(e);
            }

            await Task.Delay(Backoff.Delay(attempt, retryAfter), time, stoppingToken);
        }
    }

    /// <summary>Acknowledges what is settled (stored, replayed, or dead-lettered) and returns what must go again.</summary>
    private BulkRequest? Settle(BulkRequest request, BulkItemResult[] results)
    {
        BulkRequest? retry = null;
        var now = time.GetUtcNow();
        // Counted once per answer, not once per document.
        int stored = 0, replayed = 0, retried = 0;
        // The results array is rented: it may be longer than the request.
        for (var i = 0; i < request.Count; i++)
        {
            var item = request.Items[i];
            var result = results[i];
            switch (BulkOutcomes.OfItem(result, hasParsedJson: !item.Json.IsEmpty))
            {
                case ItemVerdict.Stored:
                    stored++;
                    break;
                case ItemVerdict.Replayed:
                    replayed++;
                    break;
                case ItemVerdict.Retry:
                    retried++;
                    (retry ??= batcher.Rent()).AddAgain(item, request.Body.Span, now);
                    continue;
                case ItemVerdict.ResendWithoutJson:
                    refused.JsonRefused(item, result);
                    (retry ??= batcher.Rent()).AddWithoutJson(item, request.Body.Span, $"{result.ErrorType}: {result.ErrorReason}", now);
                    continue;
                default:
                    refused.DeadLetter(request, item, result);
                    break;
            }

            item.Acks.Acknowledge(item.StartOffset);
        }

        statistics.Documents("created", stored);
        statistics.Documents("duplicate", replayed);
        statistics.Documents("retried", retried);
        return retry;
    }

    /// <summary>413: each half goes on its own (and is split again if need be). A single document larger than the
    /// cluster takes (and at least <see cref="SmallestRefusableBytes"/>) can never be stored: it is dead-lettered, with
    /// the reason, and acknowledged.</summary>
    private async Task SplitAsync(BulkRequest request, CancellationToken stoppingToken)
    {
        if (request.Count == 1)
        {
            var item = request.Items[0];
            refused.DeadLetter(request, item, new BulkItemResult(413, "request_entity_too_large", $"a document of {item.BodyLength} bytes is larger than the cluster takes in one request (http.max_content_length)"));
            item.Acks.Acknowledge(item.StartOffset);
            Release(request);
            return;
        }

        var now = time.GetUtcNow();
        var first = batcher.Rent();
        var second = batcher.Rent();
        for (var i = 0; i < request.Count; i++)
        {
            (i < request.Count / 2 ? first : second).AddAgain(request.Items[i], request.Body.Span, now);
        }

        budget.OutputHolds(first.Bytes + second.Bytes);
        Release(request);
        await SendUntilAnsweredAsync(first, stoppingToken);
        await SendUntilAnsweredAsync(second, stoppingToken);
    }

    /// <summary>A request answered for: its bytes leave the budget and its body goes back to the pool.</summary>
    private void Release(BulkRequest request)
    {
        budget.OutputReleases(request.Bytes);
        batcher.Return(request);
    }
}
