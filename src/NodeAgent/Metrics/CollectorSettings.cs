namespace NodeAgent.Metrics;

/// <summary>
/// The collector settings the configuration gave, by <see cref="CollectorOption.Key"/>, already parsed and checked;
/// an option the configuration left out has its declared default. Each collector's factory reads its own options.
/// </summary>
internal sealed class CollectorSettings(IReadOnlyDictionary<string, object?> values)
{
    /// <summary>Every option at its default: node_exporter 1.12's flags.</summary>
    public static CollectorSettings Defaults { get; } = new(new Dictionary<string, object?>());

    public T Get<T>(CollectorOption<T> option) =>
        values.TryGetValue(option.Key, out var value) ? (T)value! : option.Default;

    /// <summary>The value as an object, for check-config's listing.</summary>
    public object? Get(CollectorOption option) =>
        values.TryGetValue(option.Key, out var value) ? value : option.DefaultValue;
}
