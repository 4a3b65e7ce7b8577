using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace NodeAgent.Tests.Emulators.Elasticsearch;

/// <summary>Raw HTTP against the emulator, the way the agent talks to Elasticsearch: NDJSON bodies, optional gzip,
/// responses read as JSON, nothing from an Elasticsearch client library.</summary>
internal static class EmulatorHttp
{
    public const string DataStream = "logs-kubernetes.container_logs-default";

    public static string Doc(string message) => $$"""{"@timestamp":"2026-11-28T10:15:00.123456789Z","message":"{{message}}","stream":"stdout"}""";

    public static string Create(string? id) => id is null ? """{"create":{}}""" : $$$"""{"create":{"_id":"{{{id}}}"}}""";

    /// <summary>Lines joined with "\n" and terminated by one, as the bulk API requires.</summary>
    public static string Ndjson(params string[] lines) => string.Join('\n', lines) + "\n";

    public static HttpContent Content(string ndjson, bool gzip = false)
    {
        var bytes = Encoding.UTF8.GetBytes(ndjson);
        if (gzip)
        {
            using var buffer = new MemoryStream();
            using (var zip = new GZipStream(buffer, CompressionLevel.Fastest))
            {
                zip.Write(bytes);
            }

            bytes = buffer.ToArray();
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return content;
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> BulkAsync(HttpClient http, string ndjson, string path = DataStream + "/_bulk", bool gzip = false)
    {
        using var response = await http.PostAsync(path, Content(ndjson, gzip));
        return (response.StatusCode, await JsonAsync(response));
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The result object of the n-th item (inside its "create"/"index" wrapper).</summary>
    public static JsonElement Item(JsonElement bulk, int index, string action = "create") =>
        bulk.GetProperty("items")[index].GetProperty(action);

    public static HttpClient Client(Uri url, string? authorization = null)
    {
        var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
        if (authorization is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        return http;
    }

    public static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    public static string ApiKey(string id, string key) => "ApiKey " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{key}"));
}
