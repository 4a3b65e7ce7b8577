using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

/// <summary>
/// An <see cref="HttpMessageHandler"/> that answers bulk requests as a script says, call by call, and keeps every
/// request's host and NDJSON body (gzip bodies inflated): the transport under the real client, for
/// testing the delivery loop without sockets.
/// </summary>
internal sealed class FakeBulkServer(Func<int, BulkCall, HttpResponseMessage> answer) : HttpMessageHandler
{
    private int _calls;

    public ConcurrentQueue<BulkCall> Calls { get; } = new();

    /// <summary>An answer of <paramref name="status"/> with one item per document, each with the status
    /// <paramref name="itemStatus"/> gives it (by its position in the request).</summary>
    public static HttpResponseMessage Items(BulkCall call, Func<int, int> itemStatus, HttpStatusCode status = HttpStatusCode.OK)
    {
        var items = Enumerable.Range(0, call.Documents.Count).Select(itemStatus).Select(s => s >= 300
            ? "{\"create\":{\"status\":" + s + ",\"error\":{\"type\":\"test_exception\",\"reason\":\"status " + s + "\"}}}"
            : "{\"create\":{\"status\":" + s + "}}");
        return Json(status, "{\"errors\":true,\"items\":[" + string.Join(",", items) + "]}");
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = "";
        if (request.Content is { } content)
        {
            var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
            if (content.Headers.ContentEncoding.Contains("gzip"))
            {
                using var gunzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
                using var plain = new MemoryStream();
                await gunzip.CopyToAsync(plain, cancellationToken);
                bytes = plain.ToArray();
            }

            body = Encoding.UTF8.GetString(bytes);
        }

        var call = new BulkCall(request.RequestUri!.Host, body, DateTimeOffset.UtcNow);
        Calls.Enqueue(call);
        return answer(Interlocked.Increment(ref _calls), call);
    }
}

/// <summary>One request as the fake server got it.</summary>
internal sealed record BulkCall(string Host, string Body, DateTimeOffset At)
{
    /// <summary>The document lines (every second line of the NDJSON).</summary>
    public IReadOnlyList<string> Documents => [.. Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where((_, i) => i % 2 == 1)];

    public IReadOnlyList<string> Messages => [.. Documents.Select(d => System.Text.Json.JsonDocument.Parse(d).RootElement.GetProperty("message").GetString()!)];
}
