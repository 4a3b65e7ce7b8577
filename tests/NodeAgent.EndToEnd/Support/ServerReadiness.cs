using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NodeAgent.EndToEnd.Support;

/// <summary>
/// How a test knows the server it started is up: every server binds port 0 and says in its own output which port the
/// kernel gave it (no port is picked by the test, closed, and bound again later, which let test classes running in
/// parallel take each other's ports), and an answer counts only when its body is that server's own (any HTTP answer,
/// another test's server included, used to pass).
/// </summary>
internal static partial class ServerReadiness
{
    /// <summary>The agent's <c>Started</c> line, in JSON or text: <c>... started on node {node}, serving {address}</c>.</summary>
    [GeneratedRegex("""started on node (?<node>.+?), serving (?<address>https?://[^\s"]+)""")]
    private static partial Regex AgentStarted();

    /// <summary>The Prometheus exporter toolkit's line (node_exporter, Prometheus):
    /// <c>msg="Listening on" address=127.0.0.1:40123</c>, with the port bound, not the one asked for.</summary>
    [GeneratedRegex("""msg="Listening on" address=(?<address>[^\s]+)""")]
    private static partial Regex ToolkitListening();

    /// <summary>Where the agent says it serves, and its node name; null until its <c>Started</c> line was written.</summary>
    public static (Uri Address, string Node)? AgentStartedLine(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            if (AgentStarted().Match(line) is { Success: true } match)
            {
                return (new Uri(match.Groups["address"].Value), match.Groups["node"].Value);
            }
        }

        return null;
    }

    /// <summary>Where a Prometheus toolkit server (node_exporter, Prometheus) says it listens; null until it has.</summary>
    public static Uri? ToolkitListeningLine(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            if (ToolkitListening().Match(line) is { Success: true } match)
            {
                return new Uri("http://" + match.Groups["address"].Value);
            }
        }

        return null;
    }

    /// <summary>Whether the server at <paramref name="baseAddress"/> is a NodeAgent on node <paramref name="node"/>:
    /// /healthz answers the agent's JSON (<c>{"status":"ok"}</c>, or <c>"unavailable"</c> with reasons) and the index
    /// page names NodeAgent and the node. False for no answer or anyone else's.</summary>
    public static async Task<bool> IsAgentAsync(HttpClient http, Uri baseAddress, string node)
    {
        try
        {
            using var health = await http.GetAsync(new Uri(baseAddress, "/healthz"));
            if (health.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
            {
                return false;
            }

            using (var json = JsonDocument.Parse(await health.Content.ReadAsStringAsync()))
            {
                if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("status", out var status)
                    || status.GetString() is not ("ok" or "unavailable"))
                {
                    return false;
                }
            }

            var index = await http.GetStringAsync(new Uri(baseAddress, "/"));
            return index.Contains("<title>NodeAgent</title>", StringComparison.Ordinal)
                && index.Contains($"Node <b>{WebUtility.HtmlEncode(node)}</b>", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Whether GET <paramref name="url"/> answers 200 with a body containing <paramref name="identity"/>.</summary>
    public static async Task<bool> AnswersAsync(HttpClient http, Uri url, string identity)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains(identity, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
