using System.Text.RegularExpressions;

namespace NodeAgent.Metrics;

internal sealed record MetricsOptions(bool Enabled, IReadOnlyDictionary<string, bool> Collectors, TimeSpan CollectorTimeout)
{
    public MetricFilters Filters { get; init; } = MetricFilters.Defaults;
}

/// <summary>The collectors' own settings (node_exporter's collector flags), validated at start.</summary>
internal sealed record MetricFilters(
    string? TextfileDirectory,
    Regex FilesystemMountPointsExclude,
    Regex FilesystemFsTypesExclude,
    TimeSpan FilesystemMountTimeout,
    Regex? DiskstatsDeviceExclude,
    Regex? DiskstatsDeviceInclude,
    Regex? NetdevDeviceInclude,
    Regex? NetdevDeviceExclude,
    Regex NetclassIgnoredDevices,
    Regex NetstatFields,
    Regex VmstatFields)
{
    public static MetricFilters Defaults { get; } = new(
        null,
        new Regex(MetricsDefaults.FilesystemMountPointsExclude),
        new Regex(MetricsDefaults.FilesystemFsTypesExclude),
        TimeSpan.FromSeconds(5),
        new Regex(MetricsDefaults.DiskstatsDeviceExclude),
        null,
        null,
        null,
        new Regex("^$"),
        new Regex(MetricsDefaults.NetstatFields),
        new Regex(MetricsDefaults.VmstatFields));
}
