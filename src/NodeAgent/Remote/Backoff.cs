namespace NodeAgent.Remote;

/// <summary>
/// Retrying a remote server (Elasticsearch, the Kubernetes API server): exponential backoff with full jitter (a random wait between 0 and min(cap, base × 2^attempt)), so that a thousand
/// agents whose cluster comes back do not retry in step. A <c>Retry-After</c> from the server is honoured, clamped to
/// the cap, and never shortened by the jitter.
/// </summary>
internal static class Backoff
{
    public static readonly TimeSpan Base = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    public static TimeSpan Delay(int attempt, TimeSpan? retryAfter = null, Random? random = null)
    {
        var ceiling = Math.Min(Cap.TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20)));
        var jittered = TimeSpan.FromMilliseconds((random ?? Random.Shared).NextDouble() * ceiling);
        return retryAfter is { } after && after > jittered ? (after < Cap ? after : Cap) : jittered;
    }
}
