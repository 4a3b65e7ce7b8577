namespace NodeAgent.Metrics;

/// <summary>
/// Builds the enabled collectors from the configuration: node_exporter's defaults, switched by
/// <c>Metrics:Collectors:&lt;name&gt;</c>, each by its descriptor's factory. A name in <see cref="CollectorCatalog"/>
/// with no implementation yet is reported by <see cref="NotImplemented"/> (the README lists them) rather than silently
/// ignored.
/// </summary>
internal sealed class CollectorRegistry
{
    private CollectorRegistry(IReadOnlyList<INodeCollector> enabled, IReadOnlyList<string> notImplemented)
    {
        Enabled = enabled;
        NotImplemented = notImplemented;
    }

    /// <summary>The enabled collectors, sorted by name: the order of the exposition.</summary>
    public IReadOnlyList<INodeCollector> Enabled { get; }

    /// <summary>Enabled by configuration but not implemented by this build.</summary>
    public IReadOnlyList<string> NotImplemented { get; }

    /// <param name="substitutes">Collectors to use instead of the built ones, by name: how the golden-scrape test
    /// replaces the few whose values come from system calls (statfs, adjtimex, uname) rather than files.</param>
    public static CollectorRegistry Create(CollectorContext context, MetricsOptions options, IReadOnlyDictionary<string, INodeCollector>? substitutes = null)
    {
        var enabled = new List<INodeCollector>();
        var missing = new List<string>();
        var settings = options.Settings.WithCollectors(options.Collectors);
        if (options.Enabled)
        {
            foreach (var (name, on) in options.Collectors.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!on)
                {
                    continue;
                }

                if ((substitutes?.GetValueOrDefault(name) ?? Build(name, context, settings)) is { } collector)
                {
                    enabled.Add(collector);
                }
                else
                {
                    missing.Add(name);
                }
            }
        }

        return new CollectorRegistry(enabled, missing);
    }

    private static INodeCollector? Build(string name, CollectorContext context, CollectorSettings settings) =>
        CollectorCatalog.Find(name)?.Create?.Invoke(context, settings);
}
