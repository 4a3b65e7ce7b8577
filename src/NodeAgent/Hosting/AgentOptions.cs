using System.Net;
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

internal sealed record MetricsOptions(bool Enabled, IReadOnlyDictionary<string, bool> Collectors, TimeSpan CollectorTimeout);

internal sealed record LogsOptions(
    bool Enabled,
    IReadOnlyList<string> Include,
    IReadOnlyList<string> Exclude,
    string StatePath,
    bool ReadFromHead);

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
    LoggingOptions Logging);
