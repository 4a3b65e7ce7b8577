namespace NodeAgent.Metrics;

/// <param name="Collectors">Every collector of <see cref="CollectorCatalog"/> by name, on or off.</param>
internal sealed record MetricsOptions(bool Enabled, IReadOnlyDictionary<string, bool> Collectors, TimeSpan CollectorTimeout)
{
    /// <summary>The collectors' own settings (node_exporter's collector flags), validated at start.</summary>
    public CollectorSettings Settings { get; init; } = CollectorSettings.Defaults;

    /// <summary>Serve the agent's own families (<see cref="Telemetry.IAgentMetrics"/>: <c>process_*</c>,
    /// <c>nodeagent_*</c>) with the node ones; node_exporter's <c>--web.disable-exporter-metrics</c> is false.</summary>
    public bool AgentMetrics { get; init; } = true;
}
