namespace NodeAgent.Telemetry;

/// <summary>
/// At most one log line per kind of event per interval, with the number left unsaid since the last one: a warning
/// that a log line can cause (a document refused, a line dropped) must never turn into a log line per line, or the
/// agent's own log, which it may ship too, would feed on itself.
/// </summary>
internal sealed class LogRateLimit(TimeProvider time, TimeSpan interval)
{
    private readonly Dictionary<string, (DateTimeOffset Last, long Suppressed)> _kinds = new(StringComparer.Ordinal);

    /// <summary>Whether to log this event now; <paramref name="suppressed"/> is how many of its kind were not logged
    /// since the last one that was.</summary>
    public bool ShouldLog(string kind, out long suppressed)
    {
        var now = time.GetUtcNow();
        lock (_kinds)
        {
            if (_kinds.TryGetValue(kind, out var seen) && now - seen.Last < interval)
            {
                _kinds[kind] = seen with { Suppressed = seen.Suppressed + 1 };
                suppressed = 0;
                return false;
            }

            suppressed = seen.Suppressed;
            _kinds[kind] = (now, 0);
            return true;
        }
    }
}
