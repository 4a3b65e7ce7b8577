using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Metrics;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Tailing;
using NodeAgent.Tailing.Journald;

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

    /// <summary>Where the metrics are served (<c>Http:MetricsPath</c>); "/" serves them in place of the index page.</summary>
    public string MetricsPath { get; init; } = "/metrics";

    /// <summary>The <c>Journal:*</c> keys: the systemd journal as an input of the log pipeline.</summary>
    public JournalOptions Journal { get; init; } = JournalOptions.Disabled;

    /// <summary><c>Http:WebConfigFile</c> loaded: TLS, basic auth and headers of the listener; null when unset.</summary>
    public Web.WebSettings? Web { get; init; }
}
