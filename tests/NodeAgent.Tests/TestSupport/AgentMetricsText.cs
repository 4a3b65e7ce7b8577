using System.Buffers;
using System.Text;
using NodeAgent.Telemetry;

namespace NodeAgent.Tests.TestSupport;

/// <summary>The agent's own families as a scrape shows them (Prometheus text), for assertions on whole sample lines.</summary>
internal static class AgentMetricsText
{
    public static string Of(params IAgentMetrics[] metrics)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MetricWriter(buffer, ExpositionFormat.PrometheusText);
        foreach (var family in metrics)
        {
            family.Write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
