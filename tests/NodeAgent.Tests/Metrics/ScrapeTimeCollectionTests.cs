using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Metrics;
using NodeAgent.Telemetry;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics;

/// <summary>Series are collected from live state at each scrape: a device that goes away takes its series with it,
/// and one that appears shows up at the next scrape (no registry of series that outlives its source).</summary>
public sealed class ScrapeTimeCollectionTests
{
    private static async Task<string> ScrapeAsync(CollectorRegistry registry, CollectorRunner runner)
    {
        var buffer = new ArrayBufferWriter<byte>();
        await runner.WriteAsync(registry.Enabled, new MetricWriter(buffer, ExpositionFormat.PrometheusText), CancellationToken.None);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void AddZone(TempDirectory node, int index, string type, int milliCelsius)
    {
        node.Write($"sys/class/thermal/thermal_zone{index}/type", type + "\n");
        node.Write($"sys/class/thermal/thermal_zone{index}/policy", "step_wise\n");
        node.Write($"sys/class/thermal/thermal_zone{index}/temp", milliCelsius + "\n");
    }

    [Fact]
    public async Task A_vanished_device_takes_its_series_with_it_and_a_new_one_appears()
    {
        using var node = new TempDirectory();
        var paths = new NodePaths(Path.Combine(node.Path, "proc"), Path.Combine(node.Path, "sys"), node.Path);
        var collectors = CollectorCatalog.Names.ToDictionary(n => n, n => n == "thermal_zone", StringComparer.Ordinal);
        var registry = CollectorRegistry.Create(CollectorHarness.Context(paths), new MetricsOptions(true, collectors, TimeSpan.FromSeconds(5)));
        using var runner = new CollectorRunner(TimeSpan.FromSeconds(5), TimeProvider.System, NullLogger<CollectorRunner>.Instance);
        AddZone(node, 0, "x86_pkg_temp", 45000);
        AddZone(node, 1, "acpitz", 27800);

        var first = await ScrapeAsync(registry, runner);
        Assert.Contains("node_thermal_zone_temp{type=\"acpitz\",zone=\"1\"} 27.8\n", first, StringComparison.Ordinal);

        Directory.Delete(Path.Combine(node.Path, "sys/class/thermal/thermal_zone1"), recursive: true);
        AddZone(node, 2, "iwlwifi_1", 39000);
        var second = await ScrapeAsync(registry, runner);

        Assert.DoesNotContain("zone=\"1\"", second, StringComparison.Ordinal);
        Assert.Contains("node_thermal_zone_temp{type=\"x86_pkg_temp\",zone=\"0\"} 45\n", second, StringComparison.Ordinal);
        Assert.Contains("node_thermal_zone_temp{type=\"iwlwifi_1\",zone=\"2\"} 39\n", second, StringComparison.Ordinal);
    }
}
