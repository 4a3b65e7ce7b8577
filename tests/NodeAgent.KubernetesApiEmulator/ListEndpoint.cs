using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>LIST of a collection: <c>{"kind":"PodList","apiVersion":"v1","metadata":{...},"items":[...]}</c>, items
/// in key order without their own kind and apiVersion, paginated with <c>limit</c> and <c>continue</c>. Every page of
/// one list is cut from the snapshot at the first page's resourceVersion, as etcd reads at that revision; once that
/// revision is compacted the continue token answers 410 Expired.</summary>
internal static class ListEndpoint
{
    private const string ExpiredContinue =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";

    public static async Task HandleAsync(HttpContext context, ObjectStore store, ResourceType resource, FieldSelector selector)
    {
        var query = context.Request.Query;
        _ = long.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var limit);
        long? at = null;
        var start = "";
        if (query["continue"].ToString() is { Length: > 0 } token)
        {
            if (!ContinueToken.TryDecode(token, out var snapshot, out start))
            {
                await StatusResponse.WriteAsync(context, 400, "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
                return;
            }

            at = snapshot;
        }
        else if (query["resourceVersionMatch"] == "Exact" && long.TryParse(query["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var exact))
        {
            at = exact;
        }

        // resourceVersion "" (most recent) and "0" (any) are both served from the current state: the fake has no stale cache.
        if (!store.TryList(resource, at, out var resourceVersion, out var all))
        {
            var message = at is not null && query["continue"].Count > 0
                ? ExpiredContinue
                : "The resourceVersion for the provided list is too old.";
            await StatusResponse.WriteAsync(context, 410, message);
            return;
        }

        var matching = all.Where(o => string.CompareOrdinal(o.Key, start) >= 0 && selector.Matches(o.Fields)).ToList();
        var page = limit > 0 && matching.Count > limit ? matching.Take((int)limit).ToList() : matching;
        var remaining = matching.Count - page.Count;

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, Wire.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", resource.ListKind);
            writer.WriteString("apiVersion", "v1");
            writer.WriteStartObject("metadata");
            writer.WriteString("resourceVersion", ResourceType.Rv(resourceVersion));
            if (remaining > 0)
            {
                writer.WriteString("continue", ContinueToken.Encode(resourceVersion, page[^1].Key));
                // The server counts what is left only when no selector filters it (it would have to read it all).
                if (selector.IsEmpty)
                {
                    writer.WriteNumber("remainingItemCount", remaining);
                }
            }

            writer.WriteEndObject();
            writer.WriteStartArray("items");
            foreach (var item in page)
            {
                writer.WriteRawValue(item.ItemJson, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = Wire.JsonContentType;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
