using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Metrics;
using NodeAgent.Telemetry;
using NodeAgent.TestSupport;

namespace NodeAgent.Tests.Metrics;

public sealed class CollectorRunnerTests
{
    private sealed class Fixed(string name, Func<MetricWriter, CollectResult> body) : INodeCollector
    {
        public string Name => name;

        public int Calls { get; private set; }

        public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
        {
            Calls++;
            return body(writer);
        }
    }

    private static Fixed Gauge(string name, double value) => new(name, w =>
    {
        w.Family($"node_{name}_value", MetricType.Gauge, "A value.");
        w.Sample(value);
        return CollectResult.Success;
    });

    private static async Task<string> ScrapeAsync(CollectorRunner runner, params INodeCollector[] collectors)
    {
        var buffer = new ArrayBufferWriter<byte>();
        await runner.WriteAsync(collectors, new MetricWriter(buffer, ExpositionFormat.PrometheusText), CancellationToken.None);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static CollectorRunner Runner(TimeSpan deadline) => new(deadline, TimeProvider.System, NullLogger<CollectorRunner>.Instance);

    [Fact]
    public async Task Writes_each_collector_in_order_then_success_and_duration_per_collector()
    {
        using var runner = Runner(TimeSpan.FromSeconds(5));
        var text = await ScrapeAsync(runner, Gauge("a", 1), Gauge("b", 2));

        Assert.StartsWith("# HELP node_a_value A value.\n# TYPE node_a_value gauge\nnode_a_value 1\n# HELP node_b_value", text, StringComparison.Ordinal);
        Assert.Contains("node_scrape_collector_success{collector=\"a\"} 1\nnode_scrape_collector_success{collector=\"b\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE node_scrape_collector_duration_seconds gauge\nnode_scrape_collector_duration_seconds{collector=\"a\"} ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_data_and_failures_report_success_0_and_a_failure_drops_its_partial_output()
    {
        using var runner = Runner(TimeSpan.FromSeconds(5));
        var absent = new Fixed("absent", _ => CollectResult.NoData);
        var broken = new Fixed("broken", w =>
        {
            w.Family("node_broken_half", MetricType.Gauge, "Written before the failure.");
            w.Sample(1);
            throw new InvalidDataException("/proc/broken: line 3 has 2 fields, expected 4");
        });

        var text = await ScrapeAsync(runner, absent, broken, Gauge("fine", 3));

        Assert.DoesNotContain("node_broken_half", text, StringComparison.Ordinal);
        Assert.Contains("node_fine_value 3\n", text, StringComparison.Ordinal);
        Assert.Contains("node_scrape_collector_success{collector=\"absent\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("node_scrape_collector_success{collector=\"broken\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("node_scrape_collector_success{collector=\"fine\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hung_collector_misses_the_deadline_and_is_not_started_again_while_blocked()
    {
        using var release = new ManualResetEventSlim();
        using var runner = Runner(TimeSpan.FromSeconds(3));
        var hung = new Fixed("hung", w =>
        {
            release.Wait();
            w.Family("node_hung_value", MetricType.Gauge, "Late.");
            w.Sample(1);
            return CollectResult.Success;
        });

        var started = DateTime.UtcNow;
        var first = await ScrapeAsync(runner, hung, Gauge("ok", 1));
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(8));
        Assert.Contains("node_scrape_collector_success{collector=\"hung\"} 0\n", first, StringComparison.Ordinal);
        Assert.Contains("node_ok_value 1\n", first, StringComparison.Ordinal);

        var second = await ScrapeAsync(runner, hung, Gauge("ok", 1));
        Assert.Equal(1, hung.Calls);
        Assert.Contains("node_scrape_collector_success{collector=\"hung\"} 0\n", second, StringComparison.Ordinal);

        release.Set();
        // The blocked call now finishes on its own thread; the first scrape after that starts the collector again.
        var third = await Eventually.ValueAsync(() => ScrapeAsync(runner, hung), t => t.Contains("node_hung_value", StringComparison.Ordinal), "a scrape with the collector's value");

        Assert.Equal(2, hung.Calls);
        Assert.Contains("node_hung_value 1\n", third, StringComparison.Ordinal);
        Assert.Contains("node_scrape_collector_success{collector=\"hung\"} 1\n", third, StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_and_exclude_select_among_enabled_collectors()
    {
        INodeCollector[] enabled = [Gauge("cpu", 1), Gauge("meminfo", 1), Gauge("netdev", 1)];

        Assert.Equal(["cpu", "meminfo", "netdev"], CollectorSelection.Select(enabled, [], []).Collectors.Select(c => c.Name));
        Assert.Equal(["cpu", "netdev"], CollectorSelection.Select(enabled, ["netdev", "cpu"], []).Collectors.Select(c => c.Name));
        Assert.Equal(["meminfo"], CollectorSelection.Select(enabled, [], ["cpu", "netdev"]).Collectors.Select(c => c.Name));
        Assert.Equal(["cpu", "meminfo", "netdev"], CollectorSelection.Select(enabled, [], ["nope"]).Collectors.Select(c => c.Name));
        Assert.Equal("Couldn't create filtered metrics handler: couldn't create collector: missing collector: nope", CollectorSelection.Select(enabled, ["nope"], []).Error);
        Assert.Equal("Couldn't create filtered metrics handler: couldn't create collector: disabled collector: processes", CollectorSelection.Select(enabled, ["processes"], []).Error);
        Assert.Equal("Combined collect and exclude queries are not allowed.", CollectorSelection.Select(enabled, ["cpu"], ["meminfo"]).Error);
    }
}
