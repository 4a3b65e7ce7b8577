using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>The open watch connections, so a test can count them and cut them all.</summary>
internal sealed class WatchRegistry
{
    private readonly ConcurrentDictionary<HttpContext, byte> _open = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource? _held;

    public int Count => _open.Count;

    public void Add(HttpContext context) => _open.TryAdd(context, 0);

    public void Remove(HttpContext context) => _open.TryRemove(context, out _);

    /// <summary>Until the result is disposed, a new watch waits before it is answered: a test changes the server
    /// while no client can watch it (a client reconnects within milliseconds, sooner than a busy test's next step).</summary>
    public IDisposable Hold()
    {
        lock (_lock)
        {
            if (_held is not null)
            {
                throw new InvalidOperationException("watches are already held");
            }

            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return new Release(this);
    }

    /// <summary>Completes when no <see cref="Hold"/> is in force.</summary>
    public Task WhileHeldAsync(CancellationToken cancellation)
    {
        lock (_lock)
        {
            return _held?.Task.WaitAsync(cancellation) ?? Task.CompletedTask;
        }
    }

    /// <summary>Aborts each connection: the client sees the stream end without the terminating chunk, as when a load
    /// balancer or the API server's process goes away, not the clean end of a timed-out watch.</summary>
    public void AbortAll()
    {
        foreach (var context in _open.Keys)
        {
            context.Abort();
        }
    }

    private sealed class Release(WatchRegistry registry) : IDisposable
    {
        public void Dispose()
        {
            TaskCompletionSource? held;
            lock (registry._lock)
            {
                held = registry._held;
                registry._held = null;
            }

            held?.TrySetResult();
        }
    }
}
