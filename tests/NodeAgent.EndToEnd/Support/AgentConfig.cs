using System.Text.Json.Nodes;

namespace NodeAgent.EndToEnd.Support;

/// <summary>A temporary directory with a config file for one agent run, listening on loopback port 0 (the agent
/// reports the port it bound: <see cref="Port"/> is the last started agent's), tailing an empty directory of its own,
/// keeping its state in its own folder, not reading the machine's systemd journal.</summary>
internal sealed class AgentConfig : IDisposable
{
    public AgentConfig(Action<JsonObject>? customize = null)
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(LogDirectory);
        Json = new JsonObject
        {
            ["Http"] = new JsonObject { ["ListenAddress"] = ListenAddress },
            ["Node"] = new JsonObject { ["Name"] = NodeName },
            ["Logs"] = new JsonObject
            {
                ["Include"] = new JsonArray(Path.Combine(LogDirectory, "*.log")),
                ["StatePath"] = Path.Combine(Root, "state"),
            },
            // The machine's own journal is no test's input: a test that reads one names its own directory.
            ["Journal"] = new JsonObject { ["Enabled"] = false },
        };
        customize?.Invoke(Json);
        File.WriteAllText(FilePath, Json.ToJsonString());
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "nodeagent-e2e-" + Guid.NewGuid().ToString("N"));

    /// <summary>A node name of this config's own, which the agent shows on its index page: an answer naming another
    /// node comes from another test's agent.</summary>
    public string NodeName => "e2e-" + Path.GetFileName(Root)["nodeagent-e2e-".Length..][..12];

    public string LogDirectory => Path.Combine(Root, "containers");

    public string FilePath => Path.Combine(Root, "config.json");

    public JsonObject Json { get; }

    /// <summary>What the config file says: a free port, chosen by the kernel when the agent binds it.</summary>
    public const string ListenAddress = "127.0.0.1:0";

    private Uri? _baseAddress;

    /// <summary>Where the last agent started from this config serves (each start gets a port of its own).</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("no agent from this config has served yet: its port is known once it has said so");

    public int Port => BaseAddress.Port;

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
        await WaitUntilServingAsync(agent);
        return agent;
    }

    /// <summary>Starts an agent that serves TLS or asks for a password: <paramref name="client"/> is how to reach it.</summary>
    public async Task<AgentProcess> StartAgentAsync(HttpClient client, params string[] extraArguments)
    {
        var agent = AgentProcess.Start(["--config", FilePath, .. extraArguments]);
        await WaitUntilServingAsync(agent, client);
        return agent;
    }

    /// <summary>Waits until an agent started from this config serves, and makes <see cref="BaseAddress"/> its address.</summary>
    public async Task WaitUntilServingAsync(AgentProcess agent, HttpClient? client = null) => _baseAddress = await agent.WaitUntilServingAsync(TimeSpan.FromSeconds(30), client);

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
