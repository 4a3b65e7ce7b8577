using System.Text.RegularExpressions;

namespace NodeAgent.Metrics;

/// <summary>How a collector setting is written in the configuration (the reader parses each kind its own way).</summary>
internal enum CollectorOptionKind
{
    /// <summary>A file or directory path (<see cref="string"/>).</summary>
    Path,

    /// <summary>Free text checked by the option itself (<see cref="string"/>).</summary>
    Text,

    /// <summary><see cref="bool"/>.</summary>
    Bool,

    /// <summary><see cref="TimeSpan"/>.</summary>
    Duration,

    /// <summary>A whole number (<see cref="int"/>).</summary>
    Count,

    /// <summary>A regular expression (<see cref="System.Text.RegularExpressions.Regex"/>), unanchored as Go's MatchString.</summary>
    Regex,

    /// <summary>Texts (<see cref="IReadOnlyList{T}"/> of <see cref="string"/>): a JSON array, <c>Key:0</c>, <c>Key:1</c>…
    /// or one comma-separated value; node_exporter's flag is repeatable.</summary>
    List,
}

/// <summary>
/// One setting of a collector: node_exporter's collector flag under a <c>Metrics:</c> configuration key, its default
/// and what it means (the README row). The typed <see cref="CollectorOption{T}"/> carries the default value.
/// </summary>
internal abstract class CollectorOption(string key, CollectorOptionKind kind, string meaning)
{
    /// <summary>The configuration key, <c>Metrics:&lt;Collector&gt;&lt;Flag&gt;</c>.</summary>
    public string Key { get; } = key;

    public CollectorOptionKind Kind { get; } = kind;

    public string Meaning { get; } = meaning;

    /// <summary>How the default reads in the README and check-config when it is not a plain value.</summary>
    public string? DefaultText { get; init; }

    /// <summary>An include whose being set alone drops this exclude's default (node_exporter 1.9+/1.11+: an include
    /// given without an explicit exclude replaces the default exclude).</summary>
    public CollectorOption? Replaces { get; init; }

    /// <summary>A setting that cannot be set together with this one (node_exporter refuses both at start).</summary>
    public CollectorOption? ExclusiveWith { get; init; }

    public abstract object? DefaultValue { get; }

    /// <summary>Why a configured value is refused, or null when it is accepted.</summary>
    public abstract string? Problem(object? value);
}

internal sealed class CollectorOption<T>(string key, CollectorOptionKind kind, T defaultValue, string meaning)
    : CollectorOption(key, kind, meaning)
{
    public T Default { get; } = defaultValue;

    /// <summary>Checks a configured value beyond its kind; returns the problem or null.</summary>
    public Func<T, string?>? Check { get; init; }

    public override object? DefaultValue => Default;

    public override string? Problem(object? value) => Check is { } check && value is T typed ? check(typed) : null;
}

/// <summary>The typed shorthands the collectors declare their settings with.</summary>
internal static class CollectorOptions
{
    /// <summary>The README's default for a filter too long for the table; its value is in "Node metrics".</summary>
    public const string NodeExporterDefault = "node_exporter 1.12's (see Node metrics)";

    public static CollectorOption<Regex?> Regex(
        string key, Regex? defaultValue, string meaning, string? defaultText = null, CollectorOption? replaces = null, CollectorOption? exclusiveWith = null) =>
        new(key, CollectorOptionKind.Regex, defaultValue, meaning) { DefaultText = defaultText, Replaces = replaces, ExclusiveWith = exclusiveWith };

    public static CollectorOption<bool> Bool(string key, bool defaultValue, string meaning) =>
        new(key, CollectorOptionKind.Bool, defaultValue, meaning);
}
