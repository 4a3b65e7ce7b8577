using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using NodeAgent.Remote;

namespace NodeAgent.Kubernetes;

/// <summary>What to list and watch, and where the results go.</summary>
/// <param name="Name">For logs and metrics: <c>pods</c>, <c>namespaces</c>.</param>
/// <param name="Path">The collection's path under the API server's base URL, e.g. <c>api/v1/pods</c>.</param>
/// <param name="FieldSelector">Restricts both the list and the watch (<c>spec.nodeName=&lt;node&gt;</c>); null for all.</param>
/// <param name="Replace">The complete list, after the first LIST and after every relist.</param>
/// <param name="Apply">One watch event: ADDED, MODIFIED or DELETED and the object.</param>
internal sealed record WatchTarget<T>(
    string Name,
    string Path,
    string? FieldSelector,
    JsonTypeInfo<T> ItemType,
    JsonTypeInfo<ObjectList<T>> ListType,
    Action<IReadOnlyList<T>> Replace,
    Action<string, T> Apply)
    where T : IKubernetesObject;

/// <summary>
/// The list-then-watch loop of the Kubernetes API concepts ("efficient detection of changes"), for one resource: a
/// paginated LIST gives the state and a resourceVersion; a WATCH from that version streams every change after it;
/// each event and bookmark moves the version on, so a watch that ends (the server's timeout, a dropped connection)
/// resumes where it stopped without listing again. Only <c>410 Gone</c> (the version was compacted away) makes it
/// list again. Errors back off exponentially with jitter, so a thousand agents do not hammer a recovering API server.
/// </summary>
/// <remarks>
/// The watch stream is read here line by line (the AOT flavour of the official client has no watcher), which also
/// keeps its deadline and the resourceVersion in our hands.
/// </remarks>
internal sealed partial class ResourceWatch<T>(
    KubernetesApi api,
    WatchTarget<T> target,
    KubernetesStatistics statistics,
    TimeProvider time,
    ILogger logger,
    TimeSpan? watchTimeout = null)
    where T : IKubernetesObject
{
    /// <summary>Pages of a LIST: bounded memory per response, as client-go's reflector pages (500).</summary>
    internal const int PageSize = 500;

    /// <summary>How long the server keeps one watch open (client-go picks 5–10 minutes at random).</summary>
    private readonly TimeSpan _watchTimeout = watchTimeout ?? TimeSpan.FromMinutes(5);

    /// <summary>A watch that has sent nothing (not even a bookmark) for this long past its timeout is dead.</summary>
    private static readonly TimeSpan ReadGrace = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Longest silence on an open watch (bookmarks come about once a minute).</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(150);

    /// <summary>The newest resourceVersion seen (list, event or bookmark): where the next watch starts. Kept across a
    /// failed watch, so a dropped connection resumes after the last event applied; null means list first.</summary>
    private string? _version;

    /// <summary>Whether the last watch did any good (an event or a bookmark): only then does the backoff start over.
    /// A server that answers every watch with an immediate end, or every list with 410, is backed off like an error.</summary>
    private bool _progressed;

    /// <summary>The list after a 410 reads from etcd (resourceVersion unset), as client-go's reflector does; the first
    /// list may be served from the API server's cache (resourceVersion=0), sparing etcd when a DaemonSet rolls out.</summary>
    private bool _consistentList;

    public async Task RunAsync(CancellationToken cancellation)
    {
        var attempt = 0;
        while (!cancellation.IsCancellationRequested)
        {
            _progressed = false;
            try
            {
                if (_version is null)
                {
                    _version = await ListAsync(cancellation);
                }

                var outcome = await WatchAsync(cancellation);
                if (outcome.Gone)
                {
                    statistics.Relist(target.Name);
                    Log.Gone(logger, target.Name, _version);
                    _version = null;
                    _consistentList = true;
                }
                else if (_progressed || outcome.Elapsed > TimeSpan.FromSeconds(30))
                {
                    // The server ended a watch that served (its timeoutSeconds): resume at once from where it stopped.
                    attempt = 0;
                    continue;
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (WatchFailedException e) when (e.StatusCode == HttpStatusCode.Gone)
            {
                // An expired continue token in a paginated LIST: start the list over.
                statistics.Relist(target.Name);
                _version = null;
                _consistentList = true;
            }
            catch (Exception e)
            {
                // Anything — an unreachable server, a refused token, an exec credential plugin failing, an object the
                // agent cannot read — is logged and retried: the watch must never end while the agent runs (a
                // BackgroundService that throws just stops, and the cache would go stale without a word).
                statistics.Error(target.Name);
                LogFailure(e, attempt);
            }

            if (_progressed)
            {
                attempt = 0;
            }

            var delay = Backoff.Delay(attempt++);
            await Task.Delay(delay, time, cancellation).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<string?> ListAsync(CancellationToken cancellation)
    {
        var items = new List<T>();
        string? token = null;
        string? version = null;
        do
        {
            var query = new StringBuilder("?limit=").Append(PageSize);
            AppendSelector(query);
            if (token is null && !_consistentList)
            {
                query.Append("&resourceVersion=0");
            }

            if (token is not null)
            {
                query.Append("&continue=").Append(Uri.EscapeDataString(token));
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            deadline.CancelAfter(ListTimeout);
            using var response = await api.GetAsync(target.Path + query, deadline.Token);
            await ThrowIfFailedAsync(response, deadline.Token);
            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            var page = await JsonSerializer.DeserializeAsync(body, target.ListType, deadline.Token)
                ?? throw new JsonException($"an empty {target.Name} list");
            items.AddRange((page.Items ?? []).Where(i => i.Metadata is { Name.Length: > 0, Uid.Length: > 0 }));
            // Every page of one list is a snapshot at the first page's resourceVersion.
            version ??= page.Metadata?.ResourceVersion;
            token = string.IsNullOrEmpty(page.Metadata?.Continue) ? null : page.Metadata.Continue;
        }
        while (token is not null);

        target.Replace(items);
        _consistentList = false;
        statistics.Listed(target.Name, time.GetUtcNow());
        statistics.Contact(target.Name, time.GetUtcNow());
        Log.Listed(logger, target.Name, items.Count, version);
        return version;
    }

    private async Task<WatchOutcome> WatchAsync(CancellationToken cancellation)
    {
        var version = _version;
        var started = time.GetUtcNow();
        var query = new StringBuilder("?watch=true&allowWatchBookmarks=true");
        query.Append("&timeoutSeconds=").Append((int)_watchTimeout.TotalSeconds);
        if (!string.IsNullOrEmpty(version))
        {
            query.Append("&resourceVersion=").Append(Uri.EscapeDataString(version));
        }

        AppendSelector(query);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(_watchTimeout + ReadGrace);
        // A connection that died without a FIN (a NAT entry expired, a node rebooted) reads nothing forever: the
        // server sends a bookmark about once a minute, so this long a silence means the watch is gone.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        using var response = await api.GetAsync(target.Path + query, deadline.Token);
        if (response.StatusCode == HttpStatusCode.Gone)
        {
            return new WatchOutcome(Gone: true, time.GetUtcNow() - started);
        }

        await ThrowIfFailedAsync(response, deadline.Token);

        statistics.WatchStarted(target.Name);
        statistics.Contact(target.Name, time.GetUtcNow());
        await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (true)
        {
            idle.CancelAfter(IdleTimeout);
            var line = await reader.ReadLineAsync(idle.Token);
            if (line is null)
            {
                break;
            }

            statistics.Contact(target.Name, time.GetUtcNow());
            if (line.Length == 0)
            {
                continue;
            }

            var watchEvent = JsonSerializer.Deserialize(line, KubernetesJsonContext.Default.WatchEvent);
            if (watchEvent is null || watchEvent.Object.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException($"a {target.Name} watch event without an object: {Truncate(line)}");
            }

            var body = watchEvent.Object;
            switch (watchEvent.Type)
            {
                case "ADDED" or "MODIFIED" or "DELETED":
                    var item = body.Deserialize(target.ItemType) ?? throw new JsonException($"an empty {target.Name} object");
                    if (item.Metadata is not { Name.Length: > 0, Uid.Length: > 0 })
                    {
                        // Skipped, not retried: the same event would come back on every resumed watch.
                        _version = item.Metadata?.ResourceVersion ?? _version;
                        statistics.Error(target.Name);
                        Log.Unreadable(logger, target.Name, Truncate(line));
                        break;
                    }

                    // Applied first, then its version taken: an event whose application failed comes again.
                    target.Apply(watchEvent.Type, item);
                    _version = item.Metadata.ResourceVersion ?? _version;
                    _progressed = true;
                    statistics.Event(target.Name, watchEvent.Type);
                    break;
                case "BOOKMARK":
                    // Only the resourceVersion is meaningful in a bookmark: the watch is current up to it.
                    _version = body.Deserialize(target.ItemType)?.Metadata?.ResourceVersion ?? _version;
                    _progressed = true;
                    statistics.Event(target.Name, "BOOKMARK");
                    break;
                case "ERROR":
                    var status = body.Deserialize(KubernetesJsonContext.Default.StatusObject) ?? new StatusObject();
                    if (status.Code == (int)HttpStatusCode.Gone)
                    {
                        return new WatchOutcome(Gone: true, time.GetUtcNow() - started);
                    }

                    throw new WatchFailedException((HttpStatusCode)(status.Code ?? 500), status.Message ?? status.Reason ?? "watch error");
                default:
                    throw new JsonException($"unknown {target.Name} watch event type '{watchEvent.Type}'");
            }
        }

        return new WatchOutcome(Gone: false, time.GetUtcNow() - started);
    }

    private void AppendSelector(StringBuilder query)
    {
        if (target.FieldSelector is not null)
        {
            query.Append("&fieldSelector=").Append(Uri.EscapeDataString(target.FieldSelector));
        }
    }

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellation);
            throw new WatchFailedException(response.StatusCode, StatusMessage(body));
        }
    }

    private void LogFailure(Exception e, int attempt)
    {
        var status = (e as WatchFailedException)?.StatusCode;
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            // Wrong RBAC or an expired token is a set-up error: say what is needed, every time (it is backed off).
            Log.Denied(logger, target.Name, (int)status, e.Message);
        }
        else if (attempt < 3)
        {
            Log.Failed(logger, target.Name, e.Message);
        }
        else
        {
            Log.StillFailing(logger, target.Name, attempt, e.Message);
        }
    }

    private static string StatusMessage(string body)
    {
        try
        {
            var status = JsonSerializer.Deserialize(body, KubernetesJsonContext.Default.StatusObject);
            return status?.Message ?? status?.Reason ?? Truncate(body);
        }
        catch (JsonException)
        {
            return Truncate(body);
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private readonly record struct WatchOutcome(bool Gone, TimeSpan Elapsed);

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Information, "Kubernetes: listed {Count} {Resource} at resourceVersion {Version}", EventName = "KubernetesListed")]
        public static partial void Listed(ILogger logger, string resource, int count, string? version);

        [LoggerMessage(1002, LogLevel.Information, "Kubernetes: the {Resource} watch from resourceVersion {Version} expired (410 Gone); listing again", EventName = "KubernetesWatchGone")]
        public static partial void Gone(ILogger logger, string resource, string? version);

        [LoggerMessage(1003, LogLevel.Warning, "Kubernetes: the {Resource} list/watch failed ({Reason}); retrying with backoff", EventName = "KubernetesWatchFailed")]
        public static partial void Failed(ILogger logger, string resource, string reason);

        [LoggerMessage(1004, LogLevel.Error, "Kubernetes: the {Resource} list/watch still fails after {Attempts} attempts ({Reason}); documents ship with the fields their paths give until it recovers", EventName = "KubernetesWatchStillFailing")]
        public static partial void StillFailing(ILogger logger, string resource, int attempts, string reason);

        [LoggerMessage(1006, LogLevel.Warning, "Kubernetes: skipped a {Resource} watch event without a name or uid: {Line}", EventName = "KubernetesEventUnreadable")]
        public static partial void Unreadable(ILogger logger, string resource, string line);

        [LoggerMessage(1005, LogLevel.Error, "Kubernetes: the API server refused to list/watch {Resource} (HTTP {Status}: {Reason}); the agent's service account needs get, list and watch on pods and namespaces (deploy/kubernetes/rbac.yaml)", EventName = "KubernetesWatchDenied")]
        public static partial void Denied(ILogger logger, string resource, int status, string reason);
    }
}

/// <summary>A list or watch answered with an error status, or a watch sent an ERROR event other than 410.</summary>
internal sealed class WatchFailedException(HttpStatusCode statusCode, string message)
    : Exception($"HTTP {(int)statusCode}: {message}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;
}
