using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>The open watch connections, so a test can count them and cut them all.</summary>
internal sealed class WatchRegistry
{
    private readonly ConcurrentDictionary<HttpContext, byte> _open = new();

    public int Count => _open.Count;

    public void Add(HttpContext context) => _open.TryAdd(context, 0);

    public void Remove(HttpContext context) => _open.TryRemove(context, out _);

    /// <summary>Aborts each connection: the client sees the stream end without the terminating chunk, as when a load
    /// balancer or the API server's process goes away, not the clean end of a timed-out watch.</summary>
    public void AbortAll()
    {
        foreach (var context in _open.Keys)
        {
            context.Abort();
        }
    }
}
