using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace NodeAgent.Hosting;

internal enum OutputKind
{
    Console,
    Elasticsearch,
}

internal enum LogFormat
{
    Json,
    Text,
}

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

internal sealed record LogsOptions(
    bool Enabled,
    IReadOnlyList<string> Include,
    IReadOnlyList<string> Exclude,
    string StatePath,
    bool ReadFromHead)
{
    public int MaxLineBytes { get; init; } = 1 << 20;

    public int MaxMessageBytes { get; init; } = 1 << 20;

    public TimeSpan PartialFlushTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public int MaxOpenFiles { get; init; } = 1024;

    public long MaxBufferedBytes { get; init; } = 16L << 20;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan CheckpointExpiry { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Logs:ParseJson: every message that is a JSON object also goes into <c>json.*</c>.</summary>
    public bool ParseJson { get; init; }

    /// <summary>The agent's own pod (<c>Agent:PodName</c>, <c>Agent:PodNamespace</c>), whose log files are known by
    /// their path alone; null outside a pod.</summary>
    public OwnPod? OwnPod { get; init; }

    /// <summary>Whether the agent's own log files are shipped: not with the console output, whose documents kubelet
    /// writes back into those very files (a feedback loop).</summary>
    public bool ShipOwnLogs { get; init; } = true;

    /// <summary>Logs:AllowedRoots: only regular files whose resolved path lies under one of these are read (the reader
    /// fills in <see cref="Tailing.LogRoots.Defaults"/> when the key is not set).</summary>
    public IReadOnlyList<string> AllowedRoots { get; init; } = Tailing.LogRoots.Standard;

    /// <summary>The data stream every document names in <c>data_stream.*</c>: <c>Elasticsearch:DataStream</c>, or
    /// null with <c>Elasticsearch:Index</c>.</summary>
    public Shipping.DataStreamName? DataStream { get; init; } = Shipping.DataStreamName.Default;
}

/// <summary>The pod the agent runs in, from the downward API.</summary>
internal sealed record OwnPod(string Namespace, string Name);

/// <summary>The Kubernetes metadata source (the <c>Kubernetes:*</c> keys).</summary>
/// <param name="Kubeconfig">A kubeconfig file; null means the pod's service account (in-cluster config).</param>
internal sealed record KubernetesOptions(bool Enabled, string? Kubeconfig, TimeSpan MetadataWait, string? ClusterName, bool NamespaceLabels)
{
    public static KubernetesOptions Disabled { get; } = new(false, null, TimeSpan.FromSeconds(2), null, false);

    /// <summary>Kubernetes:Annotations and Kubernetes:MaxMetadataBytes.</summary>
    public Kubernetes.MetadataLimits Metadata { get; init; } = Kubernetes.MetadataLimits.Default;
}

internal sealed record ElasticsearchOptions(
    IReadOnlyList<Uri> Urls,
    string DataStream,
    string? Index,
    string? Username,
    string? Password,
    string? PasswordFile,
    string? ApiKey,
    string? ApiKeyFile,
    string? CaFile,
    bool InsecureSkipVerify,
    bool Gzip,
    TimeSpan FlushInterval,
    long MaxBatchBytes);

internal sealed record LoggingOptions(LogFormat Format, LogLevel Level);

/// <summary>The validated, typed configuration: everything the agent runs with, read once at start.</summary>
internal sealed record AgentOptions(
    string NodeName,
    IPEndPoint ListenAddress,
    NodePaths Paths,
    MetricsOptions Metrics,
    LogsOptions Logs,
    OutputKind Output,
    ElasticsearchOptions Elasticsearch,
    TimeSpan ShutdownTimeout,
    LoggingOptions Logging)
{
    public KubernetesOptions Kubernetes { get; init; } = KubernetesOptions.Disabled;
}
