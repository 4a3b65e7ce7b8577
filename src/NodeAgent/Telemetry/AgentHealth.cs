using System.Collections.Concurrent;

namespace NodeAgent.Telemetry;

/// <summary>
/// What /healthz and /readyz report. Liveness: every registered loop has beaten within its allowed silence.
/// Readiness: no component has declared a reason the agent cannot do its job (for example the output unreachable).
/// </summary>
internal sealed class AgentHealth(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset LastBeat, TimeSpan AllowedSilence)> _loops = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _notReady = new(StringComparer.Ordinal);

    public void Beat(string loop, TimeSpan allowedSilence) => _loops[loop] = (time.GetUtcNow(), allowedSilence);

    public void Forget(string loop) => _loops.TryRemove(loop, out _);

    public void NotReady(string component, string reason) => _notReady[component] = reason;

    public void Ready(string component) => _notReady.TryRemove(component, out _);

    /// <summary>The loops that stopped beating, with how long ago they last did; empty when alive.</summary>
    public IReadOnlyList<string> StalledLoops()
    {
        var now = time.GetUtcNow();
        return [.. _loops
            .Where(l => now - l.Value.LastBeat > l.Value.AllowedSilence)
            .Select(l => $"{l.Key}: no progress for {(now - l.Value.LastBeat).TotalSeconds:F0}s")
            .Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<string> NotReadyReasons() =>
        [.. _notReady.Select(p => $"{p.Key}: {p.Value}").Order(StringComparer.Ordinal)];
}
