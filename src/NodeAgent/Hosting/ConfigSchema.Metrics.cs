using System.Globalization;
using NodeAgent.Metrics;

namespace NodeAgent.Hosting;

/// <summary>The collectors' keys, each made from the option a collector declares: the same key, default and meaning
/// for the reader, check-config and the README.</summary>
internal static partial class ConfigSchema
{
    private static IEnumerable<ConfigKey> CollectorKeys() =>
        CollectorCatalog.Options.Select(o => new ConfigKey(o.Key, KindOf(o), ConfigText(o.DefaultValue), o.Meaning, DefaultText: o.DefaultText));

    /// <summary>A collector setting as the configuration writes it: <c>5s</c>, <c>true</c>, a pattern, a path.</summary>
    internal static string? ConfigText(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        TimeSpan t => ConfigValues.FormatDuration(t),
        int n => n.ToString(CultureInfo.InvariantCulture),
        IReadOnlyList<string> { Count: 0 } => null,
        IReadOnlyList<string> list => string.Join(",", list),
        _ => value.ToString(),
    };

    private static ConfigKind KindOf(CollectorOption option) => option.Kind switch
    {
        CollectorOptionKind.Path => ConfigKind.Path,
        CollectorOptionKind.Text => ConfigKind.Text,
        CollectorOptionKind.Bool => ConfigKind.Bool,
        CollectorOptionKind.Duration => ConfigKind.Duration,
        // A plain number; read as Logs:MaxOpenFiles is.
        CollectorOptionKind.Count => ConfigKind.Size,
        CollectorOptionKind.Regex => ConfigKind.Regex,
        CollectorOptionKind.List => ConfigKind.List,
        _ => throw new InvalidOperationException($"{option.Key}: no configuration kind for {option.Kind}"),
    };
}
