using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary><c>POST /_bulk</c> and <c>POST /{target}/_bulk</c>: parse the whole NDJSON body first (a malformed line
/// fails the request, nothing applied), then apply every item in order and answer 200 with one result per item.</summary>
internal static class BulkEndpoint
{
    public static async Task HandleAsync(HttpContext context, EmulatorState state, string? pathTarget)
    {
        var started = Stopwatch.GetTimestamp();
        var receivedAt = state.Options.Time.GetUtcNow();
        BulkItem[] items = [];
        // Every way out is logged, with what was answered (0: no answer).
        void Log(int status) => state.BulkRequests.Add(new BulkRequestRecord(receivedAt, status, items.Length, items.Length > 0 ? items[0].Action.Id : null,
            context.Response.Headers.RetryAfter is { Count: > 0 } retryAfter ? retryAfter.ToString() : null));

        if (RequestBody.UnsupportedContentType(context.Request, ndjson: true) is { } unsupported)
        {
            await JsonResponse.PlainErrorAsync(context, 406, unsupported);
            Log(406);
            return;
        }

        byte[] body;
        try
        {
            var request = await RequestBody.ReadAsync(context.Request, context.RequestAborted);
            body = request.Bytes;
            state.Stats.Bulk(request.Received, body.Length);
            items = BulkBodyParser.Parse(body, pathTarget);
        }
        catch (BulkFormatException e)
        {
            await JsonResponse.ErrorAsync(context, 400, e.Type, e.Message);
            Log(400);
            return;
        }

        var faults = state.Faults;
        if (body.Length > faults.MaxContentLength)
        {
            // What Elasticsearch's HTTP layer answers to content over http.max_content_length: 413, no body.
            context.Response.StatusCode = 413;
            return;
        }

        if (state.Dice.Roll(faults.DropRatio))
        {
            // The answer is lost either way; whether the bulk was applied is what the client cannot know.
            var applied = state.Dice.Roll(0.5);
            if (applied)
            {
                Apply(state, faults, items, body, new ArrayBufferWriter<byte>());
            }

            state.Stats.Dropped(applied);
            Log(0);
            context.Abort();
            return;
        }

        if (state.Dice.Roll(faults.DropAfterStoringRatio))
        {
            Apply(state, faults, items, body, new ArrayBufferWriter<byte>());
            state.Stats.Dropped(stored: true);
            Log(0);
            context.Abort();
            return;
        }

        if (state.Dice.Roll(faults.RequestUnavailableRatio))
        {
            var shard = items[0].Target;
            ElasticsearchEmulator.AddRetryAfter(context, faults);
            await JsonResponse.ErrorAsync(context, 503, "unavailable_shards_exception",
                $"[{shard}][0] primary shard is not active Timeout: [1m], request: [BulkShardRequest [[{shard}][0]] containing [{items.Length}] requests]");
            Log(503);
            return;
        }

        if (state.Dice.Roll(faults.RequestRejectionRatio))
        {
            ElasticsearchEmulator.AddRetryAfter(context, faults);
            await JsonResponse.ErrorAsync(context, 429, "es_rejected_execution_exception",
                $"rejected execution of coordinating operation [coordinating_and_primary_bytes=107374182, replica_bytes=0, all_bytes=107374182, coordinating_operation_bytes={body.Length}, max_coordinating_and_primary_bytes=107374182]");
            Log(429);
            return;
        }

        var results = new ArrayBufferWriter<byte>(items.Length * 240);
        var errors = Apply(state, faults, items, body, results);
        if (faults.AnswerDelay > TimeSpan.Zero)
        {
            // Stored; the client is still waiting.
            try
            {
                await Task.Delay(faults.AnswerDelay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client went away (killed): it never learns these documents were stored.
                Log(0);
                return;
            }
        }

        var resultsJson = faults.Outage == OutageMode.StringStatuses ? QuoteStatuses(results.WrittenSpan) : results.WrittenSpan.ToArray();
        var took = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await JsonResponse.WriteAsync(context, 200, w =>
        {
            // Field order as Elasticsearch 8 writes it (BulkResponse#toXContentChunked): errors, took, items.
            w.WriteStartObject();
            w.WriteBoolean("errors", errors);
            w.WriteNumber("took", took);
            w.WritePropertyName("items");
            w.WriteRawValue(resultsJson, skipInputValidation: true);
            w.WriteEndObject();
        });
        Log(200);
    }

    /// <summary>The items with <c>"status":201</c> written as <c>"status":"201"</c> (<see cref="OutageMode.StringStatuses"/>).</summary>
    private static byte[] QuoteStatuses(ReadOnlySpan<byte> items) =>
        Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(Encoding.UTF8.GetString(items), "\"status\":(\\d+)", "\"status\":\"$1\""));

    /// <summary>Applies the items in request order; true when any of them failed.</summary>
    private static bool Apply(EmulatorState state, FaultSettings faults, BulkItem[] items, byte[] body, ArrayBufferWriter<byte> output)
    {
        var errors = false;
        using var writer = new Utf8JsonWriter(output, JsonResponse.Options);
        writer.WriteStartArray();
        foreach (var item in items)
        {
            var result = BulkItemProcessor.Apply(state, faults, item, body.AsSpan(item.SourceStart, item.SourceLength), writer);
            state.Stats.Item(result);
            errors |= result is not (ItemResult.Created or ItemResult.Updated);
        }

        writer.WriteEndArray();
        return errors;
    }
}

/// <summary>One action of a bulk body, with its resolved target and where its source sits in the body.</summary>
internal readonly record struct BulkItem(BulkAction Action, string Target, int SourceStart, int SourceLength);

/// <summary>Splits the NDJSON body into items and makes the request-level checks Elasticsearch makes before applying
/// anything.</summary>
internal static class BulkBodyParser
{
    private const int MaxIdBytes = 512;

    public static BulkItem[] Parse(byte[] body, string? pathTarget)
    {
        if (body.Length == 0)
        {
            throw new BulkFormatException("action_request_validation_exception", "Validation Failed: 1: no requests added;");
        }

        if (body[^1] != (byte)'\n')
        {
            throw new BulkFormatException("illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]");
        }

        var items = new List<BulkItem>();
        var validation = new StringBuilder();
        var failures = 0;
        var position = 0;
        var lineNumber = 0;
        while (position < body.Length)
        {
            var (start, length) = NextLine(body, ref position);
            lineNumber++;
            if (IsBlank(body.AsSpan(start, length)))
            {
                continue;
            }

            var action = BulkActionParser.Parse(body.AsSpan(start, length), lineNumber);
            var sourceStart = 0;
            var sourceLength = 0;
            if (action.Operation != BulkOperation.Delete)
            {
                if (position >= body.Length)
                {
                    throw new BulkFormatException("illegal_argument_exception", $"Malformed action/metadata line [{lineNumber}]: the source line is missing");
                }

                (sourceStart, sourceLength) = NextLine(body, ref position);
                lineNumber++;
            }

            var target = action.Index ?? pathTarget;
            if (target is null)
            {
                validation.Append(++failures).Append(": index is missing;");
            }

            if (action.Id is { } id && Encoding.UTF8.GetByteCount(id) > MaxIdBytes)
            {
                validation.Append(++failures).Append($": id [{id}] is too long, must be no longer than 512 bytes but was: {Encoding.UTF8.GetByteCount(id)};");
            }

            items.Add(new BulkItem(action, target ?? "", sourceStart, sourceLength));
        }

        if (items.Count == 0)
        {
            throw new BulkFormatException("action_request_validation_exception", "Validation Failed: 1: no requests added;");
        }

        if (failures > 0)
        {
            throw new BulkFormatException("action_request_validation_exception", "Validation Failed: " + validation);
        }

        return [.. items];
    }

    /// <summary>The next line without its "\n" (or "\r\n", which Elasticsearch also accepts).</summary>
    private static (int Start, int Length) NextLine(byte[] body, ref int position)
    {
        var start = position;
        var newline = body.AsSpan(start).IndexOf((byte)'\n');
        var end = newline < 0 ? body.Length : start + newline;
        position = end + 1;
        var length = end - start;
        if (length > 0 && body[start + length - 1] == (byte)'\r')
        {
            length--;
        }

        return (start, length);
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t"u8).IsEmpty;
}
