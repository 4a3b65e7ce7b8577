using System.Text.Json.Nodes;

namespace NodeAgent.EndToEnd.Support;

/// <summary>A temporary directory with a config file for one agent run, on a free loopback port, tailing an empty
/// directory of its own, keeping its state in its own folder.</summary>
internal sealed class AgentConfig : IDisposable
{
    public AgentConfig(Action<JsonObject>? customize = null)
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(LogDirectory);
        Port = AgentProcess.FreeLoopbackPort();
        Json = new JsonObject
        {
            ["Http"] = new JsonObject { ["ListenAddress"] = $"127.0.0.1:{Port}" },
            ["Logs"] = new JsonObject
            {
                ["Include"] = new JsonArray(Path.Combine(LogDirectory, "*.log")),
                ["StatePath"] = Path.Combine(Root, "state"),
            },
        };
        customize?.Invoke(Json);
        File.WriteAllText(FilePath, Json.ToJsonString());
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "nodeagent-e2e-" + Guid.NewGuid().ToString("N"));

    public string LogDirectory => Path.Combine(Root, "containers");

    public string FilePath => Path.Combine(Root, "config.json");

    public JsonObject Json { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>The running agent's /metrics with one small collector (loadavg): its own nodeagent_* families without
    /// the cost of scraping every node collector.</summary>
    public async Task<string> AgentMetricsAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        return await http.GetStringAsync(new Uri("/metrics?collect[]=loadavg", UriKind.Relative));
    }

    public async Task<AgentProcess> StartAgentAsync(params string[] extraArguments)
    {
        var agent = AgentProcess.Start(["--config", FilePath, .. extraArguments]);
        await agent.WaitUntilServingAsync(BaseAddress, TimeSpan.FromSeconds(30));
        return agent;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort cleanup of a temp directory.
        }
    }
}
