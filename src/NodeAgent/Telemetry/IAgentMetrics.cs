namespace NodeAgent.Telemetry;

/// <summary>The agent's own families (process, log pipeline), written after the node collectors on every scrape.</summary>
internal interface IAgentMetrics
{
    void Write(MetricWriter writer);
}
