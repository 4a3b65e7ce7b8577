using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>Writes Elasticsearch's JSON answers, whole (with Content-Length, as Elasticsearch sends them).</summary>
internal static class JsonResponse
{
    // Elasticsearch writes ' < > & as they are; the default encoder would send \u0027 and friends.
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            body(writer);
        }

        ReadOnlyMemory<byte> bytes = buffer.WrittenMemory;
        if (context.Request.Query["filter_path"] is { Count: > 0 } filter && !string.IsNullOrEmpty(filter[0]))
        {
            bytes = FilterPath.Apply(bytes.Span, filter[0]!);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType(context.Request);
        context.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    /// <summary>The standard error envelope: <c>{"error":{"root_cause":[{type,reason}],type,reason,...},"status":N}</c>.
    /// <paramref name="extra"/> adds fields to both the root cause and the error, as Elasticsearch repeats them.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string type, string reason, Action<Utf8JsonWriter>? extra = null) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteStartArray("root_cause");
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteString("reason", reason);
            extra?.Invoke(w);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("type", type);
            w.WriteString("reason", reason);
            extra?.Invoke(w);
            w.WriteEndObject();
            w.WriteNumber("status", status);
            w.WriteEndObject();
        });

    /// <summary>The flat form Elasticsearch uses for REST-layer errors (wrong method, bad Content-Type):
    /// <c>{"error":"...","status":N}</c>.</summary>
    public static Task PlainErrorAsync(HttpContext context, int status, string message) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteNumber("status", status);
            w.WriteEndObject();
        });

    public static Task IndexNotFoundAsync(HttpContext context, string index) =>
        ErrorAsync(context, 404, "index_not_found_exception", $"no such index [{index}]", w =>
        {
            w.WriteString("resource.type", "index_or_alias");
            w.WriteString("resource.id", index);
            w.WriteString("index_uuid", "_na_");
            w.WriteString("index", index);
        });

    /// <summary>Elasticsearch answers in the media type asked for: the versioned compatible-with=8 type when the
    /// client sent it (the official clients do), plain JSON otherwise.</summary>
    private static string ContentType(HttpRequest request)
    {
        var asked = request.Headers.Accept.ToString() + request.ContentType;
        return asked.Contains("vnd.elasticsearch", StringComparison.OrdinalIgnoreCase)
            ? "application/vnd.elasticsearch+json;compatible-with=8"
            : "application/json";
    }
}
