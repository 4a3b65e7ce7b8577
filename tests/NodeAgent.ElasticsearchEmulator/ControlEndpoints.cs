using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary><c>/_emulator/*</c>: what a test or benchmark in another process uses to read counters, steer faults and
/// read back documents. Never subject to faults or security.</summary>
internal static class ControlEndpoints
{
    public static async Task HandleAsync(HttpContext context, EmulatorState state, string path)
    {
        var method = context.Request.Method;
        switch (path)
        {
            case "stats" when HttpMethods.IsGet(method):
                await JsonResponse.WriteAsync(context, 200, w => WriteStats(w, state));
                return;
            case "faults" when HttpMethods.IsGet(method):
                await JsonResponse.WriteAsync(context, 200, w => FaultsJson.Write(w, state.Faults));
                return;
            case "faults" when HttpMethods.IsPost(method) || HttpMethods.IsPut(method):
                try
                {
                    var body = await RequestBody.ReadAsync(context.Request, context.RequestAborted);
                    using var document = JsonDocument.Parse(body.Bytes.Length == 0 ? "{}"u8.ToArray() : body.Bytes);
                    state.UpdateFaults(current => FaultsJson.Merge(current, document.RootElement));
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
                {
                    await JsonResponse.ErrorAsync(context, 400, "illegal_argument_exception", e.Message);
                    return;
                }

                await JsonResponse.WriteAsync(context, 200, w => FaultsJson.Write(w, state.Faults));
                return;
            case "faults" when HttpMethods.IsDelete(method):
                state.Faults = FaultSettings.None;
                await JsonResponse.WriteAsync(context, 200, w => FaultsJson.Write(w, state.Faults));
                return;
            case "reset" when HttpMethods.IsPost(method):
                state.Reset();
                await JsonResponse.WriteAsync(context, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("acknowledged", true);
                    w.WriteEndObject();
                });
                return;
            default:
                if (path.StartsWith("documents/", StringComparison.Ordinal) && HttpMethods.IsGet(method))
                {
                    await WriteDocumentsAsync(context, state, Uri.UnescapeDataString(path["documents/".Length..]));
                    return;
                }

                await JsonResponse.PlainErrorAsync(context, 400, $"no handler found for uri [/_emulator/{path}] and method [{method}]");
                return;
        }
    }

    private static void WriteStats(Utf8JsonWriter w, EmulatorState state)
    {
        var stats = state.Snapshot();
        w.WriteStartObject();
        w.WriteNumber("requests", stats.Requests);
        w.WriteNumber("bulk_requests", stats.BulkRequests);
        w.WriteStartObject("requests_by_status");
        foreach (var (status, count) in stats.RequestsByStatus)
        {
            w.WriteNumber(status.ToString(CultureInfo.InvariantCulture), count);
        }

        w.WriteEndObject();
        w.WriteNumber("dropped_connections", stats.DroppedConnections);
        w.WriteNumber("dropped_after_storing", stats.DroppedAfterStoring);
        w.WriteNumber("stalled_answers", stats.StalledAnswers);
        w.WriteStartObject("items");
        w.WriteNumber("created", stats.ItemsCreated);
        w.WriteNumber("updated", stats.ItemsUpdated);
        w.WriteNumber("conflict", stats.ItemsConflict);
        w.WriteNumber("rejected", stats.ItemsRejected);
        w.WriteNumber("mapping_error", stats.ItemsMappingError);
        w.WriteNumber("other", stats.ItemsOther);
        w.WriteEndObject();
        w.WriteNumber("bytes_received", stats.BytesReceived);
        w.WriteNumber("bytes_decompressed", stats.BytesDecompressed);
        w.WriteNumber("documents", stats.Documents);
        w.WriteStartObject("targets");
        foreach (var target in state.Store.Targets.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            w.WriteStartObject(target.Name);
            w.WriteString("write_index", target.WriteIndex);
            w.WriteBoolean("data_stream", target.IsDataStream);
            w.WriteNumber("count", target.Count);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>NDJSON, one <c>{"_id":..,"_source":..}</c> per document in write order (no <c>_source</c> in
    /// count-only mode); 404 like Elasticsearch for an unknown target.</summary>
    private static async Task WriteDocumentsAsync(HttpContext context, EmulatorState state, string name)
    {
        if (state.Store.Find(name) is not { } target)
        {
            await JsonResponse.IndexNotFoundAsync(context, name);
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        using var buffer = new MemoryStream();
        foreach (var (id, source) in target.Snapshot())
        {
            using (var w = new Utf8JsonWriter(buffer, JsonResponse.Options))
            {
                w.WriteStartObject();
                w.WriteString("_id", id);
                if (source is not null)
                {
                    w.WritePropertyName("_source");
                    w.WriteRawValue(source, skipInputValidation: true);
                }

                w.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
        }

        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }
}
