using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NodeAgent.ElasticsearchEmulation;

namespace NodeAgent.EndToEnd.Support;

/// <summary>
/// The cluster a delivery test ships to: the emulator (tests/NodeAgent.ElasticsearchEmulator), or a real Elasticsearch
/// when <c>NODEAGENT_TEST_ELASTICSEARCH_URL</c> is set (with <c>NODEAGENT_TEST_ELASTICSEARCH_USERNAME</c> and
/// <c>_PASSWORD</c> for basic auth, <c>_INSECURE=true</c> for a test cluster's self-signed certificate). On a real
/// cluster each test writes to a data stream of its own (still matched by the built-in <c>logs-*-*</c> template) and
/// deletes it at the end. Tests that inject faults need the emulator and use it directly.
/// </summary>
internal sealed class ElasticsearchUnderTest : IAsyncDisposable
{
    private const string DefaultTarget = "logs-kubernetes.container_logs-default";

    private readonly HttpClient? _http;

    private ElasticsearchUnderTest(Uri url, string target, ElasticsearchEmulator? emulator, HttpClient? http)
    {
        Url = url;
        Target = target;
        Emulator = emulator;
        _http = http;
    }

    public Uri Url { get; }

    public string Target { get; }

    public ElasticsearchEmulator? Emulator { get; }

    private static string? Setting(string name) => Environment.GetEnvironmentVariable("NODEAGENT_TEST_ELASTICSEARCH_" + name) is { Length: > 0 } value ? value : null;

    public static async Task<ElasticsearchUnderTest> StartAsync()
    {
        if (Setting("URL") is not { } url)
        {
            var emulator = await ElasticsearchEmulator.StartAsync();
            return new ElasticsearchUnderTest(emulator.Url, DefaultTarget, emulator, null);
        }

#pragma warning disable CA5359, CA2000 // a test cluster's self-signed certificate, asked for explicitly; the client is disposed with this object
        var handler = new HttpClientHandler();
        if (Setting("INSECURE") == "true")
        {
            handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
        }

        var http = new HttpClient(handler) { BaseAddress = new Uri(url) };
#pragma warning restore CA5359, CA2000
        if (Setting("USERNAME") is { } user)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{Setting("PASSWORD")}")));
        }

        return new ElasticsearchUnderTest(new Uri(url), $"logs-kubernetes.container_logs-t{Guid.NewGuid():N}", null, http);
    }

    /// <summary>The agent's arguments for this cluster and target.</summary>
    public IEnumerable<string> AgentArguments()
    {
        yield return $"--Elasticsearch:Urls:0={Url}";
        yield return $"--Elasticsearch:DataStream={Target}";
        if (Setting("USERNAME") is { } user)
        {
            yield return $"--Elasticsearch:Username={user}";
            yield return $"--Elasticsearch:Password={Setting("PASSWORD")}";
        }

        if (Setting("INSECURE") == "true")
        {
            yield return "--Elasticsearch:InsecureSkipVerify=true";
        }
    }

    public async Task<int> CountAsync()
    {
        if (Emulator is not null)
        {
            return Emulator.Count(Target);
        }

        using var refresh = await _http!.PostAsync(new Uri($"/{Target}/_refresh", UriKind.Relative), null);
        using var response = await _http.GetAsync(new Uri($"/{Target}/_count", UriKind.Relative));
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("count").GetInt32();
    }

    /// <summary>The stored documents' sources (up to 10,000 from a real cluster: more than any test writes).</summary>
    public async Task<List<JsonElement>> DocumentsAsync()
    {
        if (Emulator is not null)
        {
            return [.. Emulator.Documents(Target)];
        }

        using var refresh = await _http!.PostAsync(new Uri($"/{Target}/_refresh", UriKind.Relative), null);
        using var response = await _http.GetAsync(new Uri($"/{Target}/_search?size=10000", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.GetProperty("hits").GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("_source").Clone())];
    }

    public async ValueTask DisposeAsync()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }

        if (_http is not null)
        {
            using var delete = await _http.DeleteAsync(new Uri($"/_data_stream/{Target}", UriKind.Relative));
            _http.Dispose();
        }
    }
}
