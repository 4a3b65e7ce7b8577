namespace NodeAgent.ElasticsearchEmulation;

/// <summary>How the emulator starts. Security is on as soon as one user or API key is configured, as on a cluster
/// with xpack.security enabled; with none, every request is anonymous and allowed.</summary>
public sealed record EmulatorOptions
{
    /// <summary>0 picks a free loopback port.</summary>
    public int Port { get; init; }

    /// <summary>Keeps only ids and counts (the 409 rule still holds), not the sources: for benchmarks.</summary>
    public bool CountOnly { get; init; }

    /// <summary>Basic-auth users: name → password.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string>();

    /// <summary>API keys: id → key, sent as <c>Authorization: ApiKey base64(id:key)</c>.</summary>
    public IReadOnlyDictionary<string, string> ApiKeys { get; init; } = new Dictionary<string, string>();

    /// <summary>Users (or API key ids) that authenticate but hold no privilege: every request gets 403.</summary>
    public IReadOnlySet<string> ForbiddenUsers { get; init; } = new HashSet<string>();

    /// <summary>Seed of the random draws behind every fault ratio, so a failing run can be replayed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Serve HTTPS with a self-signed certificate made at start (see ElasticsearchEmulator.CertificatePem).</summary>
    public bool Tls { get; init; }

    /// <summary>Dates the data streams' backing indices (<c>.ds-name-yyyy.MM.dd-000001</c>).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal bool SecurityEnabled => Users.Count > 0 || ApiKeys.Count > 0;
}
