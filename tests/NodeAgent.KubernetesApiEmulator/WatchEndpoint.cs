using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>WATCH of a collection, as kube-apiserver streams it: HTTP 200, <c>application/json</c>, chunked, one
/// <c>{"type":...,"object":...}</c> per line, each flushed as it happens. resourceVersion unset or "0" starts with the
/// current state as ADDED events; N replays the changes after N, or, when N is older than the last compaction, sends
/// one ERROR event carrying a 410 Expired Status and ends (status 200 all the same: the headers are already out on the
/// real server, which is why clients must read the ERROR event).</summary>
internal static class WatchEndpoint
{
    public static async Task HandleAsync(HttpContext context, FakeState state, ResourceType resource, FieldSelector selector)
    {
        var query = context.Request.Query;
        long? from = null;
        if (query["resourceVersion"].ToString() is { Length: > 0 } text && text != "0")
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed <= 0)
            {
                await StatusResponse.WriteAsync(context, 400, $"invalid resource version: \"{text}\"");
                return;
            }

            from = parsed;
        }

        TimeSpan? timeout = long.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
        var bookmarks = QueryValues.IsTrue(query["allowWatchBookmarks"]);

        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, state.Stopping))
        {
            await state.Watches.WhileHeldAsync(waiting.Token);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = Wire.JsonContentType;
        // Headers go out at once, before any event, as the real server flushes them: a client waits on them to know
        // its watch is established.
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);

        var subscription = state.Store.Subscribe(resource, from, out var replay);
        if (subscription is null)
        {
            // The watch cache's wording: the revision asked for, then the one before the oldest it still has.
            var expired = StatusResponse.Failure(410, $"too old resource version: {from} ({state.Store.CompactedThrough})", "Expired");
            await WriteAsync(context, "ERROR", StoredObject.Serialize(expired), context.RequestAborted);
            return;
        }

        state.Watches.Add(context);
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, state.Stopping);
        if (timeout is { } limit)
        {
            ends.CancelAfter(limit);
        }

        try
        {
            foreach (var change in replay)
            {
                await SendAsync(context, change, selector, ends.Token);
            }

            await StreamAsync(context, state, subscription, selector, bookmarks, ends.Token);
        }
        catch (OperationCanceledException) when (ends.IsCancellationRequested)
        {
            // Timeout, disposal or a client that went away: a clean end for the first two, nothing to say for the last.
        }
        finally
        {
            state.Store.Unsubscribe(subscription);
            state.Watches.Remove(context);
        }
    }

    private static async Task StreamAsync(HttpContext context, FakeState state, WatchSubscription subscription, FieldSelector selector, bool bookmarks, CancellationToken ends)
    {
        var interval = state.Options.BookmarkInterval;
        var nextBookmark = state.Time.GetUtcNow() + interval;
        var reader = subscription.Events.Reader;
        while (!ends.IsCancellationRequested)
        {
            while (reader.TryRead(out var change))
            {
                await SendAsync(context, change, selector, ends);
            }

            var untilBookmark = nextBookmark - state.Time.GetUtcNow();
            if (bookmarks && untilBookmark <= TimeSpan.Zero)
            {
                if (state.Store.BookmarkVersion(subscription) is { } version)
                {
                    await WriteAsync(context, "BOOKMARK", StoredObject.Serialize(subscription.Resource.Bookmark(version)), ends);
                    nextBookmark = state.Time.GetUtcNow() + interval;
                }

                continue;
            }

            using var tick = CancellationTokenSource.CreateLinkedTokenSource(ends);
            if (bookmarks)
            {
                tick.CancelAfter(untilBookmark);
            }

            try
            {
                if (!await reader.WaitToReadAsync(tick.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!ends.IsCancellationRequested)
            {
                // Time for a bookmark.
            }
        }
    }

    /// <summary>Sends one change as this watch's selector sees it (the watch cache's filtering): a MODIFIED that
    /// enters the selection is an ADDED, one that leaves it a DELETED, one outside it before and after is not sent.</summary>
    private static Task SendAsync(HttpContext context, StoredEvent change, FieldSelector selector, CancellationToken ends)
    {
        var now = selector.Matches(change.Object.Fields);
        var before = change.Previous is { } previous && selector.Matches(previous.Fields);
        var type = change.Type switch
        {
            EventType.Added => now ? "ADDED" : null,
            EventType.Deleted => now ? "DELETED" : null,
            _ when now && before => "MODIFIED",
            _ when now => "ADDED",
            _ when before => "DELETED",
            _ => null,
        };
        return type is null ? Task.CompletedTask : WriteAsync(context, type, change.Object.Json, ends);
    }

    private static async Task WriteAsync(HttpContext context, string type, byte[] objectJson, CancellationToken ends)
    {
        var buffer = new ArrayBufferWriter<byte>(objectJson.Length + 32);
        using (var writer = new Utf8JsonWriter(buffer, Wire.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            writer.WriteRawValue(objectJson, skipInputValidation: true);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, ends);
        await context.Response.Body.FlushAsync(ends);
    }
}
