namespace NodeAgent.KubernetesApiEmulation;

public sealed record FakeKubernetesApiOptions
{
    /// <summary>When set, every request must carry <c>Authorization: Bearer &lt;token&gt;</c>, else 401 with a Status.</summary>
    public string? Token { get; init; }

    /// <summary>How often an idle watch that asked for <c>allowWatchBookmarks=true</c> gets a BOOKMARK. The real server
    /// sends one about every minute; tests want them sooner.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Serve HTTPS with a self-signed certificate made in-process (see <see cref="FakeKubernetesApi.CertificatePem"/>).</summary>
    public bool Tls { get; init; }
}
