using System.Diagnostics;
using System.Net;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;
using NodeAgent.TestSupport;

namespace NodeAgent.EndToEnd;

/// <summary>
/// Issue 11, point 2, with the real agent process: Elasticsearch answering 503 for 150 s while a 200,000-line backlog
/// waits. Reading pauses (backpressure), the loop does not: /healthz answers 200 throughout (a liveness probe would
/// otherwise restart every agent of the fleet during any long outage, and node metrics with it), every scrape of
/// /metrics takes under a second, and afterwards every line is stored exactly once.
/// </summary>
public sealed class OutageLivenessTests
{
    private const string Target = "logs-kubernetes.container_logs-default";
    private const int Lines = 200_000;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task A_long_outage_with_a_backlog_keeps_liveness_and_scrapes_and_loses_nothing()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        var log = Path.Combine(config.Root, "pods", "shop_web-0_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "app", "0.log");
        OutputResilienceTests.Write(log, 0, Lines);
        await using var agent = await config.StartAgentAsync($"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={emulator.Url}");

        // The outage starts once the output is connected and shipping, as on a live node.
        await Eventually.TrueAsync(() => emulator.Count(Target) > 0, "the first documents stored", TimeSpan.FromSeconds(30));

        emulator.UpdateFaults(f => f with { Outage = OutageMode.Unavailable });
        using var http = new HttpClient { BaseAddress = config.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        var probes = new List<(HttpStatusCode Status, string Body)>();
        var slowestScrape = TimeSpan.Zero;
        var scrapes = 0;
        var end = DateTime.UtcNow + Outage;
        while (DateTime.UtcNow < end)
        {
            using (var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative)))
            {
                probes.Add((health.StatusCode, await health.Content.ReadAsStringAsync()));
            }

            var started = Stopwatch.GetTimestamp();
            var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var took = Stopwatch.GetElapsedTime(started);
            slowestScrape = took > slowestScrape ? took : slowestScrape;
            Assert.Contains("node_load1 ", metrics, StringComparison.Ordinal);
            scrapes++;
            await Task.Delay(TimeSpan.FromSeconds(1) - took > TimeSpan.Zero ? TimeSpan.FromSeconds(1) - took : TimeSpan.Zero);
        }

        var storedDuringOutage = emulator.Count(Target);
        emulator.UpdateFaults(f => f with { Outage = OutageMode.None });
        await Eventually.ValueAsync(() => emulator.Count(Target), n => n >= Lines, "the backlog stored", TimeSpan.FromSeconds(180));

        // Anything stored twice would show up in this time.
        await Task.Delay(2000);

        Assert.All(probes, p => Assert.True(p.Status == HttpStatusCode.OK, $"/healthz answered {(int)p.Status}: {p.Body}"));
        Assert.True(probes.Count >= 100, $"only {probes.Count} probes in {Outage.TotalSeconds} s");
        Assert.True(slowestScrape < TimeSpan.FromSeconds(1), $"the slowest of {scrapes} scrapes took {slowestScrape.TotalMilliseconds:F0} ms");
        Assert.True(storedDuringOutage < Lines, "the backlog was shipped before the outage began: the test proved nothing");
        Assert.Equal(OutputResilienceTests.Expected(0, Lines), emulator.Documents(Target).Select(d => d.GetProperty("message").GetString()!).Order(StringComparer.Ordinal));
    }
}
