using System.Net;
using System.Net.Sockets;
using System.Text;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;

namespace NodeAgent.EndToEnd;

/// <summary>
/// The servers a test starts are found by the port they bound and recognised by their answers (issue 12, point 7): no
/// port is picked, closed and bound again (test classes run in parallel and took each other's ports), and a readiness
/// wait no longer takes any HTTP answer for the server it waits for.
/// </summary>
public sealed class ServerReadinessTests
{
    private static async Task<T> EventuallyAsync<T>(Func<T?> probe, TimeSpan timeout)
        where T : struct
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("condition not met");
    }

    [Fact]
    public async Task An_agent_on_port_0_names_the_port_it_bound_in_its_started_line_and_serves_there()
    {
        using var config = new AgentConfig();
        Assert.Equal("127.0.0.1:0", AgentConfig.ListenAddress);
        await using var agent = AgentProcess.Start(["--config", config.FilePath]);

        var (address, node) = await EventuallyAsync(() => ServerReadiness.AgentStartedLine(agent.Logs), TimeSpan.FromSeconds(30));

        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
        Assert.Equal(config.NodeName, node);
        using var http = new HttpClient();
        using var health = await http.GetAsync(new Uri(address, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("{\"status\":\"ok\"}\n", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Agents_started_side_by_side_each_serve_on_a_port_of_their_own_and_none_passes_for_another()
    {
        var configs = Enumerable.Range(0, 3).Select(_ => new AgentConfig()).ToList();
        var agents = await Task.WhenAll(configs.Select(c => c.StartAgentAsync()));
        try
        {
            Assert.Equal(3, configs.Select(c => c.Port).Distinct().Count());
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            for (var i = 0; i < configs.Count; i++)
            {
                Assert.Equal(configs[i].BaseAddress, agents[i].BaseAddress);
                Assert.True(await ServerReadiness.IsAgentAsync(http, configs[i].BaseAddress, configs[i].NodeName));
                // Another test's agent answers /healthz just as well: its index page names another node.
                var other = configs[(i + 1) % configs.Count];
                Assert.False(await ServerReadiness.IsAgentAsync(http, other.BaseAddress, configs[i].NodeName));
            }
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }

            configs.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Readiness_takes_no_other_server_for_the_agent()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        // The old wait returned on this: an HTTP answer (400, no handler for /healthz).
        using (var answer = await http.GetAsync(new Uri(emulator.Url, "/healthz")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        }

        Assert.False(await ServerReadiness.IsAgentAsync(http, emulator.Url, "any"));

        // A server answering every path 200 {"status":"ok"}, as many health endpoints do, with no agent's index page.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                using var stream = client.GetStream();
                _ = await stream.ReadAsync(new byte[8192], stop.Token);
                const string body = "{\"status\":\"ok\"}\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), stop.Token);
            }
        });
        var impostor = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

        Assert.False(await ServerReadiness.IsAgentAsync(http, impostor, "any"));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);
    }
}
