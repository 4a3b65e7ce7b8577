using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Metrics;
using NodeAgent.Telemetry;

namespace NodeAgent.Tests.TestSupport;

/// <summary>Runs one collector over the fixture node (tests/fixtures/node/{proc,sys,root}) or another tree and
/// returns what it wrote, in the Prometheus text format.</summary>
internal static class CollectorHarness
{
    public static NodePaths FixtureNode { get; } = new(
        Repository.Fixture("node", "proc"),
        Repository.Fixture("node", "sys"),
        Repository.Fixture("node", "root"));

    public static CollectorContext Context(NodePaths? paths = null, TimeProvider? time = null) =>
        new(paths ?? FixtureNode, time ?? TimeProvider.System, NullLoggerFactory.Instance);

    public static (CollectResult Result, string Text) Collect(INodeCollector collector, ExpositionFormat format = ExpositionFormat.PrometheusText)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var result = collector.Collect(new MetricWriter(buffer, format), CancellationToken.None);
        return (result, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>The sample lines (no HELP/TYPE) of a scrape, for assertions on values.</summary>
    public static IReadOnlyList<string> Samples(string text) =>
        [.. text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))];

    /// <summary>The <c># TYPE</c> lines as name → type.</summary>
    public static IReadOnlyDictionary<string, string> Types(string text) =>
        text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l["# TYPE ".Length..].Split(' '))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
