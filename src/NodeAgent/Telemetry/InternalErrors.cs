namespace NodeAgent.Telemetry;

/// <summary>
/// Failures the agent did not expect (a bug, an answer no server should give) that a background loop caught and went
/// on from, by component: <c>nodeagent_internal_errors_total{component}</c>. Every loop that must run as long as the
/// agent runs counts here instead of ending; an alert on any increase finds what the logs say once.
/// </summary>
internal sealed class InternalErrors : IAgentMetrics
{
    /// <summary>The components with a loop of their own, written from the start (a counter that appears only after
    /// its first increase hides that increase from <c>increase()</c>).</summary>
    public static readonly string[] Components = ["checkpoints", "elasticsearch", "journal", "kubernetes", "logs"];

    private readonly LabeledCounter _counts = new();

    public InternalErrors()
    {
        foreach (var component in Components)
        {
            _counts.Add(component, 0);
        }
    }

    public long this[string component] => _counts[component];

    public void Count(string component) => _counts.Add(component);

    public void Write(MetricWriter writer)
    {
        writer.Family("nodeagent_internal_errors_total", MetricType.Counter, "Unexpected failures a background loop caught and went on from, by component; the agent's log says what each was.");
        _counts.WriteSamples(writer, "component");
    }
}
