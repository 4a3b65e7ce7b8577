namespace NodeAgent.Tailing;

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

    public long MaxBufferedBytes { get; init; } = 8L << 20;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan CheckpointExpiry { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Logs:ParseJson: every message that is a JSON object also goes into <c>json.*</c>.</summary>
    public bool ParseJson { get; init; }

    /// <summary>Logs:Multiline: how lines are joined (a pod's annotation may choose another).</summary>
    public Parsing.Multiline.MultilineRule Multiline { get; init; } = Parsing.Multiline.MultilineRule.Auto;

    /// <summary>Logs:MultilineRules, by name (their patterns as configured, for check-config, in
    /// <see cref="MultilinePatterns"/>).</summary>
    public IReadOnlyDictionary<string, Parsing.Multiline.MultilineRule> MultilineRules { get; init; } = new Dictionary<string, Parsing.Multiline.MultilineRule>();

    /// <summary>The patterns of <see cref="MultilineRules"/> as configured.</summary>
    public IReadOnlyDictionary<string, (string? Start, string? Continue)> MultilinePatterns { get; init; } = new Dictionary<string, (string?, string?)>();

    /// <summary>Logs:MultilineFlushTimeout.</summary>
    public TimeSpan MultilineFlushTimeout { get; init; } = Parsing.Multiline.MultilineJoiner.DefaultFlushTimeout;

    /// <summary>Logs:PlainDataStream: where the lines of a plain host file go (null with <c>Elasticsearch:Index</c>).</summary>
    public Delivery.DataStreamName? PlainDataStream { get; init; } = Delivery.DataStreamName.PlainDefault;

    /// <summary>The agent's own pod (<c>Agent:PodName</c>, <c>Agent:PodNamespace</c>), whose log files are known by
    /// their path alone; null outside a pod.</summary>
    public OwnPod? OwnPod { get; init; }

    /// <summary>Whether the agent's own log files are shipped: not with the console output, whose documents kubelet
    /// writes back into those very files (a feedback loop).</summary>
    public bool ShipOwnLogs { get; init; } = true;

    /// <summary>Logs:AllowedRoots: only regular files whose resolved path lies under one of these are read (the reader
    /// fills in <see cref="LogRoots.Defaults"/> when the key is not set).</summary>
    public IReadOnlyList<string> AllowedRoots { get; init; } = LogRoots.Standard;
}

/// <summary>The pod the agent runs in, from the downward API.</summary>
internal sealed record OwnPod(string Namespace, string Name);
