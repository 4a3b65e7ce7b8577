using NodeAgent.EndToEnd.Support;

namespace NodeAgent.EndToEnd;

/// <summary>A real Prometheus server scrapes the agent: the target is up and the series are queryable.</summary>
public sealed class PrometheusScrapeTests
{
    [Fact]
    public async Task Prometheus_scrapes_the_agent_and_sees_one_idle_series_per_cpu()
    {
        using var config = new AgentConfig(json => json["Logs"]!["Enabled"] = false);
        await using var agent = await config.StartAgentAsync();
        await using var prometheus = await PrometheusServer.StartAsync(config.BaseAddress);

        var up = await prometheus.QueryUntilAsync("up", v => v == 1, TimeSpan.FromSeconds(60));
        Assert.Equal(1, up);

        // The machine's CPUs as the kernel lists them (Environment.ProcessorCount follows affinity and cgroup limits).
        var cpus = File.ReadLines("/proc/stat").Count(l => l.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(l[3]));
        var idle = await prometheus.QueryUntilAsync("count(node_cpu_seconds_total{mode=\"idle\"})", v => v > 0, TimeSpan.FromSeconds(30));
        Assert.Equal(cpus, idle);

        var succeeded = await prometheus.QueryUntilAsync("count(node_scrape_collector_success == 1)", v => v > 0, TimeSpan.FromSeconds(30));
        Assert.True(succeeded >= 10, $"only {succeeded} collectors succeeded");
    }
}
