namespace NodeAgent.Metrics;

/// <summary>
/// A node_exporter collector as the agent knows it, declared once beside the collector's class: its name, whether
/// node_exporter 1.12 enables it by default, its settings (node_exporter's collector flags) and how to build it.
/// <see cref="CollectorCatalog"/> lists them; the configuration schema, the reader, check-config and the README's
/// table all derive from that list. <see cref="Create"/> is null for a name this build does not implement.
/// </summary>
internal sealed record CollectorDescriptor(
    string Name,
    bool EnabledByDefault,
    IReadOnlyList<CollectorOption> Options,
    Func<CollectorContext, CollectorSettings, INodeCollector>? Create)
{
    public CollectorDescriptor(string name, bool enabledByDefault, Func<CollectorContext, CollectorSettings, INodeCollector> create)
        : this(name, enabledByDefault, [], create)
    {
    }

    /// <summary>A node_exporter collector this build does not implement: accepted by name, reported at start.</summary>
    public static CollectorDescriptor NotImplemented(string name, bool enabledByDefault) => new(name, enabledByDefault, [], null);
}
