using System.Net;
using System.Text.Json.Nodes;

namespace NodeAgent.Tests.Emulators.KubernetesApi;

/// <summary>Plain HttpClient calls against the fake, the way a list+watch loop makes them.</summary>
internal static class KubeHttp
{
    public const string NodeA = "spec.nodeName%3Dnode-a";

    public static HttpClient Client(Uri baseUrl, string? token = null)
    {
        var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return http;
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> GetAsync(HttpClient http, string pathAndQuery)
    {
        var response = await http.GetAsync(pathAndQuery);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        return (response.StatusCode, body, response);
    }

    public static async Task<JsonObject> ListAsync(HttpClient http, string pathAndQuery)
    {
        var (status, body, _) = await GetAsync(http, pathAndQuery);
        Assert.True(status == HttpStatusCode.OK, $"{pathAndQuery}: {(int)status} {body.ToJsonString()}");
        return body;
    }

    public static string Rv(JsonNode? node) => (string)node!["metadata"]!["resourceVersion"]!;

    public static string Name(JsonNode? node) => (string)node!["metadata"]!["name"]!;

    public static IEnumerable<string> Names(JsonObject list) => list["items"]!.AsArray().Select(Name);
}

/// <summary>An open watch: one JSON event per line, read as they arrive.</summary>
internal sealed class WatchStream : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private WatchStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public static async Task<WatchStream> OpenAsync(HttpClient http, string pathAndQuery)
    {
        var response = await http.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead);
        return new WatchStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The next event; null when the server ended the stream cleanly. Throws when none comes in time.</summary>
    public async Task<JsonObject?> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var line = await _reader.ReadLineAsync(cancel.Token);
        return line is null ? null : JsonNode.Parse(line)!.AsObject();
    }

    public async Task<List<JsonObject>> TakeAsync(int count)
    {
        var events = new List<JsonObject>();
        while (events.Count < count)
        {
            events.Add(await NextAsync() ?? throw new InvalidOperationException($"the watch ended after {events.Count} of {count} events"));
        }

        return events;
    }

    /// <summary>Every event until the server ends the stream.</summary>
    public async Task<List<JsonObject>> ToEndAsync(TimeSpan timeout)
    {
        var events = new List<JsonObject>();
        while (await NextAsync(timeout) is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
