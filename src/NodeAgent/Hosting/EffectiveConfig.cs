using System.Text.Json;
using NodeAgent.Metrics;

namespace NodeAgent.Hosting;

/// <summary>What <c>node-agent check-config</c> prints: every key of <see cref="ConfigSchema"/> with the value the
/// agent will run with, secrets replaced by <see cref="Redacted"/>.</summary>
internal static class EffectiveConfig
{
    public const string Redacted = "<redacted>";

    public static void Write(AgentOptions options, Stream output)
    {
        var values = Values(options);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions
        {
            Indented = true,
            // A terminal, not a web page: print '<redacted>' and paths as they are, not as \u003C escapes.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        json.WriteStartObject();
        foreach (var section in ConfigSchema.Keys.GroupBy(k => k.Section))
        {
            json.WriteStartObject(section.Key);
            foreach (var key in section)
            {
                json.WritePropertyName(key.Path[(section.Key.Length + 1)..]);
                var value = values[key.Path];
                WriteValue(json, key.Secret && value is not null ? Redacted : value);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    internal static Dictionary<string, object?> Values(AgentOptions o)
    {
        var es = o.Elasticsearch;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Node:Name"] = o.NodeName,
            ["Agent:PodName"] = o.Logs.OwnPod?.Name,
            ["Agent:PodNamespace"] = o.Logs.OwnPod?.Namespace,
            ["Http:ListenAddress"] = o.ListenAddress.ToString(),
            ["Http:MetricsPath"] = o.MetricsPath,
            ["Http:WebConfigFile"] = o.Web?.FilePath,
            ["Host:ProcPath"] = o.Paths.Proc,
            ["Host:SysPath"] = o.Paths.Sys,
            ["Host:RootPath"] = o.Paths.Root,
            ["Metrics:Enabled"] = o.Metrics.Enabled,
            ["Metrics:Collectors"] = o.Metrics.Collectors,
            ["Metrics:CollectorTimeout"] = ConfigValues.FormatDuration(o.Metrics.CollectorTimeout),
            ["Metrics:AgentMetrics"] = o.Metrics.AgentMetrics,
            ["Logs:Enabled"] = o.Logs.Enabled,
            ["Logs:Include"] = o.Logs.Include,
            ["Logs:Exclude"] = o.Logs.Exclude,
            ["Logs:StatePath"] = o.Logs.StatePath,
            ["Logs:ReadFromHead"] = o.Logs.ReadFromHead,
            ["Logs:MaxLineBytes"] = ConfigValues.FormatSize(o.Logs.MaxLineBytes),
            ["Logs:MaxMessageBytes"] = ConfigValues.FormatSize(o.Logs.MaxMessageBytes),
            ["Logs:PartialFlushTimeout"] = ConfigValues.FormatDuration(o.Logs.PartialFlushTimeout),
            ["Logs:MaxOpenFiles"] = o.Logs.MaxOpenFiles.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logs:MaxBufferedBytes"] = ConfigValues.FormatSize(o.Logs.MaxBufferedBytes),
            ["Logs:PollInterval"] = ConfigValues.FormatDuration(o.Logs.PollInterval),
            ["Logs:CheckpointExpiry"] = ConfigValues.FormatDuration(o.Logs.CheckpointExpiry),
            ["Logs:ParseJson"] = o.Logs.ParseJson,
            ["Logs:Multiline"] = o.Logs.Multiline.Name,
            ["Logs:MultilineRules"] = o.Logs.MultilinePatterns.ToDictionary(p => p.Key, p => (object?)new Dictionary<string, object?> { ["Start"] = p.Value.Start, ["Continue"] = p.Value.Continue }),
            ["Logs:MultilineFlushTimeout"] = ConfigValues.FormatDuration(o.Logs.MultilineFlushTimeout),
            ["Logs:PlainDataStream"] = o.Logs.PlainDataStream?.ToString(),
            ["Logs:AllowedRoots"] = o.Logs.AllowedRoots,
            ["Journal:Enabled"] = o.Journal.Enabled,
            ["Journal:Paths"] = o.Journal.Paths,
            ["Journal:Units"] = o.Journal.Units,
            ["Journal:DataStream"] = o.Journal.DataStream?.ToString(),
            ["Kubernetes:Enabled"] = o.Kubernetes.Enabled,
            ["Kubernetes:Kubeconfig"] = o.Kubernetes.Kubeconfig,
            ["Kubernetes:MetadataWait"] = ConfigValues.FormatDuration(o.Kubernetes.MetadataWait),
            ["Kubernetes:ClusterName"] = o.Kubernetes.ClusterName,
            ["Kubernetes:NamespaceLabels"] = o.Kubernetes.NamespaceLabels,
            ["Kubernetes:Annotations"] = o.Kubernetes.Metadata.Annotations,
            ["Kubernetes:MaxMetadataBytes"] = ConfigValues.FormatSize(o.Kubernetes.Metadata.MaxBytes),
            ["Output:Type"] = o.Output == OutputKind.Elasticsearch ? "elasticsearch" : "console",
            ["Elasticsearch:Urls"] = es.Urls.Select(u => u.ToString()).ToList(),
            ["Elasticsearch:DataStream"] = es.DataStream,
            ["Elasticsearch:Index"] = es.Index,
            ["Elasticsearch:Username"] = es.Username,
            ["Elasticsearch:Password"] = es.Password,
            ["Elasticsearch:PasswordFile"] = es.PasswordFile,
            ["Elasticsearch:ApiKey"] = es.ApiKey,
            ["Elasticsearch:ApiKeyFile"] = es.ApiKeyFile,
            ["Elasticsearch:CaFile"] = es.CaFile,
            ["Elasticsearch:InsecureSkipVerify"] = es.InsecureSkipVerify,
            ["Elasticsearch:Compression"] = es.Gzip ? "gzip" : "none",
            ["Elasticsearch:FlushInterval"] = ConfigValues.FormatDuration(es.FlushInterval),
            ["Elasticsearch:MaxBatchBytes"] = ConfigValues.FormatSize(es.MaxBatchBytes),
            ["Shutdown:Timeout"] = ConfigValues.FormatDuration(o.ShutdownTimeout),
            ["Logging:Format"] = o.Logging.Format == LogFormat.Text ? "text" : "json",
            ["Logging:Level"] = o.Logging.Level.ToString(),
        };
        foreach (var option in CollectorCatalog.Options)
        {
            var value = o.Metrics.Settings.Get(option);
            values[option.Key] = value switch
            {
                bool b => b,
                IReadOnlyList<string> list => list,
                _ => ConfigSchema.ConfigText(value),
            };
        }

        return values;
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case IReadOnlyDictionary<string, bool> map:
                json.WriteStartObject();
                foreach (var (name, enabled) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WriteBoolean(name, enabled);
                }

                json.WriteEndObject();
                break;
            case IReadOnlyDictionary<string, object?> objects:
                json.WriteStartObject();
                foreach (var (name, item) in objects.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WritePropertyName(name);
                    WriteValue(json, item);
                }

                json.WriteEndObject();
                break;
            case IEnumerable<string> list:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    json.WriteStringValue(item);
                }

                json.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"no JSON form for {value.GetType().Name}");
        }
    }
}
