namespace NodeAgent.Hosting.Web;

/// <summary>
/// <c>rate_limit</c>: Go's <c>rate.NewLimiter(rate.Every(interval), burst)</c> with <c>Allow()</c>, which
/// exporter-toolkit puts in front of every request (429 when empty): a bucket of <c>burst</c> tokens, full at start,
/// refilled by one every interval; a burst of 0 lets nothing through.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _ticksPerToken;
    private readonly int _burst;
    private double _tokens;
    private long _last;

    public TokenBucket(RateLimitConfig config, TimeProvider time)
    {
        _time = time;
        _burst = config.Burst;
        _ticksPerToken = Math.Max(1, (long)(config.Interval.TotalSeconds * time.TimestampFrequency));
        _tokens = config.Burst;
        _last = time.GetTimestamp();
    }

    public bool TryTake()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (double)(now - _last) / _ticksPerToken);
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
