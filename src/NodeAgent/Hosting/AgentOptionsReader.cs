using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NodeAgent.Metrics;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Tailing;

namespace NodeAgent.Hosting;

internal sealed record ConfigReport(AgentOptions? Options, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    public bool IsValid => Options is not null && Errors.Count == 0;
}

/// <summary>
/// Turns the merged configuration into <see cref="AgentOptions"/>, collecting every problem at once so a user fixes
/// them in one round. Each error names where the value came from, the key, and what was expected.
/// </summary>
internal sealed partial class AgentOptionsReader
{
    private readonly IConfiguration _config;
    private readonly IReadOnlyList<ConfigLayer> _layers;
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];

    private AgentOptionsReader(IReadOnlyList<ConfigLayer> layers)
    {
        _layers = layers;
        _config = ConfigLayers.Merge(layers);
    }

    /// <param name="ownPodFromEnvironment">The downward API's <c>POD_NAMESPACE</c> and <c>POD_NAME</c>, when set.</param>
    public static ConfigReport Read(IReadOnlyList<ConfigLayer> layers, IReadOnlyList<string> loadErrors, string? nodeNameFromEnvironment, string hostName,
        (string? Namespace, string? Name) ownPodFromEnvironment = default)
    {
        var reader = new AgentOptionsReader(layers);
        reader._errors.AddRange(loadErrors);
        reader._errors.AddRange(UnknownKeys.Find(layers));
        var options = reader.Build(nodeNameFromEnvironment, hostName);
        options = options with { Logs = options.Logs with { OwnPod = reader.ReadOwnPod(ownPodFromEnvironment), ShipOwnLogs = options.Output != OutputKind.Console } };
        return new ConfigReport(reader._errors.Count == 0 ? options : null, reader._errors, reader._warnings);
    }

    private AgentOptions Build(string? nodeNameFromEnvironment, string hostName)
    {
        var nodeName = Text("Node:Name") ?? (string.IsNullOrWhiteSpace(nodeNameFromEnvironment) ? hostName : nodeNameFromEnvironment);
        var listen = ParseReference("Http:ListenAddress", ConfigValues.ParseListenAddress, ConfigValues.ListenExpected) ?? new IPEndPoint(IPAddress.Any, 9100);
        var paths = new NodePaths(PathValue("Host:ProcPath")!, PathValue("Host:SysPath")!, PathValue("Host:RootPath")!);
        var metrics = new MetricsOptions(Bool("Metrics:Enabled"), Collectors(), Duration("Metrics:CollectorTimeout"))
        {
            Settings = ReadCollectorSettings(),
            AgentMetrics = Bool("Metrics:AgentMetrics"),
        };
        var logs = new LogsOptions(LogsEnabled(), List("Logs:Include"), List("Logs:Exclude"), PathValue("Logs:StatePath")!, Bool("Logs:ReadFromHead"))
        {
            MaxLineBytes = (int)Math.Min(Size("Logs:MaxLineBytes"), int.MaxValue),
            MaxMessageBytes = (int)Math.Min(Size("Logs:MaxMessageBytes"), int.MaxValue),
            PartialFlushTimeout = Duration("Logs:PartialFlushTimeout"),
            MaxOpenFiles = (int)Math.Min(Size("Logs:MaxOpenFiles"), int.MaxValue),
            MaxBufferedBytes = Size("Logs:MaxBufferedBytes"),
            PollInterval = Duration("Logs:PollInterval"),
            CheckpointExpiry = Duration("Logs:CheckpointExpiry"),
            ParseJson = Bool("Logs:ParseJson"),
            AllowedRoots = List("Logs:AllowedRoots") is { Count: > 0 } roots ? roots : Tailing.LogRoots.Defaults(List("Logs:Include").Select(LogGlob.StaticDirectoryOf)),
        };
        var elasticsearch = ReadElasticsearch();
        elasticsearch = elasticsearch with { Target = DocumentDataStream(elasticsearch) };
        logs = WithMultiline(logs) with { PlainDataStream = PlainDataStream(elasticsearch) };
        var output = Text("Output:Type") is { } type
            ? Choice("Output:Type") == "elasticsearch" ? OutputKind.Elasticsearch : OutputKind.Console
            : elasticsearch.Urls.Count > 0 ? OutputKind.Elasticsearch : OutputKind.Console;
        var logging = new LoggingOptions(
            Choice("Logging:Format") == "text" ? LogFormat.Text : LogFormat.Json,
            Enum.Parse<LogLevel>(Choice("Logging:Level") ?? "Information", ignoreCase: true));
        var options = new AgentOptions(nodeName, listen, paths, metrics, logs, output, elasticsearch, Duration("Shutdown:Timeout"), logging)
        {
            Journal = ReadJournal(logs, elasticsearch, output),
            Kubernetes = ReadKubernetes(),
            MetricsPath = MetricsPath(),
            Web = ReadWebConfig(),
        };
        CheckCombinations(options);
        return options;
    }

    private OwnPod? ReadOwnPod((string? Namespace, string? Name) environment)
    {
        var name = Text("Agent:PodName") ?? (string.IsNullOrWhiteSpace(environment.Name) ? null : environment.Name.Trim());
        var ns = Text("Agent:PodNamespace") ?? (string.IsNullOrWhiteSpace(environment.Namespace) ? null : environment.Namespace.Trim());
        if ((name is null) != (ns is null))
        {
            _warnings.Add($"{(name is null ? "Agent:PodName" : "Agent:PodNamespace")} is not set (env {(name is null ? "POD_NAME" : "POD_NAMESPACE")}): the agent cannot recognise its own log files");
            return null;
        }

        return name is null ? null : new OwnPod(ns!, name);
    }

    private ElasticsearchOptions ReadElasticsearch()
    {
        var urls = new List<Uri>();
        foreach (var url in List("Elasticsearch:Urls"))
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                RefuseUserInfo("Elasticsearch:Urls", url, uri);
                urls.Add(uri);
            }
            else
            {
                Error("Elasticsearch:Urls", $"'{WithoutUserInfo(url)}' is not an http:// or https:// URL");
            }
        }

        return new ElasticsearchOptions(
            urls,
            Text("Elasticsearch:DataStream") ?? "",
            Text("Elasticsearch:Index"),
            Text("Elasticsearch:Username"),
            Text("Elasticsearch:Password"),
            ExistingFile("Elasticsearch:PasswordFile"),
            Text("Elasticsearch:ApiKey"),
            ExistingFile("Elasticsearch:ApiKeyFile"),
            ExistingFile("Elasticsearch:CaFile"),
            Bool("Elasticsearch:InsecureSkipVerify"),
            Choice("Elasticsearch:Compression") != "none",
            Duration("Elasticsearch:FlushInterval"),
            Size("Elasticsearch:MaxBatchBytes"));
    }

    private void CheckCombinations(AgentOptions options)
    {
        var es = options.Elasticsearch;
        if (options.Output == OutputKind.Elasticsearch && es.Urls.Count == 0)
        {
            Error("Output:Type", "is elasticsearch but Elasticsearch:Urls is empty (expected at least one URL)");
        }

        if (es.Password is not null && es.PasswordFile is not null)
        {
            Error("Elasticsearch:PasswordFile", "is set together with Elasticsearch:Password (expected one of them)");
        }

        if (es.ApiKey is not null && es.ApiKeyFile is not null)
        {
            Error("Elasticsearch:ApiKeyFile", "is set together with Elasticsearch:ApiKey (expected one of them)");
        }

        var hasBasic = es.Username is not null || es.Password is not null || es.PasswordFile is not null;
        if (hasBasic && (es.ApiKey is not null || es.ApiKeyFile is not null))
        {
            Error("Elasticsearch:ApiKey", "is set together with basic auth (expected either Username/Password or ApiKey)");
        }

        if (es.Username is null && (es.Password is not null || es.PasswordFile is not null))
        {
            Error("Elasticsearch:Username", "is not set but a password is (expected both for basic auth)");
        }

        if (es.Username is not null && es.Password is null && es.PasswordFile is null)
        {
            Error("Elasticsearch:Password", $"is not set for user '{es.Username}' (expected Password or PasswordFile)", originKey: "Elasticsearch:Username");
        }

        var logs = options.Logs;
        if (logs.MaxLineBytes < 1024)
        {
            Error("Logs:MaxLineBytes", $"is {logs.MaxLineBytes} bytes (expected at least 1KiB)");
        }

        if (logs.MaxMessageBytes < logs.MaxLineBytes)
        {
            Error("Logs:MaxMessageBytes", $"is smaller than Logs:MaxLineBytes (expected at least {ConfigValues.FormatSize(logs.MaxLineBytes)})");
        }

        if (logs.MaxOpenFiles < 1)
        {
            Error("Logs:MaxOpenFiles", "is 0 (expected at least 1)");
        }

        if (logs.MaxBufferedBytes < 2L * logs.MaxLineBytes)
        {
            Error("Logs:MaxBufferedBytes", $"is below twice Logs:MaxLineBytes (expected at least {ConfigValues.FormatSize(2L * logs.MaxLineBytes)})");
        }

        if (logs.PollInterval <= TimeSpan.Zero || logs.PartialFlushTimeout <= TimeSpan.Zero)
        {
            Error(logs.PollInterval <= TimeSpan.Zero ? "Logs:PollInterval" : "Logs:PartialFlushTimeout", "is zero (expected a positive duration)");
        }

        if (es.MaxBatchBytes < 1024)
        {
            Error("Elasticsearch:MaxBatchBytes", $"is {es.MaxBatchBytes} bytes (expected at least 1KiB)");
        }

        if (es.FlushInterval <= TimeSpan.Zero)
        {
            Error("Elasticsearch:FlushInterval", "is zero (expected a positive duration)");
        }

        if (options.Output == OutputKind.Console && options.Logs.Enabled)
        {
            _warnings.Add("Elasticsearch:Urls is not set: log documents are written to stdout as NDJSON (Output:Type=console)");
        }

        if (options.Logs.Enabled)
        {
            foreach (var directory in options.Logs.Include.Select(LogGlob.StaticDirectoryOf).Distinct(StringComparer.Ordinal))
            {
                if (!Directory.Exists(directory))
                {
                    _warnings.Add($"Logs:Include: directory {directory} does not exist (not a Kubernetes node?); files will be picked up when it appears");
                }
            }
        }

        if (options.Metrics.Enabled)
        {
            foreach (var (key, path) in new[] { ("Host:ProcPath", options.Paths.Proc), ("Host:SysPath", options.Paths.Sys), ("Host:RootPath", options.Paths.Root) })
            {
                if (!Directory.Exists(path))
                {
                    _warnings.Add($"{key}: directory {path} does not exist; collectors that read it report no data");
                }
            }
        }
    }

    private string? Text(string key) => string.IsNullOrWhiteSpace(_config[key]) ? null : _config[key]!.Trim();

    private string? PathValue(string key) => Text(key) ?? ConfigSchema.Find(key)!.Default;

    private bool Bool(string key) => Parse(key, ConfigValues.ParseBool, ConfigValues.BoolExpected)
        ?? ConfigValues.ParseBool(ConfigSchema.Find(key)!.Default!)!.Value;

    private TimeSpan Duration(string key) => Parse(key, ConfigValues.ParseDuration, ConfigValues.DurationExpected)
        ?? ConfigValues.ParseDuration(ConfigSchema.Find(key)!.Default!)!.Value;

    private long Size(string key) => Parse(key, ConfigValues.ParseSize, ConfigValues.SizeExpected)
        ?? ConfigValues.ParseSize(ConfigSchema.Find(key)!.Default!)!.Value;

    private string? Choice(string key)
    {
        var choices = ConfigSchema.Find(key)!.Choices!;
        var text = Text(key);
        if (text is null)
        {
            return ConfigSchema.Find(key)!.Default;
        }

        var match = choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            Error(key, $"'{text}' is not one of {string.Join(", ", choices)}" + Suggestions.DidYouMean(text, choices));
        }

        return match;
    }

    /// <summary>A list is a JSON array (<c>Key:0</c>, <c>Key:1</c>…) or one comma-separated value (handy in env).</summary>
    private List<string> List(string key)
    {
        var section = _config.GetSection(key);
        var items = section.GetChildren().Select(c => c.Value).ToList();
        if (items.Count == 0 && section.Value is { } single)
        {
            items = [.. single.Split(',')];
        }
        else if (items.Count == 0 && !IsSetByAnyLayer(key))
        {
            var fallback = ConfigSchema.Find(key)!.Default;
            items = fallback is null ? [] : [fallback];
        }

        return [.. items.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i!.Trim())];
    }

    private string? ExistingFile(string key)
    {
        var path = Text(key);
        if (path is not null && !File.Exists(path))
        {
            Error(key, $"file {path} does not exist (expected a readable file)");
        }

        return path;
    }

    private T? Parse<T>(string key, Func<string, T?> parse, string expected)
        where T : struct
    {
        var text = _config[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = parse(text);
        if (value is null)
        {
            Error(key, $"'{text}' is not valid (expected {expected})");
        }

        return value;
    }

    private T? ParseReference<T>(string key, Func<string, T?> parse, string expected)
        where T : class
    {
        var text = _config[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = parse(text);
        if (value is null)
        {
            Error(key, $"'{text}' is not valid (expected {expected})");
        }

        return value;
    }

    private bool IsSetByAnyLayer(string key) =>
        _layers.Any(l => !l.IsBuiltIn && l.Values.Keys.Any(k => k.Equals(key, StringComparison.OrdinalIgnoreCase) || k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)));

    private void Error(string key, string problem, string? originKey = null) =>
        _errors.Add($"{OriginOf(originKey ?? key)}: {key}: {problem}");

    /// <summary>The layer that set the winning value, so the message points at the file or variable to fix.</summary>
    private string OriginOf(string key)
    {
        for (var i = _layers.Count - 1; i >= 0; i--)
        {
            if (_layers[i].Values.Keys.Any(k => k.Equals(key, StringComparison.OrdinalIgnoreCase) || k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)))
            {
                return _layers[i].Name;
            }
        }

        return "configuration";
    }
}
