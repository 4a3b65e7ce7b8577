namespace NodeAgent.Metrics;

/// <summary>
/// The collector settings the configuration gave, by <see cref="CollectorOption.Key"/>, already parsed and checked;
/// an option the configuration left out has its declared default. Each collector's factory reads its own options.
/// </summary>
internal sealed class CollectorSettings(IReadOnlyDictionary<string, object?> values)
{
    /// <summary>Every option at its default: node_exporter 1.12's flags.</summary>
    public static CollectorSettings Defaults { get; } = new(new Dictionary<string, object?>());

    /// <summary>Which collectors this run enables, by name (node_exporter's collectorState): a collector whose output
    /// depends on another being on reads it here (cpu's /proc/cpuinfo frequency needs cpufreq). Empty when unknown.</summary>
    public IReadOnlyDictionary<string, bool> Collectors { get; private init; } = new Dictionary<string, bool>();

    public T Get<T>(CollectorOption<T> option) =>
        values.TryGetValue(option.Key, out var value) ? (T)value! : option.Default;

    /// <summary>The value as an object, for check-config's listing.</summary>
    public object? Get(CollectorOption option) =>
        values.TryGetValue(option.Key, out var value) ? value : option.DefaultValue;

    /// <summary>These settings, knowing which collectors are on.</summary>
    public CollectorSettings WithCollectors(IReadOnlyDictionary<string, bool> collectors) => new(values) { Collectors = collectors };
}
