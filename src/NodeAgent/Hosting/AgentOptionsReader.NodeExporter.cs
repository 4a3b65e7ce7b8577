using System.Text.RegularExpressions;

namespace NodeAgent.Hosting;

/// <summary>What being a drop-in for node_exporter brought to the configuration: the metrics path, the web
/// configuration file, and the log pipeline's default when the agent is started with node_exporter's flags.</summary>
internal sealed partial class AgentOptionsReader
{
    /// <summary>The sections whose keys are log settings: setting any of them asks for the log pipeline.</summary>
    internal static readonly IReadOnlyList<string> LogSections = ["Logs", "Elasticsearch", "Output"];

    /// <summary>
    /// <c>Logs:Enabled</c> when a source sets it. Otherwise the log pipeline runs, unless the agent was started with
    /// at least one of node_exporter's flags and no source (file, environment, command line) sets any key of
    /// <see cref="LogSections"/>: a node_exporter DaemonSet whose image was changed serves metrics and nothing else,
    /// as before (it has no log volume, nor a writable state directory), until it is asked for logs.
    /// </summary>
    private bool LogsEnabled()
    {
        if (IsSetByAnyLayer("Logs:Enabled"))
        {
            return Bool("Logs:Enabled");
        }

        var startedAsNodeExporter = _layers.Any(l => l.FromNodeExporterFlag);
        return !startedAsNodeExporter || AsksForLogs();
    }

    private bool AsksForLogs() =>
        _layers.Any(l => !l.IsBuiltIn && l.Values.Keys.Any(k => LogSections.Any(s => k.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase))));

    private string MetricsPath()
    {
        var path = Text("Http:MetricsPath") ?? ConfigSchema.Find("Http:MetricsPath")!.Default!;
        if (!UrlPath().IsMatch(path) || path is "/healthz" or "/readyz")
        {
            Error("Http:MetricsPath", $"'{path}' is not valid (expected a path such as /metrics: a leading /, letters, digits and - . _ ~ / only, not /healthz or /readyz)");
            return "/metrics";
        }

        return path;
    }

    /// <summary>A plain URL path: no query, no fragment, and none of the route-template characters <c>{ } *</c>.</summary>
    [GeneratedRegex(@"^/[A-Za-z0-9\-._~/]*$")]
    private static partial Regex UrlPath();
}
