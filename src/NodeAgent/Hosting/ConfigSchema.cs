namespace NodeAgent.Hosting;

internal enum ConfigKind
{
    Text,
    Path,
    Bool,
    Duration,
    Size,
    List,
    Choice,
    ListenAddress,
    Regex,
    /// <summary>A family of keys <c>Section:Key:&lt;name&gt;</c>, each a bool, names from a closed set.</summary>
    BoolMap,
    /// <summary>Named rules <c>Section:Key:&lt;name&gt;:&lt;part&gt;</c>, each part a regular expression
    /// (<see cref="ConfigKey.Choices"/> lists the parts).</summary>
    RuleMap,
}

/// <summary>One configuration key of the public contract (CONTRACT.md).</summary>
/// <param name="Default">The built-in value as a config string; null when the key is unset by default or computed.</param>
/// <param name="DefaultText">How the default reads in the README and check-config when it is not a plain value.</param>
internal sealed record ConfigKey(
    string Path,
    ConfigKind Kind,
    string? Default,
    string Meaning,
    bool Secret = false,
    string? DefaultText = null,
    IReadOnlyList<string>? Choices = null)
{
    public string Section => Path[..Path.IndexOf(':', StringComparison.Ordinal)];

    public string DocumentedDefault => DefaultText ?? Default ?? "unset";
}

