using System.Text.Json;
using NodeAgent.EndToEnd.Support;

namespace NodeAgent.EndToEnd;

/// <summary><c>node-agent check-config</c> and what a secret may never reach.</summary>
public sealed class CheckConfigTests
{
    private const string Password = "pa55-Zx81-never-print-me";

    [Fact]
    public async Task Check_config_prints_the_effective_configuration_and_exits_0()
    {
        using var config = new AgentConfig();
        var (exitCode, stdout, _) = await AgentProcess.RunToExitAsync("check-config", "--config", config.FilePath, "--Node:Name=node-7");

        Assert.Equal(0, exitCode);
        using var doc = JsonDocument.Parse(string.Join('\n', stdout));
        Assert.Equal("node-7", doc.RootElement.GetProperty("Node").GetProperty("Name").GetString());
        Assert.Equal(AgentConfig.ListenAddress, doc.RootElement.GetProperty("Http").GetProperty("ListenAddress").GetString());
        Assert.Equal(Path.Combine(config.LogDirectory, "*.log"), doc.RootElement.GetProperty("Logs").GetProperty("Include")[0].GetString());
    }

    [Fact]
    public async Task Check_config_exits_2_on_an_invalid_configuration()
    {
        using var config = new AgentConfig(json => json["Http"]!["ListenAddres"] = "127.0.0.1:1");
        var (exitCode, stdout, stderr) = await AgentProcess.RunToExitAsync("check-config", "--config", config.FilePath);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Contains(stderr, l => l.Contains("Http:ListenAddres: unknown key (did you mean Http:ListenAddress?)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_secret_never_appears_in_check_config_logs_metrics_or_the_index_page()
    {
        using var config = new AgentConfig(json => json["Elasticsearch"] = new System.Text.Json.Nodes.JsonObject
        {
            ["Urls"] = new System.Text.Json.Nodes.JsonArray("http://127.0.0.1:9"),
            ["Username"] = "ingest",
            ["Password"] = Password,
        });

        var check = await AgentProcess.RunToExitAsync("check-config", "--config", config.FilePath);
        Assert.Equal(0, check.ExitCode);
        Assert.Contains(check.Stdout, l => l.Contains("\"Password\": \"<redacted>\"", StringComparison.Ordinal));

        await using var agent = await config.StartAgentAsync("--Logging:Level=Trace");
        using var http = new HttpClient { BaseAddress = config.BaseAddress };
        // Nothing listens on port 9: /readyz answers 503 with the reason, which must not hold the secret either.
        using var readyz = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var pages = new[]
        {
            await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            await http.GetStringAsync(new Uri("/", UriKind.Relative)),
            await readyz.Content.ReadAsStringAsync(),
        };
        agent.Signal(AgentProcess.SigTerm);
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(10)));

        Assert.NotEmpty(agent.Logs);
        var everything = check.Stdout.Concat(check.Stderr).Concat(agent.Stdout).Concat(agent.Stderr).Concat(pages);
        Assert.DoesNotContain(everything, text => text.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_url_holding_credentials_is_refused_with_exit_2_by_check_config_and_run_without_printing_them()
    {
        using var config = new AgentConfig(json => json["Elasticsearch"] = new System.Text.Json.Nodes.JsonObject
        {
            ["Urls"] = new System.Text.Json.Nodes.JsonArray($"https://ingest:{Password}@127.0.0.1:9"),
        });

        foreach (var verb in new[] { "check-config", "run" })
        {
            var (exitCode, stdout, stderr) = await AgentProcess.RunToExitAsync(verb, "--config", config.FilePath);

            Assert.Equal(2, exitCode);
            Assert.Empty(stdout);
            var error = Assert.Single(stderr);
            Assert.StartsWith($"node-agent: invalid configuration: {config.FilePath}: Elasticsearch:Urls: 'https://<redacted>@127.0.0.1:9' holds credentials", error, StringComparison.Ordinal);
            Assert.Contains("Elasticsearch:Username", error, StringComparison.Ordinal);
            Assert.Contains("Elasticsearch:PasswordFile", error, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, error, StringComparison.Ordinal);
        }
    }
}