/// <summary>
/// Every key the agent accepts. The reader, the unknown-key check, check-config and the README table all derive from
/// this list, so a key cannot be accepted without being documented or documented without being read. The collectors'
/// own keys come from their descriptors (Metrics/CollectorCatalog.cs, read in ConfigSchema.Metrics.cs).
/// </summary>
internal static partial class ConfigSchema
{
    public static readonly IReadOnlyList<string> LogLevels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];

    public static readonly IReadOnlyList<ConfigKey> Keys =
    [
        new("Node:Name", ConfigKind.Text, null, "node name put on every document",
            DefaultText: "env `NODE_NAME`, else the host name"),
        new("Agent:PodName", ConfigKind.Text, null, "the agent's own pod: its log files are known by their path and never shipped with the console output",
            DefaultText: "env `POD_NAME`"),
        new("Agent:PodNamespace", ConfigKind.Text, null, "namespace of the agent's own pod", DefaultText: "env `POD_NAMESPACE`"),
        new("Http:ListenAddress", ConfigKind.ListenAddress, "0.0.0.0:9100",
            "where /metrics, /healthz, /readyz and / are served (`host:port`, `[::]:port`)"),
        new("Http:MetricsPath", ConfigKind.Text, "/metrics",
            "the path the metrics are served at (node_exporter's `--web.telemetry-path`); `/` serves them there, without the index page"),
        new("Http:WebConfigFile", ConfigKind.Path, null,
            "web configuration file in exporter-toolkit's format (node_exporter's `--web.config.file`): TLS, client certificates, basic auth and headers on the listen address (see \"TLS and basic auth\")"),
        new("Host:ProcPath", ConfigKind.Path, "/proc", "procfs root (`/host/proc` in the DaemonSet)"),
        new("Host:SysPath", ConfigKind.Path, "/sys", "sysfs root (`/host/sys` in the DaemonSet)"),
        new("Host:RootPath", ConfigKind.Path, "/", "host root filesystem, for statfs and /etc/os-release"),
        new("Metrics:Enabled", ConfigKind.Bool, "true", "serve node_* metrics"),
        new("Metrics:Collectors", ConfigKind.BoolMap, null,
            "`Metrics:Collectors:<name>`: `true`/`false` per collector (node_exporter names, e.g. `Metrics:Collectors:processes=true`)",
            DefaultText: "node_exporter's defaults"),
        new("Metrics:CollectorTimeout", ConfigKind.Duration, "5s",
            "longest a scrape waits for a collector; a late collector is left out of that scrape with success 0"),
        new("Metrics:AgentMetrics", ConfigKind.Bool, "true",
            "serve the agent's own `process_*` and `nodeagent_*` families with the node ones (`false`: node_exporter's `--web.disable-exporter-metrics`); `nodeagent_build_info` is always served"),
        .. CollectorKeys(),
        new("Logs:Enabled", ConfigKind.Bool, "true", "run the log pipeline (see Switching from node_exporter)",
            DefaultText: "`true`; `false` when started with node_exporter's flags and no log setting"),
        new("Logs:Include", ConfigKind.List, "/var/log/containers/*.log", "globs of files to tail",
            DefaultText: "`[\"/var/log/containers/*.log\"]`"),
        new("Logs:Exclude", ConfigKind.List, null, "globs to skip", DefaultText: "`[]`"),
        new("Logs:StatePath", ConfigKind.Path, "/var/lib/node-agent", "directory for checkpoints and the dead-letter file"),
        new("Logs:ReadFromHead", ConfigKind.Bool, "true", "read files found at first start from their beginning"),
        new("Logs:MaxLineBytes", ConfigKind.Size, "1MiB", "a physical line longer than this is cut into parts that continue the same message, never a stalled file"),
        new("Logs:MaxMessageBytes", ConfigKind.Size, "1MiB", "cap of a message joined from partial lines; the excess is dropped and flagged"),
        new("Logs:PartialFlushTimeout", ConfigKind.Duration, "5s", "a partial message whose end never comes is shipped after this, flagged"),
        new("Logs:MaxOpenFiles", ConfigKind.Size, "1024", "most files held open at once; beyond it the rotated or deleted ones are closed and their unread bytes counted as lost"),
        new("Logs:MaxBufferedBytes", ConfigKind.Size, "8MiB", "most log bytes read but not yet acknowledged; reading pauses above it (backpressure)"),
        new("Logs:PollInterval", ConfigKind.Duration, "500ms", "how often the include globs are listed (a directory watch wakes it sooner)"),
        new("Logs:CheckpointExpiry", ConfigKind.Duration, "24h", "a checkpoint of a file not seen for this long is dropped"),
        new("Logs:ParseJson", ConfigKind.Bool, "false",
            "parse every message that is a JSON object into `json.*` (per pod: annotation `node-agent.io/parse: json`)"),
        new("Logs:Multiline", ConfigKind.Text, "auto",
            "how a file's lines are joined into one message: `auto` (stack traces of Java, Python, Go, .NET, Node.js, Ruby and PHP), `none`, one of those languages (`java`, `python`, `go`, `dotnet`, `nodejs`, `ruby`, `php`) or a rule of `Logs:MultilineRules`; per pod: annotation `node-agent.io/multiline`"),
        new("Logs:MultilineRules", ConfigKind.RuleMap, null,
            "custom rules, `Logs:MultilineRules:<name>:Start` and `:Continue`: regular expressions; a line matching Start begins a message, the lines after it matching Continue join it",
            DefaultText: "none", Choices: ["Start", "Continue"]),
        new("Logs:MultilineFlushTimeout", ConfigKind.Duration, "1s", "a multiline message with no new line for this long is shipped as it is"),
        new("Logs:PlainDataStream", ConfigKind.Text, "logs-host.file-default",
            "data stream of the lines of files that are neither CRI nor docker json-file (outside kubelet's log directories): plain host files such as `/var/log/syslog`"),
        new("Logs:AllowedRoots", ConfigKind.List, null,
            "only regular files whose resolved path (links and `..` followed) lies under one of these directories are read; anything else is refused, counted and logged once",
            DefaultText: "`/var/log/pods`, `/var/log/containers`, `/var/lib/docker/containers`, and each `Logs:Include` glob's base directory with the `pods` directory beside it"),
        new("Journal:Enabled", ConfigKind.Bool, null,
            "ship the systemd journal, read from journald's own files (see \"The systemd journal\")",
            DefaultText: "`true` when one of `Journal:Paths` exists; `false` when the log pipeline is off"),
        new("Journal:Paths", ConfigKind.List, null,
            "directories of journal files (`*.journal`, `*.journal~`), with their machine-id subdirectories",
            DefaultText: "`/var/log/journal`, `/run/log/journal`"),
        new("Journal:Units", ConfigKind.List, null,
            "ship only these units' entries, matched as `journalctl -u` does (`kubelet` is `kubelet.service`); empty: every entry",
            DefaultText: "`[]` (all)"),
        new("Journal:DataStream", ConfigKind.Text, "logs-journald.logs-default",
            "data stream of the journal's entries (as `Elasticsearch:DataStream` is checked); none with `Elasticsearch:Index`, whose index takes them"),
        new("Kubernetes:Enabled", ConfigKind.Bool, null, "enrich documents from a watch of this node's pods; honour the opt-out annotations",
            DefaultText: "`true` in a pod with a service account, or when `Kubernetes:Kubeconfig` is set"),
        new("Kubernetes:Kubeconfig", ConfigKind.Path, null, "kubeconfig file for runs outside the cluster (else the pod's service account)"),
        new("Kubernetes:MetadataWait", ConfigKind.Duration, "2s",
            "longest a new file's lines wait for their pod's metadata before shipping with the fields its path gives"),
        new("Kubernetes:ClusterName", ConfigKind.Text, null, "`orchestrator.cluster.name` on every document"),
        new("Kubernetes:NamespaceLabels", ConfigKind.Bool, "false", "add the namespace's labels as `kubernetes.namespace_labels.*`"),
        new("Kubernetes:Annotations", ConfigKind.List, null, "pod annotation keys copied into documents as `kubernetes.annotations.*` (exact keys, or a prefix ending in `*`; `*`: all)", DefaultText: "`[]` (none)"),
        new("Kubernetes:MaxMetadataBytes", ConfigKind.Size, "16KiB", "most bytes of labels and annotations in one document; pairs that do not fit are left out and counted"),
        new("Output:Type", ConfigKind.Choice, null, "`console` writes the documents as NDJSON to stdout",
            DefaultText: "`elasticsearch` if `Elasticsearch:Urls` is set, else `console`", Choices: ["console", "elasticsearch"]),
        new("Elasticsearch:Urls", ConfigKind.List, null, "one or more base URLs; requests spread and fail over among them",
            DefaultText: "`[]`"),
        new("Elasticsearch:DataStream", ConfigKind.Text, "logs-kubernetes.container_logs-default", "target data stream (bulk `create`)"),
        new("Elasticsearch:Index", ConfigKind.Text, null, "a plain index or alias instead of a data stream (may hold a date pattern)"),
        new("Elasticsearch:Username", ConfigKind.Text, null, "basic auth user"),
        new("Elasticsearch:Password", ConfigKind.Text, null, "basic auth password", Secret: true),
        new("Elasticsearch:PasswordFile", ConfigKind.Path, null, "file holding the basic auth password"),
        new("Elasticsearch:ApiKey", ConfigKind.Text, null, "`Authorization: ApiKey ...` (the encoded key)", Secret: true),
        new("Elasticsearch:ApiKeyFile", ConfigKind.Path, null, "file holding the API key"),
        new("Elasticsearch:CaFile", ConfigKind.Path, null, "PEM file of the CA that signed the cluster's certificate"),
        new("Elasticsearch:InsecureSkipVerify", ConfigKind.Bool, "false", "accept any server certificate (tests only)"),
        new("Elasticsearch:Compression", ConfigKind.Choice, "gzip", "`gzip` or `none`", Choices: ["gzip", "none"]),
        new("Elasticsearch:FlushInterval", ConfigKind.Duration, "1s", "longest a line waits before its batch is sent"),
        new("Elasticsearch:MaxBatchBytes", ConfigKind.Size, "2MiB", "uncompressed bulk body cap"),
        new("Shutdown:Timeout", ConfigKind.Duration, "20s", "on SIGTERM, how long to ship what is in flight before exiting"),
        new("Logging:Format", ConfigKind.Choice, "json", "the agent's own logs on stdout: `json` (one object per line) or `text`",
            Choices: ["json", "text"]),
        new("Logging:Level", ConfigKind.Choice, "Information", "least severe level of the agent's own logs", Choices: LogLevels),
    ];

    public static ConfigKey? Find(string path) =>
        Keys.FirstOrDefault(k => string.Equals(k.Path, path, StringComparison.OrdinalIgnoreCase));

    public static IEnumerable<string> Sections => Keys.Select(k => k.Section).Distinct(StringComparer.Ordinal);
}
